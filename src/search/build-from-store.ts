/**
 * Builds the search index from a store's records (store-records.ts) and keeps it. One index is cached per store
 * object and made again when the data version changes (an ingest, a careers refresh, a merge or an erasure, by
 * this process or another): brought up to date after
 * ingests (index-update.ts), built again after an erasure or a merge. A new process reads the index the last one
 * made from disk (search-index-file.ts) instead of building it, and updates it when it is of an older version.
 */
import { rmSync } from 'node:fs';
import { storeCacheDir } from '../store/cache-dir.ts';
import type { Store } from '../store/store.ts';
import { addExpertise, addWorks, forPeople, readPersonFacts } from './store-records.ts';
import { careersRefreshOf, dataVersionWithoutContacts, mayUpdate, updatableSince } from '../store/repo/data-version.ts';
import { SearchIndexBuilder } from './index-builder.ts';
import { SearchIndex, type SearchIndexParts } from './search-index.ts';
import { dropPrefetchedSearchIndex, dropSearchIndexFile, readSearchIndexFileAhead, searchIndexFile, searchIndexFileVersion, writeSearchIndexFile } from './search-index-file.ts';
import { updateSearchIndex, type SearchUpdateFigures } from './index-update.ts';

export async function buildSearchIndex(store: Store, options: { asOf?: number } = {}): Promise<SearchIndex> {
  return new SearchIndex(await buildSearchIndexParts(store, options));
}

/**
 * The parts a full build makes of the store as it is now (before a SearchIndex takes their facts). `solo`: this
 * process runs nothing else meanwhile (`atlas index`), so the store gives back what it cached of the works after
 * reading them, and of the facts after those (store.trimMemory), and garbage is collected before the arrays are
 * laid out and written when the process can ask for it (node --expose-gc): at 1M people the build's peak was
 * 2.09 GiB, with DuckDB holding ~0.8 GiB of what the works scan read while the facts were read and laid out.
 */
export async function buildSearchIndexParts(store: Store, options: { asOf?: number; solo?: boolean } = {}): Promise<SearchIndexParts> {
  const parts = await readAndLayOut(store, options);
  if (options.solo) collectGarbage(); // the builder, out of scope now, is garbage
  return parts;
}

async function readAndLayOut(store: Store, options: { asOf?: number; solo?: boolean }): Promise<SearchIndexParts> {
  const { solo, ...layout } = options;
  const b = new SearchIndexBuilder();
  await addWorks(store, b, '', []);
  await addExpertise(store, b, '', []);
  if (solo) await store.trimMemory();
  await forPeople(store, '', [], (p) => b.addPerson(p.person_id, p.display_name, p.source_h_index));
  const read = await readPersonFacts(store);
  for (const [id, f] of read.facts) b.setFacts(id, f);
  read.facts.clear();
  if (solo) await store.trimMemory();
  return b.buildParts({ ...layout, latestDataYear: read.latestDataYear, careersPresent: read.careersPresent });
}

/** A full collection, when node was started with --expose-gc (the builder's maps and lists are garbage now). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** How this process got its indexes: built from the store, read from a file, or an older one updated (for benchmarks and tests). */
export const searchIndexOrigins = { built: 0, read: 0, updated: 0 };

/** What the last update of this process did (for benchmarks). */
export let lastSearchIndexUpdate: (SearchUpdateFigures & { writeMs: number }) | null = null;

/**
 * The index of this data version: from the store's file when it is of this version; else an older index (the one
 * this process held, or the file's) brought up to date when only ingests came since (index-update.ts); else
 * built. Written for the next process in the last two cases.
 */
