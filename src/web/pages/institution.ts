/**
 * Institution: its talent both ways — who is there now, where they studied (feeder institutions and countries by
 * education record, with the stated / observed basis) and where they worked before (institution moves in), and where
 * its alumni and former staff are now; a Sankey of feeders → the institution → destinations, and the tables behind it.
 */
import { getJson, type Page } from '../api.ts';
import { drawChart } from '../charts.ts';
import { careerParams, fmt, h, loadInto, personLink, table } from '../dom.ts';
import { href, type PageDef } from '../router.ts';

interface Ref { institution_id: string; name: string | null; country: string | null }
interface Match extends Ref { current: number }
interface Place extends Ref { people: number }
interface CountryCount { country: string; people: number }
interface Feeder extends Place { stated: number; observed: number }
interface FeederCountry extends CountryCount { stated: number; observed: number }
interface RestsOn { stated: number; observed: number; first_affiliation: number; none: number; unresolved?: number }
interface Member { person_id: string; display_name: string | null; origin: string | null; current_country: string | null; works: number }
/** GET /api/institutions/:id: every list is a page (limit/offset) of the full list, whose size is `total`. */
interface Talent {
  params: { institution: string; career: Record<string, unknown> };
  institution: Ref;
  current: { people: number; activeInReferenceYear: number; originRestsOn: RestsOn; byOrigin: Page<CountryCount>; members: Page<Member> };
  studied: { people: number; institutions: Page<Feeder>; countries: Page<FeederCountry> };
  workedBefore: { people: number; moves: number; institutions: Page<Place & { moves: number }>; countries: Page<CountryCount> };
  alumni: { people: number; stillHere: number; byCurrentCountry: Page<CountryCount>; byCurrentInstitution: Page<Place> };
  formerStaff: { people: number; movedTo: Page<Place & { moves: number }>; byCurrentCountry: Page<CountryCount>; byCurrentInstitution: Page<Place> };
}

/** The largest page the API gives: the tables show the first rows, the Sankey sums the rest of what it was sent. */
const LIMIT = 200;

/** An institution's name, linked to its talent page when the institution is known by an id. */
export function institutionLink(id: string | null | undefined, name: string | null | undefined): HTMLElement | string {
  if (!id) return name ?? 'unknown institution';
  return h('a', { href: href('/institution', { id }), 'data-institution': id }, name ?? id);
}

/** Rows drawn per side of the Sankey; the rest of each group is one "other" node (the tables list them all). */
const DRAWN = 8;
const TABLE_ROWS = 25;

/**
 * Feeders (by education, by previous affiliation) → the institution → where alumni and former staff are now. Each
 * group's nodes carry the group in their name, so an institution on both sides stays two nodes and nothing cycles.
 */
function talentSankey(el: HTMLElement, t: Talent): number {
  const me = t.institution.name ?? t.institution.institution_id;
  const ids = new Map<string, string>();
  const links: Array<{ source: string; target: string; value: number }> = [];
  const group = (label: string, rows: Page<Place>, side: 'in' | 'out'): void => {
    const shown = rows.items.filter((r) => r.institution_id !== t.institution.institution_id);
    const rest = shown.slice(DRAWN).reduce((n, r) => n + r.people, 0);
    const add = (name: string, value: number) => links.push(side === 'in' ? { source: name, target: me, value } : { source: me, target: name, value });
    for (const r of shown.slice(0, DRAWN)) {
      const name = `${label}: ${r.name ?? r.institution_id}`;
      ids.set(name, r.institution_id);
      add(name, r.people);
    }
    if (rest > 0) add(`${label}: other`, rest);
  };
  group('studied at', t.studied.institutions, 'in');
  group('worked at', t.workedBefore.institutions, 'in');
  group('alumni now at', t.alumni.byCurrentInstitution, 'out');
  group('former staff now at', t.formerStaff.byCurrentInstitution, 'out');
  const names = [...new Set(links.flatMap((l) => [l.source, l.target]))];
  el.style.height = `${Math.max(320, Math.min(900, names.length * 22))}px`;
  drawChart(
    el,
    {
      tooltip: { trigger: 'item' },
      series: [{ type: 'sankey', left: 20, right: 280, nodeGap: 8, label: { width: 270, overflow: 'truncate' }, emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.45 }, data: names.map((name) => ({ name, depth: name === me ? 1 : links.some((l) => l.source === name) ? 0 : 2, itemStyle: name === me ? { color: '#b54708' } : undefined })), links }],
    },
    (x) => {
      const id = x.dataType === 'node' && x.name ? ids.get(x.name) : undefined;
      if (id) location.hash = href('/institution', { id });
    },
  );
  return links.length;
}

