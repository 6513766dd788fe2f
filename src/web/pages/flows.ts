/** Flows: where researchers moved in a window — a Sankey of country → country moves and a net-rate map; click a flow for its people. */
import { getJson, type Page } from '../api.ts';
import { drawChart } from '../charts.ts';
import { careerParams, fmt, formValues, h, loadInto, paramField, personLink, table } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

interface Pair { from: string; to: string; moves: number }
interface Net { place: string; inflow: number; outflow: number; net: number; active: number | null; netRatePer1000: number | null }
interface Flows { params: { career: Record<string, unknown> }; totalMoves: number; movers: number; originRestsOn?: { stated: number; observed: number; first_affiliation: number; none: number }; pairs: Page<Pair>; net: Page<Net> }
interface CountryPoint { code: string; name: string; lat: number | null; lon: number | null }

let centroids: Promise<Map<string, CountryPoint>> | undefined;
const countryPoints = () =>
  (centroids ??= getJson<{ items: CountryPoint[] }>('countries').then(
    (r) => new Map(r.items.map((c) => [c.code, c])),
    (e: unknown) => {
      centroids = undefined; // a failure (say before signing in) is not remembered
      throw e;
    },
  ));

function sankey(el: HTMLElement, pairs: Pair[], onPick: (p: Pair) => void): void {
  // Origins and destinations are separate nodes ("CN ›" and "› CN"), so two-way flows never form a cycle.
  const nodes = [...new Set(pairs.map((p) => `${p.from} ›`)), ...new Set(pairs.map((p) => `› ${p.to}`))].map((name) => ({ name }));
  el.style.height = `${Math.max(320, Math.min(900, nodes.length * 18))}px`;
  drawChart(
    el,
    {
      tooltip: { trigger: 'item' },
      series: [{ type: 'sankey', left: 40, right: 60, nodeGap: 6, emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.45 }, data: nodes, links: pairs.map((p) => ({ source: `${p.from} ›`, target: `› ${p.to}`, value: p.moves })) }],
    },
    (x) => {
      if (x.dataType !== 'edge') return;
      const d = x.data as { source: string; target: string };
      const pair = pairs.find((p) => `${p.from} ›` === d.source && `› ${p.to}` === d.target);
      if (pair) onPick(pair);
    },
  );
}

