/**
 * Updates kept as a delta file over the graph's file (overlay-tie-graph.ts, tie-graph-delta-file.ts,
 * shared-works-delta.ts), on both backends with real data (the CoRL paper lists): after each of three small
 * ingests — read back by new processes, and one in the process that holds the graph — the graph over its delta
 * equals a full build tie for tie and answers the same paths, the shared works it keeps equal the store's
 * evidence, and the base file is not written again; a delta over a base written again since, or a damaged one,
 * is not used; one whose works are damaged (its ties whole) is read for its ties, its evidence then from the store,
 * and the next update writes whole; a delta grown past a quarter of its base is written whole into a new base.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { BundleFile, readBundleMeta, writeBundle, type BundleArray } from '../core/array-bundle.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { dataVersions } from '../store/repo/data-version.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, reopenableStore } from '../store/test-backends.ts';
import { FileTieGraph } from './file-tie-graph.ts';
import { OverlayTieGraph } from './overlay-tie-graph.ts';
import { expectFileEvidence, pairsOf, papersOf, samePaths, ties, workEvidence, type Paper } from './test-graphs.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, type BuiltTieGraph } from './tie-graph.ts';
import { lastTieGraphUpdate, tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';
import { readTieGraphFileOf, tieGraphFileVersion, writeTieGraphFile } from './tie-graph-file.ts';

/** Papers i..j of the CoRL 2021 list as a file of their own (a small ingest: new works by known and new people). */
function slice(dir: string, name: string, from: number, to: number, edit: (p: Paper[]) => Paper[] = (p) => p): string {
  const file = path.join(dir, name, 'corl2021.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(edit(papersOf('corl2021.json.gz').slice(from, to))));
  return file;
}

/** The graph file and its delta file of a store (one parameter set). */
function filesOf(store: Store): { graph: string; delta: string | null } {
  const dir = storeCacheDir(store) as string;
  const names = readdirSync(dir);
  const graph = names.find((f) => f.endsWith('.tiegraph'));
  const delta = names.find((f) => f.endsWith('.tiedelta'));
  expect(graph).toBeDefined();
  return { graph: path.join(dir, graph as string), delta: delta ? path.join(dir, delta) : null };
}

/** A fresh store with CoRL 2023 and 2022 ingested, and its graph built and kept in its file (the base of every delta here). */
async function baseGraph(store: Store): Promise<BuiltTieGraph> {
  await migrate(store);
  await ingestFiles(store, [dataPath('paperlists', 'corl2023.json.gz'), dataPath('paperlists', 'corl2022.json.gz')]);
  return tieGraphFor(store, DEFAULT_TIE_PARAMS);
}

/** The graph a new process (a new store object) takes from the kept files: read, not built, and a delta over its base. */
async function readKeptOverDelta(store: Store): Promise<BuiltTieGraph> {
  const r0 = tieGraphOrigins.read;
  const read = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
  expect(tieGraphOrigins.read).toBe(r0 + 1);
  expect(read.graph).toBeInstanceOf(OverlayTieGraph);
  return read;
}

/** The graph equals a full build of the store now, tie for tie and path for path, and its file answers the shared works as the store does. */
async function expectAsBuilt(store: Store, got: BuiltTieGraph): Promise<void> {
  const fresh = await buildTieGraph(store, got.params, { owners: 'none', allPeople: true });
  // paths first: over a delta they are made row by row, before any array is made whole
  expect(samePaths(fresh.graph, got.graph)).toBeGreaterThan(10);
  await expectFileEvidence(store, got, pairsOf(got.graph, 20, 300));
  const people = (g: typeof fresh.graph): string[] => [...g.ids].filter((id) => fresh.graph.index.has(id)).sort();
  expect(people(got.graph)).toEqual([...fresh.graph.ids].sort());
  expect(ties(got.graph)).toEqual(ties(fresh.graph));
}

for (const backend of BACKENDS) {
  describe(`tie graph updates kept as a delta over its file (${backend})`, () => {
    const at = reopenableStore(backend, 'tie-delta');
    let work = '';
    beforeEach(async () => {
      await at.setUp();
      work = mkdtempSync(path.join(tmpdir(), 'atlas-tie-delta-'));
    });
    afterEach(() => {
      at.tearDown();
      rmSync(work, { recursive: true, force: true });
    });

    it('three small ingests: each update writes a delta over the same base file, and the graph over it is the full build', async () => {
      let store = await at.open();
      try {
        await baseGraph(store);
        const base = filesOf(store);
        expect(base.delta).toBeNull();
        const baseId = readBundleMeta<{ id?: string }>(base.graph)?.id;
        expect(baseId).toMatch(/^[0-9a-f]{16}$/);
        const baseWritten = statSync(base.graph).mtimeMs;

        // 1: new papers, read by a new process from the base file
        await ingestFiles(store, [slice(work, 'a', 0, 8)]);
        await store.close();
        store = await at.open();
        const u0 = tieGraphOrigins.updated;
        const first = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(tieGraphOrigins.updated).toBe(u0 + 1);
        expect(lastTieGraphUpdate?.written).toBe('delta');
        expect(first.graph).toBeInstanceOf(OverlayTieGraph);
        expect((first.graph as OverlayTieGraph).base).toBeInstanceOf(FileTieGraph);
        await expectAsBuilt(store, first);

        // a new process reads the base and the delta over it, of the new version
        await store.close();
        store = await at.open();
        const read = await readKeptOverDelta(store);
        expect(tieGraphFileVersion(storeCacheDir(store), read.params)).toBe((await dataVersions(store)).withoutContacts);
        await expectAsBuilt(store, read);

        // 2: more papers, one of them a copy of a paper of the first slice with two authors fewer (a replaced record)
        const cut = (v: string): string => v.split(';').slice(0, -2).join(';');
        const r = await ingestFiles(store, [slice(work, 'b', 5, 14, (ps) => ps.map((p, i) => (i === 0 ? { ...p, author: cut(p.author), authorids: cut(p.authorids) } : p)))]);
        expect(r.replaced).toBe(1);
        await store.close();
        store = await at.open();
        const second = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(lastTieGraphUpdate?.written).toBe('delta');
        await expectAsBuilt(store, second);

        // 3: in the process that holds the graph (the server's case): its graph over the delta is updated in memory
        await ingestFiles(store, [slice(work, 'c', 14, 22)]);
        const u1 = tieGraphOrigins.updated;
        const third = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(tieGraphOrigins.updated).toBe(u1 + 1);
        expect(lastTieGraphUpdate?.written).toBe('delta');
        await expectAsBuilt(store, third);

        // the base file was never written again; the delta is a small part of it
        const after = filesOf(store);
        expect(after.graph).toBe(base.graph);
        expect(readBundleMeta<{ id?: string }>(after.graph)?.id).toBe(baseId);
        expect(statSync(after.graph).mtimeMs).toBe(baseWritten);
        expect(statSync(after.delta as string).size).toBeLessThan(statSync(after.graph).size / 2);
      } finally {
        await store.close();
      }
    }, 300_000);
  });
}

describe('a delta file that is not of its base is not used', () => {
  const at = reopenableStore('duckdb', 'tie-delta-bad');
  let work = '';
  beforeEach(async () => {
    await at.setUp();
    work = mkdtempSync(path.join(tmpdir(), 'atlas-tie-delta-bad-'));
  });
  afterEach(() => {
    at.tearDown();
    rmSync(work, { recursive: true, force: true });
  });

  it('cut short, or over a base written again since: the base alone is read (its own version), and the next caller updates from it', async () => {
    let store = await at.open();
    try {
      const built = await baseGraph(store);
      const v0 = (await dataVersions(store)).withoutContacts;
      await ingestFiles(store, [slice(work, 'a', 0, 8)]);
      await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      const { delta } = filesOf(store);
      expect(delta).not.toBeNull();
      const dir = storeCacheDir(store) as string;

      // cut short: not a whole bundle, so the base is read as it is, of the version before the ingest
      truncateSync(delta as string, statSync(delta as string).size - 8);
      const cut = readTieGraphFileOf(dir, built.params);
      expect(cut?.graph).toBeInstanceOf(FileTieGraph);
      expect(cut?.version).toBe(v0);
      expect(existsSync(delta as string)).toBe(false);
      cut?.release();
      await store.close();
      store = await at.open();
      const u0 = tieGraphOrigins.updated;
      const again = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.updated).toBe(u0 + 1);
      await expectAsBuilt(store, again);

      // the base written again (another id), with the delta of the older base put back beside it: the delta names
      // the older base, so it is not read over this one (and goes)
      const kept = filesOf(store);
      expect(kept.delta).not.toBeNull();
      copyFileSync(kept.delta as string, path.join(work, 'delta'));
      const fresh = await buildTieGraph(store, built.params, { owners: 'none', allPeople: true });
      writeTieGraphFile(dir, fresh.graph, 'a version of its own', built.params, 2, fresh.mentors);
      expect(filesOf(store).delta).toBeNull();
      copyFileSync(path.join(work, 'delta'), kept.delta as string);
      const other = readTieGraphFileOf(dir, built.params);
      expect(other?.graph).toBeInstanceOf(FileTieGraph);
      expect(other?.version).toBe('a version of its own');
      expect(existsSync(kept.delta as string)).toBe(false);
      other?.release();
    } finally {
      await store.close();
    }
  }, 240_000);

  it('a delta whose works are damaged (its ties whole): the graph is read over it, its evidence comes from the store, and the next update writes whole', async () => {
    let store = await at.open();
    try {
      await baseGraph(store);
      await ingestFiles(store, [slice(work, 'a', 0, 8)]);
      const updated = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(lastTieGraphUpdate?.written).toBe('delta');
      const { delta } = filesOf(store);
      // the works part rewritten with one person's work past the last work the delta numbers; the ties as they were
      const f = BundleFile.open<Record<string, unknown> & { workCount: number }>(delta as string)!;
      const arrays: Record<string, BundleArray> = {};
      for (const name of ['changed', 'rows', 'rowAt', 'targets', 'weights', 'costs', 'kinds', 'resized', 'sizes', 'mentorA', 'mentorB', 'mentorW', 'workRows', 'workRowAt', 'personWorks', 'workOrds']) arrays[name] = f.array(name)!;
      const lines: Record<string, readonly string[]> = {};
      for (const name of ['added', 'workIds', 'works']) lines[name] = f.lines(name)!.list;
      const meta = f.meta;
      f.close();
      const personWorks = arrays['personWorks'] as Int32Array;
      expect(personWorks.length).toBeGreaterThan(0);
      personWorks[0] = meta.workCount + 5;
      expect(writeBundle(delta as string, { meta, arrays, lines, indexed: ['added', 'workIds', 'works'] })).toBe(true);

      await store.close();
      store = await at.open();
      const read = await readKeptOverDelta(store);
      expect(ties(read.graph)).toEqual(ties(updated.graph));
      // the file cannot tell the shared works: the evidence of every pair comes from the store, as a build's does
      const pairs = pairsOf(read.graph, 20, 300);
      for (const [x, y] of pairs) expect(read.sharedWorks?.(x, y) ?? null).toBeNull();
      expect(await workEvidence(store, pairs, read.params, read.sharedWorks)).toEqual(await workEvidence(store, pairs, read.params));

      // the next update cannot extend the damaged works: it writes the graph whole, and its file answers again
      await ingestFiles(store, [slice(work, 'b', 8, 12)]);
      const next = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(lastTieGraphUpdate?.written).toBe('whole');
      expect(filesOf(store).delta).toBeNull();
      await expectAsBuilt(store, next);
    } finally {
      await store.close();
    }
  }, 240_000);

  it('a delta past a quarter of its base is written whole into a new base', async () => {
    const store = await at.open();
    try {
      await migrate(store);
      await ingestFiles(store, [dataPath('paperlists', 'corl2023.json.gz')]);
      await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      const before = readBundleMeta<{ id?: string }>(filesOf(store).graph)?.id;
      await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
      const got = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(lastTieGraphUpdate?.written).toBe('whole');
      expect(got.graph).not.toBeInstanceOf(OverlayTieGraph);
      const now = filesOf(store);
      expect(now.delta).toBeNull();
      expect(readBundleMeta<{ id?: string }>(now.graph)?.id).not.toBe(before);
      await expectAsBuilt(store, got);
    } finally {
      await store.close();
    }
  }, 240_000);
});
