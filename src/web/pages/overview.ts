/** Overview: what the database holds — counts, people per country of latest affiliation, ingest runs. */
import { getJson } from '../api.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, table } from '../dom.ts';
import type { PageDef } from '../router.ts';

interface Stats {
  backend: string;
  counts: Record<string, number>;
  people_by_country: Array<{ country: string; people: number }>;
  ingest_runs: Array<Record<string, string | number | null>>;
}

export const overviewPage: PageDef = {
  path: '/',
  title: 'Overview',
  nav: 'Overview',
  async render(root) {
    root.append(
      h('div', { class: 'card', id: 'questions' },
        h('b', {}, 'Start with a question: '),
        h('a', { href: '#/flows?from=2017&to=2025&venue=ICML&venue_year=2017' }, 'Where did ICML 2017 authors move by 2025?'), ' · ',
        h('a', { href: '#/flows?from=2017&to=2025' }, 'All moves 2017–2025'), ' · ',
        h('a', { href: '#/search' }, 'Who works on a topic?'), ' · ',
        h('a', { href: '#/intro' }, 'How do I reach this person?'), ' · ',
        h('a', { href: '#/country?cc=CN' }, "A country's diaspora"),
      ),
      h('h1', {}, 'What the atlas holds'),
    );
    const box = h('div', { id: 'overview' });
    root.append(box);
    await loadInto(
      box,
      'statistics',
      () => getJson<Stats>('stats'),
      (s) => {
        box.append(h('div', { class: 'grid' }, ...Object.entries(s.counts).map(([k, v]) => h('div', { class: 'stat', 'data-count': k }, h('b', {}, fmt(v)), h('span', {}, k.replace(/_/g, ' '))))));
        box.append(h('h2', {}, 'People by country of their latest affiliation'));
        const chart = h('div', { class: 'chart small', id: 'country-chart' });
        box.append(chart);
        const top = s.people_by_country.slice(0, 25);
        drawChart(
          chart,
          {
            tooltip: {},
            grid: { left: 40, right: 10, top: 10, bottom: 30 },
            xAxis: { type: 'category', data: top.map((r) => r.country) },
            yAxis: { type: 'value' },
            series: [{ type: 'bar', data: top.map((r) => r.people), itemStyle: { color: '#1769aa' } }],
          },
          (p) => {
            if (p.name) location.hash = `#/country?cc=${p.name}`;
          },
        );
        box.append(h('h2', {}, 'Ingest runs'));
        box.append(
          s.ingest_runs.length
            ? table(s.ingest_runs, [
                { key: 'run_id', label: 'run', num: true },
                { key: 'source', label: 'source' },
                { key: 'status', label: 'status' },
                { key: 'started_at', label: 'started' },
                { key: 'records', label: 'records', num: true },
                { key: 'inserted', label: 'inserted', num: true },
                { key: 'rejected', label: 'rejected', num: true },
              ])
            : h('p', { class: 'state empty' }, 'No ingest runs yet: run `atlas ingest …` first.'),
        );
      },
      (s) => (s.counts['people'] ?? 0) === 0,
      'The database is empty: ingest data first (see the README), then reload.',
    );
  },
};
