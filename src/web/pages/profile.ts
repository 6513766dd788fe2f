/** Profile: who a person is, where they worked and studied (timeline with country moves marked), works, co-authors. */
import { getJson } from '../api.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, personLink, table } from '../dom.ts';
import { href, type PageDef } from '../router.ts';

interface Span { institution_id: string | null; institution: string | null; country: string | null; from: number; to: number; years: number[] }
interface Edu { degree: string; role_title: string | null; start_year: number | null; end_year: number | null; institution: string | null; country: string | null }
interface Profile {
  person: { person_id: string; display_name: string | null; source_h_index?: number | null; source_cited_by?: number | null; source_works_count?: number | null };
  identifiers: Array<{ scheme: string; value: string }>;
  timeline: Span[];
  moves: Array<{ year: number; from_country: string; to_country: string }>;
  education: Edu[];
  works: { total: number; items: Array<{ work_id: string; title: string | null; year: number | null; venue: string | null; cited_by_count: number | null; doi: string | null }> };
  coauthors: Array<{ person_id: string; display_name: string | null; shared_works: number }>;
  career: Record<string, unknown> | null;
}

/** Extra links a profile offers (e.g. "warm intro"), registered by pages that exist. */
export const profileActions: Array<(personId: string) => HTMLElement> = [];

function timelineChart(el: HTMLElement, p: Profile): void {
  const rows = [
    ...p.education.filter((e) => e.start_year || e.end_year).map((e) => ({ label: `🎓 ${e.degree}${e.institution ? ` · ${e.institution}` : ''}${e.country ? ` (${e.country})` : ''}`, from: (e.start_year ?? e.end_year) as number, to: (e.end_year ?? e.start_year) as number, kind: 'education' })),
    ...p.timeline.map((s) => ({ label: `${s.institution ?? s.institution_id ?? 'unknown institution'}${s.country ? ` (${s.country})` : ''}`, from: s.from, to: s.to, kind: 'affiliation' })),
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
      if (p.career) {
        const c = p.career;
        box.append(h('p', { id: 'career-summary' }, `Career: origin ${String(c['origin'] ?? '–')} (${String(c['origin_basis'] ?? '')}), now ${String(c['current_country'] ?? '–')}${c['category'] ? ` — ${String(c['category'])}` : ''}${c['returnee'] ? ', returnee' : ''}.`));
      }
      box.append(h('h2', {}, 'Timeline: affiliations and education'));
      if (p.timeline.length || p.education.length) {
        const el = h('div', { class: 'chart', id: 'timeline-chart' });
        box.append(el);
        timelineChart(el, p);
        if (p.moves.length) box.append(h('p', { id: 'moves' }, 'Moves: ', ...p.moves.map((m) => h('span', { class: 'move' }, `${m.year}: ${m.from_country} → ${m.to_country}  `))));
      } else box.append(h('p', { class: 'state empty' }, 'No affiliations or education on record.'));
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
