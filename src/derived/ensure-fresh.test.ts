/**
 * Figures never stale without a word: an `atlas ingest` killed with SIGKILL at any instant — before its commit,
 * between its commit and the refresh after it, during the refresh — and then `atlas flows` gives exactly a clean
 * run's figures for the data that landed, saying so when it had to re-derive. Real processes, both backends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { dataPath, PACKAGE_ROOT } from '../core/paths.ts';
import { runCaptured } from '../cli/run-captured.ts';
import { mergeByHand } from '../identity/merge.ts';
import { openStore } from '../store/open-store.ts';
import { staleDerived } from '../store/repo/derived-state.ts';
import { freshPostgresUrl, openFreshStore } from '../store/test-backends.ts';
import { refreshCareers } from '../careers/refresh-careers.ts';
import { refreshMentorships } from '../mentors/refresh-mentorships.ts';
import { ensureFreshDerived } from './ensure-fresh.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');
const A = ['corl2021.json.gz', 'colm2024.json.gz'].map((f) => dataPath('paperlists', f));
const B = dataPath('paperlists', 'corl2022.json.gz');
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-fresh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `atlas flows --json` without the refresh time: the figures themselves. */
async function flowsOf(db: string): Promise<{ figures: unknown; note: boolean }> {
  const r = await runCaptured(['flows', '--from', '2015', '--to', '2025', '--db', db, '--json']);
  expect(r.code, r.err).toBe(0);
  const j = JSON.parse(r.out) as { params: { career: { refreshedAt?: string } } };
  delete j.params.career.refreshedAt;
  return { figures: j, note: /note: .*older than the data/.test(r.err) };
}

async function ingest(db: string, files: readonly string[]): Promise<void> {
  const r = await runCaptured(['ingest', ...files, '--db', db]);
  expect(r.code, r.err).toBe(0);
}

async function runsIn(db: string): Promise<number> {
  const store = await openStore(db);
  try {
    return Number((await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM ingest_runs WHERE source <> 'contacts'"))[0]!.n);
  } finally {
    await store.close();
  }
}

/** Start `atlas ingest B` and kill -9 it when its stderr says it is deriving, or after `ms`. */
async function killedIngest(db: string, when: { deriving: true } | { ms: number }): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'ingest', B, '--db', db], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  if ('deriving' in when) child.stderr.on('data', (d: Buffer) => d.toString().includes('deriving careers') && child.kill('SIGKILL'));
  else {
    child.stderr.resume();
    setTimeout(() => child.kill('SIGKILL'), when.ms);
  }
  await exited;
}

let cleanA: unknown;
let cleanAB: unknown;
beforeAll(async () => {
  const a = path.join(dir, 'clean-a.duckdb');
  await ingest(a, A);
  cleanA = (await flowsOf(a)).figures;
  const ab = path.join(dir, 'clean-ab.duckdb');
  await ingest(ab, A);
  await ingest(ab, [B]);
  cleanAB = (await flowsOf(ab)).figures;
  expect(cleanAB).not.toEqual(cleanA); // the second ingest changes the figures, or the test proves nothing
}, 120_000);

describe('an ingest killed at any instant, then atlas flows', () => {
  const points: Array<{ deriving: true } | { ms: number }> = [{ deriving: true }, { ms: 400 }, { ms: 1200 }, { ms: 2000 }, { ms: 2800 }, { ms: 3600 }];
  for (const [i, when] of points.entries()) {
    it(`DuckDB, killed ${'deriving' in when ? 'right after the commit, as the refresh starts' : `at ${when.ms} ms`}: the clean figures of what landed`, async () => {
      const db = path.join(dir, `killed-${i}.duckdb`);
      await ingest(db, A);
      await killedIngest(db, when);
      const landed = await runsIn(db);
      const got = await flowsOf(db);
      expect(got.figures).toEqual(landed === 2 ? cleanAB : cleanA);
      if ('deriving' in when) {
        expect(landed).toBe(2);
        expect(got.note).toBe(true); // it said it re-derived
      }
      // Re-derived once: the next reader finds everything fresh and says nothing.
      const again = await flowsOf(db);
      expect(again).toEqual({ figures: got.figures, note: false });
    }, 120_000);
  }

  it('PostgreSQL, killed as the refresh starts and at 1500 ms: the clean figures of what landed', async () => {
    for (const when of [{ deriving: true } as const, { ms: 1500 }]) {
      const db = await freshPostgresUrl();
      await ingest(db, A);
      await killedIngest(db, when);
      const landed = await runsIn(db);
      const got = await flowsOf(db);
      expect(got.figures).toEqual(landed === 2 ? cleanAB : cleanA);
      if ('deriving' in when) expect([landed, got.note]).toEqual([2, true]);
    }
  }, 120_000);
});

describe('the freshness check', () => {
  it('names careers and mentorships stale after an ingest without refresh or a merge, and fresh after ensureFreshDerived', async () => {
    const store = await openFreshStore('duckdb');
    try {
      expect(await staleDerived(store)).toEqual([]); // no facts, nothing to derive
      await ingestFiles(store, A);
      expect(await staleDerived(store)).toEqual(['careers', 'mentorships']);
      const r = await ensureFreshDerived(store);
      expect(r?.derivations).toEqual(['careers', 'mentorships']);
      expect(await staleDerived(store)).toEqual([]);
      expect(await ensureFreshDerived(store)).toBeNull();
      const [p1, p2] = (await store.query<{ id: string }>('SELECT person_id AS id FROM people ORDER BY person_id LIMIT 2')).map((x) => x.id);
      await mergeByHand(store, p1!, p2!, 'test');
      expect(await staleDerived(store)).toEqual(['careers', 'mentorships']);
      await refreshCareers(store);
      expect(await staleDerived(store)).toEqual(['mentorships']);
      await refreshMentorships(store);
      expect(await staleDerived(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('keeps the parameters the careers were derived with', async () => {
    const db = path.join(dir, 'params.duckdb');
    await ingest(db, A);
    expect((await runCaptured(['refresh-careers', '--min-stay', '3', '--db', db])).code).toBe(0);
    await ingest(db, [B]);
    const r = await runCaptured(['flows', '--db', db, '--json']);
    expect((JSON.parse(r.out) as { params: { career: { minStay: number } } }).params.career.minStay).toBe(3);
  }, 60_000);
});
