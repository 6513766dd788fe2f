/**
 * Cohort stages (MacroPolo's Global AI Talent Tracker view): where a cohort's researchers did their undergraduate
 * degree, their graduate degree, and where they work now — a three-stage Sankey, the shares per stage with the
 * unknown and proxy counts always shown, and the definitions written next to the figures.
 */
import { getJson } from '../api.ts';
import { drawChart } from '../charts.ts';
import { careerParams, fmt, formValues, h, loadInto, paramField, pct, table } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

type StageName = 'undergraduate' | 'graduate' | 'current';
interface Basis { stated: number; observed: number }
interface Stage { stage: StageName; known: number; unknown: number; proxy: number; recordBasis?: Basis | null; countries: Array<{ country: string; people: number; share: number }>; countriesTotal: number }
interface Transition { from: string; to: string; people: number }
interface Cohort {
  params: { career: Record<string, unknown> };
  members: number;
  staged: number;
  originBasis: Record<string, number>;
  /** What the origins rest on (newer APIs): stated / observed education records, the first affiliation, nothing. */
  originRestsOn?: { stated: number; observed: number; first_affiliation: number; none: number; unresolved?: number };
  stages: Stage[];
  transitions: { undergraduateToGraduate: Transition[]; graduateToCurrent: Transition[]; unknownPairs: { undergraduateToGraduate: number; graduateToCurrent: number } };
}

const LABEL: Record<StageName, string> = { undergraduate: 'Undergraduate', graduate: 'Graduate', current: 'Works now' };
/** Node names carry their stage, so a country appears once per stage and the diagram has no cycles. */
const node = (stage: StageName, country: string): string => `${LABEL[stage]}: ${country}`;

/** Each node's column (ECharts would put a graduate country no undergraduate flows into in the first column). */
const STAGE_DEPTH: Record<string, number> = { [LABEL.undergraduate]: 0, [LABEL.graduate]: 1, [LABEL.current]: 2 };

/** Countries beyond the largest ones of a stage are drawn as one "other" node, so the diagram stays legible. */
const DRAWN_PER_STAGE = 12;

/** How a stage's values are known, in words: record counts by basis where the API gives them, proxies and unknowns always. */
function stageCounts(s: Stage): HTMLElement {
  const b = s.recordBasis;
  const basis = b ? ` (stated ${fmt(b.stated)}, observed ${fmt(b.observed)})` : '';
  const p = h('p', { class: 'stage-counts' });
  if (s.stage === 'undergraduate') {
    p.append(h('b', {}, `known ${fmt(s.known)}`), ` from bachelor records${basis}; `, h('b', {}, `unknown ${fmt(s.unknown)}`), ' (no bachelor record with a country; never filled by a proxy)');
  } else if (s.stage === 'graduate') {
    const fromRecords = s.known - s.proxy;
    p.append(h('b', {}, `known ${fmt(s.known)}`), `: from a master's or doctorate record ${fmt(fromRecords)}${basis}, `, h('b', { class: 'proxy' }, `of which origin as proxy ${fmt(s.proxy)}`), '; ', h('b', {}, `unknown ${fmt(s.unknown)}`));
  } else p.append(h('b', {}, `known ${fmt(s.known)}`), ' (current affiliation); ', h('b', {}, `unknown ${fmt(s.unknown)}`));
  return p;
}

function stagesSankey(el: HTMLElement, c: Cohort): void {
  const kept = new Map(c.stages.map((s) => [s.stage, new Set(s.countries.slice(0, DRAWN_PER_STAGE).map((x) => x.country))]));
  const name = (stage: StageName, country: string): string => node(stage, kept.get(stage)?.has(country) ? country : 'other');
  const merged = new Map<string, { source: string; target: string; value: number }>();
  const add = (source: string, target: string, value: number): void => {
    const k = `${source}\u0000${target}`;
    const e = merged.get(k);
    if (e) e.value += value;
    else merged.set(k, { source, target, value });
  };
  for (const t of c.transitions.undergraduateToGraduate) add(name('undergraduate', t.from), name('graduate', t.to), t.people);
  for (const t of c.transitions.graduateToCurrent) add(name('graduate', t.from), name('current', t.to), t.people);
  const links = [...merged.values()];
  const names = [...new Set(links.flatMap((l) => [l.source, l.target]))];
  el.style.height = `${Math.max(320, Math.min(900, names.length * 14))}px`;
  drawChart(el, {
    tooltip: { trigger: 'item' },
    series: [{ type: 'sankey', left: 20, right: 120, nodeGap: 6, emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.45 }, data: names.map((name) => ({ name, depth: STAGE_DEPTH[name.split(': ')[0] ?? ''] })), links }],
  }, (x) => {
    if (x.dataType !== 'node' || !x.name) return;
    const cc = x.name.split(': ')[1];
    if (cc && cc !== 'other') location.hash = href('/country', { cc });
  });
}

