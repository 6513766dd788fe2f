/**
 * The ingest runner: reads files through a source reader, stages every record's facts in temporary tables,
 * then merges them in one transaction — all or nothing. Idempotent: a record whose content is unchanged is
 * skipped; a record with new content replaces that record's older facts; an older copy (by updated_date)
 * never overwrites a newer one; identifiers of erased people are never brought back.
 */
import { AtlasError, InputError } from '../core/errors.ts';
import type { ColumnSpec, Queryable, SqlValue, Store } from '../store/store.ts';
import { FACT_TABLES } from '../store/schema.ts';
import type { RecordFacts } from './facts.ts';
import type { Rejection, SourceReader } from './source.ts';
import { READERS, detectSource, type IngestSource } from './readers.ts';
import { inputFiles } from './input-files.ts';
import { dropScan, scanOpenAlexJsonl, sniffOpenAlexJsonl } from './openalex/openalex-duckdb-scan.ts';
import { Clusters, STRONG_SCHEMES } from '../identity/decide.ts';
import { addTo } from '../identity/profiles.ts';

export interface IngestOptions {
  /** The source of every file; detected per file from its name when absent. */
  source?: IngestSource;
  /** 'fail' (default): the first bad record stops the run and nothing lands. 'skip': good records land, bad ones are reported. */
  onError?: 'fail' | 'skip';
  maxRecordBytes?: number;
  /** Progress: bytes read of the current file and records staged so far, then the merge's steps. */
  onProgress?: (p: IngestProgress) => void;
  command?: string;
  /**
   * 'auto' (default): on DuckDB, OpenAlex JSONL files are read by DuckDB itself (openalex-duckdb-scan.ts), falling
   * back to the JS reader for any file it cannot prove valid; 'js': every file through the JS readers.
   */
  scan?: 'auto' | 'js';
  /** Where a file came from when it is a page fetched by a pull: its request URL, stored in ingest_files.url as the records' provenance. */
  fileUrls?: ReadonlyMap<string, string>;
  /**
   * Writes that must land with the run or not at all (a pull's job position): called inside the merge's
   * transaction, after the merge, with the run's result.
   */
  inTransaction?: (tx: Queryable, result: IngestResult) => Promise<void>;
}

export type IngestProgress =
  | { phase: 'read'; file: string; fileBytes: number; bytesRead: number; records: number }
  | { phase: 'merge'; step: MergeStep; done: number; total: number };

/** The merge's steps, in order, as progress reports them. */
export const MERGE_STEPS = ['records', 'people', 'identifiers', 'institutions', 'affiliation years', 'education and positions', 'works', 'authorships', 'ties', 'commit'] as const;
export type MergeStep = (typeof MERGE_STEPS)[number];

export interface IngestFileResult {
  path: string;
  source: IngestSource;
  bytes: number;
  records: number;
  rejected: number;
  /** Who read the file: DuckDB's own scan, or the JS reader (with the reason when the scan was tried and declined). */
  reader: 'duckdb-scan' | 'js';
  scanDeclined?: string;
  report?: Record<string, unknown>;
}

export interface IngestResult {
  runId: number;
  files: IngestFileResult[];
  records: number;
  inserted: number;
  replaced: number;
  unchanged: number;
  stale: number;
  erased: number;
  /**
   * Joins of keys sharing an identifier that were refused because the two sides are different people by a strong
   * identifier or co-author one work (joinKeysSharingIdentifiers): a source stating one person's identifier for another.
   */
  refusedJoins: number;
  rejected: Rejection[];
}

const T = (name: string, type: ColumnSpec['type']): ColumnSpec => ({ name, type });
const STAGING: Record<string, ColumnSpec[]> = {
  stg_records: [T('seq', 'int'), T('record_key', 'text'), T('source', 'text'), T('kind', 'text'), T('updated_date', 'text'), T('content_hash', 'text'), T('file_no', 'int'), T('line', 'int')],
  stg_people: [T('seq', 'int'), T('pkey', 'text'), T('name', 'text'), T('is_primary', 'bool'), T('h_index', 'int'), T('cited_by', 'int'), T('works_count', 'int')],
  stg_ids: [T('seq', 'int'), T('pkey', 'text'), T('scheme', 'text'), T('value', 'text')],
  stg_institutions: [T('seq', 'int'), T('institution_id', 'text'), T('name', 'text'), T('country', 'text'), T('country_basis', 'text'), T('type', 'text'), T('ror', 'text')],
  stg_affiliation_years: [T('seq', 'int'), T('pkey', 'text'), T('year', 'int'), T('institution_id', 'text'), T('country', 'text'), T('country_basis', 'text'), T('role', 'text'), T('basis', 'text'), T('position', 'text'), T('level', 'text'), T('domain', 'text')],
  stg_positions: [T('seq', 'int'), T('pkey', 'text'), T('institution_id', 'text'), T('country', 'text'), T('country_basis', 'text'), T('role', 'text'), T('position', 'text'), T('level', 'text'), T('domain', 'text'), T('start_year', 'int'), T('end_year', 'int'), T('basis', 'text')],
  stg_relations: [T('seq', 'int'), T('pkey', 'text'), T('direction', 'text'), T('relation', 'text'), T('other_name', 'text'), T('other_scheme', 'text'), T('other_value', 'text'), T('email_domain', 'text'), T('start_year', 'int'), T('end_year', 'int')],
  stg_keywords: [T('seq', 'int'), T('pkey', 'text'), T('keyword', 'text'), T('start_year', 'int'), T('end_year', 'int')],
  stg_education: [T('seq', 'int'), T('pkey', 'text'), T('institution_id', 'text'), T('country', 'text'), T('degree', 'text'), T('role_title', 'text'), T('start_year', 'int'), T('end_year', 'int')],
  stg_works: [T('seq', 'int'), T('work_id', 'text'), T('title', 'text'), T('year', 'int'), T('venue', 'text'), T('cited_by_count', 'int'), T('author_count', 'int'), T('keywords', 'text'), T('topics', 'text'), T('abstract', 'text'), T('status', 'text'), T('doi', 'text')],
  stg_authorships: [T('seq', 'int'), T('work_id', 'text'), T('pkey', 'text'), T('position', 'int'), T('institution_ids', 'text')],
  stg_ties: [T('seq', 'int'), T('a', 'text'), T('b', 'text'), T('kind', 'text'), T('year', 'int'), T('confidence', 'double'), T('evidence', 'text')],
};