async function loadOrBuild(store: Store, version: string, older: { version: string; index: Promise<SearchIndex> } | null, solo: boolean): Promise<SearchIndex> {
  const dir = storeCacheDir(store);
  // the file is read whole only when it is of this version, or when no older index is in memory to start from
  const inMemory =
    (await older?.index.then((index) => ({ version: older.version, parts: index.parts, facts: (i: number) => index.factsAt(i) })).catch(() => null)) ?? null;
  const file = !inMemory || searchIndexFileVersion(dir) === version ? await readSearchIndexFileAhead(dir) : (dropPrefetchedSearchIndex(), null);
  if (file?.version === version) {
    searchIndexOrigins.read++;
    return new SearchIndex(file.parts);
  }
  const base = inMemory ?? file;
  const since = base?.parts.worksSorted ? await updatableSince(store, base.version, version) : null;
  let parts: SearchIndexParts;
  let figures: SearchUpdateFigures | null = null;
  if (base && since !== null) {
    searchIndexOrigins.updated++;
    const u = await updateSearchIndex(store, base.parts, since, { careersRefresh: careersRefreshOf(base.version), ...('facts' in base ? { oldFacts: base.facts } : {}) });
    parts = u.parts;
    figures = u.figures;
  } else {
    // an older file that cannot be updated may name an erased person: it goes now
    dropSearchIndexFile(dir);
    searchIndexOrigins.built++;
    parts = await buildSearchIndexParts(store, { solo });
  }
  // Written only if the data did not change meanwhile (the file names the version it holds), and before the
  // index takes the parts over.
  const t = performance.now();
  if (dir && (await dataVersionWithoutContacts(store)) === version) writeSearchIndexFile(dir, parts, version);
  if (figures) lastSearchIndexUpdate = { ...figures, writeMs: performance.now() - t };
  return new SearchIndex(parts);
}

const cache = new WeakMap<Store, { version: string; index: Promise<SearchIndex> }>();

/**
 * The cached index of a store, built on first use and brought up to date (or built again) whenever the data has
 * changed (store/repo/data-version.ts): the index reads no contact list, so a contact import leaves it as it is.
 * `solo`: this process runs nothing else on the store meanwhile, so a build gives memory back as it goes
 * (buildSearchIndexParts).
 */
export async function searchIndexFor(store: Store, options: { solo?: boolean } = {}): Promise<SearchIndex> {
  const version = await dataVersionWithoutContacts(store);
  const kept = cache.get(store);
  if (kept && kept.version === version) return kept.index;
  // the older index is kept for an update only when one can follow (after an erasure it may hold the person)
  const index = loadOrBuild(store, version, kept && mayUpdate(kept.version, version) ? kept : null, options.solo === true);
  const entry = { version, index };
  index.catch(() => cache.get(store) === entry && cache.delete(store));
  cache.set(store, entry);
  return index;
}

/**
 * After an ingest: an index kept for the store — in this process or in its file — brought up to date now, so the
 * next search reads it ready instead of paying the update. When none is kept: built and kept now with `build`
 * (`first`), when the store has a place for its file; else nothing is built (null). `solo`: as searchIndexFor's.
 */
export async function updateKeptSearchIndex(store: Store, options: { build?: boolean; solo?: boolean } = {}): Promise<{ how: 'updated' | 'built' | 'current'; ms: number; first?: boolean } | null> {
  const dir = storeCacheDir(store);
  const first = !cache.has(store) && searchIndexFileVersion(dir) === null;
  if (first && !(options.build && dir)) return null;
  const before = { ...searchIndexOrigins };
  const t = performance.now();
  await searchIndexFor(store, options.solo ? { solo: true } : {});
  const how = searchIndexOrigins.updated > before.updated ? 'updated' : searchIndexOrigins.built > before.built ? 'built' : 'current';
  return { how, ms: performance.now() - t, ...(first ? { first } : {}) };
}

/** Drop the index of a store, in memory and on disk (after an erasure, or writing to works, authorships, people, careers or affiliations by hand). */
export function invalidateSearchIndex(store: Store): void {
  cache.delete(store);
  const dir = storeCacheDir(store);
  if (dir) rmSync(searchIndexFile(dir), { force: true });
}
