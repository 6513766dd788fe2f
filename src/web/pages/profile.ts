/**
 * Profile: who a person is, where their career started (the origin, with what it rests on), where they worked and
 * studied (timeline with the sources' position texts and the country moves marked; education records with their
 * basis), who trained them and whom they trained (mentorship ties with evidence), works, co-authors.
 */
import { getJson } from '../api.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, personLink, table } from '../dom.ts';
import { href, type PageDef } from '../router.ts';
import { institutionLink } from './institution.ts';

interface Span { institution_id: string | null; institution: string | null; country: string | null; from: number; to: number; years: number[]; positions: Array<{ position: string; from: number; to: number }>; bases: string[] }
interface Edu { degree: string; role_title: string | null; start_year: number | null; end_year: number | null; institution_id: string | null; institution: string | null; country: string | null; basis: 'stated' | 'observed'; source: string }
interface Tie { person_id: string; display_name: string | null; relation_only: boolean; kind: string; relation: string | null; confidence: number; start_year: number | null; end_year: number | null; source: string; evidence: string }
interface Origin { country: string | null; basis: string; record: Edu | null; originYears: number | null }
interface Profile {
  person: { person_id: string; display_name: string | null; source_h_index?: number | null; source_cited_by?: number | null; source_works_count?: number | null };
  identifiers: Array<{ scheme: string; value: string }>;
  timeline: Span[];
  moves: Array<{ year: number; from_country: string; to_country: string }>;
  education: Edu[];
  mentors: Tie[];
  mentees: Tie[];
  origin: Origin | null;
  works: { total: number; items: Array<{ work_id: string; title: string | null; year: number | null; venue: string | null; cited_by_count: number | null; doi: string | null }> };
  coauthors: Array<{ person_id: string; display_name: string | null; shared_works: number }>;
  career: Record<string, unknown> | null;
}

/** Extra links a profile offers (e.g. "warm intro"), registered by pages that exist. */
export const profileActions: Array<(personId: string) => HTMLElement> = [];

function timelineChart(el: HTMLElement, p: Profile): void {
  const rows = [
    ...p.education.filter((e) => e.start_year || e.end_year).map((e) => ({ label: `studied: ${e.degree}${e.institution ? ` · ${e.institution}` : ''}${e.country ? ` (${e.country})` : ''}`, from: (e.start_year ?? e.end_year) as number, to: (e.end_year ?? e.start_year) as number, kind: 'education' })),
    ...p.timeline.map((s) => ({ label: `${s.institution ?? s.institution_id ?? 'unknown institution'}${s.country ? ` (${s.country})` : ''}${s.positions.length ? ` · ${[...new Set(s.positions.map((x) => x.position))].join(', ')}` : ''}`, from: s.from, to: s.to, kind: 'affiliation' })),
  ];
  const years = rows.flatMap((r) => [r.from, r.to]);
  const min = Math.min(...years);
  const max = Math.max(...years);
  el.style.height = `${Math.max(180, rows.length * 26 + 70)}px`;
  drawChart(el, {
    tooltip: { formatter: (x: { dataIndex: number; seriesIndex: number }) => { const r = rows[x.dataIndex]; return r ? `${r.label}<br>${r.from}–${r.to}` : ''; } },
    grid: { left: 10, right: 30, top: 30, bottom: 30, containLabel: true },
    xAxis: { type: 'value', min: min - 1, max: max + 1, minInterval: 1, axisLabel: { formatter: (v: number) => String(v) } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => (r.label.length > 48 ? `${r.label.slice(0, 47)}…` : r.label)) },
    series: [
      { type: 'bar', stack: 't', silent: true, itemStyle: { color: 'transparent' }, data: rows.map((r) => r.from) },
      {
        type: 'bar',
        stack: 't',
        data: rows.map((r) => ({ value: r.to - r.from + 1, itemStyle: { color: r.kind === 'education' ? '#7a5af8' : '#1769aa' } })),
        markLine: {
          symbol: 'none',
          lineStyle: { color: '#b54708', type: 'dashed' },
          label: { position: 'end', formatter: (x: { data: { name?: string } }) => x.data.name ?? '' },
          data: p.moves.map((m) => ({ xAxis: m.year, name: `${m.from_country}→${m.to_country}` })),
        },
      },
    ],
  });
}