class StagingBuffer {
  private rows: Record<string, SqlValue[][]> = Object.fromEntries(Object.keys(STAGING).map((k) => [k, []]));
  private count = 0;
  constructor(private readonly db: Queryable) {}

  add(seq: number, fileNo: number, f: RecordFacts): void {
    const r = this.rows as Record<keyof typeof STAGING, SqlValue[][]>;
    r['stg_records']!.push([seq, f.recordKey, f.source, f.kind, f.updatedDate, f.contentHash, fileNo, f.line]);
    for (const p of f.people) {
      r['stg_people']!.push([seq, p.key, p.name, p.primary, p.hIndex ?? null, p.citedByCount ?? null, p.worksCount ?? null]);
      const i = p.key.indexOf(':');
      r['stg_ids']!.push([seq, p.key, p.key.slice(0, i), p.key.slice(i + 1)]);
      for (const id of p.identifiers) r['stg_ids']!.push([seq, p.key, id.scheme, id.value]);
    }
    for (const x of f.institutions) r['stg_institutions']!.push([seq, x.id, x.name, x.country, x.countryBasis, x.type, x.ror]);
    for (const a of f.affiliationYears) r['stg_affiliation_years']!.push([seq, a.person, a.year, a.institution, a.country, a.countryBasis, a.role, a.basis, a.position ?? null, a.level ?? null, a.domain ?? null]);
    for (const p of f.positions) r['stg_positions']!.push([seq, p.person, p.institution, p.country, p.countryBasis, p.role, p.position, p.level, p.domain, p.startYear, p.endYear, p.basis]);
    for (const x of f.relations) r['stg_relations']!.push([seq, x.person, x.direction, x.relation, x.otherName, x.other?.scheme ?? null, x.other?.value ?? null, x.emailDomain, x.startYear, x.endYear]);
    for (const k of f.keywords) r['stg_keywords']!.push([seq, k.person, k.keyword, k.startYear, k.endYear]);
    for (const e of f.education) r['stg_education']!.push([seq, e.person, e.institution, e.country, e.degree, e.roleTitle, e.startYear, e.endYear]);
    for (const w of f.works)
      r['stg_works']!.push([seq, w.id, w.title, w.year, w.venue, w.citedByCount, w.authorCount, w.keywords.join('; ') || null, w.topics.join('; ') || null, w.abstract, w.status, w.doi]);
    for (const a of f.authorships) r['stg_authorships']!.push([seq, a.work, a.person, a.position, a.institutions.join(';') || null]);
    for (const t of f.ties) r['stg_ties']!.push([seq, t.a, t.b, t.kind, t.year, t.confidence, t.evidence]);
    if (++this.count >= 5000) return void (this.pending = true);
  }
  pending = false;

  async flush(): Promise<void> {
    for (const [table, rows] of Object.entries(this.rows)) {
      if (rows.length) await this.db.bulkInsert(table, STAGING[table] as ColumnSpec[], rows);
      this.rows[table] = [];
    }
    this.count = 0;
    this.pending = false;
  }
}

async function createStaging(db: Store): Promise<void> {
  for (const [table, cols] of Object.entries(STAGING)) {
    await db.exec(`CREATE TEMP TABLE ${table} (${cols.map((c) => `${c.name} ${db.sqlType(c.type)}`).join(', ')})`);
  }
}

async function dropStaging(db: Queryable): Promise<void> {
  await dropScan(db);
  for (const table of [...Object.keys(STAGING), 'stg_keep', 'stg_keymap', 'stg_tomb', 'stg_shared', 'stg_rekey']) await db.exec(`DROP TABLE IF EXISTS ${table}`);
}

