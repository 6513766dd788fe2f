/**
 * End-to-end on real data: Paper Copilot paper lists (OpenReview person ids, per-paper affiliations and countries)
 * turned into facts by the paper-list parser (paperFacts), written straight into the store (person key = person id;
 * the ingest writer is not used here), then refreshCareers and the analyses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataPath } from '../core/paths.ts';
import { KnownInstitutions } from '../ingest/paperlists/known-institutions.ts';
import { newPaperlistStats, paperFacts } from '../ingest/paperlists/paper-facts.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { SqlValue, Store } from '../store/store.ts';
import { FIXTURE_COLUMNS } from './fixtures.ts';
import { cohortStages, diaspora, flows, refreshCareers, returnees, type RefreshResult } from './index.ts';

const FILES = ['iclr2021', 'corl2021', 'corl2022', 'corl2023', 'corl2024', 'icml2023'];

let dir: string;
let store: Store;
let refreshed: RefreshResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-careers-real-'));
  store = await DuckDBStore.open(path.join(dir, 'real.duckdb'));
  await migrate(store);
  const people = new Map<string, SqlValue[]>();
  const aff: SqlValue[][] = [];
  const works: SqlValue[][] = [];
  const auth: SqlValue[][] = [];
  const known = KnownInstitutions.bundled();
  const stats = newPaperlistStats();
  for (const f of FILES) {
    const papers = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', `${f}.json.gz`))).toString('utf8')) as unknown[];
    const [, venueCode = '', year = '0'] = /^([a-z]+)(\d{4})$/.exec(f) ?? [];
    for (const [k, paper] of papers.entries()) {
      const x = paperFacts(paper, { file: `${f}.json.gz`, line: k + 1, venueCode, year: Number(year) }, known, stats);
      if ('reason' in x) continue;
      const prov: SqlValue[] = [x.source, x.recordKey, 1];
      for (const p of x.people) if (!people.has(p.key)) people.set(p.key, [p.key, p.name, null, null, null, ...prov]);
      for (const a of x.affiliationYears) aff.push([a.person, a.year, a.institution, a.country, a.countryBasis, a.role, a.basis, ...prov]);
      for (const w of x.works) works.push([w.id, w.title, w.year, w.venue, w.citedByCount, w.authorCount, null, null, null, w.status, w.doi, ...prov]);
      for (const a of x.authorships) auth.push([a.work, a.person, a.position, a.institutions.join(' '), ...prov]);
    }
  }
  await store.bulkInsert('people', FIXTURE_COLUMNS.people, [...people.values()]);
  await store.bulkInsert('affiliation_years', FIXTURE_COLUMNS.affiliation_years, aff);
  await store.bulkInsert('works', FIXTURE_COLUMNS.works, works);
  await store.bulkInsert('authorships', FIXTURE_COLUMNS.authorships, auth);
  refreshed = await refreshCareers(store);
}, 180_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('careers on the real paper lists', () => {
  it('derives a career for every person, with moves chaining and current country = last destination', async () => {
    const n = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM people');
    expect(refreshed.people).toBe(n[0]?.n);
    expect(refreshed.people).toBeGreaterThan(10_000);
    expect(refreshed.countryMoves).toBeGreaterThan(0);
    const broken = await store.query(
      `SELECT m.person_id FROM moves m JOIN moves prev ON prev.person_id = m.person_id AND prev.level = m.level AND prev.seq = m.seq - 1
       WHERE prev.to_place <> m.from_place OR prev.year >= m.year`,
    );
    expect(broken).toEqual([]);
    const lastMismatch = await store.query(
      `SELECT c.person_id FROM careers c JOIN moves m ON m.person_id = c.person_id AND m.level = 'country' AND m.seq = c.country_moves
       WHERE m.to_place <> c.current_country`,
    );
    expect(lastMismatch).toEqual([]);
    const cats = await store.query<{ category: string | null; n: number }>('SELECT category, COUNT(*) AS n FROM careers GROUP BY category ORDER BY category');
    expect(cats.map((c) => c.category)).toEqual(expect.arrayContaining(['migrant', 'non-mobile']));
  });

  it('flows: pairs sum to the moves, net flows sum to zero, every rate has its denominator', async () => {
    const f = await flows(store, { from: 2021, to: 2024 });
    const n = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM moves WHERE level = 'country' AND year BETWEEN 2021 AND 2024`);
    expect(f.totalMoves).toBe(n[0]?.n);
    expect(f.net.reduce((s, x) => s + x.net, 0)).toBe(0);
    for (const x of f.net) expect(x.active).toBeGreaterThan(0);
    expect(f.originBasis['first_affiliation']).toBe(f.movers); // paper lists carry no education records
  });

  it('ICML 2023 cohort stages: every author named is staged; no education → graduate is a proxy for all', async () => {
    const s = await cohortStages(store, { venue: { venue: 'icml', year: 2023 } });
    expect(s.members).toBeGreaterThan(3000);
    expect(s.staged).toBe(s.members);
    expect(s.stages[0]?.unknown).toBe(s.staged);
    const g = s.stages[1];
    expect((g?.proxy ?? 0) + (g?.unknown ?? 0)).toBe(s.staged);
    expect(s.stages[2]?.countries[0]?.country).toBe('US');
  });

  it('diaspora and returnees answer on real data with consistent totals', async () => {
    const d = await diaspora(store, 'CN');
    expect(d.atHome + d.abroad + d.currentUnknown).toBe(d.origin.total);
    expect(d.byCurrentCountry.reduce((s, x) => s + x.people, 0)).toBe(d.abroad);
    const r = await returnees(store, 'CN');
    expect(r.byYear.reduce((s, x) => s + x.returnees, 0)).toBe(r.returnees);
    expect(r.returnees).toBeLessThanOrEqual(r.everLeft);
  });
});
