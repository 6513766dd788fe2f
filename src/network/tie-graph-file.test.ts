/**
 * The tie graph on disk, on both backends with real Paper Copilot lists: a new process (a new store object on the
 * same database) reads the graph the last one built instead of building it; the file is bound to the data version
 * (an ingest makes the next caller build again, and the stale file is replaced; a contact import does not); an erasure
 * deletes the files at once and no later file names the person; a damaged file is never used.
 */
import { readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, reopenableStore } from '../store/test-backends.ts';
import { migrate } from '../store/migrate.ts';
import { importContactsText } from './contacts-import.ts';
import { SortedIdIndex, type TieGraph } from './csr.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, resolveTieParams } from './tie-graph.ts';
import { ownerGraphFor, tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { decodeTieGraph, encodeTieGraph } from './tie-graph-file.ts';
import { encodeBundle } from '../core/array-bundle.ts';
import { dataVersions } from '../store/repo/data-version.ts';

const plain = (g: TieGraph) => ({
  ids: [...g.ids],
  offsets: [...g.offsets],
  targets: [...g.targets],
  weights: [...g.weights],
  costs: [...g.costs],
  kinds: [...g.kinds],
  index: g.ids.map((id) => g.index.get(id)),
  size: g.index.size,
});

/** The same graph whatever order its nodes were interned in (DuckDB streams the pairs in no fixed order). */
const canonical = (g: TieGraph): string[] => {
  const out: string[] = [];
  for (let u = 0; u < g.ids.length; u++) {
    for (let j = g.offsets[u] as number; j < (g.offsets[u + 1] as number); j++) {
      out.push(`${g.ids[u]}|${g.ids[g.targets[j] as number]}|${(g.weights[j] as number).toPrecision(12)}|${g.kinds[j]}`);
    }
  }
  return out.sort();
};

describe('storeCacheDir', () => {
  it('beside a DuckDB file, per URL for PostgreSQL under the cache folder, nowhere for memory or ATLAS_CACHE_DIR=off', () => {
    const saved = process.env['ATLAS_CACHE_DIR'];
    try {
      delete process.env['ATLAS_CACHE_DIR'];
      expect(storeCacheDir({ backend: 'duckdb', location: '/data/atlas.duckdb' })).toBe('/data/atlas.duckdb.cache');
      expect(storeCacheDir({ backend: 'duckdb', location: ':memory:' })).toBeNull();
      const a = storeCacheDir({ backend: 'postgres', location: 'postgres://u@h:5432/a' });
      const b = storeCacheDir({ backend: 'postgres', location: 'postgres://u@h:5432/b' });
      expect(a).toMatch(/talent-atlas[/\\][0-9a-f]{16}$/);
      expect(a).not.toBe(b);
      process.env['ATLAS_CACHE_DIR'] = 'off';
      expect(storeCacheDir({ backend: 'duckdb', location: '/data/atlas.duckdb' })).toBeNull();
      process.env['ATLAS_CACHE_DIR'] = '/tmp/x';
      expect(storeCacheDir({ backend: 'postgres', location: 'postgres://u@h:5432/a' })).toMatch(/^\/tmp\/x\/[0-9a-f]{16}$/);
    } finally {
      if (saved === undefined) delete process.env['ATLAS_CACHE_DIR'];
      else process.env['ATLAS_CACHE_DIR'] = saved;
    }
  });
});

for (const backend of BACKENDS) {
  describe(`tie graph on disk (${backend})`, () => {
    const db = reopenableStore(backend, 'tiegraph');
    const open = db.open;
    let store: Store;
    const files = (): string[] => {
      const dir = storeCacheDir(store);
      try {
        return readdirSync(dir as string).filter((f) => f.endsWith('.tiegraph')).map((f) => path.join(dir as string, f));
      } catch {
        return [];
      }
    };

    beforeAll(async () => {
      await db.setUp();
      store = await open();
      await migrate(store);
      await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz')]);
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      db.tearDown();
    });

    it('encodes and decodes a real graph bit for bit; bytes that are not a whole graph are refused', async () => {
      const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
      const { graph } = await buildTieGraph(store, p, { owners: 'all' });
      expect(graph.targets.length).toBeGreaterThan(100);
      const bytes = Buffer.concat(encodeTieGraph(graph, 'v1', p)!);
      const back = decodeTieGraph(bytes);
      expect(back?.version).toBe('v1');
      expect(plain(back!.graph)).toEqual(plain(graph));
      expect(decodeTieGraph(bytes.subarray(0, bytes.length - 1))).toBeNull();
      expect(decodeTieGraph(Buffer.concat([bytes, Buffer.from('x')]))).toBeNull();
      expect(decodeTieGraph(Buffer.from('not a graph at all'))).toBeNull();
      // the look-up by id of a graph read back answers as the built graph's Map does, also for ids not in it
      for (const id of [...graph.ids.slice(0, 50), 'nobody', '', 'me:nobody', 'zzzz']) expect(back!.graph.index.get(id)).toBe(graph.index.get(id));
    });

    it('a new process reads the graph the last one built; an ingest makes it build again, a contact import does not', async () => {
      const before = { ...tieGraphOrigins };
      const first = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 1);
      expect(files()).toHaveLength(1);
      // a new store object on the same database has nothing in memory: it reads the file
      await store.close();
      store = await open();
      const again = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins).toEqual({ ...before, built: before.built + 1, read: before.read + 1 });
      expect(plain(again.graph)).toEqual(plain(first.graph));
      expect(again.params).toEqual(first.params);

      // more data: the file no longer fits; the next caller builds the graph of the new data and replaces the file
      await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
      await store.close();
      store = await open();
      const grown = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 2);
      expect(grown.graph.ids.length).toBeGreaterThan(first.graph.ids.length);
      const fresh = await buildTieGraph(store, grown.params, { owners: 'none', allPeople: true });
      expect(canonical(grown.graph)).toEqual(canonical(fresh.graph));
      expect(files()).toHaveLength(1);

      // a contact import does not touch the people's graph: the file still fits, in this process and the next;
      // the owner's list is read on its own
      const [a, b] = await store.query<{ person_id: string; display_name: string }>(
        `SELECT person_id, display_name FROM people WHERE display_name IN (SELECT display_name FROM people GROUP BY display_name HAVING COUNT(*) = 1) ORDER BY person_id LIMIT 2`,
      );
      await importContactsText(store, `name,openalex\n${a!.display_name},\n${b!.display_name},\n`, 'contacts.csv', { owner: 'alice', skipUnmatched: true });
      const sameProcess = await ownerGraphFor(store, DEFAULT_TIE_PARAMS, 'alice');
      expect(sameProcess.graph).toBe(grown.graph);
      expect([...sameProcess.root.targets].map((i) => sameProcess.graph.ids[i]).sort()).toEqual([a!.person_id, b!.person_id].sort());
      await store.close();
      store = await open();
      const withContacts = await ownerGraphFor(store, DEFAULT_TIE_PARAMS, 'alice');
      expect(tieGraphOrigins).toEqual({ ...before, built: before.built + 2, read: before.read + 2 });
      expect(withContacts.graph.index.has('me:alice')).toBe(false);
      expect(plain(withContacts.graph)).toEqual(plain(grown.graph));
      expect(withContacts.root.targets.length).toBe(2);
    });

    it('a graph file of the earlier layout (every contact list inside it) is never used, even of this data version', async () => {
      const { params } = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      const [file] = files();
      const old = (await buildTieGraph(store, params, { owners: 'all' })).graph;
      const version = (await dataVersions(store)).withoutContacts;
      const arrays = { weights: old.weights, costs: old.costs, offsets: old.offsets, targets: old.targets, kinds: old.kinds, order: SortedIdIndex.orderOf(old.ids) };
      writeFileSync(file!, Buffer.concat(encodeBundle({ meta: { version, params: [params.halfLife, params.maxAuthors, params.refYear] }, arrays, lines: { ids: old.ids } })!));
      const before = { ...tieGraphOrigins };
      await store.close();
      store = await open();
      const again = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 1);
      expect(again.graph.index.has('me:alice')).toBe(false);
    });

    it('an erasure deletes the graph files at once, and no later file names the person', async () => {
      await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(files()).toHaveLength(1);
      const [who] = await store.query<{ person_id: string }>(
        `SELECT a.person_id FROM authorships a JOIN authorships b ON a.work_id = b.work_id AND a.person_id <> b.person_id ORDER BY a.person_id LIMIT 1`,
      );
      expect(readFileSync(files()[0]!).includes(Buffer.from(who!.person_id))).toBe(true);
      await erasePerson(store, who!.person_id);
      expect(files()).toEqual([]);
      const after = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(after.graph.index.has(who!.person_id)).toBe(false);
      expect(files()).toHaveLength(1);
      expect(readFileSync(files()[0]!).includes(Buffer.from(who!.person_id))).toBe(false);
    });

    it('a damaged or foreign file is never used: it is deleted and the graph built again', async () => {
      const good = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      const [file] = files();
      const before = { ...tieGraphOrigins };
      truncateSync(file!, 1000);
      await store.close();
      store = await open();
      const rebuilt = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 1);
      expect(canonical(rebuilt.graph)).toEqual(canonical(good.graph));
      // a whole graph of another data version (as if copied from elsewhere) is refused as well
      writeFileSync(files()[0]!, Buffer.concat(encodeTieGraph(good.graph, 'some other version', good.params)!));
      await store.close();
      store = await open();
      await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 2);
    });
  });
}
