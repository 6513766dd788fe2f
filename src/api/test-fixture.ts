/**
 * Test data for the API and browser tests: real OpenAlex records (data/openalex-samples/openalex-research-rag: 30 authors
 * with their affiliation histories, 195 works with authorships) written into a fresh store with bulkInsert.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { refreshCareers } from '../careers/index.ts';
import { normaliseOrcid, openAlexShortId } from '../core/ids.ts';
import { dataPath } from '../core/paths.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { ColumnSpec, SqlValue, Store } from '../store/store.ts';

interface OaInstitution { id: string; display_name?: string; country_code?: string | null; type?: string; ror?: string | null }
interface OaAuthor {
  id: string; orcid?: string | null; display_name?: string; works_count?: number; cited_by_count?: number;
  summary_stats?: { h_index?: number }; affiliations?: Array<{ institution: OaInstitution; years: number[] }>;
}
interface OaWork {
  id: string; title?: string | null; publication_year?: number; cited_by_count?: number; doi?: string | null;
  primary_location?: { source?: { display_name?: string } | null } | null;
  authorships: Array<{ author: { id: string; display_name?: string; orcid?: string | null }; institutions: OaInstitution[] }>;
}

const cols = (spec: string): ColumnSpec[] =>
  spec.split(',').map((c) => {
    const [name, type] = c.trim().split(':');
    return { name: name as string, type: (type ?? 'text') as ColumnSpec['type'] };
  });

export const SAMPLE_DIR = dataPath('openalex-samples', 'openalex-research-rag');

export async function loadOpenAlexSample(store: Store): Promise<void> {
  const authors = JSON.parse(readFileSync(path.join(SAMPLE_DIR, 'authors_sample.json'), 'utf8')) as OaAuthor[];
  const works = JSON.parse(gunzipSync(readFileSync(path.join(SAMPLE_DIR, 'works_sample.json.gz'))).toString('utf8')) as OaWork[];
  const prov = (key: string): SqlValue[] => ['openalex', key, 1];
  const people = new Map<string, SqlValue[]>();
  const ids = new Map<string, SqlValue[]>();
  const insts = new Map<string, SqlValue[]>();
  const affs: SqlValue[][] = [];
  const addInst = (i: OaInstitution) => {
    const id = openAlexShortId(i.id);
    if (!insts.has(id)) insts.set(id, [id, i.display_name ?? null, i.country_code ?? null, i.country_code ? 'openalex' : null, i.type ?? null, i.ror ?? null, ...prov(`openalex:${id}`)]);
    return id;
  };
  const addPerson = (a: { id: string; display_name?: string; orcid?: string | null }, extra: SqlValue[] = [null, null, null]) => {
    const pid = openAlexShortId(a.id);
    if (!people.has(pid) || extra[0] !== null) people.set(pid, [pid, a.display_name ?? null, ...extra, ...prov(`openalex:${pid}`)]);
    ids.set(`openalex|${pid}`, ['openalex', pid, pid, ...prov(`openalex:${pid}`)]);
    const orcid = a.orcid ? normaliseOrcid(a.orcid) : null;
    if (orcid && !ids.has(`orcid|${orcid}`)) ids.set(`orcid|${orcid}`, ['orcid', orcid, pid, ...prov(`openalex:${pid}`)]);
    return pid;
  };
  for (const a of authors) {
    const pid = addPerson(a, [a.summary_stats?.h_index ?? null, a.cited_by_count ?? null, a.works_count ?? null]);
    for (const af of a.affiliations ?? []) {
      if (!af.institution.id) continue;
      const iid = addInst(af.institution);
      for (const y of af.years) affs.push([pid, y, iid, af.institution.country_code ?? null, 'openalex', null, 'openalex', ...prov(`openalex:${pid}`)]);
    }
  }
  const workRows: SqlValue[][] = [];
  const authorships: SqlValue[][] = [];
  for (const w of works) {
    const wid = openAlexShortId(w.id);
    workRows.push([wid, w.title ?? null, w.publication_year ?? null, w.primary_location?.source?.display_name ?? null, w.cited_by_count ?? 0, w.authorships.length, null, null, null, null, w.doi ?? null, ...prov(`openalex:${wid}`)]);
    w.authorships.forEach((au, position) => {
      if (!au.author.id) return;
      const pid = addPerson(au.author);
      const known = au.institutions.filter((i) => i.id);
      const instIds = known.map(addInst);
      authorships.push([wid, pid, position, instIds.join(';') || null, ...prov(`openalex:${wid}`)]);
      const first = known[0];
      if (first && w.publication_year) affs.push([pid, w.publication_year, openAlexShortId(first.id), first.country_code ?? null, 'openalex', null, 'paper', ...prov(`openalex:${wid}`)]);
    });
  }
  await store.transaction(async (tx) => {
    const P = 'source,record_key,run_id:int';
    await tx.bulkInsert('people', cols(`person_id,display_name,source_h_index:int,source_cited_by:int,source_works_count:int,${P}`), [...people.values()]);
    await tx.bulkInsert('person_identifiers', cols(`scheme,value,person_id,${P}`), [...ids.values()]);
    await tx.bulkInsert('institutions', cols(`institution_id,name,country,country_basis,type,ror,${P}`), [...insts.values()]);
    await tx.bulkInsert('affiliation_years', cols(`person_id,year:int,institution_id,country,country_basis,role,basis,${P}`), affs);
    await tx.bulkInsert('works', cols(`work_id,title,year:int,venue,cited_by_count:int,author_count:int,keywords,topics,abstract,status,doi,${P}`), workRows);
    await tx.bulkInsert('authorships', cols(`work_id,person_id,position:int,institution_ids,${P}`), authorships);
    const now = new Date().toISOString();
    await tx.exec(
      `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased, command)
       VALUES (1, 'openalex', $1, $1, 'success', 2, $2, $2, 0, 0, 0, 0, 0, 'test fixture')`,
      [now, authors.length + works.length],
    );
  });
}

/** The owner of the test contact list: two real sample authors as contacts, so intro paths exist. */
export const TEST_OWNER = 'demo';

