/** Runs the Store contract suite against the DuckDB backend (in memory and on a file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../store.case.ts';
import { DuckDBStore } from './duckdb-store.ts';

runStoreContract('duckdb (memory)', () => DuckDBStore.open(':memory:'));

const dir = mkdtempSync(join(tmpdir(), 'atlas-duckdb-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
runStoreContract('duckdb (file)', () => DuckDBStore.open(join(dir, `db${++n}.duckdb`)));

describe('DuckDB statement progress', () => {
  it('is null when idle and a fraction between 0 and 1 while a long statement runs with progress tracking on', async () => {
    const store = await DuckDBStore.open(':memory:');
    try {
      expect(store.progress()).toBeNull();
      // As in an ingest: the writer's session holds one connection, whose settings and statements progress() reads.
      const seen = await store.withWriterLock(async () => {
        await store.exec('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
        await store.exec('CREATE TEMP TABLE t AS SELECT i FROM range(20000000) r(i)');
        const out: number[] = [];
        const poll = setInterval(() => {
          const p = store.progress();
          if (p !== null) out.push(p);
        }, 20);
        try {
          await store.exec('CREATE TEMP TABLE u AS SELECT sha1(CAST(i AS VARCHAR)) AS h FROM t');
        } finally {
          clearInterval(poll);
        }
        return out;
      });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(seen.some((p) => p > 0 && p < 1)).toBe(true);
      expect(store.progress()).toBeNull();
    } finally {
      await store.close();
    }
  });
});

describe('DuckDB sessions', () => {
  it('inside a transaction, a statement while a result is being streamed is refused, not allowed to cut the stream short', async () => {
    const store = await DuckDBStore.open(':memory:');
    try {
      await store.exec('CREATE TABLE big AS SELECT i FROM range(0, 100000) r(i)');
      const err = await store
        .transaction(async (tx) => {
          for await (const _batch of tx.iterate('SELECT i FROM big', [], 1000)) await tx.exec('SELECT 1');
        })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'DB_ERROR' });
      expect(String((err as Error).message)).toMatch(/while a result is being streamed/);
      // Read everything first, then write — the pattern the refreshes follow — works, and the store is usable after.
      const rows = await store.transaction(async (tx) => {
        let n = 0;
        for await (const b of tx.iterate('SELECT i FROM big', [], 1000)) n += b.length;
        await tx.exec('CREATE TABLE copy AS SELECT * FROM big');
        return n;
      });
      expect(rows).toBe(100_000);
      expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM copy'))[0]?.n).toBe(100_000);
    } finally {
      await store.close();
    }
  });

  it('reclaim waits for readers still at work, then reopens with the data whole', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'atlas-duckdb-reclaim-'));
    const store = await DuckDBStore.open(join(dir2, 'r.duckdb'));
    try {
      await store.exec('CREATE TABLE big AS SELECT i FROM range(0, 100000) r(i)');
      let streamed = 0;
      const reader = (async () => {
        for await (const b of store.iterate<{ i: number }>('SELECT i FROM big', [], 1000)) {
          streamed += b.length;
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await store.reclaim();
      await reader;
      expect(streamed).toBe(100_000);
      expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM big'))[0]?.n).toBe(100_000);
    } finally {
      await store.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
