/**
 * Ingest benchmark: a synthetic OpenAlex snapshot (default 1,000,000 authors with their works) ingested by
 * `ingestFiles` into a fresh DuckDB file, against DuckDB's own read_ndjson scan of the same files in the same run.
 * The reference of issue 16 is DuckDB's own load (CREATE TABLE AS read_ndjson into a fresh database file, no checks,
 * no normalisation, no indexes) of the columns the project stores, typed as the ingest's scan reads them; the load of
 * every field with an auto-detected schema is printed beside it.
 * Each side runs in its own child process, so each peak RSS is its own.
 * Targets (issue 16): ratio ours/duckdb-load ≥ 0.5, peak RSS < 2 GiB — of the ingest's process, with the careers and
 * mentorship derivations `atlas ingest` runs after the load (timed apart, not in the ratio).   npx tsx bench/ingest.ts [--authors N] [--quick]
 * BENCH_TRACE=300 prints each of the ingest's statements slower than 300 ms (docs/ingest.md, where the time goes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { synthesize } from '../src/synth/index.ts';
import { openStore } from '../src/store/open-store.ts';
import type { SqlValue, Store } from '../src/store/store.ts';
import { ingestFiles } from '../src/ingest/run-ingest.ts';
import { refreshDerived } from '../src/derived/refresh-derived.ts';
import { STRUCTURE } from '../src/ingest/openalex/openalex-duckdb-scan.ts';
import { FLOOR_TABLES, floorLoad } from './ingest-floor.ts';

interface Measured {
  records: number;
  seconds: number;
  rss: number;
  detail: string;
  /** Rows written to each table of FLOOR_TABLES (ours and the floor). */
  tables?: Record<string, number>;
  /** Ours: the careers and mentorship derivations `atlas ingest` runs after the load, and the peak RSS with them. */
  derived?: { seconds: number; rss: number };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** DuckDB's own reader, auto-detected schema, one scan of each file, touching the nested arrays so they are really parsed. */
async function baseline(authorsFile: string, worksFile: string, authorships: number): Promise<Measured> {
  const t = performance.now();
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const scan = async (file: string, list: string): Promise<{ n: number; items: number }> => {
    const row = (await conn.runAndReadAll(`SELECT COUNT(*) AS n, SUM(len(${list})) AS items FROM read_ndjson('${file}')`)).getRowObjects()[0];
    return { n: Number(row?.['n']), items: Number(row?.['items']) };
  };
  const a = await scan(authorsFile, 'affiliations');
  const w = await scan(worksFile, 'authorships');
  if (w.items !== authorships) throw new Error(`DuckDB saw ${w.items} authorships, expected ${authorships}`);
  conn.closeSync();
  inst.closeSync();
  return { records: a.n + w.n, seconds: (performance.now() - t) / 1000, rss: peakRss(), detail: `${fmt(a.items)} affiliations, ${fmt(w.items)} authorships` };
}

/** A json_transform structure (`{"k":"T"}`, `["T"]`) as a DuckDB type: STRUCT("k" T), T[]. */
function sqlType(structure: unknown): string {
  if (typeof structure === 'string') return structure;
  if (Array.isArray(structure)) return `${sqlType(structure[0])}[]`;
  return `STRUCT(${Object.entries(structure as Record<string, unknown>).map(([k, v]) => `"${k}" ${sqlType(v)}`).join(', ')})`;
}

/** read_ndjson's `columns` for the fields the project stores of an entity — the ingest's own scan structure. */
function storedColumns(entity: 'author' | 'work'): string {
  const fields = JSON.parse(STRUCTURE[entity].replace(/\s+/g, '')) as Record<string, unknown>;
  return `{${Object.entries(fields).map(([k, v]) => `'${k}': '${sqlType(v)}'`).join(', ')}}`;
}

/**
 * DuckDB's own load: each file into a table of a fresh database file under the ingest's memory cap, no checks, no
 * normalisation, no indexes. `stored` (the reference of issue 16) names the columns the project stores, typed as the
 * ingest's scan reads them; `auto` loads every field with the schema auto-detected (the reference before).
 */
