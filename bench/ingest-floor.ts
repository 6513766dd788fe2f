/**
 * The floor of an ingest into this schema (issue 16, "the measured floor that stops one"). It writes the same files
 * into the same tables of a fresh store, by the fewest statements we found:
 * - the rows: source records with each line's content hash, people, identifiers, institutions, affiliation years,
 *   works and authorships, each row with its provenance;
 * - what it leaves out, which the real ingest does beyond writing: type and value checks, staging tables, the choice
 *   among copies of a record, identity resolution, tombstones, change tracking and progress.
 *
 * It is not an ingest: it would land a bad file, and a second run would duplicate everything. It is also not a proof
 * of a lower bound, only the cheapest direct writer of these rows we know. What it shows is what writing them costs on
 * this machine next to the reference load of the nested records. bench/ingest.ts checks that it writes as many rows
 * to each table as the real ingest does, and prints the ratio it reaches against the reference load.
 */
import type { Store } from '../src/store/store.ts';
import { STRUCTURE, country, orcid, physicalLines, shortId as short, sqlString as q } from '../src/ingest/openalex/openalex-duckdb-scan.ts';

/** The tables both write, for the row-count comparison. */
export const FLOOR_TABLES = ['source_records', 'people', 'person_identifiers', 'institutions', 'affiliation_years', 'works', 'authorships'] as const;

const PROV = `'openalex'`;

/** Each line of a JSONL file with its sha1 and its parse, as the scan reads it (stored in file order: rowid + 1 is the line), without its checks. */
function lines(file: string, entity: 'author' | 'work'): string {
  return `SELECT sha1(j) AS h, json_transform(j, ${q(STRUCTURE[entity].replace(/\s+/g, ''))}) AS r FROM ${physicalLines(file, 8 << 20)}`;
}

/**
 * Write both files' rows into the store's (empty) talent graph as run 1; the store is a fresh DuckDB store.
 * `recordKeys: false` writes an empty record key on every fact row (source records keep theirs): a lower bound for
 * a schema that would name each fact's record by an integer id instead of its text key.
 */