const yearSpan = (from: number | null, to: number | null): string => (from === null && to === null ? 'years unknown' : from === to || to === null ? String(from) : from === null ? String(to) : `${from}–${to}`);

/** The origin with its basis spelled out: an origin is where a career started, never a nationality. */
function originLine(o: Origin): HTMLElement {
  const line = h('p', { id: 'origin', 'data-basis': o.basis }, h('b', {}, 'Origin: '), o.country ?? 'unknown');
  const r = o.record;
  if (o.basis === 'education' && r) {
    line.append(` — from the ${r.degree} record at `, institutionLink(r.institution_id, r.institution), `${r.country ? ` (${r.country})` : ''}, ${yearSpan(r.start_year, r.end_year)}, `, h('span', { class: 'tag', 'data-basis': r.basis }, r.basis), ' (basis: education).');
  } else if (o.basis === 'education') line.append(' (basis: education).');
  else if (o.basis === 'first_affiliation') line.append(` — no education record with a country, so the first affiliations decide: the country present in the most of the first ${o.originYears ?? 3} active years (basis: first affiliation).`);
  else line.append(' (basis: none — no education record with a country and no affiliation with a country).');
  line.append(h('span', { class: 'muted' }, ' Origin is where the career starts in the atlas (docs/mobility.md), never a nationality.'));
  return line;
}

const KIND: Record<string, string> = { mentorship: 'stated', 'mentorship-inferred': 'inferred' };

function tiesTable(id: string, title: string, ties: Tie[], none: string): HTMLElement {
  return h('div', { id },
    h('h2', {}, `${title} (${fmt(ties.length)})`),
    ties.length
      ? table(ties, [
          { key: 'display_name', label: 'name', cell: (t) => h('span', {}, personLink(t.person_id, t.display_name), t.relation_only ? h('span', { class: 'muted' }, ' (known only from this relation)') : '') },
          { key: 'kind', label: 'kind', cell: (t) => h('span', { class: 'tag', 'data-kind': t.kind }, KIND[t.kind] ?? t.kind) },
          { key: 'relation', label: 'relation' },
          { key: 'confidence', label: 'confidence', num: true, cell: (t) => fmt(t.confidence, 2) },
          { key: 'start_year', label: 'years', cell: (t) => yearSpan(t.start_year, t.end_year) },
          { key: 'evidence', label: 'evidence', cell: (t) => h('span', { class: 'muted' }, `${t.source}: ${t.evidence}`) },
        ])
      : h('p', { class: 'state empty' }, none),
  );
}