async function load(authorsFile: string, worksFile: string, dir: string, mode: 'stored' | 'auto'): Promise<Measured> {
  const file = path.join(dir, `load-${mode}.duckdb`);
  const t = performance.now();
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  await conn.run(`SET memory_limit = '${process.env['ATLAS_DUCKDB_MEMORY_LIMIT'] ?? '1.5GB'}'`);
  const read = (f: string, entity: 'author' | 'work'): string => (mode === 'stored' ? `read_ndjson('${f}', columns = ${storedColumns(entity)})` : `read_ndjson('${f}')`);
  await conn.run(`CREATE TABLE authors AS SELECT * FROM ${read(authorsFile, 'author')}`);
  await conn.run(`CREATE TABLE works AS SELECT * FROM ${read(worksFile, 'work')}`);
  await conn.run('CHECKPOINT');
  const row = (await conn.runAndReadAll('SELECT (SELECT COUNT(*) FROM authors) + (SELECT COUNT(*) FROM works) AS n, (SELECT SUM(len(authorships)) FROM works) AS items')).getRowObjects()[0];
  const seconds = (performance.now() - t) / 1000;
  conn.closeSync();
  inst.closeSync();
  rmSync(file, { force: true });
  const what = mode === 'stored' ? 'the columns the project stores, typed' : 'every field, schema auto-detected';
  return { records: Number(row?.['n']), seconds, rss: peakRss(), detail: `two tables of ${what} (${fmt(Number(row?.['items']))} authorships), no checks, no indexes` };
}

/** BENCH_TRACE=ms: every statement of the store slower than that printed to stderr with its time (where the time goes). */
function traceStatements(store: Store, overMs: number): void {
  for (const method of ['exec', 'query'] as const) {
    const run = store[method].bind(store) as (sql: string, params?: readonly SqlValue[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[method] = async (sql: string, params?: readonly SqlValue[]): Promise<unknown> => {
      const t = performance.now();
      try {
        return await run(sql, params);
      } finally {
        const ms = performance.now() - t;
        if (ms > overMs) process.stderr.write(`${(ms / 1000).toFixed(2).padStart(7)} s  ${sql.replace(/\s+/g, ' ').slice(0, 140)}\n`);
      }
    };
  }
}

async function tableRows(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of FLOOR_TABLES) out[t] = Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n);
  return out;
}

/** A fresh store for one side, its statements traced when BENCH_TRACE asks. */
async function benchStore(file: string): Promise<Store> {
  const store = await openStore(file);
  if (process.env['BENCH_TRACE']) traceStatements(store, Number(process.env['BENCH_TRACE']) || 300);
  return store;
}

async function ours(authorsFile: string, worksFile: string, dir: string): Promise<Measured> {
  const store = await benchStore(path.join(dir, 'bench.duckdb'));
  const t = performance.now();
  const r = await ingestFiles(store, [authorsFile, worksFile], { source: 'openalex' });
  const seconds = (performance.now() - t) / 1000;
  const rss = peakRss();
  const tables = await tableRows(store);
  // what `atlas ingest` does next in the same process: the peak a user's ingest reaches is this one
  const d = performance.now();
  await refreshDerived(store);
  const derived = { seconds: (performance.now() - d) / 1000, rss: peakRss() };
  await store.close();
  rmSync(path.join(dir, 'bench.duckdb'), { force: true });
  const detail = r.files.map((f) => `${path.basename(f.path)}: ${f.reader}${f.scanDeclined ? ` (scan declined: ${f.scanDeclined})` : ''}`).join(', ');
  return { records: r.records, seconds, rss, detail, tables, derived };
}

/** The floor (ingest-floor.ts): the same rows written into a fresh store with nothing but the writing, timed to its checkpoint. */
async function floor(authorsFile: string, worksFile: string, dir: string, recordKeys: boolean): Promise<Measured> {
  const file = path.join(dir, 'floor.duckdb');
  const store = await benchStore(file);
  const t = performance.now();
  await floorLoad(store, authorsFile, worksFile, recordKeys);
  const seconds = (performance.now() - t) / 1000;
  const tables = await tableRows(store);
  await store.close();
  rmSync(file, { force: true });
  return { records: Number(tables['source_records']), seconds, rss: peakRss(), detail: `the same tables written with no checks, staging, copies, identity or tracking${recordKeys ? '' : ', and an empty record key on every fact row'}`, tables };
}