const countryCell = (r: { country: string }) => (r.country === 'unknown' ? 'unknown' : h('a', { href: href('/country', { cc: r.country }) }, r.country));
const placeCols = [
  { key: 'name', label: 'institution', cell: (r: Place) => institutionLink(r.institution_id, r.name) },
  { key: 'country', label: 'country' },
  { key: 'people', label: 'people', num: true },
];

/** A titled table of a list's first rows (saying how many more there are), or its empty state. */
function section<T extends object>(id: string, title: string, rows: Page<T>, cols: Parameters<typeof table<T>>[1], none: string): HTMLElement {
  const more = rows.total - Math.min(rows.items.length, TABLE_ROWS);
  return h('div', { id }, h('h3', {}, title), rows.items.length ? table(rows.items.slice(0, TABLE_ROWS), cols) : h('p', { class: 'state empty' }, none), more > 0 ? h('p', { class: 'muted' }, `${fmt(more)} more not shown`) : '');
}

function renderTalent(box: HTMLElement, t: Talent): void {
  const i = t.institution;
  const r = t.current.originRestsOn;
  box.append(
    h('h1', { id: 'institution-name' }, i.name ?? i.institution_id, i.country ? ` (${i.country})` : ''),
    h('p', {}, h('span', { class: 'tag' }, i.institution_id), ' ', h('a', { href: href('/cohort', { institution: i.institution_id }) }, 'Cohort stages of the people here now →')),
    h('div', { class: 'grid' },
      h('div', { class: 'stat', 'data-count': 'current' }, h('b', {}, fmt(t.current.people)), h('span', {}, 'there now (current institution)')),
      h('div', { class: 'stat' }, h('b', {}, fmt(t.current.activeInReferenceYear)), h('span', {}, 'with an affiliation there in the last year of the data')),
      h('div', { class: 'stat' }, h('b', {}, fmt(t.studied.people)), h('span', {}, 'of those there now with an education record')),
      h('div', { class: 'stat' }, h('b', {}, fmt(t.workedBefore.people)), h('span', {}, `moved in from elsewhere (${fmt(t.workedBefore.moves)} moves)`)),
      h('div', { class: 'stat' }, h('b', {}, fmt(t.alumni.people)), h('span', {}, `alumni (${fmt(t.alumni.stillHere)} still here)`)),
      h('div', { class: 'stat' }, h('b', {}, fmt(t.formerStaff.people)), h('span', {}, 'former staff now elsewhere')),
    ),
    careerParams(t.params.career),
  );
  const chart = h('div', { class: 'chart', id: 'institution-sankey' });
  box.append(h('h2', {}, 'Where they came from, where they went'), chart);
  if (talentSankey(chart, t) === 0) chart.replaceWith(h('p', { class: 'state empty', id: 'institution-sankey' }, 'No feeder or destination institution known: nobody here has an education record or a confirmed move in or out.'));
  else box.append(h('p', { class: 'muted' }, `Left: the education institutions of the people here now, and the institutions people moved in from (confirmed institution moves, docs/mobility.md). Right: where the alumni (anyone with an education record here) and former staff (moved out, now elsewhere) are now. The ${DRAWN} largest of each group are drawn; the tables list more. Click an institution for its own page.`));

  box.append(h('h2', { id: 'there-now-title' }, `There now: ${fmt(t.current.people)} people`),
    h('p', { class: 'muted', id: 'there-now-origins' }, `Their origins rest on: stated education records ${fmt(r.stated)}, observed education records ${fmt(r.observed)}, first affiliation ${fmt(r.first_affiliation)}, nothing ${fmt(r.none)}. Origin is where a career starts (education, else first affiliation), never a nationality.`),
    h('div', { class: 'cols' },
      section('there-now', 'People (most works first)', t.current.members, [
        { key: 'display_name', label: 'name', cell: (m) => personLink(m.person_id, m.display_name) },
        { key: 'origin', label: 'origin' },
        { key: 'works', label: 'works', num: true },
      ], 'Nobody has this as their current institution.'),
      section('there-now-origin', 'By origin country', t.current.byOrigin, [{ key: 'country', label: 'origin', cell: countryCell }, { key: 'people', label: 'people', num: true }], 'Nobody here now.'),
    ),
  );
  const basisCols = [{ key: 'stated', label: 'stated', num: true }, { key: 'observed', label: 'observed', num: true }];
  box.append(h('h2', {}, 'Feeders: where the people here now studied and worked before'),
    h('p', { class: 'muted' }, `By education: distinct people here now with an education record at that place; "stated" and "observed" count those whose record there is stated by a source or observed from paper-list positions (a person with both counts in both). By previous affiliation: confirmed institution moves into ${i.name ?? i.institution_id}, whether the mover is still here or not.`),
    h('div', { class: 'cols' },
      section('feeders-education', 'By education: institutions', t.studied.institutions, [...placeCols, ...basisCols], 'No education record among the people here now.'),
      section('feeders-education-countries', 'By education: countries', t.studied.countries, [{ key: 'country', label: 'country', cell: countryCell }, { key: 'people', label: 'people', num: true }, ...basisCols], 'No education record with a country.'),
      section('feeders-affiliation', 'By previous affiliation: institutions', t.workedBefore.institutions, [...placeCols, { key: 'moves', label: 'moves', num: true }], 'No confirmed move into this institution.'),
      section('feeders-affiliation-countries', 'By previous affiliation: countries', t.workedBefore.countries, [{ key: 'country', label: 'country', cell: countryCell }, { key: 'people', label: 'people', num: true }], 'No confirmed move into this institution.'),
    ),
  );
  box.append(h('h2', {}, 'Where alumni and former staff are now'),
    h('div', { class: 'cols' },
      section('alumni', `Alumni now at (${fmt(t.alumni.people)} alumni, ${fmt(t.alumni.stillHere)} still here)`, t.alumni.byCurrentInstitution, placeCols, 'No alumnus is at another institution now.'),
      section('alumni-countries', 'Alumni by current country', t.alumni.byCurrentCountry, [{ key: 'country', label: 'country', cell: countryCell }, { key: 'people', label: 'people', num: true }], 'No alumnus with a current country.'),
      section('former-staff', `Former staff now at (${fmt(t.formerStaff.people)} people)`, t.formerStaff.byCurrentInstitution, placeCols, 'Nobody moved out of this institution.'),
      section('former-staff-moves', 'Moves out, to', t.formerStaff.movedTo, [...placeCols, { key: 'moves', label: 'moves', num: true }], 'No confirmed move out of this institution.'),
    ),
  );
}