const count = async (db: Queryable, sql: string): Promise<number> => Number((await db.query<{ n: number }>(sql))[0]?.n ?? 0);

/**
 * Schemes whose two different values are two different people (identity/decide.ts), as the ingest applies them: an
 * OpenAlex author id is not one of them here, since OpenAlex splits one person over several ids and the ORCID iD they
 * share is what joins them.
 */
const CONFLICT_SCHEMES = STRONG_SCHEMES.filter((s) => s !== 'openalex');
const CONFLICT_LIST = CONFLICT_SCHEMES.map((s) => `'${s}'`).join(', ');

/**
 * Person keys → people: through an identifier already in the store, else the key itself becomes the person id. A
 * person the store holds is not a key's when they differ in a scheme of CONFLICT_SCHEMES (both state values there,
 * none shared): a paper list whose DBLP column is shifted by one author states one co-author's DBLP id for another,
 * and two different OpenReview profiles are two people whatever else they seem to share.
 */
async function mapKeysToPeople(db: Queryable): Promise<void> {
  await db.exec(`CREATE TEMP TABLE stg_keymap AS
    WITH cand AS (
      SELECT DISTINCT i.pkey, pi.person_id FROM stg_ids i JOIN person_identifiers pi ON pi.scheme = i.scheme AND pi.value = i.value),
    ks AS (SELECT DISTINCT pkey, scheme, value FROM stg_ids WHERE scheme IN (${CONFLICT_LIST}) AND pkey IN (SELECT pkey FROM cand)),
    ps AS (SELECT DISTINCT person_id, scheme, value FROM person_identifiers WHERE scheme IN (${CONFLICT_LIST}) AND person_id IN (SELECT person_id FROM cand)),
    conflicting AS (
      SELECT DISTINCT c.pkey, c.person_id FROM cand c JOIN ks k ON k.pkey = c.pkey JOIN ps p ON p.person_id = c.person_id AND p.scheme = k.scheme
      GROUP BY c.pkey, c.person_id, k.scheme HAVING NOT bool_or(k.value = p.value)),
    usable AS (SELECT pkey, person_id FROM cand c WHERE NOT EXISTS (SELECT 1 FROM conflicting x WHERE x.pkey = c.pkey AND x.person_id = c.person_id))
    SELECT k.pkey, COALESCE(MIN(u.person_id), k.pkey) AS person_id
    FROM (SELECT DISTINCT pkey FROM stg_ids) k LEFT JOIN usable u ON u.pkey = k.pkey
    GROUP BY k.pkey`);
}

/**
 * Keys of one run that share an identifier are one person, as they would be across runs (an ORCID record and a
 * Wikidata entity stating the same iD, an OpenReview profile and an OpenAlex author with one ORCID): union-find
 * over the identifiers that more than one staged key states (few: a work's co-author rows reuse the author's key).
 * A join is refused, as the resolver refuses it (identity/decide.ts Clusters), when the two sides differ in a scheme
 * of CONFLICT_SCHEMES — their own statements in this run and the identifiers of the people they map to — or are
 * authors of one work of this run. A component takes the smallest person id already in the store among its keys,
 * else its smallest key. Returns the number of joins refused.
 */
