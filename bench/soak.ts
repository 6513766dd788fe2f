/**
 * Soak benchmark: the team server on loopback for ten minutes (src/api/soak.ts) over a bigger store — a synthetic
 * OpenAlex snapshot (src/synth) plus two real Paper Copilot lists — with recruiter reads, intro and broker queries,
 * shortlist writes and viewer reads from concurrent clients, and a third list ingested in the middle. Prints
 * req/s, latency percentiles, statuses, RSS at start, after warm-up and at the end, and the consistency checks;
 * exits non-zero on any 5xx, unexpected status, failed ingest or figure that differs from the store's.
 * Server, clients and ingest share one process (DuckDB allows one process per file), so RSS covers all three.
 *
 * Usage: tsx bench/soak.ts [--duration SECONDS=600] [--quick (30 s, a smaller store)] [--backend duckdb|postgres|both]
 *                          [--authors N] [--workers N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak, soakSummary, type SoakResult } from '../src/api/soak.ts';
import { KINDS } from '../src/api/soak-workload.ts';
import { refreshDerived } from '../src/derived/refresh-derived.ts';
import { dataPath } from '../src/core/paths.ts';
import { ingestFiles } from '../src/ingest/run-ingest.ts';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { startTempCluster, type TempCluster } from '../src/store/postgres/temp-cluster.ts';
import type { Store } from '../src/store/store.ts';
import { synthesize } from '../src/synth/index.ts';

// Not strict: `npm run bench` passes its arguments to every benchmark, and the others' options are not ours.
const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'duckdb' },
    authors: { type: 'string' },
    workers: { type: 'string', default: '8' },
  },
  allowPositionals: true,
  strict: false,
});
const QUICK = values.quick === true;
const SECONDS = Number(values.duration ?? (QUICK ? 30 : 600));
const AUTHORS = Number(values.authors ?? (QUICK ? 3000 : 20_000));
const WORKERS = Number(values.workers);
const BACKENDS: string[] = values.backend === 'both' ? ['duckdb', 'postgres'] : [String(values.backend)];
for (const [name, v] of [['--duration', SECONDS], ['--authors', AUTHORS], ['--workers', WORKERS]] as const) {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number`);
}
if (SECONDS < 20) throw new Error('--duration must be at least 20 s (warm-up, the ingest and the check after it)');
if (!BACKENDS.every((b) => b === 'duckdb' || b === 'postgres')) throw new Error('--backend is duckdb, postgres or both');

const out = (line: string) => process.stdout.write(`${line}\n`);
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-soak-'));
const BASE = ['corl2021.json.gz', 'colm2024.json.gz'].map((f) => dataPath('paperlists', f));
const LATER = [dataPath('paperlists', 'corl2022.json.gz')];

async function openBenchStore(backend: string, cluster: () => Promise<TempCluster>): Promise<Store> {
  if (backend === 'duckdb') return DuckDBStore.open(path.join(dir, 'soak.duckdb'));
  const admin = (await cluster()).url;
  const u = new URL(admin);
  u.pathname = '/atlas_soak';
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('CREATE DATABASE atlas_soak');
  await client.end();
  return PostgresStore.open(u.toString());
}

function kindTable(r: SoakResult): string[] {
  return KINDS.map((k) => {
    const f = r.kinds[k];
    return `  ${k.padEnd(17)} ${String(f.requests).padStart(7)}  ${JSON.stringify(f.byStatus).padEnd(22)} p50 ${f.latencyMs.p50} ms  p95 ${f.latencyMs.p95} ms  p99 ${f.latencyMs.p99} ms`;
  });
}

async function main(): Promise<void> {
  out(`soak benchmark: ${SECONDS} s per backend (${BACKENDS.join(', ')}), ${WORKERS} clients, ${AUTHORS.toLocaleString('en-US')} synthetic authors + ${BASE.length} Paper Copilot lists, ${path.basename(LATER[0]!)} ingested in the middle; node ${process.version}`);
  const t0 = performance.now();
  const synth = await synthesize({ authors: AUTHORS, seed: 17, out: path.join(dir, 'synth') });
  out(`synthesised ${synth.authors.toLocaleString('en-US')} authors, ${synth.works.toLocaleString('en-US')} works in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let cluster: TempCluster | undefined;
  const startCluster = async () => (cluster ??= await startTempCluster());
  let failed = false;
  try {
    for (const backend of BACKENDS) {
      out(`\n--- ${backend}`);
      const store = await openBenchStore(backend, startCluster);
      try {
        await migrate(store);
        const t1 = performance.now();
        await ingestFiles(store, [synth.authorsFile, synth.worksFile, ...BASE]);
        await refreshDerived(store);
        const [n] = await store.query<{ p: number; w: number }>('SELECT (SELECT COUNT(*) FROM people) AS p, (SELECT COUNT(*) FROM works) AS w');
        out(`store: ${n?.p.toLocaleString('en-US')} people, ${n?.w.toLocaleString('en-US')} works, ingested and derived in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
        const r = await runSoak(store, { durationMs: SECONDS * 1000, workers: WORKERS, ingest: LATER, log: (line) => out(`  ${line}`) });
        out(soakSummary(r));
        out('per kind      requests  statuses               latency');
        for (const line of kindTable(r)) out(line);
        for (const e of [...r.serverErrors, ...r.unexpected].slice(0, 10)) out(`  ${e.status} ${e.method} ${e.url} at ${(e.atMs / 1000).toFixed(1)} s: ${e.body.slice(0, 160)}`);
        if (r.problems.length) failed = true;
      } finally {
        await store.close();
      }
    }
  } finally {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  out(failed ? '\nsoak FAILED: see PROBLEMS above' : '\nsoak passed: no 5xx, every status as expected, figures equal to the store\'s and to a clean re-derivation after the ingest');
  process.exitCode = failed ? 1 : 0;
}

await main();