export async function addTestContacts(store: Store, personIds: readonly string[]): Promise<void> {
  await store.bulkInsert(
    'contacts',
    cols('owner,person_id,strength:int,note,file,line:int,run_id:int'),
    personIds.map((id, i) => [TEST_OWNER, id, 3, 'met at a workshop', 'fixture-contacts.csv', i + 2, 1]),
  );
}

/**
 * Contacts for TEST_OWNER placed so that `targetId` is reachable: up to three co-authors of its co-authors
 * (two hops from the contact), or its direct co-authors when it has no second circle. Returns the contact ids.
 */
export async function addContactsNear(store: Store, targetId: string): Promise<string[]> {
  const direct = (await store.query<{ p: string }>(
    `SELECT DISTINCT b.person_id AS p FROM authorships a JOIN authorships b ON b.work_id = a.work_id AND b.person_id <> a.person_id WHERE a.person_id = $1`,
    [targetId],
  )).map((r) => r.p);
  const second = (await store.query<{ p: string }>(
    `SELECT DISTINCT c.person_id AS p FROM authorships a JOIN authorships b ON b.work_id = a.work_id
     JOIN authorships b2 ON b2.person_id = b.person_id JOIN authorships c ON c.work_id = b2.work_id
     WHERE a.person_id = $1 AND b.person_id <> $1 AND c.person_id <> $1 ORDER BY c.person_id`,
    [targetId],
  )).map((r) => r.p).filter((p) => !direct.includes(p));
  const contacts = (second.length ? second : direct).slice(0, 3);
  await addTestContacts(store, contacts);
  return contacts;
}

/** A fresh, migrated DuckDB file in a temp folder named by prefix; closing the store removes the folder. */
export async function openTempStore(prefix: string): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const store = await DuckDBStore.open(path.join(dir, 'atlas.duckdb'));
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  await migrate(store);
  return store;
}

/** A fresh DuckDB file in a temp folder, migrated and filled with the OpenAlex sample; closing it removes the folder. */
export async function openSampleStore(): Promise<Store> {
  const store = await openTempStore('atlas-api-');
  await loadOpenAlexSample(store);
  await refreshCareers(store);
  return store;
}