export const cohortPage: PageDef = {
  path: '/cohort',
  title: 'Cohort stages',
  nav: 'Cohort',
  async render(root, params) {
    const field = (name: string, label: string, attrs: Record<string, string | number> = {}) => paramField(params, name, label, attrs);
    const form = h(
      'form',
      { class: 'filters', id: 'cohort-form' },
      field('venue', 'venue', { placeholder: 'e.g. ICML', style: 'width:8em' }),
      field('venue_year', 'year', { type: 'number', min: 1900, max: 2100, placeholder: 'e.g. 2023', style: 'width:7em' }),
      field('topic', 'or topic (search)', { placeholder: 'e.g. deep learning' }),
      field('origin', 'origin country', { placeholder: 'e.g. KR', maxlength: 2, style: 'width:6em' }),
      field('institution', 'current institution', { placeholder: 'id or name, e.g. Tsinghua University' }),
      h('button', { type: 'submit' }, 'Show'),
    );
    const box = h('div', { id: 'cohort' });
    root.append(
      h('h1', {}, 'Where did they study, where do they work?'),
      form,
      h('p', { class: 'muted' }, 'Stages from each person\'s derived career: the country of the undergraduate degree (the earliest bachelor record, stated by a source or observed from paper-list positions; else unknown), of the graduate degree (the earliest master\'s or doctorate record; when there is none, the origin stands in and is counted as a proxy), and of the current affiliation. Origin is the education or first-affiliation country, never inferred from a name. Without filters: everyone with a derived career.'),
      box,
    );
    const load = async () => {
      const q = formValues(form, ['venue', 'venue_year', 'topic', 'origin', 'institution']);
      setParams('/cohort', q);
      await loadInto(box, 'cohort stages', () => getJson<Cohort>('cohort', { ...q, limit: 200 }), (c) => {
        const basis = Object.entries(c.originBasis).map(([k, n]) => `${fmt(n)} ${k.replace('_', ' ')}`).join(', ');
        box.append(h('p', { id: 'cohort-summary' }, `${fmt(c.members)} people in the cohort, ${fmt(c.staged)} with a derived career (origin basis: ${basis}).`));
        const r = c.originRestsOn;
        if (r) box.append(h('p', { id: 'origin-rests-on', class: 'muted' }, `Origins rest on: stated education records ${fmt(r.stated)}, observed education records ${fmt(r.observed)}, first affiliation ${fmt(r.first_affiliation)}, nothing ${fmt(r.none)}${r.unresolved ? `, not yet resolved ${fmt(r.unresolved)} (run refresh-careers)` : ''}.`));
        box.append(careerParams(c.params.career));
        const chart = h('div', { class: 'chart', id: 'stages-sankey' });
        box.append(h('h2', {}, 'Undergraduate → graduate → works now'), chart);
        stagesSankey(chart, c);
        const unknownPairs = c.transitions.unknownPairs;
        box.append(h('p', { class: 'muted' }, `Flows count people known at both ends of a step; unknown at one end: ${fmt(unknownPairs.undergraduateToGraduate)} (undergraduate → graduate), ${fmt(unknownPairs.graduateToCurrent)} (graduate → now). Beyond the ${DRAWN_PER_STAGE} largest countries of a stage the diagram groups the rest as "other"; the tables list them. Click a country for its diaspora.`));
        const grid = h('div', { class: 'stage-grid' });
        for (const s of c.stages) {
          grid.append(
            h('div', { class: 'card stage', 'data-stage': s.stage },
              h('h3', {}, LABEL[s.stage]),
              stageCounts(s),
              s.countries.length === 0 ? h('p', { class: 'state empty' }, 'No country known at this stage for this cohort.') : table(s.countries.slice(0, 15), [
                { key: 'country', label: 'country', cell: (r) => h('a', { href: href('/country', { cc: r.country }) }, r.country) },
                { key: 'people', label: 'people', num: true },
                { key: 'share', label: 'share', num: true, cell: (r) => pct(r.share) },
              ]),
            ),
          );
        }
        box.append(grid);
      }, (c) => c.staged === 0, 'Nobody in this cohort has a derived career: check the venue and year, the topic, the origin or the institution.');
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void load();
    });
    await load();
  },
};