async function netMap(el: HTMLElement, net: Net[]): Promise<void> {
  const points = await countryPoints();
  const rows = net.filter((n) => n.netRatePer1000 !== null && points.get(n.place)?.lat != null);
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.netRatePer1000 as number)));
  drawChart(
    el,
    {
      tooltip: { formatter: (x: { data: { value: number[]; name: string; net: number; active: number } }) => `${x.data.name}: net ${x.data.net} (${x.data.value[2]?.toFixed(1)} per 1,000 of ${x.data.active} active)` },
      grid: { left: 40, right: 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', min: -180, max: 180, name: 'longitude', splitLine: { lineStyle: { color: '#eee' } } },
      yAxis: { type: 'value', min: -60, max: 75, name: 'latitude', splitLine: { lineStyle: { color: '#eee' } } },
      visualMap: { min: -max, max, dimension: 2, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#b42318', '#f2f4f7', '#1769aa'] }, text: ['gains', 'loses'] },
      series: [
        {
          type: 'scatter',
          symbolSize: (v: number[]) => 10 + Math.min(30, Math.sqrt(Math.abs(v[3] ?? 0)) * 6),
          label: { show: true, formatter: (x: { name: string }) => x.name, position: 'top', fontSize: 10 },
          data: rows.map((r) => {
            const p = points.get(r.place) as CountryPoint;
            return { name: r.place, net: r.net, active: r.active, value: [p.lon, p.lat, r.netRatePer1000, r.net] };
          }),
        },
      ],
    },
    (x) => {
      if (x.name) location.hash = href('/country', { cc: x.name });
    },
  );
}

export const flowsPage: PageDef = {
  path: '/flows',
  title: 'Flows',
  nav: 'Flows',
  async render(root, params) {
    const field = (name: string, label: string, attrs: Record<string, string | number> = {}) => paramField(params, name, label, attrs);
    const form = h(
      'form',
      { class: 'filters', id: 'flows-form' },
      field('from', 'from year', { type: 'number', min: 1900, max: 2100, placeholder: 'e.g. 2017', style: 'width:7em' }),
      field('to', 'to year', { type: 'number', min: 1900, max: 2100, placeholder: 'e.g. 2025', style: 'width:7em' }),
      field('origin', 'origin country (cohort)', { placeholder: 'e.g. CN', maxlength: 2, style: 'width:6em' }),
      field('institution', 'current institution (cohort)', { placeholder: 'id or name' }),
      field('venue', 'venue cohort', { placeholder: 'e.g. ICML', style: 'width:8em' }),
      field('venue_year', 'venue year', { type: 'number', min: 1900, max: 2100, placeholder: 'e.g. 2017', style: 'width:7em' }),
      field('topic', 'topic cohort (search)', { placeholder: 'e.g. reinforcement learning' }),
      h('button', { type: 'submit' }, 'Show'),
    );
    const summary = h('p', { class: 'muted', id: 'flows-summary' });
    const box = h('div', { id: 'flows' });
    const movers = h('div', { id: 'movers' });
    root.append(h('h1', {}, 'Where did researchers move?'), form, summary, box, movers);
    const showMovers = async (pair: Pair, q: Record<string, string>) => {
      movers.replaceChildren(h('h2', {}, `People who moved ${pair.from} → ${pair.to}`));
      const list = h('div', { id: 'movers-list' });
      movers.append(list);
      await loadInto(list, 'movers', () => getJson<Page<{ person_id: string; display_name: string | null; year: number }>>('moves', { from_place: pair.from, to_place: pair.to, from: q['from'], to: q['to'], limit: 100 }), (p) => {
        list.append(table(p.items, [{ key: 'display_name', label: 'person', cell: (r) => personLink(r.person_id, r.display_name) }, { key: 'year', label: 'year of move' }]));
      }, (p) => p.items.length === 0);
      movers.scrollIntoView({ behavior: 'smooth' });
    };
    const load = async () => {
      const q = formValues(form, ['from', 'to', 'origin', 'institution', 'venue', 'venue_year', 'topic']);
      setParams('/flows', q);
      movers.replaceChildren();
      summary.textContent = '';
      await loadInto(
        box,
        'flows',
        () => getJson<Flows>('flows', { ...q, limit: 200 }),
        async (f) => {
          summary.textContent = `${fmt(f.totalMoves)} confirmed country moves by ${fmt(f.movers)} people${q['from'] || q['to'] ? ` in ${q['from'] ?? '…'}–${q['to'] ?? '…'}` : ''}; ${f.pairs.total} country pairs${f.pairs.total > f.pairs.items.length ? ` (top ${f.pairs.items.length} drawn)` : ''}. Click a flow for its people.`;
          const s = h('div', { class: 'chart', id: 'sankey' });
          const m = h('div', { class: 'chart', id: 'net-map' });
          const r = f.originRestsOn;
          if (r) box.append(h('p', { class: 'muted', id: 'flows-origin-rests-on' }, `The movers' origins rest on: stated education records ${fmt(r.stated)}, observed education records ${fmt(r.observed)}, first affiliation ${fmt(r.first_affiliation)}, nothing ${fmt(r.none)}.`));
          box.append(careerParams(f.params.career), h('h2', {}, 'Country → country moves'), s, h('h2', {}, 'Net rate per 1,000 active researchers'), h('p', { class: 'muted' }, 'Countries are placed at the mean location of their CSRankings institutions (no world map ships offline). Blue gains, red loses; click a country for its diaspora.'), m);
          sankey(s, f.pairs.items, (p) => void showMovers(p, q));
          box.append(
            h('p', { id: 'top-flows' }, 'Biggest flows: ', ...f.pairs.items.slice(0, 10).map((p) => {
              const a = h('a', { href: '#', class: 'flow-link', 'data-flow': `${p.from}-${p.to}` }, `${p.from} → ${p.to} (${p.moves})`);
              a.addEventListener('click', (e) => { e.preventDefault(); void showMovers(p, q); });
              return h('span', {}, a, '  ');
            })),
          );
          await netMap(m, f.net.items);
          box.append(
            h('h2', {}, 'Net flows'),
            table([...f.net.items].sort((a, b) => b.net - a.net), [
              { key: 'place', label: 'country', cell: (r) => h('a', { href: href('/country', { cc: r.place }) }, r.place) },
              { key: 'inflow', label: 'in', num: true },
              { key: 'outflow', label: 'out', num: true },
              { key: 'net', label: 'net', num: true },
              { key: 'active', label: 'active', num: true },
              { key: 'netRatePer1000', label: 'net per 1,000', cell: (r) => fmt(r.netRatePer1000, 1), num: true },
            ]),
          );
        },
        (f) => f.pairs.items.length === 0,
        'No confirmed moves for these filters. Widen the window or drop the cohort.',
      );
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void load();
    });
    await load();
  },
};
