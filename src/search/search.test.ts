/** Search on real data (CoRL paper lists + OpenAlex sample) in a real DuckDB store: matches, exact filters, pagination, rebuild. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { refreshCareers } from '../careers/index.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { hIndex, invalidateSearchIndex, searchIndexFor, searchPeople, searchPersonIds, tokenize, type SearchInput } from './index.ts';
import { UNPUBLISHED_STATUS } from './store-records.ts';
import { loadRealData } from './real-data-fixture.ts';

let store: Store;
interface W { work_id: string; title: string | null; venue: string | null; keywords: string | null; topics: string | null; abstract: string | null; year: number | null; cited_by_count: number | null; status: string | null }
const works = new Map<string, W>();
const worksOf = new Map<string, string[]>();
let asOf = 0;

beforeAll(async () => {
  store = await DuckDBStore.open(':memory:');
  await migrate(store);
  await loadRealData(store);
  await refreshCareers(store);
  for (const w of await store.query<W>('SELECT work_id, title, venue, keywords, topics, abstract, year, cited_by_count, status FROM works')) {
    if (w.status && UNPUBLISHED_STATUS.test(w.status)) continue;
    works.set(w.work_id, w);
    asOf = Math.max(asOf, w.year ?? 0);
  }
  for (const a of await store.query<{ work_id: string; person_id: string }>('SELECT DISTINCT work_id, person_id FROM authorships')) {
    if (!works.has(a.work_id)) continue;
    worksOf.set(a.person_id, [...(worksOf.get(a.person_id) ?? []), a.work_id]);
  }
  const y = await store.query<{ y: number }>('SELECT MAX(year) AS y FROM career_affiliation_years WHERE country IS NOT NULL');
  asOf = Math.max(asOf, y[0]?.y ?? 0);
});
afterAll(async () => store.close());

const workTerms = (w: W): Set<string> => new Set([w.title, w.keywords, w.topics, w.abstract, w.venue].flatMap((t) => tokenize(t)));

/** People with at least one published work containing at least one query term — computed independently of the index. */
function matchingPeople(query: string): Set<string> {
  const q = tokenize(query);
  const out = new Set<string>();
  for (const [p, ws] of worksOf) if (ws.some((id) => { const t = workTerms(works.get(id) as W); return q.some((x) => t.has(x)); })) out.add(p);
  return out;
}

const QUERY = 'reinforcement learning robot manipulation';