async function joinKeysSharingIdentifiers(db: Queryable): Promise<number> {
  await db.exec(`CREATE TEMP TABLE stg_shared AS
    SELECT DISTINCT i.pkey, i.scheme, i.value, m.person_id, CASE WHEN m.person_id <> i.pkey OR EXISTS (SELECT 1 FROM people p WHERE p.person_id = m.person_id) THEN 0 ELSE 1 END AS is_new
    FROM stg_ids i
    JOIN (SELECT scheme, value FROM stg_ids WHERE scheme <> 'name' GROUP BY scheme, value HAVING COUNT(DISTINCT pkey) > 1) s ON s.scheme = i.scheme AND s.value = i.value
    JOIN stg_keymap m ON m.pkey = i.pkey`);
  const rows = await db.query<{ pkey: string; scheme: string; value: string; person_id: string; is_new: number }>('SELECT pkey, scheme, value, person_id, is_new FROM stg_shared ORDER BY scheme, value, pkey');
  if (rows.length === 0) return 0;
  const keys = [...new Set(rows.map((r) => r.pkey))].sort();
  const at = new Map(keys.map((k, i) => [k, i]));
  const profiles = keys.map(() => ({ strong: new Map<string, Set<string>>(), works: new Set<string>() }));
  for (const r of await db.query<{ pkey: string; scheme: string; value: string }>(
    `SELECT DISTINCT i.pkey, i.scheme, i.value FROM stg_ids i WHERE i.scheme IN (${CONFLICT_LIST}) AND i.pkey IN (SELECT pkey FROM stg_shared)
     UNION SELECT DISTINCT m.pkey, pi.scheme, pi.value FROM stg_keymap m JOIN person_identifiers pi ON pi.person_id = m.person_id
       WHERE pi.scheme IN (${CONFLICT_LIST}) AND m.pkey IN (SELECT pkey FROM stg_shared)`,
  )) addTo(profiles[at.get(r.pkey) as number]!.strong, r.scheme, r.value);
  for (const r of await db.query<{ pkey: string; work_id: string }>('SELECT DISTINCT pkey, work_id FROM stg_authorships WHERE pkey IN (SELECT pkey FROM stg_shared)')) {
    profiles[at.get(r.pkey) as number]!.works.add(r.work_id);
  }
  const clusters = new Clusters(profiles, CONFLICT_SCHEMES);
  // Label of a key: its person id, ranked so that a person already in the store wins over a new key.
  const label = new Map<string, string>();
  for (const r of rows) label.set(r.pkey, `${Number(r.is_new)}${r.person_id}`);
  let refused = 0;
  const byIdentifier = new Map<string, number>();
  for (const r of rows) {
    const id = `${r.scheme}:${r.value}`;
    const i = at.get(r.pkey) as number;
    const first = byIdentifier.get(id);
    if (first === undefined) byIdentifier.set(id, i);
    else if (!clusters.union(first, i)) refused++; // true when already one cluster
  }
  const best = new Map<number, string>();
  for (const [k, l] of label) {
    const root = clusters.find(at.get(k) as number);
    if (!best.has(root) || l < (best.get(root) as string)) best.set(root, l);
  }
  const updates: SqlValue[][] = [];
  for (const [k, l] of label) {
    const target = (best.get(clusters.find(at.get(k) as number)) as string).slice(1);
    if (target !== l.slice(1)) updates.push([k, target]);
  }
  if (updates.length === 0) return refused;
  await db.exec('CREATE TEMP TABLE stg_rekey (pkey TEXT, person_id TEXT)');
  await db.bulkInsert('stg_rekey', [T('pkey', 'text'), T('person_id', 'text')], updates);
  await db.exec('UPDATE stg_keymap SET person_id = r.person_id FROM stg_rekey r WHERE stg_keymap.pkey = r.pkey');
  return refused;
}

