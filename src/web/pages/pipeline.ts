/**
 * Pipeline: your shortlists (and those shared with you) and, for the chosen one, a board with a column per stage;
 * each card moves to another stage, takes a note, or leaves the list. The owner shares the list by user names.
 * Export downloads the CSV. Profiles get an "Add to shortlist" control.
 */
import { ApiError, downloadFile, getJson, sendJson, type Page } from '../api.ts';
import { fmt, h, loadInto, personLink } from '../dom.ts';
import { href, type PageDef } from '../router.ts';

export const STAGES = ['shortlisted', 'contacted', 'intro_requested', 'met', 'offer', 'hired', 'declined'] as const;
const label = (s: string) => s.replace('_', ' ');

interface ListSummary { shortlist_id: string; owner: string; name: string; mine: boolean; shared_with: string[]; people: number; by_stage: Record<string, number>; updated_at: string }
interface Entry { person_id: string; display_name: string | null; stage: string; note: string | null; updated_by: string; updated_at: string }
interface Board { shortlist: ListSummary; stages: Array<{ stage: string; people: Entry[] }>; total: number }

const errText = (e: unknown) => (e instanceof ApiError ? `${e.message} [${e.code}]` : String(e));

function card(listId: string, e: Entry, redraw: () => void, status: HTMLElement): HTMLElement {
  const select = h('select', { 'data-move': e.person_id, 'aria-label': `stage of ${e.display_name ?? e.person_id}` }, ...STAGES.map((s) => h('option', { value: s, selected: s === e.stage }, label(s))));
  const note = h('textarea', { rows: 2, 'data-note': e.person_id, placeholder: 'note', maxlength: 2000 }, e.note ?? '');
  const act = (fn: () => Promise<unknown>) => fn().then(redraw, (err: unknown) => status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, errText(err))));
  select.addEventListener('change', () => act(() => sendJson('PATCH', `shortlists/${listId}/people/${encodeURIComponent(e.person_id)}`, { stage: select.value })));
  note.addEventListener('change', () => act(() => sendJson('PATCH', `shortlists/${listId}/people/${encodeURIComponent(e.person_id)}`, { note: note.value || null })));
  const remove = h('button', { type: 'button', class: 'link', 'data-remove': e.person_id }, 'remove');
  remove.addEventListener('click', () => act(() => sendJson('DELETE', `shortlists/${listId}/people/${encodeURIComponent(e.person_id)}`)));
  return h('div', { class: 'card entry', 'data-person-card': e.person_id }, personLink(e.person_id, e.display_name), select, note, h('div', { class: 'muted' }, `${e.updated_at.slice(0, 16).replace('T', ' ')} · ${e.updated_by}`, ' ', remove));
}

async function drawBoard(box: HTMLElement, listId: string): Promise<void> {
  const status = h('div', { role: 'status' });
  const redraw = () => void drawBoard(box, listId);
  await loadInto(box, 'the board', () => getJson<Board>(`shortlists/${encodeURIComponent(listId)}`), (b) => {
    const exportBtn = h('button', { type: 'button', id: 'export-csv' }, 'Export CSV');
    exportBtn.addEventListener('click', () => void downloadFile(`shortlists/${listId}/export.csv`, `${b.shortlist.name}.csv`).catch((e: unknown) => status.replaceChildren(h('div', { class: 'state error' }, errText(e)))));
    const head = h('div', {}, h('h2', { id: 'board-name' }, b.shortlist.name), h('p', { class: 'muted' }, `${fmt(b.total)} people · owner ${b.shortlist.owner}${b.shortlist.shared_with.length ? ` · shared with ${b.shortlist.shared_with.join(', ')}` : ' · private'}`), exportBtn);
    if (b.shortlist.mine) {
      const users = h('input', { name: 'users', value: b.shortlist.shared_with.join(', '), placeholder: 'user names, comma-separated' });
      const share = h('form', { id: 'share-form', class: 'filters' }, h('label', {}, 'share with', users), h('button', { type: 'submit' }, 'Share'));
      share.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const names = users.value.split(',').map((s) => s.trim()).filter(Boolean);
        sendJson('POST', `shortlists/${listId}/shares`, { users: names }).then(redraw, (e: unknown) => status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, errText(e))));
      });
      head.append(share);
    }
    const columns = h('div', { class: 'board', id: 'board' }, ...b.stages.map((c) => h('div', { class: 'column', 'data-stage': c.stage }, h('h3', {}, `${label(c.stage)} (${c.people.length})`), ...c.people.map((e) => card(listId, e, redraw, status)))));
    box.append(head, status, columns);
  });
}

export const pipelinePage: PageDef = {
  path: '/pipeline',
  title: 'Pipeline',
  nav: 'Pipeline',
  async render(root, params) {
    const lists = h('div', { id: 'shortlists' });
    const board = h('div', { id: 'shortlist-board' });
    const name = h('input', { name: 'name', placeholder: 'e.g. Korean LLM engineers', maxlength: 100, required: true });
    const create = h('form', { id: 'create-shortlist', class: 'filters' }, h('label', {}, 'new shortlist', name), h('button', { type: 'submit' }, 'Create'));
    const status = h('div', { role: 'status' });
    create.addEventListener('submit', (ev) => {
      ev.preventDefault();
      sendJson<{ shortlist_id: string }>('POST', 'shortlists', { name: name.value.trim() }).then(
        (s) => (location.hash = href('/pipeline', { list: s.shortlist_id })),
        (e: unknown) => status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, errText(e))),
      );
    });
    root.append(h('h1', {}, 'Recruiting pipeline'), create, status, lists, board);
    const chosen = params.get('list');
    await loadInto(
      lists,
      'shortlists',
      () => getJson<Page<ListSummary>>('shortlists', { limit: 200 }),
      (p) => {
        lists.append(h('ul', { class: 'lists' }, ...p.items.map((l) => h('li', {}, h('a', { href: href('/pipeline', { list: l.shortlist_id }), 'data-list': l.shortlist_id, class: l.shortlist_id === chosen ? 'active' : undefined }, l.name), ` · ${l.people} people${l.mine ? '' : ` · ${l.owner}'s, shared with you`}`))));
      },
      (p) => p.items.length === 0,
      'No shortlists yet: create one, then add people from their profiles.',
    );
    if (chosen) await drawBoard(board, chosen);
  },
};

/** On a profile: choose one of your lists and add the person to it. */
export function addToShortlistControl(personId: string): HTMLElement {
  const box = h('span', { id: 'add-to-shortlist' });
  const select = h('select', { 'aria-label': 'shortlist' });
  const add = h('button', { type: 'button' }, 'Add to shortlist');
  const msg = h('span', { class: 'muted', role: 'status' });
  add.addEventListener('click', () => {
    sendJson('POST', `shortlists/${encodeURIComponent(select.value)}/people`, { person: personId }).then(
      () => msg.replaceChildren(' added — ', h('a', { href: href('/pipeline', { list: select.value }) }, 'open the board')),
      (e: unknown) => msg.replaceChildren(` ${errText(e)}`),
    );
  });
  getJson<Page<ListSummary>>('shortlists', { limit: 200 }).then(
    (p) => {
      if (!p.items.length) return void box.replaceChildren(h('a', { href: '#/pipeline' }, 'Create a shortlist →'));
      select.replaceChildren(...p.items.map((l) => h('option', { value: l.shortlist_id }, l.mine ? l.name : `${l.name} (${l.owner})`)));
      box.replaceChildren(select, ' ', add, msg);
    },
    () => box.replaceChildren(), // a role without shortlists: no control
  );
  return box;
}
