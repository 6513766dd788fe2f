/** The header's "signed in as" line: name and role with a sign-out link on a server with accounts, nothing otherwise. */
import { setStoredKey } from './api.ts';
import { h } from './dom.ts';

export function showWho(me: { name: string; role: string; mode?: string } | null): void {
  const box = document.getElementById('who');
  if (!box) return;
  if (!me || me.mode === 'single-user') {
    box.replaceChildren();
    return;
  }
  const out = h('a', { href: '#/sign-in', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', () => {
    setStoredKey(null);
    showWho(null);
  });
  box.replaceChildren(h('span', { id: 'who-name' }, `${me.name} · ${me.role}`), ' ', out);
}