/** Merge the staged run into the talent graph; returns the per-record outcome counts. */
async function merge(db: Queryable, runId: number, step: (s: MergeStep) => void): Promise<Pick<IngestResult, 'inserted' | 'replaced' | 'unchanged' | 'stale' | 'erased' | 'refusedJoins'>> {
  // Of several copies of a record in this run, the one with the newest updated_date wins (a copy without one
  // ranks below any with one); among equals, the last read. So the order of the files does not matter: an
  // OpenAlex snapshot's older partition read after a newer one never brings back stale facts.
  step('records');
  await db.exec(`CREATE TEMP TABLE stg_keep AS
    SELECT s.seq, s.record_key, s.source, s.kind, s.updated_date, s.content_hash, s.file_no, s.line,
      CASE WHEN r.record_key IS NULL THEN 'new'
           WHEN r.content_hash = s.content_hash THEN 'unchanged'
           WHEN r.updated_date IS NOT NULL AND s.updated_date IS NOT NULL AND r.updated_date > s.updated_date THEN 'stale'
           ELSE 'replaced' END AS outcome
    FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY record_key ORDER BY updated_date DESC NULLS LAST, seq DESC) AS copy_rank FROM stg_records) s
    LEFT JOIN source_records r ON r.record_key = s.record_key
    WHERE s.copy_rank = 1`);
  const outcome = async (o: string): Promise<number> => count(db, `SELECT COUNT(*) AS n FROM stg_keep WHERE outcome = '${o}'`);
  const result = { inserted: await outcome('new'), replaced: await outcome('replaced'), unchanged: await outcome('unchanged'), stale: await outcome('stale'), erased: 0, refusedJoins: 0 };
  // Facts of records that do not land (unchanged, stale, or an earlier copy in this run) leave the staging tables;
  // when every staged record lands — a first ingest — there is nothing to remove.
  const staged = await count(db, 'SELECT COUNT(*) AS n FROM stg_records');
  if (result.inserted + result.replaced < staged) {
    const live = `(SELECT seq FROM stg_keep WHERE outcome IN ('new', 'replaced'))`;
    for (const table of Object.keys(STAGING)) {
      if (table !== 'stg_records') await db.exec(`DELETE FROM ${table} WHERE seq NOT IN ${live}`);
    }
  }

  // Replaced records lose all their older facts. Whose co-authorships, ties and keywords go with them, and which
  // works lose rows, is kept for the updates of the tie graph (network/tie-graph-update.ts) and the search index
  // (search/index-update.ts): nothing else remembers them.
  if (result.replaced > 0) {
    const replaced = `(SELECT record_key FROM stg_keep WHERE outcome = 'replaced')`;
    await db.exec(`INSERT INTO tie_changes (run_id, person_id)
      SELECT ${runId}, person_id FROM authorships WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, a FROM ties WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, b FROM ties WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, person_id FROM person_keywords WHERE record_key IN ${replaced}`);
    await db.exec(`INSERT INTO work_changes (run_id, work_id)
      SELECT ${runId}, work_id FROM works WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, work_id FROM authorships WHERE record_key IN ${replaced}`);
    // whose careers lose facts (careers/refresh-careers.ts derives them again)
    await db.exec(`INSERT INTO career_changes (run_id, person_id)
      SELECT ${runId}, person_id FROM affiliation_years WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, person_id FROM positions WHERE record_key IN ${replaced}
      UNION SELECT ${runId}, person_id FROM education WHERE record_key IN ${replaced}`);
  }
  for (const table of FACT_TABLES) {
    await db.exec(`DELETE FROM ${table} WHERE record_key IN (SELECT record_key FROM stg_keep WHERE outcome = 'replaced')`);
  }
  await db.exec(`DELETE FROM source_records WHERE record_key IN (SELECT record_key FROM stg_keep WHERE outcome = 'replaced')`);
  await db.exec(`INSERT INTO source_records (record_key, source, kind, updated_date, content_hash, run_id, file_no, line)
    SELECT record_key, source, kind, updated_date, content_hash, ${runId}, file_no, line FROM stg_keep WHERE outcome IN ('new', 'replaced')`);

  // Erased people stay erased: drop every staged fact that names one of their identifiers.
  await db.exec(`CREATE TEMP TABLE stg_tomb AS SELECT DISTINCT i.pkey FROM stg_ids i JOIN tombstones t ON t.scheme = i.scheme AND t.value = i.value`);
  result.erased = await count(db, 'SELECT COUNT(*) AS n FROM stg_tomb');
  if (result.erased > 0) {
    for (const table of ['stg_people', 'stg_ids', 'stg_affiliation_years', 'stg_education', 'stg_positions', 'stg_relations', 'stg_keywords', 'stg_authorships']) {
      await db.exec(`DELETE FROM ${table} WHERE pkey IN (SELECT pkey FROM stg_tomb)`);
    }
    await db.exec(`DELETE FROM stg_ties WHERE a IN (SELECT pkey FROM stg_tomb) OR b IN (SELECT pkey FROM stg_tomb)`);
  }

  // Person keys → people: through any identifier already known, else the key itself becomes the person id.
  step('people');
  await mapKeysToPeople(db);
  result.refusedJoins = await joinKeysSharingIdentifiers(db);
  await db.exec(`INSERT INTO people (person_id, display_name, source_h_index, source_cited_by, source_works_count, source, record_key, run_id)
    SELECT m.person_id, MAX(p.name), MAX(p.h_index), MAX(p.cited_by), MAX(p.works_count), MIN(r.source), MIN(r.record_key), ${runId}
    FROM stg_people p JOIN stg_keymap m ON m.pkey = p.pkey JOIN stg_keep r ON r.seq = p.seq
    WHERE m.person_id NOT IN (SELECT person_id FROM people)
    GROUP BY m.person_id`);
  // An author's own record is authoritative for their name and source-level impact figures.
  await db.exec(`UPDATE people SET display_name = COALESCE(u.name, people.display_name), source_h_index = COALESCE(u.h_index, people.source_h_index),
      source_cited_by = COALESCE(u.cited_by, people.source_cited_by), source_works_count = COALESCE(u.works_count, people.source_works_count)
    FROM (SELECT m.person_id, MAX(p.name) AS name, MAX(p.h_index) AS h_index, MAX(p.cited_by) AS cited_by, MAX(p.works_count) AS works_count
          FROM stg_people p JOIN stg_keymap m ON m.pkey = p.pkey WHERE p.is_primary GROUP BY m.person_id) u
    WHERE people.person_id = u.person_id`);
  step('identifiers');
  await db.exec(`INSERT INTO person_identifiers (scheme, value, person_id, source, record_key, run_id)
    SELECT i.scheme, i.value, MIN(m.person_id), MIN(r.source), MIN(r.record_key), ${runId}
    FROM stg_ids i JOIN stg_keymap m ON m.pkey = i.pkey JOIN stg_keep r ON r.seq = i.seq
    WHERE NOT EXISTS (SELECT 1 FROM person_identifiers x WHERE x.scheme = i.scheme AND x.value = i.value)
    GROUP BY i.scheme, i.value`);
  // An identifier that keys of different people state (a joining refused above) goes to the person stating it on the
  // most records, then the smallest id: the shifted column of one paper does not outvote a person's own papers.
  await db.exec(`UPDATE person_identifiers SET person_id = w.person_id, source = w.source, record_key = w.record_key
    FROM (SELECT scheme, value, person_id, source, record_key FROM (
        SELECT i.scheme, i.value, m.person_id, MIN(r.source) AS source, MIN(r.record_key) AS record_key,
          ROW_NUMBER() OVER (PARTITION BY i.scheme, i.value ORDER BY COUNT(DISTINCT i.seq) DESC, m.person_id) AS rn
        FROM stg_ids i JOIN (SELECT DISTINCT scheme, value FROM stg_shared) c ON c.scheme = i.scheme AND c.value = i.value
          JOIN stg_keymap m ON m.pkey = i.pkey JOIN stg_keep r ON r.seq = i.seq
        GROUP BY i.scheme, i.value, m.person_id) t WHERE rn = 1) w
    WHERE person_identifiers.scheme = w.scheme AND person_identifiers.value = w.value AND person_identifiers.run_id = ${runId}
      AND person_identifiers.person_id <> w.person_id`);

  step('institutions');
  // Everyone affiliated with an institution whose type this run sets or changes: the search index filters on the
  // types of each person's latest institutions, read with their careers (careers/refresh-careers.ts).
  const retyped = `SELECT s.institution_id FROM stg_institutions s LEFT JOIN institutions i ON i.institution_id = s.institution_id
    WHERE s.type IS NOT NULL AND (i.type IS NULL OR i.type <> s.type)`;
  if ((await count(db, `SELECT COUNT(*) AS n FROM (${retyped}) t`)) > 0) {
    await db.exec(`INSERT INTO career_changes (run_id, person_id)
      SELECT ${runId}, person_id FROM affiliation_years WHERE institution_id IN (${retyped})
      UNION SELECT ${runId}, person_id FROM positions WHERE institution_id IN (${retyped})`);
  }
  await db.exec(`INSERT INTO institutions (institution_id, name, country, country_basis, type, ror, source, record_key, run_id)
    SELECT s.institution_id, MAX(s.name), MAX(s.country), MAX(s.country_basis), MAX(s.type), MAX(s.ror), MIN(r.source), MIN(r.record_key), ${runId}
    FROM stg_institutions s JOIN stg_keep r ON r.seq = s.seq
    GROUP BY s.institution_id
    ON CONFLICT (institution_id) DO UPDATE SET name = COALESCE(excluded.name, institutions.name),
      country = COALESCE(excluded.country, institutions.country), country_basis = COALESCE(excluded.country_basis, institutions.country_basis),
      type = COALESCE(excluded.type, institutions.type), ror = COALESCE(excluded.ror, institutions.ror)`);

  step('affiliation years');
  await db.exec(`INSERT INTO affiliation_years (person_id, year, institution_id, country, country_basis, role, basis, position, level, domain, source, record_key, run_id)
    SELECT m.person_id, a.year, a.institution_id, a.country, a.country_basis, a.role, a.basis, a.position, a.level, a.domain, r.source, r.record_key, ${runId}
    FROM stg_affiliation_years a JOIN stg_keymap m ON m.pkey = a.pkey JOIN stg_keep r ON r.seq = a.seq`);
  step('education and positions');
  await db.exec(`INSERT INTO education (person_id, institution_id, country, degree, role_title, start_year, end_year, source, record_key, run_id)
    SELECT m.person_id, e.institution_id, e.country, e.degree, e.role_title, e.start_year, e.end_year, r.source, r.record_key, ${runId}
    FROM stg_education e JOIN stg_keymap m ON m.pkey = e.pkey JOIN stg_keep r ON r.seq = e.seq`);
  await db.exec(`INSERT INTO positions (person_id, institution_id, country, country_basis, role, position, level, domain, start_year, end_year, basis, source, record_key, run_id)
    SELECT m.person_id, p.institution_id, p.country, p.country_basis, p.role, p.position, p.level, p.domain, p.start_year, p.end_year, p.basis, r.source, r.record_key, ${runId}
    FROM stg_positions p JOIN stg_keymap m ON m.pkey = p.pkey JOIN stg_keep r ON r.seq = p.seq`);
  await db.exec(`INSERT INTO relations (person_id, direction, relation, other_name, other_scheme, other_value, email_domain, start_year, end_year, source, record_key, run_id)
    SELECT m.person_id, x.direction, x.relation, x.other_name, x.other_scheme, x.other_value, x.email_domain, x.start_year, x.end_year, r.source, r.record_key, ${runId}
    FROM stg_relations x JOIN stg_keymap m ON m.pkey = x.pkey JOIN stg_keep r ON r.seq = x.seq`);
  await db.exec(`INSERT INTO person_keywords (person_id, keyword, start_year, end_year, source, record_key, run_id)
    SELECT m.person_id, k.keyword, k.start_year, k.end_year, r.source, r.record_key, ${runId}
    FROM stg_keywords k JOIN stg_keymap m ON m.pkey = k.pkey JOIN stg_keep r ON r.seq = k.seq`);
  step('works');
  await db.exec(`DELETE FROM works WHERE work_id IN (SELECT work_id FROM stg_works)`);
  await db.exec(`INSERT INTO works (work_id, title, year, venue, cited_by_count, author_count, keywords, topics, abstract, status, doi, source, record_key, run_id)
    SELECT w.work_id, w.title, w.year, w.venue, w.cited_by_count, w.author_count, w.keywords, w.topics, w.abstract, w.status, w.doi, r.source, r.record_key, ${runId}
    FROM stg_works w JOIN stg_keep r ON r.seq = w.seq
    WHERE w.seq = (SELECT MAX(w2.seq) FROM stg_works w2 WHERE w2.work_id = w.work_id)`);
  step('authorships');
  await db.exec(`INSERT INTO authorships (work_id, person_id, position, institution_ids, source, record_key, run_id)
    SELECT a.work_id, m.person_id, a.position, a.institution_ids, r.source, r.record_key, ${runId}
    FROM stg_authorships a JOIN stg_keymap m ON m.pkey = a.pkey JOIN stg_keep r ON r.seq = a.seq`);
  step('ties');
  await db.exec(`INSERT INTO ties (a, b, kind, year, confidence, evidence, source, record_key, run_id)
    SELECT ma.person_id, mb.person_id, t.kind, t.year, t.confidence, t.evidence, r.source, r.record_key, ${runId}
    FROM stg_ties t JOIN stg_keymap ma ON ma.pkey = t.a JOIN stg_keymap mb ON mb.pkey = t.b JOIN stg_keep r ON r.seq = t.seq`);
  return result;
}

