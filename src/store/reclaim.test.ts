/**
 * No lasting growth from a killed write: a DuckDB write killed before its commit leaves the blocks it had written
 * at the end of the file. The next command says so, and `atlas vacuum` gives the room back with every row,
 * view and constraint kept; a vacuum killed at any instant leaves the database whole. PostgreSQL: VACUUM.
 * Real processes killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/run-captured.ts';
import { dataPath, PACKAGE_ROOT } from '../core/paths.ts';
import { reclaimCopy } from './duckdb/duckdb-store.ts';
import { openStore } from './open-store.ts';
import { freshPostgresUrl } from './test-backends.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');
const FILES = ['corl2021.json.gz', 'colm2024.json.gz'].map((f) => dataPath('paperlists', f));
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-reclaim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A child process that opens the file, writes a large transaction and is killed with SIGKILL before it commits. */
const KILLED_WRITER = `
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(process.argv[1]);
const c = await inst.connect();
await c.run('BEGIN TRANSACTION');
await c.run("INSERT INTO works (work_id, title, source, record_key, run_id) SELECT 'junk' || range, md5(range::VARCHAR) || md5((range + 1)::VARCHAR), 'junk', 'junk', 0 FROM range(1500000)");
process.stdout.write('written\\n');
setInterval(() => {}, 1000);
`;

async function killedWrite(db: string): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', KILLED_WRITER, db], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout.on('data', (d: Buffer) => d.toString().includes('written') && child.kill('SIGKILL'));
  await exited;
}

/** Every table's rows, as the database's own fingerprint (order-independent). */
async function contentOf(db: string): Promise<Record<string, string>> {
  const store = await openStore(db);
  try {
    const tables = await store.query<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1`);
    const out: Record<string, string> = {};
    for (const { t } of tables) {
      const [r] = await store.query<{ n: number; h: string }>(`SELECT COUNT(*) AS n, CAST(COALESCE(SUM(hash(x)), 0) AS VARCHAR) AS h FROM (SELECT ${JSON.stringify(t)} AS x FROM ${JSON.stringify(t)}) q`);
      out[t] = `${r?.n}:${r?.h}`;
    }
    const [c] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM duckdb_constraints()');
    const [v] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM duckdb_views() WHERE NOT internal');
    out['(constraints)'] = String(c?.n);
    out['(views)'] = String(v?.n);
    return out;
  } finally {
    await store.close();
  }
}

const MiB = 1024 * 1024;
let db: string;
let clean: Record<string, string>;
beforeAll(async () => {
  db = path.join(dir, 'atlas.duckdb');
  const r = await runCaptured(['ingest', ...FILES, '--db', db]);
  expect(r.code, r.err).toBe(0);
  clean = await contentOf(db);
}, 120_000);

describe('DuckDB: room left by a killed write', () => {
  it('is said by the next command and given back by atlas vacuum, every row, view and constraint kept', async () => {
    const before = statSync(db).size;
    await killedWrite(db);
    expect(statSync(db).size - before).toBeGreaterThan(40 * MiB); // the killed write grew the file, or this proves nothing

    const stats = await runCaptured(['stats', '--db', db]);
    expect(stats.code, stats.err).toBe(0);
    expect(stats.err).toMatch(/note: [\d.]+ MiB of .* holds no data .*`atlas vacuum` gives it back/);
    expect(await contentOf(db)).toEqual(clean); // the killed write left no row

    const v = await runCaptured(['vacuum', '--db', db, '--json']);
    expect(v.code, v.err).toBe(0);
    const j = JSON.parse(v.out) as { before: { bytes: number; unusedBytes: number }; after: { bytes: number; unusedBytes: number } };
    expect(j.before.unusedBytes).toBeGreaterThan(40 * MiB);
    expect(j.after.unusedBytes).toBeLessThan(2 * MiB);
    expect(j.after.bytes).toBeLessThanOrEqual(before + 2 * MiB);
    expect(statSync(db).size).toBe(j.after.bytes);
    expect(await contentOf(db)).toEqual(clean);
    expect(existsSync(reclaimCopy(db))).toBe(false);

    const again = await runCaptured(['stats', '--db', db]);
    expect(again.err).not.toMatch(/holds no data/);
    // The vacuumed file is a working store: an ingest of the same files is idempotent, a new one lands.
    const same = await runCaptured(['ingest', ...FILES, '--db', db]);
    expect(same.code, same.err).toBe(0);
    expect(await contentOf(db).then((c) => ({ ...c, ingest_runs: '', ingest_files: '', derived_state: '', career_params: '' }))).toEqual({ ...clean, ingest_runs: '', ingest_files: '', derived_state: '', career_params: '' });
    const more = await runCaptured(['ingest', dataPath('paperlists', 'corl2022.json.gz'), '--db', db]);
    expect(more.code, more.err).toBe(0);
  }, 180_000);

  it('a vacuum killed at any instant leaves the database whole, and its half-made copy is removed on the next open', async () => {
    const target = path.join(dir, 'killed-vacuum.duckdb');
    const r = await runCaptured(['ingest', ...FILES, '--db', target]);
    expect(r.code, r.err).toBe(0);
    const whole = await contentOf(target);
    for (const ms of [300, 700, 1100, 1500]) {
      await killedWrite(target);
      const child = spawn(process.execPath, [BIN, 'vacuum', '--db', target], { stdio: ['ignore', 'ignore', 'ignore'] });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      setTimeout(() => child.kill('SIGKILL'), ms);
      await exited;
      expect(await contentOf(target), `killed at ${ms} ms`).toEqual(whole);
      expect(existsSync(reclaimCopy(target))).toBe(false);
    }
    const v = await runCaptured(['vacuum', '--db', target]);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toMatch(/→ [\d.]+ MiB, 0 KiB of it unused/);
    expect(await contentOf(target)).toEqual(whole);
  }, 180_000);
});

describe('PostgreSQL', () => {
  it('atlas vacuum and vacuum --full keep every row and report the size', async () => {
    const url = await freshPostgresUrl();
    const r = await runCaptured(['ingest', ...FILES, '--db', url]);
    expect(r.code, r.err).toBe(0);
    const count = async (): Promise<number> => {
      const s = await openStore(url);
      try {
        const [x] = await s.query<{ n: number }>('SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM authorships) + (SELECT COUNT(*) FROM careers) AS n');
        return Number(x?.n);
      } finally {
        await s.close();
      }
    };
    const n = await count();
    expect(n).toBeGreaterThan(1000);
    for (const args of [[], ['--full']]) {
      const v = await runCaptured(['vacuum', ...args, '--db', url, '--json']);
      expect(v.code, v.err).toBe(0);
      const j = JSON.parse(v.out) as { before: { bytes: number; unusedBytes: null }; after: { bytes: number } };
      expect(j.before.bytes).toBeGreaterThan(0);
      expect(j.before.unusedBytes).toBeNull();
      expect(await count()).toBe(n);
    }
  }, 120_000);
});
