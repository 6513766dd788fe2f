/**
 * serveFlows gives exactly the report flows() counts from the moves — the same JSON, key order included — for every
 * window, level, rates and top, on real data and hand-made careers, on DuckDB and PostgreSQL; and its aggregates
 * never outlive the data they were summed from (a careers refresh, an erasure, a write by another process).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEducationSample, EDUCATION_FILES_TWO_YEARS } from '../api/test-education-fixture.ts';
import { loadOpenAlexSample } from '../api/test-fixture.ts';
import { erasePerson } from '../identity/erase.ts';
import { migrate } from '../store/migrate.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import type { Store } from '../store/store.ts';
import { forEachBackend, freshPostgresUrl } from '../store/test-backends.ts';
import { fixtureRows, insertFixtures, type FixturePerson } from './fixtures.ts';
import { flowAggregatesNow, flowReportOrigins, flows, refreshCareers, serveFlows, type FlowOptions, type FlowReport } from './index.ts';

/** Hand-made careers with what the aggregates must get right: several moves a year, returns, gaps, islands of presence. */
const PEOPLE: FixturePerson[] = [
  { id: 'h1', years: { 2010: 'CN', 2011: 'CN', 2012: 'US', 2013: 'US', 2014: 'CN', 2015: 'CN' }, education: [{ degree: 'bachelor', country: 'CN', start: 2006, end: 2010 }] },
  { id: 'h2', years: { 2010: 'CN', 2011: 'CN', 2012: 'CN', 2013: 'US', 2014: 'US', 2020: 'US' }, education: [{ degree: 'bachelor', country: 'CN', start: 2006 }, { degree: 'doctorate', country: 'US', start: 2013 }] },
  { id: 'h3', years: { 2010: 'US', 2015: 'US', 2020: 'US' } },
  { id: 'h4', years: { 2015: 'IN', 2016: 'IN', 2019: 'IN', 2020: 'US' }, education: [{ degree: 'bachelor', country: 'IN', start: 2010 }] },
  { id: 'h5', years: { 2010: 'DE DE', 2011: 'DE', 2012: 'GB', 2013: 'DE' } },
  { id: 'h6', years: { 2015: '-' } },
  { id: 'h7', years: { 2010: 'MIT@GB', 2011: 'MIT@GB', 2012: 'THU@CN', 2013: 'PKU@CN', 2014: 'PKU@CN', 2016: 'MIT@GB', 2017: 'MIT@GB' }, education: [{ degree: 'master', country: 'GB', start: 2008 }] },
  { id: 'h8', years: { 2008: 'FR', 2009: 'FR', 2011: 'DE', 2012: 'DE', 2013: 'FR', 2014: 'FR', 2016: 'DE', 2017: 'DE', 2018: 'FR', 2019: 'FR' } },
  { id: 'h9', years: { 2012: 'A@US B@US', 2013: 'B@US', 2014: 'C@US', 2015: 'C@US', 2016: 'A@US', 2017: 'A@US' }, education: [{ degree: 'other', country: 'US', start: null }] },
  { id: 'h10', years: { 2012: 'US', 2013: 'CA', 2014: 'CA', 2015: 'US', 2016: 'US', 2017: 'CA' } },
];

/** Windows over the years the data has (thinned), each end also open, from ≤ to. */
async function windowsOf(store: Store): Promise<Array<[number | undefined, number | undefined]>> {
  const rows = await store.query<{ y: number }>(
    `SELECT DISTINCT y FROM (SELECT year AS y FROM moves UNION SELECT first_year FROM career_presence UNION SELECT last_year FROM career_presence) t ORDER BY y`,
  );
  const all = rows.map((r) => r.y);
  const step = Math.max(1, Math.ceil(all.length / 10));
  const years = [...new Set([all[0]! - 1, ...all.filter((_, i) => i % step === 0), all.at(-1)!, all.at(-1)! + 1])];
  const ends = [undefined, ...years];
  return ends.flatMap((from) => ends.filter((to) => from === undefined || to === undefined || from <= to).map((to): [number | undefined, number | undefined] => [from, to]));
}

/** serveFlows once the aggregates of the data as it is are built — and answered from them. */
async function served(store: Store, options: FlowOptions): Promise<FlowReport> {
  expect(await flowAggregatesNow(store)).not.toBeNull();
  const before = flowReportOrigins.aggregates;
  const r = await serveFlows(store, options);
  expect(flowReportOrigins.aggregates, 'answered from the aggregates').toBe(before + 1);
  return r;
}

async function expectSameEverywhere(store: Store): Promise<number> {
  let compared = 0;
  const windows = await windowsOf(store);
  await flowAggregatesNow(store);
  for (const level of ['country', 'institution'] as const) {
    for (const [k, [from, to]] of windows.entries()) {
      const variants: FlowOptions[] = [{ level, from, to }];
      if (k % 7 === 0) variants.push({ level, from, to, rates: false }, { level, from, to, top: 1 });
      for (const options of variants) {
        const served = await serveFlows(store, options);
        const exact = await flows(store, options);
        expect(served, JSON.stringify(options)).toEqual(exact);
        expect(JSON.stringify(served), JSON.stringify(options)).toBe(JSON.stringify(exact));
        compared++;
      }
    }
  }
  return compared;
}

