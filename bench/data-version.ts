/**
 * The data-version check every API request and CLI call makes before using the in-memory search index and tie
 * graph (src/store/repo/data-version.ts), on a store of N people (default 1,000,000; --quick 200,000) on both
 * backends. Baseline, measured in the same run: the check as it was before (it counted people and fingerprinted
 * every mentorship row). Prints median and p95 of 300 calls each, and the ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { startTempCluster } from '../src/store/postgres/temp-cluster.ts';
import { dataVersion } from '../src/store/repo/data-version.ts';
import type { Store } from '../src/store/store.ts';

const N = process.argv.includes('--quick') ? 200_000 : 1_000_000;
const CALLS = 300;

const BEFORE_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs) AS runs, (SELECT MAX(merge_id) FROM merges) AS merges,
  (SELECT COUNT(*) FROM tombstones) AS tombstones, (SELECT MAX(erased_at) FROM tombstones) AS erased,
  (SELECT COUNT(*) FROM people) AS people, (SELECT MAX(refreshed_at) FROM career_params) AS careers,
  (SELECT CAST(COUNT(*) AS VARCHAR) || ':' || CAST(COALESCE(ROUND(SUM(confidence) * 1000000), 0) AS VARCHAR) || ':' || CAST(COALESCE(SUM(LENGTH(mentor) * LENGTH(mentee) * (CASE WHEN kind = 'mentorship' THEN 3 ELSE 1 END)), 0) AS VARCHAR) FROM mentorships) AS mentorships`;

async function seed(store: Store): Promise<void> {
  await migrate(store);
  const series = store.backend === 'postgres' ? `generate_series(1, ${N}) AS g(i)` : `range(1, ${N + 1}) AS g(i)`;
  await store.exec(`INSERT INTO people (person_id, display_name, source, record_key, run_id) SELECT 'p' || CAST(i AS VARCHAR), 'Person ' || CAST(i AS VARCHAR), 'synth', 'k' || CAST(i AS VARCHAR), 1 FROM ${series}`);
  // mentorship ties: one in twenty people has one (the demo has 5,961 for 75,061 people)
  await store.exec(`INSERT INTO mentorships (mentor, mentee, kind, confidence, source, evidence) SELECT 'p' || CAST(i + 1 AS VARCHAR), 'p' || CAST(i AS VARCHAR), 'inferred', 0.5, 'synth', '{}' FROM ${series} WHERE i % 20 = 0`);
  await store.exec(`INSERT INTO ingest_runs (run_id, source, started_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased, command) VALUES (1, 'synth', '2026-12-03', 'done', 1, ${N}, ${N}, 0, 0, 0, 0, 0, 'bench')`);
  if (store.backend === 'postgres') await store.exec('ANALYZE');
}

async function time(fn: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 20; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(CALLS / 2)] as number, p95: ms[Math.floor(CALLS * 0.95)] as number };
}

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-version-'));
const cluster = await startTempCluster({ durable: true });
try {
  for (const backend of ['duckdb', 'postgres'] as const) {
    const store: Store = backend === 'duckdb' ? await DuckDBStore.open(path.join(dir, 'v.duckdb')) : await PostgresStore.open(cluster.url);
    try {
      const t0 = performance.now();
      await seed(store);
      const [m] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM mentorships');
      console.log(`${backend}: ${N.toLocaleString('en')} people, ${Number(m?.n).toLocaleString('en')} mentorship rows (seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const before = await time(() => store.query(BEFORE_SQL));
      const now = await time(() => dataVersion(store));
      const f = (x: { median: number; p95: number }): string => `median ${x.median.toFixed(2)} ms, p95 ${x.p95.toFixed(2)} ms`;
      console.log(`  baseline (count people, fingerprint mentorships): ${f(before)}`);
      console.log(`  dataVersion now:                                  ${f(now)}   ratio ${(before.median / now.median).toFixed(1)}× faster (median)`);
    } finally {
      await store.close();
    }
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
