/**
 * Ingest benchmark: a synthetic OpenAlex snapshot (default 1,000,000 authors with their works) ingested by
 * `ingestFiles` into a fresh DuckDB file, against DuckDB's own read_ndjson scan of the same files in the same run.
 * Targets (issue 2): ratio ours/duckdb ≥ 0.5, peak RSS < 2 GiB.   npx tsx bench/ingest.ts [--authors N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { synthesize } from '../src/synth/index.ts';
import { openStore } from '../src/store/open-store.ts';
import { ingestFiles } from '../src/ingest/run-ingest.ts';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const authors = arg('authors', process.argv.includes('--quick') ? 50_000 : 1_000_000);
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-ingest-'));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
try {
  let t = performance.now();
  const s = await synthesize({ authors, seed: 42, out: dir });
  console.log(`synthetic snapshot: ${fmt(s.authors)} authors, ${fmt(s.works)} works, ${fmt(s.authorships)} authorships in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const records = s.authors + s.works;

  t = performance.now();
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  // DuckDB's own reader, auto-detected schema, touching the nested arrays so they are really parsed.
  const q = await conn.runAndReadAll(
    `SELECT (SELECT COUNT(*) FROM read_ndjson('${s.authorsFile}')) + (SELECT COUNT(*) FROM read_ndjson('${s.worksFile}')) AS n,
            (SELECT SUM(len(affiliations)) FROM read_ndjson('${s.authorsFile}')) AS affiliations,
            (SELECT SUM(len(authorships)) FROM read_ndjson('${s.worksFile}')) AS authorships`,
  );
  const duckSeconds = (performance.now() - t) / 1000;
  const row = q.getRowObjects()[0];
  const duckCount = Number(row?.['n']);
  if (Number(row?.['authorships']) !== s.authorships) throw new Error(`DuckDB saw ${String(row?.['authorships'])} authorships, expected ${s.authorships}`);
  conn.closeSync();
  inst.closeSync();
  console.log(`baseline DuckDB read_ndjson scan: ${fmt(duckCount)} records in ${duckSeconds.toFixed(1)} s = ${fmt(duckCount / duckSeconds)} records/s`);

  const store = await openStore(path.join(dir, 'bench.duckdb'));
  t = performance.now();
  const r = await ingestFiles(store, [s.authorsFile, s.worksFile], { source: 'openalex' });
  const ours = (performance.now() - t) / 1000;
  await store.close();
  const rss = process.resourceUsage().maxRSS * 1024;
  const ratio = records / ours / (duckCount / duckSeconds);
  console.log(`atlas ingest (parse, validate, stage, merge): ${fmt(r.records)} records in ${ours.toFixed(1)} s = ${fmt(r.records / ours)} records/s`);
  console.log(`ratio ours/duckdb-scan: ${ratio.toFixed(3)} (target ≥ 0.5: ${ratio >= 0.5 ? 'PASS' : 'FAIL'})`);
  console.log(`peak RSS: ${fmt(rss / 1024)} KiB = ${(rss / 2 ** 30).toFixed(2)} GiB (target < 2 GiB: ${rss < 2 * 2 ** 30 ? 'PASS' : 'FAIL'})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
