/**
 * Builds the search index from a store through the Store contract only (plain SELECTs streamed with iterate), so
 * it works on every backend. One index is cached per store object and rebuilt when the data version changes
 * (an ingest, a careers refresh, a merge or an erasure, by this process or another); ingest and careers
 * computation also call invalidateSearchIndex(store) after they write. A new process reads the index the last
 * one built for the same data version from disk (search-index-file.ts) instead of building it.
 */
import { rmSync } from 'node:fs';
import { storeCacheDir } from '../store/cache-dir.ts';
import type { Store } from '../store/store.ts';
import { dataVersionWithoutContacts } from '../store/repo/data-version.ts';
import { SearchIndexBuilder } from './index-builder.ts';
import { SearchIndex, type PersonFactsInput, type SearchIndexParts } from './search-index.ts';
import { readSearchIndexFile, searchIndexFile, writeSearchIndexFile } from './search-index-file.ts';

/** Works whose status says they were not published (rejected or withdrawn submissions) are not indexed. */
export const UNPUBLISHED_STATUS = /reject|withdraw|desk/i;

interface WorkRow {
  work_id: string;
  title: string | null;
  year: number | null;
  venue: string | null;
  cited_by_count: number | null;
  keywords: string | null;
  topics: string | null;
  abstract: string | null;
  status: string | null;
}

export async function tableExists(store: Store, table: string): Promise<boolean> {
  const rows = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = $1`, [table]);
  return Number(rows[0]?.n ?? 0) > 0;
}

export async function buildSearchIndex(store: Store, options: { asOf?: number } = {}): Promise<SearchIndex> {
  return new SearchIndex(await buildSearchIndexParts(store, options));
}

async function buildSearchIndexParts(store: Store, options: { asOf?: number } = {}): Promise<SearchIndexParts> {
  const b = new SearchIndexBuilder();
  for await (const batch of store.iterate<WorkRow>(
    `SELECT work_id, title, year, venue, cited_by_count, keywords, topics, abstract, status FROM works ORDER BY work_id`,
  )) {
    for (const w of batch) {
      if (w.status && UNPUBLISHED_STATUS.test(w.status)) continue;
      b.addWork(w.work_id, w, w.year, w.cited_by_count);
    }
  }
  for await (const batch of store.iterate<{ work_id: string; person_id: string }>(`SELECT work_id, person_id FROM authorships ORDER BY work_id, position`)) {
    for (const a of batch) b.addAuthorship(a.work_id, a.person_id);
  }
  // each person's expertise keywords (OpenReview profiles) as one more document of theirs, matched like a work's keywords
  let kwPerson: string | null = null;
  let kws: string[] = [];
  for await (const batch of store.iterate<{ person_id: string; keyword: string }>(`SELECT DISTINCT person_id, keyword FROM person_keywords ORDER BY person_id, keyword`)) {
    for (const k of batch) {
      if (k.person_id !== kwPerson) {
        if (kwPerson !== null) b.addExpertise(kwPerson, kws);
        kwPerson = k.person_id;
        kws = [];
      }
      kws.push(k.keyword);
    }
  }
  if (kwPerson !== null) b.addExpertise(kwPerson, kws);
  for await (const batch of store.iterate<{ person_id: string; display_name: string | null; source_h_index: number | null }>(
    `SELECT person_id, display_name, source_h_index FROM people`,
  )) {
    for (const p of batch) b.addPerson(p.person_id, p.display_name, p.source_h_index);
  }
  const facts = new Map<string, PersonFactsInput>();
  const careersPresent = (await tableExists(store, 'careers')) && Number((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers'))[0]?.n ?? 0) > 0;
  if (careersPresent) {
    for await (const batch of store.iterate<{
      person_id: string;
      origin: string | null;
      origin_basis: string | null;
      current_country: string | null;
      abroad: boolean | null;
      returnee: boolean | null;
      first_year: number | null;
    }>(`SELECT person_id, origin, origin_basis, current_country, abroad, returnee, first_year FROM careers`)) {
      for (const c of batch) {
        facts.set(c.person_id, {
          origin: c.origin,
          originBasis: c.origin_basis,
          currentCountry: c.current_country,
          abroad: c.abroad === true,
          returnee: c.returnee === true,
          firstYear: c.first_year,
          latestInstitutionTypes: [],
        });
      }
    }
  }
  // institution types of each person's latest affiliation-year (the careers view, so paper-list noise is reduced)
  for await (const batch of store.iterate<{ person_id: string; type: string }>(
    `WITH last AS (SELECT person_id, MAX(year) AS y FROM career_affiliation_years GROUP BY person_id)
     SELECT DISTINCT a.person_id, i.type FROM career_affiliation_years a
     JOIN last l ON l.person_id = a.person_id AND l.y = a.year
     JOIN institutions i ON i.institution_id = a.institution_id
     WHERE i.type IS NOT NULL`,
  )) {
    for (const r of batch) {
      let f = facts.get(r.person_id);
      if (!f) facts.set(r.person_id, (f = { latestInstitutionTypes: [] }));
      (f.latestInstitutionTypes as string[]).push(r.type);
    }
  }
  for (const [id, f] of facts) b.setFacts(id, f);
  const latest = await store.query<{ y: number | null }>('SELECT MAX(year) AS y FROM career_affiliation_years WHERE country IS NOT NULL');
  return b.buildParts({ ...options, latestDataYear: latest[0]?.y ?? null, careersPresent });
}

/** How this process got its indexes: built from the store, or read from a file (for benchmarks and tests). */
export const searchIndexOrigins = { built: 0, read: 0 };

/** The index from the store's file when it is of this data version, else built and written for the next process. */
async function loadOrBuild(store: Store, version: string): Promise<SearchIndex> {
  const dir = storeCacheDir(store);
  const kept = readSearchIndexFile(dir, version);
  if (kept) {
    searchIndexOrigins.read++;
    return new SearchIndex(kept);
  }
  searchIndexOrigins.built++;
  const parts = await buildSearchIndexParts(store);
  // Written only if the data did not change meanwhile (the file names the version it holds), and before the
  // index takes the parts over.
  if (dir && (await dataVersionWithoutContacts(store)) === version) writeSearchIndexFile(dir, parts, version);
  return new SearchIndex(parts);
}

const cache = new WeakMap<Store, { version: string; index: Promise<SearchIndex> }>();

/**
 * The cached index of a store, built on first use and again whenever the data has changed
 * (store/repo/data-version.ts): the index reads no contact list, so a contact import leaves it as it is.
 */
export async function searchIndexFor(store: Store): Promise<SearchIndex> {
  const version = await dataVersionWithoutContacts(store);
  const kept = cache.get(store);
  if (kept && kept.version === version) return kept.index;
  const index = loadOrBuild(store, version);
  const entry = { version, index };
  index.catch(() => cache.get(store) === entry && cache.delete(store));
  cache.set(store, entry);
  return index;
}

/** Drop the index of a store, in memory and on disk (after an erasure, or writing to works, authorships, people, careers or affiliations by hand). */
export function invalidateSearchIndex(store: Store): void {
  cache.delete(store);
  const dir = storeCacheDir(store);
  if (dir) rmSync(searchIndexFile(dir), { force: true });
}
