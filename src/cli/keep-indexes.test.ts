/**
 * `atlas ingest` keeps the tie graph current, as it does the search index (search.test.ts): with no graph kept and
 * --no-index it makes none (by default it builds one: search.test.ts); with one kept (an intro made it) the ingest brings it up
 * to date there and then, the next intro reads it as it is and answers as a graph built from the store does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { invalidateTieGraphs } from '../network/index.ts';
import { tieGraphOrigins } from '../network/tie-graph-cache.ts';
import { keptTieGraphParams } from '../network/tie-graph-file.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { openStore } from '../store/open-store.ts';
import { runCaptured, type CliOutcome } from './run-captured.ts';

/** Make the most prolific author of the store rita's contact; a person two hops from them, the target. */
async function contactTwoHopsAway(file: string, d: string): Promise<string> {
  const store = await openStore(file);
  let contact: string, target: string;
  try {
    [{ person_id: contact }] = (await store.query<{ person_id: string }>(`SELECT person_id FROM authorships GROUP BY person_id ORDER BY COUNT(*) DESC, person_id LIMIT 1`)) as [{ person_id: string }];
    [{ person_id: target }] = (await store.query<{ person_id: string }>(
      `SELECT DISTINCT c.person_id FROM authorships a JOIN authorships b ON b.work_id = a.work_id AND b.person_id <> a.person_id
       JOIN authorships x ON x.person_id = b.person_id JOIN authorships c ON c.work_id = x.work_id
       WHERE a.person_id = $1 AND c.person_id <> $1
         AND c.person_id NOT IN (SELECT y.person_id FROM authorships y JOIN authorships z ON z.work_id = y.work_id WHERE z.person_id = $1)
       ORDER BY c.person_id LIMIT 1`,
      [contact],
    )) as [{ person_id: string }];
  } finally {
    await store.close();
  }
  const csv = path.join(d, 'contacts.csv');
  writeFileSync(csv, `name,openreview,strength,note\nA Contact,${contact},4,met at CoRL\n`);
  expect((await runCaptured(['contacts', 'import', csv, '--owner', 'rita', '--db', file])).code).toBe(0);
  return target;
}

/** The intro answered from the kept graph (`kept`) is the one a graph built from the store again answers, and finds paths. */
async function expectAsBuilt(file: string, kept: CliOutcome, intro: () => Promise<CliOutcome>): Promise<void> {
  const s = await openStore(file);
  try {
    invalidateTieGraphs(s);
  } finally {
    await s.close();
  }
  const built = await intro();
  const paths = (o: CliOutcome): unknown => (JSON.parse(o.out) as { paths: unknown }).paths;
  expect(paths(kept)).toEqual(paths(built));
  expect((paths(kept) as unknown[]).length).toBeGreaterThan(0);
}

describe('atlas ingest keeps the tie graph current', () => {
  it('a later ingest brings the kept graph up to date there and then; the next intro reads it and answers as a build does', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-graph-kept-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    try {
      const first = await run('ingest', dataPath('paperlists', 'corl2022.json.gz'), '--no-index');
      expect(first.code).toBe(0);
      expect(first.err).not.toMatch(/tie graph (built|brought)/); // none kept: none built (--no-index)
      // a contact (the most prolific author of CoRL 2022) and a target two hops from them
      const target = await contactTwoHopsAway(file, d);
      const intro = (): Promise<CliOutcome> => run('intro', target, '--owner', 'rita', '--k', '3', '--json');
      const made = { ...tieGraphOrigins };
      expect((await intro()).code).toBe(0);
      expect(tieGraphOrigins.built).toBe(made.built + 1); // and kept in its file

      // an older year's list: the reference year stays (a later one weighs every tie anew: a build, and no file
      // of the new parameters is kept, so the ingest makes none)
      const r = await run('ingest', dataPath('paperlists', 'corl2021.json.gz'));
      expect(r.code).toBe(0);
      const before = { ...tieGraphOrigins };
      expect(r.err).toMatch(/tie graph brought up to date in \d+\.\d s/);
      const kept = await intro();
      expect(kept.code).toBe(0);
      expect(tieGraphOrigins).toEqual({ ...before, read: before.read + 1 }); // read as the ingest left it: no update, no build
      await expectAsBuilt(file, kept, intro);
      expect(tieGraphOrigins.built).toBe(before.built + 1);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);

  it('an ingest that moves the data to a later year builds the graph of the new reference year, when the year before\'s was kept', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-graph-year-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    try {
      expect((await run('ingest', dataPath('paperlists', 'corl2021.json.gz'))).code).toBe(0);
      const target = await contactTwoHopsAway(file, d);
      const intro = (): Promise<CliOutcome> => run('intro', target, '--owner', 'rita', '--k', '3', '--json');
      expect((await intro()).code).toBe(0);
      const s0 = await openStore(file);
      const dir = storeCacheDir(s0);
      await s0.close();
      expect(keptTieGraphParams(dir).map((p) => p[2])).toEqual([2021]);
      const r = await run('ingest', dataPath('paperlists', 'corl2022.json.gz'));
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/tie graph built for the data's new reference year 2022 in \d+\.\d s/);
      expect(keptTieGraphParams(dir).map((p) => p[2])).toEqual([2022]); // the year before's is of no use: gone
      const before = { ...tieGraphOrigins };
      const kept = await intro();
      expect(kept.code).toBe(0);
      expect(tieGraphOrigins).toEqual({ ...before, read: before.read + 1 }); // read as the ingest left it
      await expectAsBuilt(file, kept, intro);
      // a later ingest that moves nothing: no graph of another year is made, the kept one is brought up to date
      const again = await run('ingest', dataPath('paperlists', 'corl2021.json.gz'));
      expect(again.err).not.toMatch(/new reference year/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);
});