export const profilePage: PageDef = {
  path: '/profile',
  title: 'Profile',
  async render(root, params) {
    const id = params.get('id') ?? '';
    const box = h('div', { id: 'profile' });
    root.append(box);
    if (!id) {
      box.dataset['state'] = 'empty';
      box.append(h('div', { class: 'state empty' }, 'No person chosen. ', h('a', { href: '#/people' }, 'Find someone'), '.'));
      return;
    }
    await loadInto(box, 'the profile', () => getJson<Profile>(`people/${encodeURIComponent(id)}`), (p) => {
      const pid = p.person.person_id;
      box.append(h('h1', { id: 'person-name' }, p.person.display_name ?? pid));
      box.append(
        h('p', {}, ...p.identifiers.map((i) => h('span', { class: 'tag' }, `${i.scheme}: ${i.value}`)), ' ', ...profileActions.map((a) => a(pid))),
        h('div', { class: 'grid' },
          h('div', { class: 'stat' }, h('b', {}, fmt(p.person.source_h_index)), h('span', {}, 'h-index (source)')),
          h('div', { class: 'stat' }, h('b', {}, fmt(p.person.source_cited_by)), h('span', {}, 'citations (source)')),
          h('div', { class: 'stat' }, h('b', {}, fmt(p.works.total)), h('span', {}, 'works in the atlas')),
          h('div', { class: 'stat' }, h('b', {}, fmt(p.moves.length)), h('span', {}, 'country moves')),
        ),
      );
      if (p.origin) box.append(originLine(p.origin));
      if (p.career) {
        const c = p.career;
        box.append(h('p', { id: 'career-summary' }, `Career: works now in ${String(c['current_country'] ?? '–')}${c['current_institution'] ? ' at ' : ''}`, c['current_institution'] ? institutionLink(String(c['current_institution']), p.timeline.find((s) => s.institution_id === c['current_institution'])?.institution) : '', `${c['category'] ? ` — ${String(c['category'])}` : ''}${c['returnee'] ? ', returnee' : ''}.`));
      }
      box.append(h('h2', {}, 'Timeline: affiliations and education'));
      if (p.timeline.length || p.education.length) {
        const el = h('div', { class: 'chart', id: 'timeline-chart' });
        box.append(el);
        timelineChart(el, p);
        if (p.moves.length) box.append(h('p', { id: 'moves' }, 'Moves: ', ...p.moves.map((m) => h('span', { class: 'move' }, `${m.year}: ${m.from_country} → ${m.to_country}  `))));
      } else box.append(h('p', { class: 'state empty' }, 'No affiliations or education on record.'));
      if (p.timeline.length) {
        box.append(h('div', { id: 'timeline-table' }, table(p.timeline, [
          { key: 'from', label: 'years', cell: (s) => yearSpan(s.from, s.to) },
          { key: 'institution', label: 'institution', cell: (s) => institutionLink(s.institution_id, s.institution) },
          { key: 'country', label: 'country' },
          { key: 'positions', label: 'position (as the source gives it)', cell: (s) => (s.positions.length ? s.positions.map((x) => `${x.position} ${yearSpan(x.from, x.to)}`).join('; ') : h('span', { class: 'muted' }, 'not given')) },
          { key: 'bases', label: 'from', cell: (s) => h('span', { class: 'muted' }, s.bases.join(', ')) },
        ])));
      }
      box.append(h('div', { id: 'education' },
        h('h2', {}, `Education (${fmt(p.education.length)})`),
        p.education.length
          ? table(p.education, [
              { key: 'degree', label: 'degree' },
              { key: 'institution', label: 'institution', cell: (e) => institutionLink(e.institution_id, e.institution) },
              { key: 'country', label: 'country' },
              { key: 'start_year', label: 'years', cell: (e) => yearSpan(e.start_year, e.end_year) },
              { key: 'basis', label: 'basis', cell: (e) => h('span', { class: 'tag', 'data-basis': e.basis }, e.basis) },
              { key: 'source', label: 'source', cell: (e) => h('span', { class: 'muted' }, `${e.source}${e.role_title ? ` (“${e.role_title}”)` : ''}`) },
            ])
          : h('p', { class: 'state empty' }, 'No education record: no source states one, and no paper list shows this person in a student position.'),
        h('p', { class: 'muted' }, 'Stated: a source (ORCID, an OpenReview profile, Wikidata) states the degree. Observed: paper lists show the person in a student position at that institution in those years (docs/mobility.md "Education records").'),
      ));
      box.append(
        tiesTable('mentors', 'Mentors', p.mentors, 'No mentor on record, stated or inferred.'),
        tiesTable('mentees', 'Mentees', p.mentees, 'No mentee on record, stated or inferred.'),
        h('p', { class: 'muted' }, 'Stated: a profile or Wikidata states the tie (confidence 1). Inferred: from co-authorship during the mentee\'s studies, with the confidence and reasons shown (docs/network.md "Mentorship").'),
      );
      const cols = h('div', { class: 'cols' });
      const works = h('div', {}, h('h2', {}, `Works (${fmt(p.works.total)})`));
      works.append(
        p.works.items.length
          ? table(p.works.items, [
              { key: 'year', label: 'year' },
              { key: 'title', label: 'title', cell: (r) => (r.doi ? h('a', { href: r.doi, target: '_blank', rel: 'noopener' }, r.title ?? r.work_id) : r.title ?? r.work_id) },
              { key: 'venue', label: 'venue' },
              { key: 'cited_by_count', label: 'cited', num: true },
            ])
          : h('p', { class: 'state empty' }, 'No works in the atlas.'),
      );
      const co = h('div', { id: 'coauthors' }, h('h2', {}, 'Co-authors'));
      co.append(
        p.coauthors.length
          ? table(p.coauthors, [
              { key: 'display_name', label: 'name', cell: (r) => personLink(r.person_id, r.display_name) },
              { key: 'shared_works', label: 'shared works', num: true },
            ])
          : h('p', { class: 'state empty' }, 'No co-authors in the atlas.'),
      );
      cols.append(works, co);
      box.append(cols);
      box.append(h('p', { class: 'muted' }, h('a', { href: href('/people') }, '← all people')));
    });
  },
};