function rejectionError(r: Rejection): InputError {
  return new InputError({ file: r.file, line: r.line, field: r.field }, `${r.reason}; nothing was written (use --on-error skip to land the good records)`);
}

/**
 * DuckDB's memory during an ingest: ATLAS_DUCKDB_MEMORY_LIMIT when set, else 1.5GB. DuckDB spills its staging
 * and merge to disk beyond it (1M synthetic authors: peak RSS just under 2 GiB). Its primary-key indexes must
 * stay in memory, so a database far larger than that needs a higher limit; the error then says so.
 */
const DEFAULT_INGEST_MEMORY_LIMIT = '1.5GB';

/** ATLAS_DUCKDB_MEMORY_LIMIT, the store's own DuckDB memory limit when set (DuckDBStore.open applies it too), checked to be a size. */
function ownMemoryLimit(): string | undefined {
  const v = process.env['ATLAS_DUCKDB_MEMORY_LIMIT'];
  if (v !== undefined && !/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(v)) throw new AtlasError('BAD_ARGUMENT', `ATLAS_DUCKDB_MEMORY_LIMIT="${v}" is not a size such as 1GB or 512MB`);
  return v;
}

const DUCKDB_INGEST_SETTINGS = [
  'memory_limit', 'preserve_insertion_order', 'allocator_flush_threshold', 'allocator_bulk_deallocation_flush_threshold', 'allocator_background_threads',
  'enable_progress_bar', 'enable_progress_bar_print',
];

