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
      await store.exec('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
      await store.exec('CREATE TEMP TABLE t AS SELECT i FROM range(20000000) r(i)');
      const seen: number[] = [];
      const poll = setInterval(() => {
        const p = store.progress();
        if (p !== null) seen.push(p);
      }, 20);
      try {
        await store.exec('CREATE TEMP TABLE u AS SELECT sha1(CAST(i AS VARCHAR)) AS h FROM t');
      } finally {
        clearInterval(poll);
      }
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(seen.some((p) => p > 0 && p < 1)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
