/** `atlas search` end to end through runCli on a real DuckDB file loaded with CoRL 2023 + OpenAlex sample data. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareers } from '../../careers/index.ts';
import { dataPath } from '../../core/paths.ts';
import { invalidateTieGraphs } from '../../network/index.ts';
import { tieGraphOrigins } from '../../network/tie-graph-cache.ts';
import { invalidateSearchIndex } from '../../search/index.ts';
import { searchIndexOrigins } from '../../search/build-from-store.ts';
import { loadRealData } from '../../search/real-data-fixture.ts';
import { openStore } from '../../store/open-store.ts';
import { runCaptured, type CliOutcome } from '../run-captured.ts';

let dir: string;
let db: string;

const atlas = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', db]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-search-'));
  db = path.join(dir, 'atlas.duckdb');
  const store = await openStore(db);
  await loadRealData(store, [2023]);
  await refreshCareers(store);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas search', () => {
  it('prints a readable breakdown with matched works', async () => {
    const r = await atlas('search', 'reinforcement learning robot manipulation', '--limit', '10');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^search "reinforcement learning robot manipulation" → terms: reinforcement learning robot manipulation/);
    expect(r.out).toMatch(/people match; showing 1–10/);
    expect(r.out).toMatch(/^1\. .+ \[or:~.+\]  score \d/m);
    expect(r.out).toMatch(/relevance [\d.]+ × impact [\d.]+ \| citations \d+ · h-index \d+/);
    expect(r.out).toMatch(/origin (\w\w|unknown).*; current /);
    expect(r.out).toMatch(/• .+ \(2023, CoRL 2023, (Poster|Oral)\) — match [\d.]+ on /);
    expect(r.out.match(/^\d+\. /gm)?.length).toBe(10);
  });

  it('--json gives params, total and results; filters apply', async () => {
    const r = await atlas('search', 'robot learning', '--country', 'us', '--limit', '5', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { params: { filters: { country: string } }; total: number; results: Array<{ facts: { currentCountry: string } }> };
    expect(j.params.filters.country).toBe('US');
    expect(j.results.length).toBe(5);
    for (const x of j.results) expect(x.facts.currentCountry).toBe('US');
  });

  it('rejects bad input with one line and exit code 2', async () => {
    const r = await atlas('search', 'robot', '--career-age', '5..1');
    expect(r.code).toBe(2);
    expect(r.err).toBe('error [BAD_ARGUMENT]: --career-age: MIN (5) is greater than MAX (1)\n');
    const c = await atlas('search', 'robot', '--origin', 'Korea');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/^error \[BAD_ARGUMENT\]: --origin: unknown country code "Korea"/);
  });
});

/** The next search reads the kept index from its file (no build, no update) and answers as a build from the store does. */
async function expectReadAsBuilt(file: string, run: (...args: string[]) => Promise<CliOutcome>): Promise<void> {
  const before = { ...searchIndexOrigins };
  const kept = await run('search', 'robot manipulation', '--limit', '20', '--json');
  expect(kept.code).toBe(0);
  expect(searchIndexOrigins).toEqual({ ...before, read: before.read + 1 });
  const store = await openStore(file);
  try {
    invalidateSearchIndex(store);
  } finally {
    await store.close();
  }
  const built = await run('search', 'robot manipulation', '--limit', '20', '--json');
  expect(searchIndexOrigins.built).toBe(before.built + 1);
  const results = (o: CliOutcome): unknown => (JSON.parse(o.out) as { results: unknown }).results;
  expect(results(kept)).toEqual(results(built));
  expect((results(kept) as unknown[]).length).toBe(20);
}

/** After a contact import (which leaves the kept graph as it is), the first intro reads the kept graph: no build, no update. */
async function expectFirstIntroReadsKept(file: string, d: string, run: (...args: string[]) => Promise<CliOutcome>): Promise<void> {
  const s1 = await openStore(file);
  const [a, b] = (await s1.query<{ person_id: string }>('SELECT person_id FROM authorships GROUP BY person_id ORDER BY COUNT(*) DESC, person_id LIMIT 2')).map((x) => x.person_id);
  await s1.close();
  writeFileSync(path.join(d, 'contacts.csv'), `name,openreview,strength\nA Contact,${a},4\n`);
  expect((await run('contacts', 'import', path.join(d, 'contacts.csv'), '--owner', 'rita')).code).toBe(0);
  const graphs = { ...tieGraphOrigins };
  expect((await run('intro', b as string, '--owner', 'rita', '--json')).code).toBe(0);
  expect(tieGraphOrigins).toEqual({ ...graphs, read: graphs.read + 1 });
}

