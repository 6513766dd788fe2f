/** The backend test helpers themselves: each backend's store is fresh and migrated, and both answer alike. */
import { expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema.ts';
import type { Store } from './store.ts';
import { answerOnEachBackend, forEachBackend } from './test-backends.ts';

forEachBackend((newStore, backend) => {
  it('gives a fresh migrated store of the named backend, separate from the previous one', async () => {
    const a = await newStore();
    expect(a.backend).toBe(backend);
    expect(await a.query('SELECT MAX(version) AS v FROM schema_migrations')).toEqual([{ v: SCHEMA_VERSION }]);
    await a.exec(`INSERT INTO tombstones (scheme, value, erased_at) VALUES ('orcid', 'x', 'now')`);
    const b = await newStore();
    expect(await b.query('SELECT COUNT(*) AS n FROM tombstones')).toEqual([{ n: 0 }]);
    const raw = await newStore({ migrate: false });
    await expect(raw.query('SELECT COUNT(*) AS n FROM people')).rejects.toThrow();
  });
});

it('answerOnEachBackend: a window-function flows query answers identically on DuckDB and PostgreSQL', async () => {
  const seed = async (s: Store) => {
    const rows: Array<[string, number, string]> = [
      ['p1', 2018, 'GB'], ['p1', 2019, 'US'], ['p1', 2020, 'US'],
      ['p2', 2018, 'CN'], ['p2', 2019, 'US'], ['p2', 2020, 'CN'],
      ['p3', 2019, 'GB'], ['p3', 2020, 'US'],
    ];
    for (const [p, y, c] of rows) {
      await s.exec(`INSERT INTO affiliation_years (person_id, year, country, basis, source, record_key, run_id) VALUES ($1, $2, $3, 'profile', 's', 'k', 1)`, [p, y, c]);
    }
  };
  const answers = await answerOnEachBackend(seed, (s) =>
    s.query(`WITH c AS (SELECT person_id, country, LAG(country) OVER (PARTITION BY person_id ORDER BY year) AS prev FROM career_affiliation_years)
             SELECT prev AS src, country AS dst, COUNT(*) AS n FROM c WHERE prev <> country GROUP BY prev, country ORDER BY n DESC, src, dst`),
  );
  expect(answers.duckdb).toEqual([
    { src: 'GB', dst: 'US', n: 2 },
    { src: 'CN', dst: 'US', n: 1 },
    { src: 'US', dst: 'CN', n: 1 },
  ]);
  expect(answers.postgres).toEqual(answers.duckdb);
});
