/**
 * Alerts: what the last ingests brought about the people you watch (new confirmed moves, institutions, works; people
 * newly matching a search or cohort), newest first, with "mark all read"; your watches below, each removable.
 * Profiles get a "Watch" button.
 */
import { ApiError, getJson, sendJson, type Page } from '../api.ts';
import { h, loadInto, personLink } from '../dom.ts';
import type { PageDef } from '../router.ts';

interface Alert { alert_id: string; seq: number; watch: string; person_id: string; display_name: string | null; kind: string; detail: Record<string, string | number | null>; created_at: string; read_at: string | null }
interface Watch { watch_id: string; label: string; following: number; unread: number; swept_at: string | null; last_error: string | null }

const errText = (e: unknown) => (e instanceof ApiError ? `${e.message} [${e.code}]` : String(e));

function what(a: Alert): string {
  const d = a.detail;
  if (a.kind === 'move') return `moved ${d['from']} → ${d['to']} in ${d['year']} (confirmed move)`;
  if (a.kind === 'affiliation') return `new affiliation ${d['institution'] ?? d['institution_id']}${d['country'] ? ` (${d['country']})` : ''} from ${d['first_year']}`;
  if (a.kind === 'work') return `new work “${d['title'] ?? d['work_id']}”${d['venue'] ? `, ${d['venue']}` : ''}${d['year'] ? ` ${d['year']}` : ''}`;
  return `now matches ${a.watch}`;
}

export const alertsPage: PageDef = {
  path: '/alerts',
  title: 'Alerts',
  nav: 'Alerts',
  async render(root, params) {
    const all = params.get('all') === 'true';
    const list = h('div', { id: 'alerts' });
    const watches = h('div', { id: 'watches' });
    const status = h('div', { role: 'status' });
    const redraw = () => void alertsPage.render((root.replaceChildren(), root), params);
    root.append(h('h1', {}, 'Alerts'), h('p', { class: 'muted' }, 'After each ingest: new confirmed country moves, new institutions and new works of the people you watch. Watch people from their profiles, or a search or cohort with `atlas watch`.'), status, list, h('h2', {}, 'Your watches'), watches);
    await loadInto(
      list,
      'alerts',
      () => getJson<{ items: Alert[] }>('alerts', { unread: all ? 'false' : 'true', limit: 500 }),
      (r) => {
        const read = h('button', { type: 'button', id: 'mark-read' }, 'Mark all read');
        read.addEventListener('click', () => void sendJson('POST', 'alerts/read', { through: r.items[0]?.seq }).then(redraw, (e: unknown) => status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, errText(e)))));
        list.append(read, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'when'), h('th', {}, 'who'), h('th', {}, 'what'), h('th', {}, 'watch'))), h('tbody', {}, ...r.items.map((a) => h('tr', { 'data-alert': a.kind }, h('td', {}, a.created_at.slice(0, 16).replace('T', ' ')), h('td', {}, personLink(a.person_id, a.display_name)), h('td', {}, what(a)), h('td', { class: 'muted' }, a.watch))))));
      },
      (r) => r.items.length === 0,
      all ? 'No alerts yet.' : 'No unread alerts.',
    );
    // After the alerts: GET /api/alerts sweeps first, so the unread counts below include what it found.
    await loadInto(
      watches,
      'watches',
      () => getJson<Page<Watch>>('watches', { limit: 200 }),
      (p) => {
        watches.append(h('ul', { class: 'lists' }, ...p.items.map((w) => {
          const stop = h('button', { type: 'button', class: 'link', 'data-unwatch': w.watch_id }, 'stop watching');
          stop.addEventListener('click', () => void sendJson('DELETE', `watches/${encodeURIComponent(w.watch_id)}`).then(redraw, (e: unknown) => status.replaceChildren(h('div', { class: 'state error', role: 'alert' }, errText(e)))));
          return h('li', { 'data-watch': w.watch_id }, `${w.label} · following ${w.following} · ${w.unread} unread${w.last_error ? ` · not swept: ${w.last_error}` : ''} `, stop);
        })));
      },
      (p) => p.items.length === 0,
      'You watch nothing yet.',
    );
  },
};

/** On a profile: watch this person (new moves, affiliations and works after each ingest). */
export function watchPersonControl(personId: string): HTMLElement {
  const btn = h('button', { type: 'button', id: 'watch-person' }, 'Watch');
  const msg = h('span', { class: 'muted', role: 'status' });
  btn.addEventListener('click', () => {
    sendJson<{ label: string }>('POST', 'watches', { kind: 'person', person: personId }).then(
      (w) => msg.replaceChildren(` watching — ${w.label}`),
      (e: unknown) => msg.replaceChildren(` ${errText(e)}`),
    );
  });
  return h('span', { id: 'watch-control' }, btn, msg);
}
