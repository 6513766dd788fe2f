/**
 * A tie graph read back from its file (file-tie-graph.ts), on both backends with real Paper Copilot lists: intro
 * paths through it are those of the built graph — nodes, costs, hop weights, evidence — while it reads only the
 * rows its searches reach (no array whole); its arrays read whole later are the built ones, kinds included; a file
 * replaced by another graph or deleted by another process still reads as it was opened; a released graph, or a
 * file cut in place, fails with a message saying so.
 */
import { readdirSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { prng } from '../core/prng.ts';
import { readBundleMeta } from '../core/array-bundle.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, reopenableStore } from '../store/test-backends.ts';
import { importContactsText } from './contacts-import.ts';
import { tieCost, tieWeight, type TieGraph } from './csr.ts';
import { FileTieGraph } from './file-tie-graph.ts';
import { introPaths, type IntroResult } from './intro-paths.ts';
import { PathFinder } from './path-finder.ts';
import { DEFAULT_TIE_PARAMS, type ResolvedTieParams } from './tie-graph.ts';
import { ownerGraphFor, tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';
import { readTieGraphFileOf, writeTieGraphFile } from './tie-graph-file.ts';

/** Pairs (source, target) of node indices, the target the end of a short walk from the source (one of `sources` if given). */
function pairsOf(g: TieGraph, count: number, seed: number, sources?: readonly number[]): Array<[number, number]> {
  const rnd = prng(seed);
  const out: Array<[number, number]> = [];
  while (out.length < count) {
    const s = sources ? (sources[Math.floor(rnd() * sources.length)] as number) : Math.floor(rnd() * g.ids.length);
    let v = s;
    for (let h = 0, steps = 2 + Math.floor(rnd() * 3); h < steps; h++) {
      const from = g.offsets[v] as number, to = g.offsets[v + 1] as number;
      if (to === from) break;
      v = g.targets[from + Math.floor(rnd() * (to - from))] as number;
    }
    if (v !== s) out.push([s, v]);
  }
  return out;
}

/** The k = 5 paths (≤ 4 hops) of every pair: nodes, entry indices, exact costs, and the weight of every hop. */
const answers = (g: TieGraph, pairs: ReadonlyArray<[number, number]>) => {
  const finder = new PathFinder(g);
  return pairs.map(([s, t]) => finder.kBest(s, t, 5, 4).map((p) => ({ ...p, weights: p.edges.map((e) => tieWeight(g, e)) })));
};

const arrays = (g: TieGraph) => ({ offsets: [...g.offsets], targets: [...g.targets], costs: [...g.costs], weights: [...g.weights], kinds: [...g.kinds] });

for (const backend of BACKENDS) {
  describe(`tie graph read from its file (${backend})`, () => {
    const db = reopenableStore(backend, 'filegraph');
    let store: Store;
    let built: TieGraph;
    let params: ResolvedTieParams;
    const dir = (): string => storeCacheDir(store) as string;

    beforeAll(async () => {
      await db.setUp();
      store = await db.open();
      await migrate(store);
      await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz'), dataPath('paperlists', 'corl2022.json.gz')]);
      ({ graph: built, params } = await tieGraphFor(store, DEFAULT_TIE_PARAMS));
    }, 180_000);

    afterAll(async () => {
      await store?.close();
      db.tearDown();
    });

    it('answers intro paths as the built graph does, reading only the rows its searches reach', async () => {
      // contacts: the three best-connected people; targets: ends of walks from them
      const degree = (u: number): number => (built.offsets[u + 1] as number) - (built.offsets[u] as number);
      const hubs = built.ids.map((_, u) => u).sort((a, b) => degree(b) - degree(a)).slice(0, 3);
      const names = await store.query<{ person_id: string; display_name: string }>(
        `SELECT person_id, display_name FROM people WHERE person_id IN ($1, $2, $3)`,
        hubs.map((u) => built.ids[u] as string),
      );
      const csv = `name,strength\n${names.map((r, i) => `"${r.display_name}",${i + 2}`).join('\n')}\n`;
      const imported = await importContactsText(store, csv, 'contacts.csv', { owner: 'alice', skipUnmatched: true });
      expect(imported.imported).toBeGreaterThanOrEqual(2);
      const targets = pairsOf(built, 12, 5, hubs).map(([, t]) => built.ids[t] as string);
      const ask = async (): Promise<IntroResult[]> => {
        const out: IntroResult[] = [];
        for (const t of targets) out.push(await introPaths(store, t, { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 4 }));
        return out;
      };
      const fromBuilt = await ask();
      expect(fromBuilt.filter((r) => r.paths.length > 0).length).toBeGreaterThan(5);
      expect(fromBuilt.flatMap((r) => r.paths.flatMap((p) => p.hops)).some((h) => h.evidence.some((e) => e.kind === 'work'))).toBe(true);

      // a new process: it reads the file, and its answers are the same to the last bit
      const reads = tieGraphOrigins.read;
      await store.close();
      store = await db.open();
      const fromFile = await ask();
      expect(tieGraphOrigins.read).toBe(reads + 1);
      expect(fromFile).toEqual(fromBuilt);
      const { graph } = await ownerGraphFor(store, DEFAULT_TIE_PARAMS, 'alice');
      expect(graph).toBeInstanceOf(FileTieGraph);
      expect((graph as FileTieGraph).wholeArrays).toEqual([]);
      expect((graph as FileTieGraph).fileOpen).toBe(true);
    });

    it('finds the paths and hop weights of the built graph; its arrays read whole are the built ones, and then the file is closed', () => {
      const got = readTieGraphFileOf(dir(), params);
      expect(got?.graph).toBeInstanceOf(FileTieGraph);
      const g = got!.graph as FileTieGraph;
      const pairs = pairsOf(built, 60, 11);
      const expected = answers(built, pairs);
      expect(expected.filter((ps) => ps.length > 0).length).toBeGreaterThan(40);
      expect(answers(g, pairs)).toEqual(expected);
      expect(g.wholeArrays).toEqual([]);
      for (const id of [...built.ids.slice(0, 100), 'nobody', '']) expect(g.index.get(id)).toBe(built.index.get(id));
      // whole, over the rows read so far: the built arrays, and nothing left to read
      expect(arrays(g)).toEqual(arrays(built));
      expect(g.wholeArrays.sort()).toEqual(['costs', 'kinds', 'targets', 'weights']);
      expect(g.fileOpen).toBe(false);
      expect(answers(g, pairs)).toEqual(expected);
    });

    it('reads its file as it was opened after another process put a new graph in its place, and after it was deleted', () => {
      const g = readTieGraphFileOf(dir(), params)!.graph;
      const file = tieGraphFile(dir());
      // another graph under the same name, as a writer puts it there (renamed over): every tie a unit heavier, its kind bits flipped
      const weights = built.weights.map((w) => w + 1);
      const other: TieGraph = { ids: built.ids, index: built.index, offsets: built.offsets, targets: built.targets, weights, costs: weights.map(tieCost), kinds: built.kinds.map((k) => k ^ 7) };
      writeTieGraphFile(dir(), other, 'another version', params);
      expect(tieGraphFile(dir())).toBe(file);
      expect(readBundleMeta<{ version: string }>(file)?.version).toBe('another version');
      const pairs = pairsOf(built, 30, 17);
      expect(answers(g, pairs)).toEqual(answers(built, pairs));
      // the new file answers otherwise (the test can tell the two apart)
      const replaced = readTieGraphFileOf(dir(), params)!;
      expect(answers(replaced.graph, pairs)).not.toEqual(answers(built, pairs));
      replaced.release();
      rmSync(file, { force: true });
      expect(arrays(g)).toEqual(arrays(built));
    });

    it('a released graph, or one whose file was cut in place, says so instead of answering', async () => {
      writeTieGraphFile(dir(), built, 'v', params);
      const released = readTieGraphFileOf(dir(), params)!;
      released.release();
      const [s, t] = pairsOf(built, 1, 23)[0]!;
      expect(() => new PathFinder(released.graph).kBest(s, t, 5, 4)).toThrow(/was closed: its sections can no longer be read/);
      const cut = readTieGraphFileOf(dir(), params)!;
      truncateSync(tieGraphFile(dir()), 4096);
      expect(() => cut.graph.weights).toThrow(/shorter than when it was opened/);
      cut.release();
    });
  });
}

/** The one graph file of a cache folder. */
function tieGraphFile(dir: string): string {
  const names = readdirSync(dir).filter((f) => f.endsWith('.tiegraph'));
  expect(names).toHaveLength(1);
  return path.join(dir, names[0] as string);
}
