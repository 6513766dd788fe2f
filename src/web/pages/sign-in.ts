/** Sign-in on a server with accounts: the user pastes their API key; it is checked with /api/me and kept for this tab only. */
import { ApiError, authHeaders, setStoredKey } from '../api.ts';
import { h } from '../dom.ts';
import type { PageDef } from '../router.ts';
import { showWho } from '../who.ts';

async function checkKey(key: string): Promise<{ name: string; role: string }> {
  const res = await fetch('/api/me', { headers: { accept: 'application/json', ...authHeaders(key) } });
  const body = (await res.json().catch(() => null)) as { name: string; role: string; code?: string; message?: string } | null;
  if (!res.ok || !body) throw new ApiError(body?.code ?? 'HTTP', body?.message ?? `HTTP ${res.status}`, res.status);
  return body;
}

export const signInPage: PageDef = {
  path: '/sign-in',
  title: 'Sign in',
  render(root, params) {
    const input = h('input', { type: 'password', name: 'key', id: 'key-input', autocomplete: 'off', placeholder: 'atl_…', size: 64, required: true });
    const status = h('div', { id: 'sign-in-status', role: 'status' });
    const form = h(
      'form',
      { id: 'sign-in', class: 'filters' },
      h('label', {}, 'API key', input),
      h('button', { type: 'submit' }, 'Sign in'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const key = input.value.trim();
      status.replaceChildren(h('div', { class: 'state loading' }, 'Checking the key…'));
      checkKey(key)
        .then((me) => {
          setStoredKey(key);
          showWho(me);
          location.hash = params.get('next') || '#/';
        })
        .catch((e: unknown) => {
          status.dataset['state'] = 'error';
          status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, `That key was not accepted: ${e instanceof Error ? e.message : String(e)}`));
        });
    });
    root.append(
      h('h1', {}, 'Sign in'),
      h('p', { class: 'muted' }, 'This atlas has accounts. Paste the API key your admin gave you (`atlas users add NAME --role ROLE` prints it). It is kept in this tab only and sent with every request.'),
      form,
      status,
    );
    input.focus();
  },
};
