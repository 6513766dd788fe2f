/**
 * The tie graph brought up to date after ingests (tie-graph-update.ts), on both backends with real data: the
 * updated graph equals the one built from scratch — ties, weights, kinds, the mentorships it keeps — and answers
 * the same paths; an older graph in memory or in a file is updated instead of built again; a replaced record, an
 * erasure or a merge make the next caller build.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { refreshDerived } from '../derived/refresh-derived.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { dataVersions, updatableSince } from '../store/repo/data-version.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, openFreshStore, reopenableStore } from '../store/test-backends.ts';
import { migrate } from '../store/migrate.ts';
import { EDUCATION_FILES } from '../api/test-education-fixture.ts';
import type { TieGraph } from './csr.ts';
import { samePaths, ties } from './test-graphs.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, resolveTieParams, type BuiltTieGraph } from './tie-graph.ts';
import { tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';
import { readTieGraphFileOf, writeTieGraphFile } from './tie-graph-file.ts';
import { FileTieGraph } from './file-tie-graph.ts';
import { OverlayTieGraph } from './overlay-tie-graph.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { updateTieGraph } from './tie-graph-update.ts';

const mentorsOf = (b: BuiltTieGraph): string[] => [...b.mentors.a].map((a, i) => `${b.graph.ids[a]}>${b.graph.ids[b.mentors.b[i] as number]}=${b.mentors.w[i]}`).sort();
const nodes = (g: TieGraph): string[] => [...g.ids].sort();

for (const backend of BACKENDS) {
  describe(`tie graph updated after an ingest (${backend})`, () => {
    for (const from of ['memory', 'file'] as const) it(`equals the graph built from scratch after new papers, a profile and re-derived mentorships (the older graph ${from === 'memory' ? 'built in this process' : 'read from its file, some of its rows read by queries'})`, async () => {
      const store = await openFreshStore(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-update-from-'));
      try {
        await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz'), EDUCATION_FILES[1] as string]);
        await refreshDerived(store);
        const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
        const v0 = (await dataVersions(store)).withoutContacts;
        let old = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        if (from === 'file') {
          writeTieGraphFile(dir, old.graph, v0, p, 2, old.mentors);
          const read = readTieGraphFileOf(dir, p);
          expect(read?.graph).toBeInstanceOf(FileTieGraph);
          expect(samePaths(old.graph, read!.graph)).toBeGreaterThan(10);
          expect((read!.graph as FileTieGraph).wholeArrays).toEqual([]);
          old = { graph: read!.graph, params: p, mentors: read!.mentors };
        }
        await ingestFiles(store, [EDUCATION_FILES[0] as string]);
        await refreshDerived(store);
        const since = await updatableSince(store, v0, (await dataVersions(store)).withoutContacts);
        expect(since).not.toBeNull();
        const updated = await updateTieGraph(store, old, since as number);
        // the update is a delta over the older graph: of a file, it read the changed people's rows only
        expect(updated.graph).toBeInstanceOf(OverlayTieGraph);
        expect((updated.graph as OverlayTieGraph).base).toBe(old.graph);
        if (old.graph instanceof FileTieGraph) expect(old.graph.wholeArrays).toEqual([]);
        const fresh = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        // paths read row by row over the delta and its base, before any array of it is made whole
        expect(samePaths(fresh.graph, updated.graph)).toBeGreaterThan(10);
        if (old.graph instanceof FileTieGraph) expect(old.graph.wholeArrays).toEqual([]);
        // the same people; a node whose last tie went stays, tieless, until the next full build
        const leftover = nodes(updated.graph).filter((id) => !fresh.graph.index.has(id));
        expect(nodes(updated.graph).filter((id) => fresh.graph.index.has(id))).toEqual(nodes(fresh.graph));
        for (const id of leftover) {
          const v = updated.graph.index.get(id) as number;
          expect(updated.graph.offsets[v + 1]).toBe(updated.graph.offsets[v]);
          expect(id.startsWith('relation:')).toBe(true);
        }
        expect(ties(updated.graph)).toEqual(ties(fresh.graph));
        expect(mentorsOf(updated)).toEqual(mentorsOf(fresh));
        // the mentorships did change (so the diff was needed), and the data grew
        expect(mentorsOf(fresh)).not.toEqual(mentorsOf(old));
        expect(fresh.graph.targets.length).toBeGreaterThan(old.graph.targets.length);
        expect(updated.figures.addedNodes).toBe(fresh.graph.ids.length + leftover.length - old.graph.ids.length);
        expect(samePaths(fresh.graph, updated.graph)).toBeGreaterThan(10);
        for (const id of fresh.graph.ids.slice(0, 200)) expect(updated.graph.index.get(id)).toBeDefined();
        expect(updated.graph.index.get('nobody')).toBeUndefined();
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 240_000);

    it('a paper replaced by a copy with two authors fewer: their tie goes, as in a full build', async () => {
      const store = await openFreshStore(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-replaced-'));
      try {
        const file = dataPath('paperlists', 'corl2021.json.gz');
        await ingestFiles(store, [file]);
        const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
        const old = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        const v0 = (await dataVersions(store)).withoutContacts;
        const papers = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Array<{ author: string; authorids: string }>;
        const i = papers.findIndex((x) => x.authorids.split(';').length >= 4);
        const cut = (v: string): string => v.split(';').slice(0, -2).join(';');
        papers[i] = { ...papers[i]!, author: cut(papers[i]!.author), authorids: cut(papers[i]!.authorids) };
        writeFileSync(path.join(dir, 'corl2021.json'), JSON.stringify([papers[i]]));
        const r = await ingestFiles(store, [path.join(dir, 'corl2021.json')]);
        expect(r.replaced).toBe(1);
        const since = await updatableSince(store, v0, (await dataVersions(store)).withoutContacts);
        const updated = await updateTieGraph(store, old, since as number);
        const fresh = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        expect(ties(updated.graph)).toEqual(ties(fresh.graph));
        expect(ties(updated.graph)).not.toEqual(ties(old.graph));
        expect(updated.figures.changedPeople).toBeGreaterThanOrEqual(4);
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('an erasure or a merge since the graph cannot be updated', async () => {
      const store = await openFreshStore(backend);
      try {
        await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz')]);
        const v0 = (await dataVersions(store)).withoutContacts;
        expect(await updatableSince(store, v0, v0)).not.toBeNull();
        expect(await updatableSince(store, v0, 'not a version')).toBeNull();
        const [who] = await store.query<{ person_id: string }>(`SELECT person_id FROM authorships ORDER BY person_id LIMIT 1`);
        await erasePerson(store, who!.person_id);
        expect(await updatableSince(store, v0, (await dataVersions(store)).withoutContacts)).toBeNull();
        const v1 = (await dataVersions(store)).withoutContacts;
        const moved = JSON.stringify({ ...JSON.parse(v1), merges: 7 });
        expect(await updatableSince(store, v1, moved)).toBeNull();
      } finally {
        await store.close();
      }
    });
  });

  describe(`tie graph kept and updated across ingests (${backend})`, () => {
    const db = reopenableStore(backend, 'tieupdate');
    let store: Store;
    beforeAll(async () => {
      await db.setUp();
      store = await db.open();
      await migrate(store);
      // the newest year first: later ingests of older lists keep the reference year (a new one weighs every tie anew)
      await ingestFiles(store, [dataPath('paperlists', 'corl2023.json.gz')]);
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      db.tearDown();
    });

    it('the graph in memory, then the one in a file of an older version, is updated instead of built', async () => {
      const first = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      const before = { ...tieGraphOrigins };
      await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
      const inMemory = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins).toEqual({ ...before, updated: before.updated + 1 });
      expect(inMemory.graph.ids.length).toBeGreaterThan(first.graph.ids.length);
      expect(ties(inMemory.graph)).toEqual(ties((await buildTieGraph(store, inMemory.params, { owners: 'none', allPeople: true })).graph));
      // its file names the new version; a new process reads it
      expect(readTieGraphFileOf(storeCacheDir(store), inMemory.params)?.version).toBe((await dataVersions(store)).withoutContacts);
      await store.close();
      store = await db.open();
      const read = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.read).toBe(before.read + 1);
      expect(ties(read.graph)).toEqual(ties(inMemory.graph));
      // another ingest, by another process: this one's next caller updates the graph of the file it finds
      const other = await db.open();
      await ingestFiles(other, [dataPath('paperlists', 'corl2021.json.gz')]);
      await other.close();
      await store.close();
      store = await db.open();
      const fromFile = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins).toEqual({ built: before.built, read: before.read + 1, updated: before.updated + 2 });
      expect(ties(fromFile.graph)).toEqual(ties((await buildTieGraph(store, fromFile.params, { owners: 'none', allPeople: true })).graph));

      // an erasure by another process: this one's graph is not updated (it holds the person), it is built anew
      const [who] = await store.query<{ person_id: string }>(`SELECT person_id FROM authorships ORDER BY person_id LIMIT 1`);
      expect(fromFile.graph.index.has(who!.person_id)).toBe(true);
      if (backend === 'postgres') {
        const eraser = await db.open();
        await erasePerson(eraser, who!.person_id);
        await eraser.close();
      } else {
        // a DuckDB file has one writing process, which holds the store: the erasure goes through it
        await erasePerson(store, who!.person_id);
      }
      const afterErasure = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
      expect(tieGraphOrigins.built).toBe(before.built + 1);
      expect(afterErasure.graph.index.has(who!.person_id)).toBe(false);
    }, 240_000);
  });
}
