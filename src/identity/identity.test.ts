import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import type { RecordFacts } from '../ingest/facts.ts';
import { KnownInstitutions } from '../ingest/paperlists/known-institutions.ts';
import { newPaperlistStats, paperFacts, venueYearFromFile } from '../ingest/paperlists/paper-facts.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { compatibleNames, nameKey } from './names.ts';
import { erasePerson, evaluateResolution, mergeByHand, resolveIdentities, splitPerson } from './index.ts';
import { loadFactsForTest } from './test-load.ts';

const known = KnownInstitutions.bundled();
function paperlist(...names: string[]): RecordFacts[] {
  const stats = newPaperlistStats();
  return names.flatMap((name) => {
    const arr = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', `${name}.json.gz`))).toString()) as unknown[];
    const vy = venueYearFromFile(name);
    if (!vy) throw new Error(name);
    return arr.flatMap((p, i) => {
      const r = paperFacts(p, { file: name, line: i + 1, ...vy }, known, stats);
      return 'reason' in r ? [] : [r];
    });
  });
}

let store: Store;
beforeEach(async () => {
  store = await DuckDBStore.open(':memory:');
  await migrate(store);
});
afterEach(async () => store.close());

describe('names', () => {
  it('normalises case, accents, hyphens, order and initials', () => {
    expect(nameKey('Kim Sung-hoon')).toBe(nameKey('Sung-hoon Kim'));
    expect(nameKey('Noémie Elhadad')).toBe(nameKey('noemie ELHADAD'));
    expect(compatibleNames('Kim Sung-hoon', 'Sung-Hoon Kim')).toBe('exact');
    expect(compatibleNames('J. Zico Kolter', 'Zico Kolter')).toBe('initials');
    expect(compatibleNames('Y. Liu', 'Yang Liu')).toBe('initials');
    expect(compatibleNames('Yang Liu', 'Yan Liu')).toBeNull();
    expect(compatibleNames('Mohamed Nassar 0001', 'Mohamed Nassar')).toBe('exact');
  });
});