export async function floorLoad(store: Store, authorsFile: string, worksFile: string, recordKeys = true): Promise<void> {
  const prov = (e: string): string => (recordKeys ? e : `''`);
  await store.exec(`SET memory_limit = '${process.env['ATLAS_DUCKDB_MEMORY_LIMIT'] ?? '1.5GB'}'; SET preserve_insertion_order = true`);
  await store.exec(`CREATE TEMP TABLE fa AS ${lines(authorsFile, 'author')}`);
  await store.exec(`CREATE TEMP TABLE fw AS ${lines(worksFile, 'work')}`);
  await store.exec('SET preserve_insertion_order = false');
  const akey = `'openalex:author:' || ${short('r.id')}`;
  const wkey = `'openalex:work:' || ${short('r.id')}`;
  await store.transaction(async (tx) => {
    await tx.exec(`INSERT INTO source_records SELECT ${akey}, ${PROV}, 'author', r.updated_date, h, 1, 1, rowid + 1 FROM fa
      UNION ALL SELECT ${wkey}, ${PROV}, 'work', r.updated_date, h, 1, 2, rowid + 1 FROM fw`);
    // authorships with their author: the co-author rows of people, identifiers, institutions and years
    await tx.exec(`CREATE TEMP TABLE fau AS SELECT ${wkey} AS rk, ${short('r.id')} AS work, r.publication_year AS year, unnest(r.authorships) AS a,
      generate_subscripts(r.authorships, 1) AS pos FROM fw`);
    await tx.exec(`INSERT INTO people SELECT pid, arg_max(name, pri), arg_max(h, pri), arg_max(c, pri), arg_max(n, pri), ${PROV}, ${prov('MIN(rk)')}, 1 FROM (
        SELECT 'openalex:' || ${short('r.id')} AS pid, r.display_name AS name, r.summary_stats.h_index AS h, r.cited_by_count AS c, r.works_count AS n, 1 AS pri, ${akey} AS rk FROM fa
        UNION ALL SELECT 'openalex:' || ${short('a.author.id')}, a.author.display_name, NULL, NULL, NULL, 0, rk FROM fau WHERE a.author.id IS NOT NULL)
      GROUP BY pid`);
    await tx.exec(`INSERT INTO person_identifiers SELECT scheme, value, MIN(pid), ${PROV}, ${prov('MIN(rk)')}, 1 FROM (
        SELECT 'openalex' AS scheme, ${short('r.id')} AS value, 'openalex:' || ${short('r.id')} AS pid, ${akey} AS rk FROM fa
        UNION ALL SELECT 'orcid', ${orcid('r.orcid')}, 'openalex:' || ${short('r.id')}, ${akey} FROM fa WHERE ${orcid('r.orcid')} IS NOT NULL
        UNION ALL SELECT 'openalex', ${short('a.author.id')}, 'openalex:' || ${short('a.author.id')}, rk FROM fau WHERE a.author.id IS NOT NULL
        UNION ALL SELECT 'orcid', ${orcid('a.author.orcid')}, 'openalex:' || ${short('a.author.id')}, rk FROM fau WHERE a.author.id IS NOT NULL AND ${orcid('a.author.orcid')} IS NOT NULL)
      GROUP BY scheme, value`);
    await tx.exec(`CREATE TEMP TABLE faff AS SELECT 'openalex:' || ${short('r.id')} AS pid, ${akey} AS rk, unnest(r.affiliations) AS a FROM fa`);
    await tx.exec(`CREATE TEMP TABLE finst AS SELECT 'openalex:' || ${short('a.author.id')} AS pid, rk, year, unnest(a.institutions) AS i FROM fau WHERE a.author.id IS NOT NULL`);
    await tx.exec(`INSERT INTO institutions SELECT id, MAX(name), MAX(c), MAX(CASE WHEN c IS NOT NULL THEN 'source' END), MAX(type), MAX(ror), ${PROV}, ${prov('MIN(rk)')}, 1 FROM (
        SELECT ${short('a.institution.id')} AS id, a.institution.display_name AS name, ${country('a.institution.country_code')} AS c, a.institution.type AS type, a.institution.ror AS ror, rk
          FROM faff WHERE a.institution.id IS NOT NULL
        UNION ALL SELECT ${short('i.id')}, i.display_name, ${country('i.country_code')}, i.type, i.ror, rk FROM finst WHERE i.id IS NOT NULL)
      GROUP BY id`);
    await tx.exec(`INSERT INTO affiliation_years (person_id, year, institution_id, country, country_basis, role, basis, position, level, domain, source, record_key, run_id)
      SELECT pid, y, inst, c, CASE WHEN c IS NOT NULL THEN 'source' END, NULL, 'affiliation', NULL, NULL, NULL, ${PROV}, ${prov('rk')}, 1 FROM (
        SELECT pid, rk, ${short('a.institution.id')} AS inst, ${country('a.institution.country_code')} AS c, unnest(a.years) AS y FROM faff WHERE a.institution.id IS NOT NULL)
      UNION ALL SELECT pid, year, ${short('i.id')}, ${country('i.country_code')}, CASE WHEN ${country('i.country_code')} IS NOT NULL THEN 'source' END, NULL, 'authorship', NULL, NULL, NULL, ${PROV}, ${prov('rk')}, 1
        FROM finst WHERE i.id IS NOT NULL AND year IS NOT NULL`);
    const names = (list: string): string => `list_filter(list_transform(${list}, t -> t.display_name), n -> n IS NOT NULL)`;
    // abstracts: the synthetic snapshot has none (bench/ingest.ts checks that the tables match the ingest's)
    await tx.exec(`INSERT INTO works (work_id, title, year, venue, cited_by_count, author_count, keywords, topics, abstract, status, doi, source, record_key, run_id)
      SELECT ${short('r.id')}, COALESCE(r.title, r.display_name), r.publication_year, r.primary_location.source.display_name, r.cited_by_count, len(r.authorships),
        NULLIF(array_to_string(${names('r.keywords')}, '; '), ''), NULLIF(array_to_string(list_concat(${names('r.topics')}, ${names('r.concepts')}), '; '), ''),
        NULL, NULL, r.doi, ${PROV}, ${prov(wkey)}, 1 FROM fw`);
    await tx.exec(`INSERT INTO authorships SELECT work, 'openalex:' || ${short('a.author.id')}, pos,
        NULLIF(array_to_string(list_transform(list_filter(a.institutions, i -> i.id IS NOT NULL), i -> ${short('i.id')}), ';'), ''), ${PROV}, ${prov('rk')}, 1
      FROM fau WHERE a.author.id IS NOT NULL`);
  });
  for (const t of ['fa', 'fw', 'fau', 'faff', 'finst']) await store.exec(`DROP TABLE ${t}`);
}