describe('search on real data', () => {
  it('returns people whose listed works contain the query terms, authored by them', async () => {
    await searchPeople(store, QUERY, { limit: 1 }); // the index made
    // what a result shows of its works comes from the index (work-shown.ts): the store's works are not read
    const sql: string[] = [];
    const query = store.query.bind(store);
    store.query = ((text: string, params?: never) => (sql.push(text), query(text, params))) as typeof store.query;
    const r = await searchPeople(store, QUERY, { limit: 50 }).finally(() => void (store.query = query));
    expect(sql.filter((q) => /\bFROM works\b/i.test(q))).toEqual([]);
    expect(r.results.length).toBe(50);
    expect(r.total).toBe(matchingPeople(QUERY).size);
    const q = new Set(tokenize(QUERY));
    for (const x of r.results) {
      expect(x.matchedWorks.length).toBeGreaterThan(0);
      for (const mw of x.matchedWorks) {
        expect(worksOf.get(x.personId)).toContain(mw.workId);
        const row = works.get(mw.workId) as W;
        expect([mw.title, mw.year, mw.venue, mw.status, mw.citedBy]).toEqual([row.title, row.year, row.venue, row.status, row.cited_by_count]);
        const terms = workTerms(works.get(mw.workId) as W);
        expect(mw.matchedTerms.length).toBeGreaterThan(0);
        for (const t of mw.matchedTerms) {
          expect(q.has(t)).toBe(true);
          expect(terms.has(t)).toBe(true);
        }
      }
    }
    // the top results match every query term in their best work, and the title is shown
    expect(r.results[0]?.matchedWorks[0]?.matchedTerms.length).toBe(4);
    expect(r.results[0]?.matchedWorks[0]?.title).toMatch(/learning/i);
    expect(r.results[0]?.matchedWorks[0]?.venue).toMatch(/CoRL/);
  });

  it('a query for words no work contains returns nobody', async () => {
    const r = await searchPeople(store, 'zyxwvut qqqqq');
    expect(r.total).toBe(0);
    expect(r.params.unknownTerms).toEqual(['zyxwvut', 'qqqqq']);
  });

  it('finds OpenAlex authors through concept names (topics)', async () => {
    const ids = await searchPersonIds(store, 'convolutional neural network', { limit: 1000 });
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.some((id) => /^A\d+$/.test(id))).toBe(true);
  });

  it('filters are exact: every person inside the filter set, and every matching person of the set found', async () => {
    const careers = await store.query<{ person_id: string; origin: string | null; current_country: string | null; abroad: boolean | null; returnee: boolean; first_year: number | null }>(
      'SELECT person_id, origin, current_country, abroad, returnee, first_year FROM careers',
    );
    const byId = new Map(careers.map((c) => [c.person_id, c]));
    const latest = new Map<string, { y: number; types: Set<string> }>();
    for (const r of await store.query<{ person_id: string; year: number; type: string | null }>(
      'SELECT a.person_id, a.year, i.type FROM career_affiliation_years a LEFT JOIN institutions i ON i.institution_id = a.institution_id',
    )) {
      const cur = latest.get(r.person_id);
      if (!cur || r.year > cur.y) latest.set(r.person_id, { y: r.year, types: new Set(r.type ? [r.type] : []) });
      else if (r.year === cur.y && r.type) cur.types.add(r.type);
    }
    const h = (p: string): number => hIndex((worksOf.get(p) ?? []).map((w) => Math.max(0, works.get(w)?.cited_by_count ?? 0)));
    const firstYear = (p: string): number | null => {
      const c = byId.get(p)?.first_year;
      if (c) return c;
      const ys = (worksOf.get(p) ?? []).map((w) => works.get(w)?.year ?? 0).filter((y) => y > 0);
      return ys.length ? Math.min(...ys) : null;
    };
    const cases: Array<[SearchInput, (p: string) => boolean]> = [
      [{ origin: 'us' }, (p) => byId.get(p)?.origin === 'US'],
      [{ country: 'CN' }, (p) => byId.get(p)?.current_country === 'CN'],
      [{ abroad: true }, (p) => byId.get(p)?.abroad === true],
      [{ returnee: true }, (p) => byId.get(p)?.returnee === true],
      [{ institutionType: 'education' }, (p) => latest.get(p)?.types.has('education') === true],
      [{ careerAge: '1..3' }, (p) => { const f = firstYear(p); return f !== null && asOf - f + 1 >= 1 && asOf - f + 1 <= 3; }],
      [{ minH: 5 }, (p) => h(p) >= 5],
      [{ origin: 'KR', abroad: true, careerAge: '..10' }, (p) => { const c = byId.get(p); const f = firstYear(p); return c?.origin === 'KR' && c.abroad === true && f !== null && asOf - f + 1 <= 10; }],
    ];
    for (const query of [QUERY, 'deep learning', 'language model']) {
      const matching = matchingPeople(query);
      for (const [filters, inSet] of cases) {
        const ids = await searchPersonIds(store, query, { limit: 100_000, filters });
        const expected = [...matching].filter(inSet).sort();
        expect([...ids].sort(), `${query} ${JSON.stringify(filters)}`).toEqual(expected);
      }
    }
    // the non-trivial cases really select somebody
    expect((await searchPersonIds(store, QUERY, { filters: { origin: 'US' } })).length).toBeGreaterThan(10);
    expect((await searchPersonIds(store, 'learning', { filters: { abroad: true } })).length).toBeGreaterThan(0);
  });

  it('paginates stably: pages concatenate to the full ranking, ordered by score then person id', async () => {
    const all = await searchPeople(store, QUERY, { limit: 200 });
    const paged: string[] = [];
    for (let off = 0; off < 200; off += 7) paged.push(...(await searchPeople(store, QUERY, { limit: 7, offset: off })).results.map((r) => r.personId));
    expect(paged.slice(0, 200)).toEqual(all.results.map((r) => r.personId));
    for (let i = 1; i < all.results.length; i++) {
      const a = all.results[i - 1]!;
      const b = all.results[i]!;
      expect(a.score > b.score || (a.score === b.score && a.personId < b.personId)).toBe(true);
    }
    expect(all.results.map((r) => r.rank)).toEqual(all.results.map((_, i) => i + 1));
    const again = await searchPeople(store, QUERY, { limit: 200 });
    expect(again.results.map((r) => [r.personId, r.score])).toEqual(all.results.map((r) => [r.personId, r.score]));
  });

  it('reports the factors it ranked by and labels the source h-index apart from the computed one', async () => {
    const r = await searchPeople(store, QUERY, { limit: 5, weights: 'citations=0,h=0,recent=0,rising=0' });
    for (const x of r.results) {
      expect(x.breakdown.impactMultiplier).toBe(1);
      expect(x.score).toBeCloseTo(x.breakdown.relevance, 9);
      expect(x.breakdown.hIndex).toBe(h2(x.personId));
      expect(x.breakdown.citations).toBe((worksOf.get(x.personId) ?? []).reduce((s, w) => s + Math.max(0, works.get(w)?.cited_by_count ?? 0), 0));
      expect('sourceHIndex' in x.breakdown).toBe(true);
    }
    expect(r.params.index.estimatedBytes).toBeGreaterThan(r.params.index.typedArrayBytes);
    function h2(p: string): number {
      return hIndex((worksOf.get(p) ?? []).map((w) => Math.max(0, works.get(w)?.cited_by_count ?? 0)));
    }
  });

  it('rejects bad arguments with clear messages', async () => {
    await expect(searchPeople(store, QUERY, { origin: 'XX' })).rejects.toThrow(/unknown country code "XX"/);
    await expect(searchPeople(store, QUERY, { careerAge: '9..2' })).rejects.toThrow(/MIN \(9\) is greater than MAX \(2\)/);
    await expect(searchPeople(store, QUERY, { careerAge: 'young' })).rejects.toThrow(/--career-age must be MIN..MAX/);
    await expect(searchPeople(store, QUERY, { limit: 201 })).rejects.toThrow(/--limit must be a whole number from 1 to 200/);
    await expect(searchPeople(store, QUERY, { minH: '-1' })).rejects.toThrow(/--min-h/);
    await expect(searchPeople(store, QUERY, { weights: 'fame=2' })).rejects.toThrow(/unknown weight "fame"/);
    await expect(searchPeople(store, '   ')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('rebuilds after ingest once invalidated', async () => {
    const before = await searchIndexFor(store);
    await store.exec(`INSERT INTO works (work_id, title, year, source, record_key, run_id) VALUES ('Wnew', 'Quokka locomotion benchmark', 2024, 't', 'Wnew', 9)`);
    await store.exec(`INSERT INTO authorships (work_id, person_id, position, source, record_key, run_id) VALUES ('Wnew', 'or:~Sergey_Levine1', 1, 't', 'Wnew', 9)`);
    expect(await searchPersonIds(store, 'quokka')).toEqual([]);
    invalidateSearchIndex(store);
    expect(await searchPersonIds(store, 'quokka')).toEqual(['or:~Sergey_Levine1']);
    expect(await searchIndexFor(store)).not.toBe(before);
    await store.exec(`DELETE FROM authorships WHERE work_id = 'Wnew'`);
    await store.exec(`DELETE FROM works WHERE work_id = 'Wnew'`);
    invalidateSearchIndex(store);
  });
});

describe('search without careers', () => {
  it('says careers are needed for place filters, and still searches by topic', async () => {
    const s = await DuckDBStore.open(':memory:');
    try {
      await migrate(s);
      await loadRealData(s, [2023]);
      await expect(searchPeople(s, QUERY, { origin: 'US' })).rejects.toMatchObject({ code: 'NO_DATA', message: /refresh-careers/ });
      const r = await searchPeople(s, QUERY, { limit: 3, careerAge: '1..30' });
      expect(r.results.length).toBe(3);
      expect(r.results[0]?.breakdown.firstYearBasis).toBe('first_work');
    } finally {
      await s.close();
    }
  });
});

describe('search index freshness', () => {
  it('sees an ingest without being told, as a server sees a CLI ingest next to it, and keeps the index while nothing changes', async () => {
    const s = await DuckDBStore.open(':memory:');
    const dir = mkdtempSync(path.join(tmpdir(), 'atlas-search-fresh-'));
    try {
      await migrate(s);
      const file = path.join(dir, 'works.jsonl');
      const work = { id: 'https://openalex.org/W999', title: 'Quokka locomotion benchmark', publication_year: 2024, authorships: [{ author: { id: 'https://openalex.org/A999', display_name: 'Q. Uokka' }, institutions: [] }] };
      writeFileSync(file, JSON.stringify(work) + '\n');
      expect(await searchPersonIds(s, 'quokka')).toEqual([]);
      const before = await searchIndexFor(s);
      expect(await searchIndexFor(s)).toBe(before);
      await ingestFiles(s, [file]); // ingestFiles itself does not invalidate: only the data version tells
      expect(await searchPersonIds(s, 'quokka')).toEqual(['openalex:A999']);
      const after = await searchIndexFor(s);
      expect(after).not.toBe(before);
      await refreshCareers(s);
      expect(await searchIndexFor(s)).not.toBe(after);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