forEachBackend((newStore, backend) => {
  describe('serveFlows gives flows()’s report', () => {
    it('on the OpenAlex sample, for every window, level, rates and top — from the aggregates', async () => {
      const store = await newStore();
      await loadOpenAlexSample(store);
      await refreshCareers(store);
      // the first report starts the build and is counted from the moves, as every report is until the build is done
      const first = { ...flowReportOrigins };
      expect(await serveFlows(store, { from: 2010 })).toEqual(await flows(store, { from: 2010 }));
      expect([flowReportOrigins.exact - first.exact, flowReportOrigins.builds - first.builds]).toEqual([1, 1]);
      const before = { ...flowReportOrigins };
      const n = await expectSameEverywhere(store);
      expect(n).toBeGreaterThan(150);
      expect(flowReportOrigins.aggregates - before.aggregates).toBe(n);
      expect(flowReportOrigins.exact - before.exact).toBe(0);
      expect(flowReportOrigins.builds - before.builds).toBe(0); // nothing changed: built once
    });

    it('on hand-made careers (moves each year, returns, islands of presence, education)', async () => {
      const store = await newStore();
      await insertFixtures(store, fixtureRows(PEOPLE));
      await refreshCareers(store);
      expect((await flows(store, { level: 'institution' })).totalMoves).toBeGreaterThan(5);
      await expectSameEverywhere(store);
    });

    it('on ingested paper lists and a profile (stated and observed education, institution moves)', async () => {
      const store = await newStore();
      await loadEducationSample(store, EDUCATION_FILES_TWO_YEARS);
      const r = await flows(store, { level: 'institution' });
      expect(r.totalMoves).toBeGreaterThan(0);
      expect(r.originRestsOn.observed + r.originRestsOn.stated).toBeGreaterThan(0);
      await expectSameEverywhere(store);
    }, 180_000);

    it('with a cohort, by flows() itself', async () => {
      const store = await newStore();
      await insertFixtures(store, fixtureRows(PEOPLE));
      await refreshCareers(store);
      const before = flowReportOrigins.exact;
      const options: FlowOptions = { from: 2011, to: 2016, cohort: { origin: 'CN' } };
      expect(await serveFlows(store, options)).toEqual(await flows(store, options));
      expect(flowReportOrigins.exact - before).toBe(1);
    });
  });

  describe('the aggregates follow the data', () => {
    let store: Store;
    beforeAll(async () => {
      store = await newStore();
      await insertFixtures(store, fixtureRows(PEOPLE));
      await refreshCareers(store);
    });

    it('a careers refresh with other parameters is seen by the next report', async () => {
      const before = await served(store, { from: 2010, to: 2020 });
      await refreshCareers(store, { minStay: 3 });
      const after = await served(store, { from: 2010, to: 2020 });
      expect(after).toEqual(await flows(store, { from: 2010, to: 2020 }));
      expect(after.params.career['minStay']).toBe(3);
      expect(after.pairs).not.toEqual(before.pairs);
      await refreshCareers(store);
      const again = await served(store, { from: 2010, to: 2020 });
      expect(again.params.career['refreshedAt']).not.toBe(before.params.career['refreshedAt']);
      expect({ ...again, params: null }).toEqual({ ...before, params: null });
    });

    it('an erased person leaves no trace in them', async () => {
      const before = await served(store, { level: 'country' });
      const inst = await served(store, { level: 'institution' });
      const [h8] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM moves WHERE person_id = 'h8' AND level = 'country'`);
      expect(Number(h8?.n)).toBeGreaterThan(1);
      const builds = flowReportOrigins.builds;
      await erasePerson(store, 'h8');
      const after = await served(store, { level: 'country' });
      expect(flowReportOrigins.builds).toBe(builds + 1);
      expect(after).toEqual(await flows(store, { level: 'country' }));
      expect(after.totalMoves).toBe(before.totalMoves - Number(h8?.n));
      expect(after.movers).toBe(before.movers - 1);
      // h8 was the only one to move between France and Germany
      expect(before.pairs.filter((p) => p.from === 'FR' || p.to === 'FR')).not.toEqual([]);
      expect(after.pairs.filter((p) => p.from === 'FR' || p.to === 'FR' || p.from === 'DE' || p.to === 'DE')).toEqual([]);
      expect((await served(store, { level: 'institution' })).movers).toBe(inst.movers - 1);
      await expectSameEverywhere(store);
    });
  });

  if (backend === 'postgres') {
    it('a write by another process is seen by the next report (PostgreSQL)', async () => {
      const url = await freshPostgresUrl();
      const server = await PostgresStore.open(url);
      const other = await PostgresStore.open(url);
      try {
        await migrate(server);
        await insertFixtures(server, fixtureRows(PEOPLE));
        await refreshCareers(server);
        const before = await served(server, {});
        await erasePerson(other, 'h1'); // another store object: this one's caches are not told
        const stale = flowReportOrigins.aggregates;
        expect(await serveFlows(server, {})).toEqual(await flows(server, {})); // counted from the moves while the new ones build
        expect(flowReportOrigins.aggregates).toBe(stale);
        const after = await served(server, {});
        expect(after).toEqual(await flows(server, {}));
        expect(after.movers).toBe(before.movers - 1);
        await refreshCareers(other, { minStay: 3 });
        expect(await served(server, { from: 2012 })).toEqual(await flows(server, { from: 2012 }));
        expect((await served(server, {})).params.career['minStay']).toBe(3);
      } finally {
        await other.close();
        await server.close();
      }
    });
  }
});
