import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCaptured, type CliOutcome } from '../run-captured.ts';
import { DuckDBStore } from '../../store/duckdb/duckdb-store.ts';
import { migrate } from '../../store/migrate.ts';
import { fixtureRows, insertFixtures, workRows } from '../../careers/fixtures.ts';
import { EXPORT_KINDS } from '../export-kinds.ts';
import { openStore } from '../../store/open-store.ts';

let dir: string;
let db: string;

const atlas = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', db]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-careers-cli-'));
  db = path.join(dir, 'cli.duckdb');
  const store = await DuckDBStore.open(db);
  await migrate(store);
  const w = workRows('W1', 'ICML', 2023, ['a', 'b']);
  await insertFixtures(store, {
    ...fixtureRows([
      { id: 'a', name: 'Ada Example', years: { 2010: 'CN', 2011: 'CN', 2012: 'US', 2013: 'GB', 2014: 'US', 2015: 'CN', 2016: 'CN' }, education: [{ degree: 'bachelor', country: 'CN', start: 2006 }] },
      { id: 'b', name: 'Bo Example', years: { 2012: 'IN', 2013: 'IN', 2014: 'US CA', 2015: 'US' } },
      { id: 'c', name: 'Cy Example', years: { 2012: 'DE', 2013: 'DE' } },
    ]),
    ...w,
  });
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas careers commands', () => {
  it('flows: text, JSON and CSV, with parameters echoed', async () => {
    const t = await atlas('flows', '--from', '2010', '--to', '2020');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/parameters: level=country from=2010 to=2020 top=20 cohort=null originYears=3 minStay=2 earlyCareer=8 asOf=null/);
    expect(t.out).toMatch(/3 confirmed moves by 2 people/);
    const j = JSON.parse((await atlas('flows', '--json')).out);
    expect(j.pairs).toEqual([
      { from: 'CN', to: 'US', moves: 1 },
      { from: 'IN', to: 'US', moves: 1 },
      { from: 'US', to: 'CN', moves: 1 },
    ]);
    expect((await atlas('flows', '--csv', '--matrix')).out).toBe('from,to,moves\nCN,US,1\nIN,US,1\nUS,CN,1\n');
    expect((await atlas('flows', '--csv', '--net', '--origin', 'in')).out).toBe('place,inflow,outflow,net,active,net_rate_per_1000\nUS,1,0,1,1,1000\nIN,0,1,-1,1,-1000\n');
    const inst = JSON.parse((await atlas('flows', '--level', 'institution', '--venue', 'icml', '--year', '2023', '--json')).out);
    expect(inst.params.cohort).toEqual({ venue: 'icml', year: 2023 });
    expect(inst.totalMoves).toBe(3);
  });

  it('diaspora, returnees, cohort', async () => {
    expect((await atlas('diaspora', 'IN', '--csv')).out).toBe('country,people,share\nUS,1,1\n');
    const r = JSON.parse((await atlas('returnees', 'CN', '--json')).out);
    expect(r).toMatchObject({ returnees: 1, byYear: [{ year: 2015, returnees: 1 }], returnedFrom: [{ country: 'US', returnees: 1 }] });
    expect((await atlas('returnees', 'CN', '--since', '2016', '--json')).out).toMatch(/"returnees": 0/);
    const ids = path.join(dir, 'ids.txt');
    writeFileSync(ids, '# cohort\na\nc\n');
    const c = JSON.parse((await atlas('cohort', '--ids', ids, '--json')).out);
    expect(c).toMatchObject({ members: 2, staged: 2 });
    expect(c.stages[1]).toMatchObject({ stage: 'graduate', proxy: 2 });
    const v = await atlas('cohort', '--venue', 'ICML', '--year', '2023');
    expect(v.out).toMatch(/cohort: 2 people named, 2 with a derived career/);
    expect(v.out).toMatch(/proxy \(origin standing in\) 2/);
    const viaSearch = JSON.parse((await atlas('cohort', '--search', 'work', '--json')).out);
    expect(viaSearch.params.cohort).toMatchObject({ ids: 'search "work" (top 1000)', idsGiven: 2 });
    expect(viaSearch).toMatchObject({ members: 2, staged: 2 });
    expect((await atlas('flows', '--search', 'work', '--search-limit', '1', '--json')).out).toMatch(/"idsGiven": 1/);
  });

  it('career explains every decision', async () => {
    const t = await atlas('career', 'Ada Example');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/origin: CN \(basis education/);
    expect(t.out).toMatch(/returnee: yes, 2015/);
    expect(t.out).toMatch(/2013\s+GB\s+blip/);
    expect(t.out).toMatch(/move US → CN confirmed/);
    const b = JSON.parse((await atlas('career', 'b', '--json')).out);
    expect(b.career.countryWalk.steps[2]).toMatchObject({ year: 2014, decision: 'move', current: 'US' });
    expect((await atlas('career', 'b', '--as-of', '2013', '--json')).out).toMatch(/"currentCountry": "IN"/);
    expect((await atlas('career', 'a', '--csv')).out.split('\n')[0]).toBe('year,places,decision,current,reason');
  });

  it('rejects bad arguments with a clear message and exit code 2', async () => {
    for (const [args, msg] of [
      [['flows', '--from', '2015', '--to', '2010'], /from ≤ to/],
      [['flows', '--level', 'city'], /--level must be country or institution/],
      [['flows', '--venue', 'ICML'], /--venue and --year go together/],
      [['diaspora', 'XX'], /unknown country code "XX"/],
      [['returnees', 'CN', '--since', '20x5'], /--since must be a four-digit year/],
      [['cohort'], /name a cohort/],
      [['career', 'a', '--min-stay', '0'], /minStay must be a whole number ≥ 1/],
    ] as const) {
      const r = await atlas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/error \[BAD_ARGUMENT\]/);
      expect(r.err).toMatch(msg);
    }
    expect((await atlas('career', 'nobody')).code).toBe(1);
  });

  it('refresh-careers re-derives with other parameters; exports list the stored rows', async () => {
    const r = JSON.parse((await atlas('refresh-careers', '--min-stay', '1', '--json')).out);
    expect(r.params.minStay).toBe(1);
    expect(r.countryMoves).toBe(5); // every change of country is a move when minStay = 1
    expect((await atlas('refresh-careers', '--min-stay', '2', '--json')).code).toBe(0);
    const store = await openStore(db);
    try {
      const moves: unknown[] = [];
      for await (const batch of EXPORT_KINDS['moves']!.rows(store)) moves.push(...batch);
      expect(moves.filter((m) => (m as { level: string }).level === 'country')).toEqual([
        { person_id: 'a', level: 'country', from: 'CN', to: 'US', year: 2012 },
        { person_id: 'a', level: 'country', from: 'US', to: 'CN', year: 2015 },
        { person_id: 'b', level: 'country', from: 'IN', to: 'US', year: 2014 },
      ]);
      const careers: Array<Record<string, unknown>> = [];
      for await (const batch of EXPORT_KINDS['careers']!.rows(store)) careers.push(...batch);
      expect(Object.keys(careers[0] ?? {})).toEqual(EXPORT_KINDS['careers']!.columns);
      expect(careers.map((c) => c['category'])).toEqual(['migrant', 'migrant', 'non-mobile']);
    } finally {
      await store.close();
    }
  });
});