/** Run one side in a child process of this script and read its figures back. */
function child(side: 'baseline' | 'load' | 'ours' | 'floor', args: string[]): Measured {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, `--child-${side}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench ${side} exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measured;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child-baseline') {
  console.log(JSON.stringify(await baseline(argv[1] as string, argv[2] as string, Number(argv[3]))));
} else if (argv[0] === '--child-load') {
  console.log(JSON.stringify(await load(argv[1] as string, argv[2] as string, argv[3] as string, argv[4] as 'stored' | 'auto')));
} else if (argv[0] === '--child-floor') {
  console.log(JSON.stringify(await floor(argv[1] as string, argv[2] as string, argv[3] as string, argv[4] !== 'no-keys')));
} else if (argv[0] === '--child-ours') {
  console.log(JSON.stringify(await ours(argv[1] as string, argv[2] as string, argv[3] as string)));
} else {
  const i = argv.indexOf('--authors');
  const authors = i >= 0 ? Number(argv[i + 1]) : argv.includes('--quick') ? 50_000 : 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-ingest-'));
  try {
    const t = performance.now();
    const s = await synthesize({ authors, seed: 42, out: dir });
    console.log(`synthetic snapshot: ${fmt(s.authors)} authors, ${fmt(s.works)} works, ${fmt(s.authorships)} authorships in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const base = child('baseline', [s.authorsFile, s.worksFile, String(s.authorships)]);
    console.log(`baseline DuckDB read_ndjson scan: ${fmt(base.records)} records (${base.detail}) in ${base.seconds.toFixed(1)} s = ${fmt(base.records / base.seconds)} records/s; peak RSS ${(base.rss / 2 ** 30).toFixed(2)} GiB`);
    const rate = (m: Measured): number => m.records / m.seconds;
    const loads = (['auto', 'stored'] as const).map((mode) => {
      const m = child('load', [s.authorsFile, s.worksFile, dir, mode]);
      if (m.records !== s.authors + s.works) throw new Error(`DuckDB's ${mode} load landed ${m.records} records, expected ${s.authors + s.works}`);
      console.log(`${mode === 'stored' ? 'reference' : 'also'} DuckDB load (CREATE TABLE AS read_ndjson, ${m.detail}): ${fmt(m.records)} records in ${m.seconds.toFixed(1)} s = ${fmt(rate(m))} records/s; peak RSS ${(m.rss / 2 ** 30).toFixed(2)} GiB; load/scan ${(rate(m) / rate(base)).toFixed(3)}`);
      return m;
    });
    const loaded = loads[1] as Measured;
    const mine = child('ours', [s.authorsFile, s.worksFile, dir]);
    if (mine.records !== s.authors + s.works) throw new Error(`atlas ingest landed ${mine.records} records, expected ${s.authors + s.works}`);
    console.log(`atlas ingest (read, validate, stage, merge, commit): ${fmt(mine.records)} records in ${mine.seconds.toFixed(1)} s = ${fmt(rate(mine))} records/s`);
    console.log(`  read by: ${mine.detail}`);
    console.log(`ratio ours/duckdb-scan: ${(rate(mine) / rate(base)).toFixed(3)}; ours/duckdb-load of every field: ${(rate(mine) / rate(loads[0] as Measured)).toFixed(3)}`);
    const ratio = rate(mine) / rate(loaded);
    console.log(`ratio ours/duckdb-load of the stored columns: ${ratio.toFixed(3)} (target ≥ 0.5, issue 16: ${ratio >= 0.5 ? 'PASS' : 'FAIL'})`);
    const peak = mine.derived?.rss ?? mine.rss;
    console.log(`peak RSS of the ingest process: ${(mine.rss / 2 ** 30).toFixed(2)} GiB during the load; ${(peak / 2 ** 30).toFixed(2)} GiB with the careers and mentorship derivations \`atlas ingest\` runs after it (${mine.derived?.seconds.toFixed(1)} s, not in the ratio) (target < 2 GiB: ${peak < 2 * 2 ** 30 ? 'PASS' : 'FAIL'})`);
    // The floor: what writing these rows alone costs here (bench/ingest-floor.ts), beside what the ingest costs.
    const rows = Object.values(mine.tables ?? {}).reduce((a, b) => a + b, 0);
    for (const keys of ['keys', 'no-keys'] as const) {
      const low = child('floor', [s.authorsFile, s.worksFile, dir, keys]);
      const differ = FLOOR_TABLES.filter((t) => low.tables?.[t] !== mine.tables?.[t]);
      if (differ.length) throw new Error(`the floor wrote other row counts than the ingest: ${differ.map((t) => `${t} ${low.tables?.[t]} vs ${mine.tables?.[t]}`).join(', ')}`);
      console.log(`floor (${low.detail}; ${fmt(rows)} rows, as many per table as the ingest): ${low.seconds.toFixed(1)} s; peak RSS ${(low.rss / 2 ** 30).toFixed(2)} GiB`);
      console.log(`  ratio floor/duckdb-load of the stored columns: ${(rate(low) / rate(loaded)).toFixed(3)}${keys === 'keys' ? ' (a direct writer of these rows and nothing else; not a proof of a bound)' : ' (the same with empty record keys: what integer record ids could save, at most)'}; ours/floor ${(low.seconds / mine.seconds).toFixed(3)}`);
    }
    // a missed target fails the run, as every other benchmark's does
    if (ratio < 0.5 || peak >= 2 * 2 ** 30) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