export const institutionPage: PageDef = {
  path: '/institution',
  title: 'Institution',
  nav: 'Institution',
  async render(root, params) {
    const id = params.get('id') ?? '';
    const input = h('input', { name: 'q', value: params.get('q') ?? '', placeholder: 'e.g. Tsinghua', style: 'width:18em' });
    const form = h('form', { class: 'filters', id: 'institution-form' }, h('label', {}, 'institution name', input), h('button', { type: 'submit' }, 'Find'));
    const matches = h('div', { id: 'institution-matches' });
    const box = h('div', { id: 'institution' });
    root.append(form, matches, box);
    const search = async (q: string) => {
      await loadInto(matches, 'institutions', () => getJson<Page<Match>>('institutions', { q, limit: 20 }), (m) => {
        matches.append(table(m.items, [
          { key: 'name', label: 'institution', cell: (x) => institutionLink(x.institution_id, x.name) },
          { key: 'country', label: 'country' },
          { key: 'current', label: 'there now', num: true },
        ]));
        if (m.total > m.items.length) matches.append(h('p', { class: 'muted' }, `${fmt(m.total - m.items.length)} more match: type more of the name.`));
      }, (m) => m.items.length === 0, `No institution name contains "${q}".`);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const q = input.value.trim();
      history.replaceState(null, '', href('/institution', { id, q }));
      if (q.length >= 2) void search(q);
    });
    if (params.get('q')) void search(params.get('q') ?? '');
    if (!id) {
      box.dataset['state'] = 'empty';
      box.append(h('div', { class: 'state empty' }, 'No institution chosen: find one by name above, or follow an institution link on a profile.'));
      return;
    }
    await loadInto(box, 'the institution', () => getJson<Talent>(`institutions/${encodeURIComponent(id)}`, { limit: LIMIT }), (t) => renderTalent(box, t));
  },
};