/**
 * Run fn with DuckDB tuned for a large ingest — the memory cap, and freed memory handed back to the system soon
 * (otherwise the merge's peak RSS runs ~0.7 GiB above the cap) — and the settings restored afterwards. Running
 * out of memory becomes a clear OUT_OF_MEMORY error.
 */
async function withDuckDBIngestSettings<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  const own = ownMemoryLimit();
  const limit = own ?? DEFAULT_INGEST_MEMORY_LIMIT;
  await store.exec(`SET memory_limit = '${limit}'; SET allocator_flush_threshold = '16MB'; SET allocator_bulk_deallocation_flush_threshold = '64MB'; SET allocator_background_threads = true`);
  // Track statement progress (not printed) so the scan can report how far DuckDB has read a file.
  await store.exec('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AtlasError && /Out of Memory Error|could not allocate block|failed to pin block/.test(e.message)) {
      throw new AtlasError('OUT_OF_MEMORY', `DuckDB ran out of its ${limit} memory limit during the ingest; nothing was written. Run it again with a higher limit, e.g. ATLAS_DUCKDB_MEMORY_LIMIT=4GB`, { cause: e });
    }
    throw e;
  } finally {
    for (const k of DUCKDB_INGEST_SETTINGS) await store.exec(`RESET ${k}`).catch(() => undefined);
    // Back to the store's own limit, else DuckDB's default (just reset).
    if (own) await store.exec(`SET memory_limit = '${own}'`).catch(() => undefined);
  }
}

interface PlannedFile {
  file: string;
  bytes: number;
  source: IngestSource;
}

interface Staged {
  files: IngestFileResult[];
  rejected: Rejection[];
  records: number;
}

