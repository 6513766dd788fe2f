/**
 * The search index on disk, on both backends with real Paper Copilot lists, real OpenAlex authors (whose
 * institutions have types) and derived careers: a new process (a new store object on the same database) reads the
 * index the last one built and answers every query exactly as a built one does (filters, facts and explanations included); after an ingest the next caller updates it; an
 * erasure deletes the file at once and no later file names the person; a damaged file is never used.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareersKeepingParams } from '../careers/index.ts';
import { dataPath } from '../core/paths.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, reopenableStore } from '../store/test-backends.ts';
import { buildSearchIndex, invalidateSearchIndex, searchIndexFor, searchIndexOrigins } from './build-from-store.ts';
import { FilePostings } from './file-postings.ts';
import { queryTerms } from './tokenize.ts';
import { prefetchSearchIndexFile, readSearchIndexFile, readSearchIndexFileOf, searchIndexFile, searchIndexPrefetches, writeSearchIndexFile } from './search-index-file.ts';
import { SearchIndex, impactKey, impactValues, workImpactValues } from './search-index.ts';
import { FileLines } from '../core/file-lines.ts';
import { sourceOf } from '../core/line-source.ts';
import { DEFAULT_WEIGHTS } from './rank.ts';
import { searchPeople } from './search-people.ts';

const QUERIES: Array<[string, Record<string, unknown>]> = [
  ['robot manipulation', {}],
  ['reinforcement learning', { limit: 50 }],
  ['learning', { limit: 200 }],
  ['grasping', { country: 'US' }],
  ['policy', { abroad: true }],
  ['navigation', { careerAge: '0..8' }],
  ['vision language', { origin: 'CN', limit: 30 }],
  ['learning', { institutionType: 'company', limit: 30 }],
  // other weights than the defaults the file keeps the impact of: computed, not adopted
  ['learning', { weights: 'citations=0.9,h=0.1', limit: 30 }],
];

async function answers(store: Store): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [q, o] of QUERIES) {
    const r = await searchPeople(store, q, o as never);
    out.push(JSON.parse(JSON.stringify(r, (k, v) => (k === 'ms' || k === 'tookMs' ? undefined : v))));
  }
  return out;
}

for (const backend of BACKENDS) {
  describe(`search index on disk (${backend})`, () => {
    const db = reopenableStore(backend, 'searchfile');
    const open = db.open;
    let store: Store;
    const reopen = async (): Promise<void> => {
      await store.close();
      store = await open();
    };
    const file = (): string => searchIndexFile(storeCacheDir(store) as string);
    const exists = (): boolean => {
      try {
        readFileSync(file());
        return true;
      } catch {
        return false;
      }
    };

    beforeAll(async () => {
      await db.setUp();
      store = await open();
      await migrate(store);
      await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz')]);
      // OpenAlex authors: institutions with types, so the read facts include the latest institution types
      await ingestFiles(store, [dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json')], { source: 'openalex' });
      await refreshCareersKeepingParams(store);
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      db.tearDown();
    });

    it('a new process reads the index the last one built and answers every query exactly as a built index does', async () => {
      const before = { ...searchIndexOrigins };
      const built = await answers(store);
      expect(searchIndexOrigins.built).toBe(before.built + 1);
      expect(exists()).toBe(true);
      expect((built[0] as { total: number }).total).toBeGreaterThan(0);
      await reopen();
      const read = await answers(store);
      expect(searchIndexOrigins).toEqual({ ...before, built: before.built + 1, read: before.read + 1 });
      expect(read).toEqual(built);
      // every person's facts as the read index coded them from the file's columns, as a build codes them
      const readIndex = await searchIndexFor(store);
      const builtIndex = await buildSearchIndex(store);
      const n = readIndex.size.people;
      expect(builtIndex.size.people).toBe(n);
      const infos = (ix: typeof readIndex) => Array.from({ length: n }, (_, p) => ix.personInfo(p));
      const fromFile = infos(readIndex);
      expect(fromFile).toEqual(infos(builtIndex));
      expect(fromFile.filter((f) => f.latestInstitutionTypes.length > 0).length).toBeGreaterThan(0);
      expect(fromFile.filter((f) => f.originBasis !== null && f.abroad !== null && f.firstYear !== null).length).toBeGreaterThan(0);
      // and the stats of the read index equal a fresh build's
      expect((await buildSearchIndex(store)).stats().postings).toBeGreaterThan(0);
      // the default weights' impact of every person, kept by the file, is what a build computes, to the bit
      const kept = readIndex.parts.impact;
      expect(kept?.key).toBe(impactKey(DEFAULT_WEIGHTS));
      const bp = builtIndex.parts;
      expect(Array.from(kept?.values ?? [])).toEqual(Array.from(impactValues(bp, bp.codes?.firstYear as Int32Array, DEFAULT_WEIGHTS)));
      expect(new Set(kept?.values).size).toBeGreaterThan(10);
      // and each work's largest impact among its people, read back as the build computes it
      const works = Array.from(kept?.works ?? []);
      expect(works).toEqual(Array.from(workImpactValues(bp, kept?.values ?? new Float64Array())));
      expect(works.length).toBe(builtIndex.size.works);
      expect(works.filter((v) => v > 1).length).toBeGreaterThan(0);
    });

    it('a read index reads from its file only the postings of the terms queries name and the lines it shows', async () => {
      await answers(store);
      await reopen();
      const index = await searchIndexFor(store);
      expect(searchIndexOrigins.read).toBeGreaterThan(0);
      const lazy = index.parts.lazy as FilePostings;
      expect(lazy).toBeInstanceOf(FilePostings);
      expect(lazy.termsRead).toBe(0);
      const known = (q: string): number => queryTerms(q).filter((t) => index.parts.terms.has(t)).length;
      const r = await searchPeople(store, 'robot manipulation', { limit: 5 });
      expect(r.results.length).toBe(5);
      expect(lazy.termsRead).toBe(known('robot manipulation'));
      await searchPeople(store, 'grasping robot', { country: 'US' });
      expect(lazy.termsRead).toBe(known('robot manipulation grasping'));
      expect(lazy.termsRead).toBeLessThan(index.parts.terms.size / 100);
      expect(lazy.listsLoaded).toBe(0);
      expect(lazy.complete).toBe(false);
    });

    it('an index read from its file and written again reads its file first (what results show of the works is copied from it): the copy answers as a build does', async () => {
      await answers(store);
      const built = await buildSearchIndex(store);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-index-copy-'));
      try {
        const read = readSearchIndexFileOf(storeCacheDir(store));
        expect(read).not.toBeNull();
        const parts = read!.parts;
        expect((parts.lazy as FilePostings).termsRead).toBe(0);
        writeSearchIndexFile(dir, parts, 'copy');
        // every list but what results show of the works was read whole; those lines were copied from the file
        expect((parts.lazy as FilePostings).complete).toBe(true);
        expect((sourceOf(parts.workIds) as FileLines).bytesHeld).toBe(true);
        expect((sourceOf(parts.workShown) as FileLines).bytesHeld).toBe(false);
        const copyParts = readSearchIndexFile(dir, 'copy')!;
        expect(Array.from(copyParts.workShown)).toEqual(Array.from(built.parts.workShown));
        expect(Array.from(parts.workShown)).toEqual(Array.from(built.parts.workShown)); // still read from the first file
        const copy = new SearchIndex(copyParts);
        for (const q of ['learning', 'robot manipulation', 'vision language']) expect(copy.query(q, { limit: 20, method: 'exhaustive' })).toEqual(built.query(q, { limit: 20, method: 'exhaustive' }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('after an ingest the next caller updates the file\'s index (answering as a build does), and its file replaces the old one', async () => {
      await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
      await refreshCareersKeepingParams(store);
      await reopen();
      const before = { ...searchIndexOrigins };
      const grown = await answers(store);
      expect(searchIndexOrigins).toEqual({ ...before, updated: before.updated + 1 });
      invalidateSearchIndex(store);
      expect(await answers(store)).toEqual(grown);
      expect(searchIndexOrigins.built).toBe(before.built + 1);
      await reopen();
      expect(await answers(store)).toEqual(grown);
      expect(searchIndexOrigins.read).toBe(before.read + 1);
    });

    it('a server that read the file and answered queries updates the index it holds after an ingest: the terms it read from memory, the others from the file', async () => {
      await reopen();
      const held = await searchIndexFor(store);
      const lazy = held.parts.lazy as FilePostings;
      held.query('robot manipulation');
      expect(lazy.termsRead).toBeGreaterThan(0);
      expect(lazy.termsRead).toBeLessThan(held.parts.terms.size);
      await ingestFiles(store, [dataPath('paperlists', 'corl2024.json.gz')]);
      await refreshCareersKeepingParams(store);
      const before = { ...searchIndexOrigins };
      const grown = await answers(store);
      expect(searchIndexOrigins).toEqual({ ...before, updated: before.updated + 1 });
      expect(lazy.complete).toBe(false); // its postings were read term by term, never whole
      invalidateSearchIndex(store);
      expect(await answers(store)).toEqual(grown);
    });

    it('an update carries the old names as the file has them and escapes the new ones: the next process reads them as a build has them', async () => {
      const hit = (await searchPeople(store, 'robot manipulation', { limit: 4 })).results;
      const odd = ['Bea\nRiz \\ Lima', 'D:\\n no break\\', '\\\n', null];
      for (const [i, name] of odd.entries()) await store.query(`UPDATE people SET display_name = $1 WHERE person_id = $2`, [name, hit[i]!.personId]);
      invalidateSearchIndex(store); // written by hand: the index of this version is made again, and kept
      await answers(store);
      expect(exists()).toBe(true);
      const before = { ...searchIndexOrigins };
      // an ingest: the next process updates the file's index, its names carried as the file's lines (old people)
      // and escaped anew (new people, one of them given an odd name before the update reads the new rows)
      await ingestFiles(store, [dataPath('paperlists', 'corl2023.json.gz')]);
      const [run] = await store.query<{ id: number }>(`SELECT MAX(run_id) AS id FROM ingest_runs`);
      const [fresh] = await store.query<{ person_id: string }>(`SELECT person_id FROM people WHERE run_id = $1 ORDER BY person_id LIMIT 1`, [run!.id]);
      const newName = 'Nova\\n\nLine \\';
      await store.query(`UPDATE people SET display_name = $1 WHERE person_id = $2`, [newName, fresh!.person_id]);
      await reopen();
      const updated = await searchIndexFor(store);
      expect(searchIndexOrigins.updated).toBe(before.updated + 1);
      const nameOf = (ix: typeof updated, id: string): string | null | undefined => ix.personInfo(ix.personOrdinal(id)).name;
      for (const [i, name] of odd.entries()) expect(nameOf(updated, hit[i]!.personId)).toBe(name);
      expect(nameOf(updated, fresh!.person_id)).toBe(newName);
      const rebuilt = await buildSearchIndex(store);
      const n = rebuilt.size.people;
      expect(updated.size.people).toBe(n);
      const allNames = (ix: typeof updated) => Array.from({ length: n }, (_, p) => ix.personInfo(p).name);
      expect(allNames(updated)).toEqual(allNames(rebuilt));
      // and the file it wrote reads back the same
      await reopen();
      const reread = await searchIndexFor(store);
      expect(searchIndexOrigins.read).toBe(before.read + 1);
      expect(allNames(reread)).toEqual(allNames(rebuilt));
      expect(nameOf(reread, fresh!.person_id)).toBe(newName);
    });

    it('an erasure deletes the file at once, and no later file names the person', async () => {
      await answers(store);
      expect(exists()).toBe(true);
      const hit = (await searchPeople(store, 'robot manipulation')).results[0]!;
      expect(readFileSync(file()).includes(Buffer.from(hit.personId))).toBe(true);
      await erasePerson(store, hit.personId);
      expect(exists()).toBe(false);
      const after = await searchPeople(store, 'robot manipulation', { limit: 200 });
      expect(after.results.some((r) => r.personId === hit.personId)).toBe(false);
      expect(exists()).toBe(true);
      expect(readFileSync(file()).includes(Buffer.from(hit.personId))).toBe(false);
    });

    it('a file read ahead while the store opens (a CLI search) is the index read; read ahead for another folder it is let go', async () => {
      const built = await answers(store);
      const dir = storeCacheDir(store) as string;
      await store.close();
      const opening = open();
      prefetchSearchIndexFile(dir);
      store = await opening;
      const before = { ...searchIndexOrigins }, ahead = { ...searchIndexPrefetches };
      expect(await answers(store)).toEqual(built);
      expect(searchIndexOrigins).toEqual({ ...before, read: before.read + 1 });
      expect(searchIndexPrefetches).toEqual({ ...ahead, taken: ahead.taken + 1 });
      // read ahead from another store's folder (a copy of this file): let go, and the index is read from its own file
      const elsewhere = `${dir}-elsewhere`;
      mkdirSync(elsewhere, { recursive: true });
      copyFileSync(file(), searchIndexFile(elsewhere));
      await store.close();
      const again = open();
      prefetchSearchIndexFile(elsewhere);
      store = await again;
      expect(await answers(store)).toEqual(built);
      expect(searchIndexPrefetches).toEqual({ taken: ahead.taken + 1, dropped: ahead.dropped + 1 });
      expect(searchIndexOrigins).toEqual({ ...before, read: before.read + 2 });
      rmSync(elsewhere, { recursive: true, force: true });
    });

    it('a file read ahead, then an erasure by another process: the erased person is not in the answer, and the index is built again', async () => {
      const hit = (await searchPeople(store, 'robot manipulation')).results[0]!;
      const dir = storeCacheDir(store) as string;
      await store.close();
      prefetchSearchIndexFile(dir);
      const other = await open();
      await erasePerson(other, hit.personId);
      await other.close();
      store = await open();
      const before = { ...searchIndexOrigins }, ahead = { ...searchIndexPrefetches };
      const after = await searchPeople(store, 'robot manipulation', { limit: 200 });
      expect(after.results.some((r) => r.personId === hit.personId)).toBe(false);
      expect(searchIndexOrigins.built).toBe(before.built + 1);
      // the file read ahead was of the version before the erasure: taken, found older, and never used for an answer
      expect(searchIndexPrefetches.taken).toBe(ahead.taken + 1);
      expect(readFileSync(file()).includes(Buffer.from(hit.personId))).toBe(false);
    });

    it('a damaged file is never used: it is deleted and the index built again', async () => {
      const good = await answers(store);
      truncateSync(file(), 2000);
      await reopen();
      const before = { ...searchIndexOrigins };
      expect(await answers(store)).toEqual(good);
      expect(searchIndexOrigins.built).toBe(before.built + 1);
    });

    it('keeps names holding line breaks and backslashes: the file is written, and read back they are the same', async () => {
      const hit = (await searchPeople(store, 'robot manipulation', { limit: 3 })).results;
      const odd = ['Ana\nMaria \\ Souza', 'C:\\n not a break\\', '\\\n'];
      for (const [i, name] of odd.entries()) await store.query(`UPDATE people SET display_name = $1 WHERE person_id = $2`, [name, hit[i]!.personId]);
      invalidateSearchIndex(store); // written by hand: the index of this version is made again
      const built = await answers(store);
      const names = (await searchPeople(store, 'robot manipulation', { limit: 3 })).results.map((r) => r.name);
      expect(names).toEqual(odd);
      expect(exists()).toBe(true);
      await reopen();
      const before = { ...searchIndexOrigins };
      expect(await answers(store)).toEqual(built);
      expect((await searchPeople(store, 'robot manipulation', { limit: 3 })).results.map((r) => r.name)).toEqual(odd);
      expect(searchIndexOrigins).toEqual({ ...before, read: before.read + 1 });

    });
  });
}
