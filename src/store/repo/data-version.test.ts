/**
 * dataVersionNow gives what dataVersion gives after every finished write, while reading as little as it can: nothing
 * on DuckDB while no statement that may write has finished, one shared read at a time on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import { PostgresStore } from '../postgres/postgres-store.ts';
import type { Store } from '../store.ts';
import { forEachBackend, freshPostgresUrl } from '../test-backends.ts';
import { dataVersion, dataVersionNow } from './data-version.ts';

/** Count the data-version reads a store is asked for. */
function countReads(store: Store): { reads: number } {
  const counter = { reads: 0 };
  const query = store.query.bind(store);
  store.query = ((sql: string, params?: readonly never[]) => {
    if (sql.includes('FROM derived_state) AS derived')) counter.reads++;
    return query(sql, params);
  }) as Store['query'];
  return counter;
}

const RUN = `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased, command)
  VALUES ($1, 'openalex', 'now', 'now', 'success', 0, 0, 0, 0, 0, 0, 0, 0, 'test')`;

forEachBackend((newStore, backend) => {
  describe('dataVersionNow', () => {
    it('follows every write, and shares or skips reads', async () => {
      const store = await newStore();
      const counter = countReads(store);
      const v0 = await dataVersionNow(store);
      expect(v0).toBe(await dataVersion(store));
      counter.reads = 0;
      const many = await Promise.all(Array.from({ length: 40 }, () => dataVersionNow(store)));
      expect(new Set(many)).toEqual(new Set([v0]));
      // DuckDB: nothing was written since the last read, so nothing is read; PostgreSQL: one read under way, one after it
      expect(counter.reads).toBeLessThanOrEqual(backend === 'duckdb' ? 0 : 2);
      await store.exec(RUN, [1]);
      const v1 = await dataVersionNow(store);
      expect(v1).not.toBe(v0);
      expect(v1).toBe(await dataVersion(store));
      await store.transaction(async (tx) => tx.exec(RUN, [2]));
      expect(await dataVersionNow(store)).toBe(await dataVersion(store));
      await store.query(`${RUN} RETURNING run_id`, [3]); // a write through query()
      expect(await dataVersionNow(store)).toBe(await dataVersion(store));
      // writes that leave the version as it was (an audit row, say) cost one read, not a new version
      const v3 = await dataVersion(store);
      counter.reads = 0;
      await store.exec(`CREATE TABLE scratch (x INTEGER)`);
      await store.exec(`INSERT INTO scratch VALUES (1)`);
      expect(await dataVersionNow(store)).toBe(v3);
      expect(counter.reads).toBe(1);
    });
  });
});

describe('dataVersionNow on PostgreSQL', () => {
  it('sees a write by another process at once', async () => {
    const url = await freshPostgresUrl();
    const a = await PostgresStore.open(url);
    const b = await PostgresStore.open(url);
    try {
      await migrate(a);
      const v0 = await dataVersionNow(a);
      await b.exec(RUN, [1]);
      const v1 = await dataVersionNow(a);
      expect(v1).not.toBe(v0);
      expect(v1).toBe(await dataVersion(b));
    } finally {
      await b.close();
      await a.close();
    }
  });
});