describe('identity resolution on real paper lists', () => {
  it('~Mengfan_Xu1: Northwestern 2021 and 2023, then UMass Amherst 2025 in career_affiliation_years', async () => {
    await loadFactsForTest(store, paperlist('iclr2021', 'icml2023', 'aistats2025'));
    const rows = await store.query<{ year: number; institution_id: string; country: string }>(
      `SELECT year, institution_id, country FROM career_affiliation_years WHERE person_id = 'openreview:~Mengfan_Xu1' ORDER BY year`,
    );
    expect(rows).toEqual([
      { year: 2021, institution_id: 'name:northwestern university', country: 'US' },
      { year: 2023, institution_id: 'name:northwestern university', country: 'US' },
      { year: 2025, institution_id: 'name:university massachusetts amherst', country: 'US' },
    ]);
  });

  it('measures precision/recall with hidden OpenReview ids; merges need evidence and record reasons', async () => {
    await loadFactsForTest(store, paperlist('corl2021', 'corl2022', 'corl2023', 'corl2024'));
    const doubledSql = `SELECT person_id FROM person_identifiers WHERE scheme = 'openreview' GROUP BY person_id HAVING COUNT(*) > 1`;
    // people with two OpenReview profiles joined by a shared DBLP/Scholar/ORCID id at load time
    const doubledBefore = (await store.query(doubledSql)).length;
    const ev = await evaluateResolution(store);
    expect(ev.mentions).toBeGreaterThan(3000);
    expect(ev.precision).toBeGreaterThan(0.95);
    expect(ev.recall).toBeGreaterThan(0.5);
    const plan = await resolveIdentities(store, { apply: true });
    expect(plan.applied).toBe(plan.merges.length);
    expect(plan.applied).toBeGreaterThan(0);
    const merges = await store.query<{ kept: string; merged: string; reasons: string }>(`SELECT kept, merged, reasons FROM merges WHERE kind = 'auto'`);
    expect(merges).toHaveLength(plan.applied);
    for (const m of merges) {
      const reasons = JSON.parse(m.reasons) as string[];
      expect(reasons.some((r) => r.startsWith('same institution') || r.startsWith('shared co-authors'))).toBe(true);
      // the merged person is gone and holds nothing any more
      expect(await store.query('SELECT person_id FROM people WHERE person_id = $1', [m.merged])).toHaveLength(0);
      expect(await store.query('SELECT 1 FROM authorships WHERE person_id = $1', [m.merged])).toHaveLength(0);
      expect((await store.query('SELECT 1 FROM person_identifiers WHERE person_id = $1', [m.kept])).length).toBeGreaterThan(1);
    }
    // name-based resolution never joins two OpenReview ids
    expect(await store.query(doubledSql)).toHaveLength(doubledBefore);
    // a second run finds nothing more to do
    expect((await resolveIdentities(store, { apply: false })).merges).toHaveLength(0);
  });

  it('manual merge and split survive: the resolver never re-merges a split', async () => {
    await loadFactsForTest(store, paperlist('corl2021', 'corl2022', 'corl2023', 'corl2024'));
    const plan = await resolveIdentities(store, { apply: true });
    const first = plan.merges[0];
    if (!first) throw new Error('expected a merge');
    const idRows = await store.query<{ scheme: string; value: string }>('SELECT scheme, value FROM person_identifiers WHERE person_id = $1 AND scheme = $2', [first.kept, 'name']);
    const moved = idRows[0];
    if (!moved) throw new Error('expected a name identifier on the kept person');
    const { newPerson } = await splitPerson(store, first.kept, [moved]);
    expect(await store.query('SELECT person_id FROM person_identifiers WHERE scheme = $1 AND value = $2', [moved.scheme, moved.value])).toEqual([{ person_id: newPerson }]);
    expect((await store.query(`SELECT 1 FROM authorships WHERE person_id = $1`, [newPerson])).length).toBe(1);
    const again = await resolveIdentities(store, { apply: false });
    expect(again.merges.filter((m) => [m.kept, m.merged].includes(newPerson))).toHaveLength(0);
    // and a manual merge re-points identifiers, so the ingest resolves them to the kept person
    await mergeByHand(store, first.kept, newPerson, 'test');
    expect(await store.query('SELECT person_id FROM person_identifiers WHERE scheme = $1 AND value = $2', [moved.scheme, moved.value])).toEqual([{ person_id: first.kept }]);
    expect(await store.query(`SELECT kind FROM merges WHERE merged = $1 ORDER BY merge_id`, [newPerson])).toEqual([{ kind: 'split' }, { kind: 'manual' }]);
  });
});

describe('erasure', () => {
  it('removes every row that mentions the person or their identifiers and tombstones the identifiers', async () => {
    await loadFactsForTest(store, paperlist('iclr2021', 'icml2023', 'aistats2025'));
    const person = 'openreview:~Mengfan_Xu1';
    const ids = await store.query<{ scheme: string; value: string }>('SELECT scheme, value FROM person_identifiers WHERE person_id = $1', [person]);
    const works = await store.query<{ work_id: string }>('SELECT work_id FROM authorships WHERE person_id = $1', [person]);
    expect(works.length).toBeGreaterThan(1);
    const r = await erasePerson(store, person);
    expect(r.removed['authorships']).toBe(works.length);
    expect(r.removed['affiliation_years']).toBeGreaterThanOrEqual(3);
    const needles = [person, ...ids.map((i) => i.value), ...ids.map((i) => `${i.scheme}:${i.value}`)];
    const cols = await store.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' AND table_name <> 'tombstones'`,
    );
    for (const c of cols) {
      for (const n of needles) {
        const hits = await store.query(`SELECT 1 FROM "${c.table_name}" WHERE "${c.column_name}" = $1 OR "${c.column_name}" LIKE $2 LIMIT 1`, [n, `%${n}%`]);
        expect([c.table_name, c.column_name, n, hits.length]).toEqual([c.table_name, c.column_name, n, 0]);
      }
    }
    expect(await store.query('SELECT scheme, value FROM tombstones ORDER BY scheme')).toEqual(expect.arrayContaining(ids));
    // the works stay, with their other authors
    for (const w of works) expect((await store.query('SELECT 1 FROM works WHERE work_id = $1', [w.work_id])).length).toBe(1);
  });
});
