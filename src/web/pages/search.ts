/** Search: people by topic, with each score broken down into relevance × impact, and the works that matched. */
import { getJson, type Page } from '../api.ts';
import { fillOwners } from '../owners.ts';
import { drawChart } from '../charts.ts';
import { fmt, h, loadInto, personLink, table } from '../dom.ts';
import { href, setParams, type PageDef } from '../router.ts';

interface Result {
  rank: number; personId: string; name: string | null; score: number;
  breakdown: { relevance: number; impactMultiplier: number; citations: number; hIndex: number; sourceHIndex: number | null; recentWorks: number; risingStar: number; careerAge: number | null };
  facts: { origin: string | null; currentCountry: string | null };
  matchedWorks: Array<{ title: string | null; year: number | null; matchedTerms: string[] }>;
}
interface SearchResponse { total: number; results: Result[]; params: { terms: string[]; unknownTerms: string[] } }
interface Broker { contact: string; name: string; targets: number; strength: number }
interface BrokersResponse { params: { maxHops: number }; unreached: { total: number }; brokers: Page<Broker> }

/**
 * Who among an owner's contacts can introduce you to the people shown: the brokers for these results (the API's
 * /api/brokers with their ids), with a choice of contact list.
 */
async function showBrokers(section: HTMLElement, ids: string[]): Promise<void> {
  const box = h('div', { id: 'brokers' });
  const owner = h('select', { name: 'broker-owner' });
  section.replaceChildren(h('h2', {}, 'Who among your contacts can introduce you'), box);
  const load = (): Promise<void> =>
    loadInto(box, 'brokers', () => getJson<BrokersResponse>('brokers', { owner: owner.value, ids: ids.join(','), limit: 10 }), (r) => {
      box.append(
        h('p', { class: 'muted' }, `Contacts of ${owner.value} ranked by how many of these ${fmt(ids.length)} people they reach within ${r.params.maxHops} hops, and by the summed strength of those best paths; ${fmt(r.unreached.total)} are out of reach.`),
        table(r.brokers.items, [
          { key: 'contact', label: 'contact', cell: (b) => personLink(b.contact, b.name) },
          { key: 'targets', label: 'reaches', num: true, cell: (b) => `${fmt(b.targets)} of ${fmt(ids.length)}` },
          { key: 'strength', label: 'strength', num: true, cell: (b) => fmt(b.strength, 3) },
        ]),
      );
    }, (r) => r.brokers.items.length === 0, 'None of these contacts reaches the people shown within the hop limit.');
  if (!(await fillOwners(owner, box, 'No contact list imported yet: run `atlas contacts import FILE.csv --owner NAME` to see who can introduce you.'))) return;
  box.before(h('form', { class: 'filters' }, h('label', {}, 'contact list', owner)));
  owner.addEventListener('change', () => void load());
  await load();
}

export const searchPage: PageDef = {
  path: '/search',
  title: 'Search',
  nav: 'Search',
  async render(root, params) {
    const val = (k: string) => params.get(k) ?? '';
    const q = h('input', { name: 'q', value: val('q'), placeholder: 'topic words, e.g. deep learning', size: 36 });
    const country = h('input', { name: 'country', value: val('country'), placeholder: 'e.g. US', maxlength: 2, style: 'width:5em' });
    const origin = h('input', { name: 'origin', value: val('origin'), placeholder: 'e.g. CN', maxlength: 2, style: 'width:5em' });
    const careerAge = h('input', { name: 'career_age', value: val('career_age'), placeholder: '1..8', style: 'width:6em' });
    const form = h('form', { class: 'filters', id: 'search-form' }, h('label', {}, 'topic', q), h('label', {}, 'current country', country), h('label', {}, 'origin', origin), h('label', {}, 'career age', careerAge), h('button', { type: 'submit' }, 'Search'));
    const box = h('div', { id: 'search-results' });
    root.append(h('h1', {}, 'Find researchers by topic'), form, box);
    const run = async () => {
      const query = { q: q.value.trim(), country: country.value.trim(), origin: origin.value.trim(), career_age: careerAge.value.trim() };
      setParams('/search', query);
      if (!query.q) {
        box.dataset['state'] = 'empty';
        return void box.replaceChildren(h('div', { class: 'state empty' }, 'Type topic words and press Search.'));
      }
      await loadInto(box, 'search results', () => getJson<SearchResponse>('search', { ...query, limit: 20 }), (r) => {
        box.append(h('p', { class: 'muted' }, `${fmt(r.total)} people match ${r.params.terms.join(' ')}${r.params.unknownTerms.length ? ` (no works mention: ${r.params.unknownTerms.join(', ')})` : ''}. Score = relevance × impact multiplier.`));
        const el = h('div', { class: 'chart small', id: 'score-chart' });
        box.append(el);
        const top = r.results.slice(0, 12);
        drawChart(el, {
          tooltip: { trigger: 'axis' },
          legend: { top: 0 },
          grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true },
          xAxis: { type: 'value' },
          yAxis: { type: 'category', inverse: true, data: top.map((x) => x.name ?? x.personId) },
          series: [
            { name: 'relevance', type: 'bar', data: top.map((x) => +x.breakdown.relevance.toFixed(3)), itemStyle: { color: '#98a2b3' } },
            { name: 'score (× impact)', type: 'bar', data: top.map((x) => +x.score.toFixed(3)), itemStyle: { color: '#1769aa' } },
          ],
        });
        box.append(
          table(r.results, [
            { key: 'rank', label: '#' },
            { key: 'name', label: 'person', cell: (x) => personLink(x.personId, x.name) },
            { key: 'score', label: 'score', num: true, cell: (x) => fmt(x.score, 2) },
            { key: 'relevance', label: 'relevance', num: true, cell: (x) => fmt(x.breakdown.relevance, 2) },
            { key: 'impact', label: 'impact ×', num: true, cell: (x) => fmt(x.breakdown.impactMultiplier, 2) },
            { key: 'citations', label: 'citations', num: true, cell: (x) => fmt(x.breakdown.citations) },
            { key: 'h', label: 'h', num: true, cell: (x) => fmt(x.breakdown.hIndex) },
            { key: 'recent', label: 'recent works', num: true, cell: (x) => fmt(x.breakdown.recentWorks) },
            { key: 'age', label: 'career age', num: true, cell: (x) => fmt(x.breakdown.careerAge) },
            { key: 'place', label: 'origin → now', cell: (x) => `${x.facts.origin ?? '?'} → ${x.facts.currentCountry ?? '?'}` },
            { key: 'works', label: 'matched works', cell: (x) => x.matchedWorks.slice(0, 2).map((w) => `${w.title ?? '?'} (${w.year ?? '?'})`).join('; ') },
            { key: 'intro', label: '', cell: (x) => h('a', { href: href('/intro', { target: x.personId }) }, 'intro path') },
          ]),
        );
        const brokers = h('section', { id: 'brokers-section' });
        box.append(brokers);
        void showBrokers(brokers, r.results.map((x) => x.personId));
      }, (r) => r.results.length === 0, 'Nobody matches these words and filters.');
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void run();
    });
    await run();
  },
};