/** Read every file into the staging tables (which exist); throws the first rejection when onError is 'fail'. */
async function stage(db: Queryable, backend: Store['backend'], plan: readonly PlannedFile[], options: IngestOptions): Promise<Staged> {
  const onError = options.onError ?? 'fail';
  const maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024;
  const buffer = new StagingBuffer(db);
  const rejected: Rejection[] = [];
  const files: IngestFileResult[] = [];
  let seq = 0;
  let records = 0;
  const readers = new Map<IngestSource, SourceReader>();
  for (let fileNo = 0; fileNo < plan.length; fileNo++) {
    const { file, bytes, source } = plan[fileNo]!;
    const fr: IngestFileResult = { path: file, source, bytes, records: 0, rejected: 0, reader: 'js' };
    files.push(fr);
    if (backend === 'duckdb' && source === 'openalex' && options.scan !== 'js') {
      const entity = await sniffOpenAlexJsonl(file, maxRecordBytes);
      if (entity) {
        await buffer.flush();
        const onFraction = (f: number): void => options.onProgress?.({ phase: 'read', file, fileBytes: bytes, bytesRead: Math.round(f * bytes), records });
        const out = await scanOpenAlexJsonl(db, { file, entity, fileNo: fileNo + 1, seqBase: seq, maxRecordBytes, onFraction });
        if (out.staged) {
          Object.assign(fr, { records: out.records, reader: 'duckdb-scan' });
          seq = out.lastSeq;
          records += out.records;
          options.onProgress?.({ phase: 'read', file, fileBytes: bytes, bytesRead: bytes, records });
          continue;
        }
        fr.scanDeclined = out.reason;
      }
    }
    let reader = readers.get(source);
    if (!reader) readers.set(source, (reader = READERS[source]()));
    let bytesRead = 0;
    for await (const item of reader.read(file, { maxRecordBytes, onBytes: (n) => (bytesRead = n) })) {
      if (item.kind === 'rejected') {
        if (onError === 'fail') throw rejectionError(item.rejection);
        rejected.push(item.rejection);
        fr.rejected++;
        continue;
      }
      buffer.add(++seq, fileNo + 1, item.facts);
      records++;
      fr.records++;
      if (buffer.pending) {
        await buffer.flush();
        options.onProgress?.({ phase: 'read', file, fileBytes: bytes, bytesRead, records });
      }
    }
    options.onProgress?.({ phase: 'read', file, fileBytes: bytes, bytesRead: bytes, records });
  }
  // A reader's report covers every file it read in this run: attach it once, to that source's last file.
  for (const [source, reader] of readers) {
    const report = reader.report?.();
    const last = files.filter((f) => f.source === source && f.reader === 'js').pop();
    if (report && last) last.report = report;
  }
  await buffer.flush();
  return { files, rejected, records };
}

/** Merge the staged run and record it: the transactional part of an ingest. */
async function land(tx: Queryable, staged: Staged, started: string, options: IngestOptions): Promise<IngestResult> {
  const step = (s: MergeStep): void => options.onProgress?.({ phase: 'merge', step: s, done: MERGE_STEPS.indexOf(s), total: MERGE_STEPS.length });
  const runId = await count(tx, 'SELECT COALESCE(MAX(run_id), 0) + 1 AS n FROM ingest_runs');
  const outcome = await merge(tx, runId, step);
  const sources = [...new Set(staged.files.map((f) => f.source))].join(',');
  const { rejected, records, files } = staged;
  await tx.exec(
    `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased, command)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [runId, sources, started, new Date().toISOString(), rejected.length ? 'landed-with-rejections' : 'ok', files.length, records, outcome.inserted, outcome.replaced, outcome.unchanged, outcome.stale, rejected.length, outcome.erased, options.command ?? null],
  );
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    await tx.exec('INSERT INTO ingest_files (run_id, file_no, path, bytes, records, format, url) VALUES ($1, $2, $3, $4, $5, $6, $7)', [runId, i + 1, f.path, f.bytes, f.records, f.source, options.fileUrls?.get(f.path) ?? null]);
  }
  const result: IngestResult = { runId, files, records, ...outcome, rejected };
  await options.inTransaction?.(tx, result);
  step('commit');
  return result;
}

/** Ingest files (and the data files under any folder given) into the store, all-or-nothing (or skipping bad records with onError 'skip'). */
export async function ingestFiles(store: Store, files: readonly string[], options: IngestOptions = {}): Promise<IngestResult> {
  if (files.length === 0) throw new AtlasError('BAD_ARGUMENT', 'no input files given');
  const plan: PlannedFile[] = (await inputFiles(files)).map(({ file, bytes }) => ({ file, bytes, source: options.source ?? detectSource(file) }));
  const started = new Date().toISOString();
  return store.withWriterLock(async () => {
    if (store.backend === 'duckdb') {
      // A failed statement aborts a DuckDB transaction, and a declined DuckDB scan is an expected failure; so on
      // DuckDB the staging tables are filled outside the transaction (temp tables, private to this connection)
      // and only the merge into the talent graph is transactional. Nothing outside the staging tables changes
      // until the merge commits.
      return withDuckDBIngestSettings(store, async () => {
        try {
          await dropStaging(store);
          await createStaging(store);
          const staged = await stage(store, store.backend, plan, options);
          // The merge does not depend on row order (the scan's line numbers are fixed by then); letting DuckDB
          // reorder lets its large INSERT … SELECTs stream within the memory limit.
          await store.exec('SET preserve_insertion_order = false');
          return await store.transaction((tx) => land(tx, staged, started, options));
        } finally {
          await dropStaging(store).catch(() => undefined);
        }
      });
    }
    return store.transaction(async (tx) => {
      await dropStaging(tx);
      await createStaging(store);
      const staged = await stage(tx, store.backend, plan, options);
      const result = await land(tx, staged, started, options);
      await dropStaging(tx);
      return result;
    });
  });
}