describe('atlas ingest keeps the search index current', () => {
  it('an ingest builds the index and the graph the store keeps none of: the first search and intro read them, as a build answers', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-search-first-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    try {
      const r = await run('ingest', dataPath('paperlists', 'corl2021.json.gz'));
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/search index built and kept for the next ones in \d+\.\d s/);
      expect(r.err).toMatch(/tie graph built and kept for the next ones in \d+\.\d s/);
      expect(r.err).not.toMatch(/note: this store keeps no/);
      await expectReadAsBuilt(file, run);
      // the first intro reads the graph the ingest kept (a contact import leaves it as it is)
      await expectFirstIntroReadsKept(file, d, run);
      // an ingest that derives nothing (--no-refresh) builds nothing, even with --index, and suggests nothing
      const s2 = await openStore(file);
      try {
        invalidateSearchIndex(s2);
        invalidateTieGraphs(s2);
      } finally {
        await s2.close();
      }
      const later = await run('ingest', dataPath('paperlists', 'corl2022.json.gz'), '--no-refresh', '--index');
      expect(later.code).toBe(0);
      expect(later.err).not.toMatch(/search index|tie graph/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);

  it('a store above the in-process limit builds each in `atlas index`, a process of its own; `atlas index` makes them later after --no-index', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-search-child-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    const limit = process.env['ATLAS_INDEX_IN_PROCESS_MAX'];
    process.env['ATLAS_INDEX_IN_PROCESS_MAX'] = '0'; // every store is "large": the builds go to child processes
    try {
      const made = { search: { ...searchIndexOrigins }, graph: { ...tieGraphOrigins } };
      const r = await run('ingest', dataPath('paperlists', 'corl2021.json.gz'));
      expect(r.code).toBe(0);
      // the children's lines, said by the ingest; nothing built in this process
      expect(r.err).toMatch(/^landed run 1; deriving careers and mentorship ties…\nsearch index built and kept for the next ones in \d+\.\d s\ntie graph built and kept for the next ones in \d+\.\d s\n$/);
      expect(searchIndexOrigins).toEqual(made.search);
      expect(tieGraphOrigins).toEqual(made.graph);
      expect(r.out).toMatch(/mentorships refreshed: /); // the ingest went on after the builds
      await expectReadAsBuilt(file, run);
      // the first intro reads the graph the child kept
      await expectFirstIntroReadsKept(file, d, run);

      // --no-index on a new store: nothing built; `atlas index` builds both, then finds them current
      const other = path.join(d, 'other.duckdb');
      expect((await runCaptured(['ingest', dataPath('paperlists', 'corl2021.json.gz'), '--no-index', '--db', other])).err).toMatch(/`atlas index` builds them now/);
      const built = await runCaptured(['index', '--db', other]);
      expect(built.code).toBe(0);
      expect(built.err).toMatch(/^search index built and kept for the next ones in \d+\.\d s\ntie graph built and kept for the next ones in \d+\.\d s\n$/);
      const again = await runCaptured(['index', '--only', 'search', '--db', other, '--json']);
      expect(JSON.parse(again.out)).toEqual({ search: { how: 'current', ms: expect.any(Number) } });
      const bad = await runCaptured(['index', '--only', 'people', '--db', other]);
      expect([bad.code, bad.err]).toEqual([2, 'error [BAD_ARGUMENT]: --only takes search or graph, got "people"\n']);
    } finally {
      if (limit === undefined) delete process.env['ATLAS_INDEX_IN_PROCESS_MAX'];
      else process.env['ATLAS_INDEX_IN_PROCESS_MAX'] = limit;
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);

  it('a later ingest brings the kept index up to date there and then; the next search reads it and answers as a build does', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-search-kept-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    try {
      // no index kept yet and --no-index: the ingest builds none and says the first search will; the first search does
      const first = await run('ingest', dataPath('paperlists', 'corl2021.json.gz'), '--no-index');
      expect(first.err).not.toMatch(/search index (built|brought)/);
      expect(first.err).toMatch(/note: this store keeps no search index or tie graph yet: the first `atlas search` and `atlas intro` will build them .*`atlas index` builds them now/);
      const made = { ...searchIndexOrigins };
      expect((await run('search', 'robot manipulation', '--limit', '5')).code).toBe(0);
      expect(searchIndexOrigins.built).toBe(made.built + 1);
      const r = await run('ingest', dataPath('paperlists', 'corl2022.json.gz'));
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/search index brought up to date in \d+\.\d s/);
      await expectReadAsBuilt(file, run);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);
});
