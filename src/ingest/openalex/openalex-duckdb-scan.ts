/**
 * The DuckDB scan of an OpenAlex snapshot file (JSONL, gzipped or not): DuckDB reads, parses and validates the
 * file itself, in parallel native code, and writes the same staged facts the JS reader (openalex-facts.ts) would.
 *
 * The JS reader stays the reference. This scan accepts a file only when it can prove the JS reader would accept
 * every record of it identically; on anything else — malformed JSON, a wrong type, a missing key, an unknown
 * country, invalid UTF-8, an over-long line, mixed line endings, a record of another entity — it stages nothing
 * and says why, and the runner reads the file with the JS reader, which names the file, line and field.
 *
 * How the proof works:
 * - lines come from DuckDB's CSV reader with a delimiter that cannot occur in valid JSON (0x1F), no quoting, so
 *   each row is one physical line, blank lines included (NULL) and numbered in file order; the content hash is
 *   sha1 of the line's text, exactly as the JS reader computes it;
 * - each line is parsed with json_transform_strict against the entity's field structure: containers (objects,
 *   arrays) must have the declared shape and every declared key must be present (OpenAlex snapshots and API
 *   records carry every field, null when empty);
 * - json_transform casts scalars leniently (12 → "12", "12" → 12, 12.5 → 12), so a regular expression over the
 *   raw line flags any string field holding a non-string, any integer field holding a non-number, and any year
 *   list holding a non-number; integers are read as DOUBLE and checked to be whole; years, ids, ORCID iDs and
 *   country codes are checked in SQL as the JS reader checks them.
 * The check is conservative: a file it flags may still be valid (the JS reader then lands it, more slowly).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Queryable } from '../../store/store.ts';
import { allCountries } from '../../core/countries.ts';
import { isGzip, readLines } from '../read-lines.ts';

export type OpenAlexEntity = 'author' | 'work' | 'institution';

export type ScanOutcome = { staged: true; records: number; lastSeq: number } | { staged: false; reason: string };

const INSTITUTION = `{"id":"VARCHAR","display_name":"VARCHAR","country_code":"VARCHAR","type":"VARCHAR","ror":"VARCHAR"}`;
const NAMED = `[{"display_name":"VARCHAR"}]`;
/** The fields of each entity the project stores, as json_transform structures (bench/ingest.ts loads the same columns). */
export const STRUCTURE: Record<OpenAlexEntity, string> = {
  author: `{"id":"VARCHAR","display_name":"VARCHAR","orcid":"VARCHAR","updated_date":"VARCHAR","cited_by_count":"DOUBLE","works_count":"DOUBLE",
    "summary_stats":{"h_index":"DOUBLE"},"affiliations":[{"institution":${INSTITUTION},"years":["DOUBLE"]}]}`,
  work: `{"id":"VARCHAR","title":"VARCHAR","display_name":"VARCHAR","doi":"VARCHAR","updated_date":"VARCHAR","publication_year":"DOUBLE",
    "cited_by_count":"DOUBLE","primary_location":{"source":{"display_name":"VARCHAR"}},
    "authorships":[{"author":{"id":"VARCHAR","display_name":"VARCHAR","orcid":"VARCHAR"},"institutions":[${INSTITUTION}]}],
    "keywords":${NAMED},"topics":${NAMED},"concepts":${NAMED},"abstract_inverted_index":"MAP(VARCHAR, DOUBLE[])"}`,
  institution: `{"id":"VARCHAR","display_name":"VARCHAR","country_code":"VARCHAR","type":"VARCHAR","ror":"VARCHAR","updated_date":"VARCHAR"}`,
};
const SCAN_LINE_LIMIT = 8 << 20;
const ID_LETTER: Record<OpenAlexEntity, string> = { author: 'A', work: 'W', institution: 'I' };

// A string field holding anything but a string or null; an integer field holding anything but a number or null;
// a year list holding anything but numbers. Over-matching (a key of the same name elsewhere) only costs speed.
const STRING_KEYS = 'id|display_name|orcid|country_code|type|ror|updated_date|title|doi';
const INT_KEYS = 'cited_by_count|works_count|h_index|publication_year';
const SUSPICIOUS = [
  `"(?:${STRING_KEYS})"\\s*:\\s*(?:[^"\\sn]|n[^u])`,
  `"(?:${INT_KEYS})"\\s*:\\s*(?:[^-0-9\\sn]|n[^u])`,
  `"years"\\s*:\\s*(?:[^\\[\\sn]|n[^u]|\\[[^\\]]*[^-0-9.eE+,\\s\\]])`,
].join('|');

// SQL fragments of the scan (bench/ingest-floor.ts writes the same values with them)
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const shortId = (e: string): string => `regexp_extract(${e}, '[^/]*$')`;
export const orcid = (e: string): string => `NULLIF(upper(regexp_extract(trim(${e}), '(?i)([0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X])\\s*$', 1)), '')`;
export const country = (e: string): string => `NULLIF(upper(${e}), '')`;

/**
 * The physical lines of a file, one VARCHAR column `j` a line in file order (blank lines NULL): DuckDB's CSV reader
 * with a delimiter that cannot occur in valid JSON (0x1F) and no quoting. A line longer than lineLimit may be skipped
 * without an error (textBytesAccounted catches that).
 */
export const physicalLines = (file: string, lineLimit: number): string =>
  `read_csv(${sqlString(file)}, columns = {'j': 'VARCHAR'}, header = false, delim = E'\\x1f', quote = '', escape = '',
                    auto_detect = false, max_line_size = ${lineLimit}, buffer_size = ${2 * lineLimit})`;
const notWhole = (e: string): string => `(${e} IS NOT NULL AND ${e} <> floor(${e}))`;
const badYear = (e: string): string => `(${e} IS NULL OR ${e} <> floor(${e}) OR ${e} < 1900 OR ${e} > 2100)`;
let countryList: string | undefined;
const codes = (): string => (countryList ??= `[${allCountries().map((c) => sqlString(c.code)).join(', ')}]`);
const badCountry = (e: string): string => `(${country(e)} IS NOT NULL AND NOT list_contains(${codes()}, ${country(e)}))`;
const listAny = (list: string, lambda: string): string => `COALESCE(list_bool_or(list_transform(${list}, ${lambda})), false)`;

/** The entity of a JSONL file, from its first record; null when the file is not one OpenAlex entity object a line. */
export async function sniffOpenAlexJsonl(file: string, maxRecordBytes: number): Promise<OpenAlexEntity | null> {
  for await (const item of readLines(file, maxRecordBytes)) {
    if (!('text' in item)) return null;
    if (item.text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(item.text);
    } catch {
      return null; // a document spread over lines, or malformed: the JS reader decides
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    const id = (v as { id?: unknown }).id;
    if (typeof id !== 'string') return null;
    const m = /^([AWI])\d+$/.exec(id.slice(id.lastIndexOf('/') + 1));
    return m ? ({ A: 'author', W: 'work', I: 'institution' } as const)[m[1] as 'A' | 'W' | 'I'] : null;
  }
  return null;
}

/** Problems the JS reader would reject (or might: the check is conservative), as SQL conditions over stg_scan. */
function problems(entity: OpenAlexEntity): Array<[string, string]> {
  const common: Array<[string, string]> = [
    ['suspicious', 'a field holds a value of another type than OpenAlex gives it'],
    [`NOT regexp_full_match(COALESCE(r.id, ''), '(?:.*/)?${ID_LETTER[entity]}[0-9]+')`, `id is missing or not an OpenAlex ${entity} id`],
  ];
  const inst = (x: string): string => `(${x} IS NULL OR ${badCountry(`${x}.country_code`)})`;
  if (entity === 'institution') return [...common, [badCountry('r.country_code'), 'unknown country code']];
  if (entity === 'author') {
    return [
      ...common,
      [`(r.orcid IS NOT NULL AND ${orcid('r.orcid')} IS NULL)`, 'orcid is not an ORCID iD'],
      [`${notWhole('r.cited_by_count')} OR ${notWhole('r.works_count')} OR ${notWhole('r.summary_stats.h_index')}`, 'a count is not a whole number'],
      [listAny('r.affiliations', `a -> a IS NULL OR ${inst('a.institution')} OR ${listAny('a.years', `y -> ${badYear('y')}`)}`), 'an affiliation is malformed'],
    ];
  }
  return [
    ...common,
    [`${notWhole('r.cited_by_count')} OR (r.publication_year IS NOT NULL AND ${badYear('r.publication_year')})`, 'cited_by_count or publication_year is invalid'],
    [listAny('r.authorships', `a -> a IS NULL OR a.author IS NULL OR ${listAny('a.institutions', `i -> ${inst('i')}`)}`), 'an authorship is malformed'],
  ];
}

/** `INSERT INTO stg_* …` statements that stage the facts of every record in stg_scan, as openalex-facts.ts builds them. */
function stagingStatements(entity: OpenAlexEntity, fileNo: number, seqBase: number): string[] {
  const seq = `${seqBase} + line`;
  const key = shortId('r.id');
  const records = `INSERT INTO stg_records SELECT ${seq}, 'openalex:${entity}:' || ${key}, 'openalex', '${entity}', r.updated_date, h, ${fileNo}, line FROM stg_scan`;
  const institutionCols = (x: string): string =>
    `${shortId(`${x}.id`)}, ${x}.display_name, ${country(`${x}.country_code`)}, CASE WHEN ${country(`${x}.country_code`)} IS NOT NULL THEN 'source' END, ${x}.type, ${x}.ror`;
  if (entity === 'institution') {
    return [records, `INSERT INTO stg_institutions SELECT ${seq}, ${institutionCols('r')} FROM stg_scan`];
  }
  if (entity === 'author') {
    const aff = `(SELECT ${seq} AS seq, 'openalex:' || ${key} AS pkey, unnest(r.affiliations) AS a FROM stg_scan)`;
    return [
      records,
      `INSERT INTO stg_people SELECT ${seq}, 'openalex:' || ${key}, r.display_name, true, r.summary_stats.h_index, r.cited_by_count, r.works_count FROM stg_scan`,
      `INSERT INTO stg_ids SELECT ${seq}, 'openalex:' || ${key}, 'openalex', ${key} FROM stg_scan`,
      `INSERT INTO stg_ids SELECT ${seq}, 'openalex:' || ${key}, 'orcid', ${orcid('r.orcid')} FROM stg_scan WHERE r.orcid IS NOT NULL`,
      `INSERT INTO stg_institutions SELECT seq, ${institutionCols('a.institution')} FROM ${aff} WHERE a.institution.id IS NOT NULL`,
      `INSERT INTO stg_affiliation_years (seq, pkey, year, institution_id, country, country_basis, role, basis) SELECT seq, pkey, y, inst, c, CASE WHEN c IS NOT NULL THEN 'source' END, NULL, 'affiliation'
        FROM (SELECT seq, pkey, ${shortId('a.institution.id')} AS inst, ${country('a.institution.country_code')} AS c, unnest(a.years) AS y FROM ${aff} WHERE a.institution.id IS NOT NULL)`,
    ];
  }
  // Works. An authorship without an author id names nobody: it counts towards author_count and positions only.
  const names = (list: string): string => `list_filter(list_transform(${list}, t -> t.display_name), n -> n IS NOT NULL)`;
  // The abstract from its inverted index: words by whole, non-negative position; the later word wins a shared position.
  const abstracts = `(SELECT seq, string_agg(w, ' ' ORDER BY p) AS abstract FROM (
      SELECT seq, w, p FROM (SELECT seq, w, k, unnest(ps) AS p FROM (
        SELECT ${seq} AS seq, unnest(map_keys(r.abstract_inverted_index)) AS w, unnest(map_values(r.abstract_inverted_index)) AS ps,
               generate_subscripts(map_keys(r.abstract_inverted_index), 1) AS k
        FROM stg_scan WHERE r.abstract_inverted_index IS NOT NULL))
      WHERE p >= 0 AND p = floor(p) QUALIFY row_number() OVER (PARTITION BY seq, p ORDER BY k DESC) = 1)
    GROUP BY seq)`;
  const auth = `(SELECT ${seq} AS seq, ${key} AS work, r.publication_year AS year, unnest(r.authorships) AS a, generate_subscripts(r.authorships, 1) AS pos FROM stg_scan)`;
  const withAuthor = `(SELECT seq, work, year, a, pos, 'openalex:' || ${shortId('a.author.id')} AS pkey, ${shortId('a.author.id')} AS aid FROM ${auth} WHERE a.author.id IS NOT NULL)`;
  const inst = `(SELECT seq, pkey, year, unnest(a.institutions) AS i FROM ${withAuthor})`;
  return [
    records,
    `INSERT INTO stg_works SELECT ${seq}, ${key}, COALESCE(r.title, r.display_name), r.publication_year, r.primary_location.source.display_name, r.cited_by_count,
      len(r.authorships), NULLIF(array_to_string(${names('r.keywords')}, '; '), ''), NULLIF(array_to_string(list_concat(${names('r.topics')}, ${names('r.concepts')}), '; '), ''),
      NULLIF(ab.abstract, ''), NULL, r.doi FROM stg_scan LEFT JOIN ${abstracts} ab ON ab.seq = ${seq}`,
    `INSERT INTO stg_people SELECT seq, pkey, a.author.display_name, false, NULL, NULL, NULL FROM ${withAuthor}`,
    `INSERT INTO stg_ids SELECT seq, pkey, 'openalex', aid FROM ${withAuthor}`,
    `INSERT INTO stg_ids SELECT seq, pkey, 'orcid', o FROM (SELECT seq, pkey, ${orcid('a.author.orcid')} AS o FROM ${withAuthor} WHERE a.author.orcid IS NOT NULL) WHERE o IS NOT NULL`,
    `INSERT INTO stg_authorships SELECT seq, work, pkey, pos,
      NULLIF(array_to_string(list_transform(list_filter(a.institutions, i -> i.id IS NOT NULL), i -> ${shortId('i.id')}), ';'), '') FROM ${withAuthor}`,
    `INSERT INTO stg_institutions SELECT seq, ${institutionCols('i')} FROM ${inst} WHERE i.id IS NOT NULL`,
    `INSERT INTO stg_affiliation_years (seq, pkey, year, institution_id, country, country_basis, role, basis) SELECT seq, pkey, year, ${shortId('i.id')}, ${country('i.country_code')}, CASE WHEN ${country('i.country_code')} IS NOT NULL THEN 'source' END, NULL, 'authorship'
      FROM ${inst} WHERE i.id IS NOT NULL AND year IS NOT NULL`,
  ];
}

const STAGED_TABLES = ['stg_records', 'stg_people', 'stg_ids', 'stg_institutions', 'stg_affiliation_years', 'stg_works', 'stg_authorships'];

export interface ScanTarget {
  file: string;
  entity: OpenAlexEntity;
  /** The file's number in the run, and the seq after which its records are numbered. */
  fileNo: number;
  seqBase: number;
  maxRecordBytes: number;
  /**
   * Called as the scan advances, with a rough fraction (0–1) of its work done: reading the lines is the first half
   * (DuckDB's own progress when it can tell: for a gzip file it reports the compressed read-ahead, so only the end
   * of the read counts), staging the facts statement by statement the second.
   */
  onFraction?: (fraction: number) => void;
}

/**
 * Scan one OpenAlex JSONL file into the staging tables (which must exist). Runs statement by statement outside any
 * transaction — a failed DuckDB statement inside one would abort it — and removes its own rows if any step fails.
 * Records get seq = seqBase + line, so they keep the file's order, which the runner uses to choose among copies of a record.
 */
export async function scanOpenAlexJsonl(db: Queryable, target: ScanTarget): Promise<ScanOutcome> {
  const { file, entity, fileNo, seqBase, maxRecordBytes, onFraction } = target;
  // DuckDB's CSV buffers are sized from the line limit; OpenAlex records are far below 8 MB, and a longer line
  // declines the scan, so the JS reader applies the run's own record limit to it.
  const lineLimit = Math.min(maxRecordBytes, SCAN_LINE_LIMIT);
  const gz = await isGzip(file);
  const readProgress = onFraction && !gz ? (f: number): void => onFraction(f / 2) : undefined;
  try {
    // No window function numbers the lines: it would buffer the whole file's text on one thread (at 1M authors,
    // 13 s of the works file's 24). Instead every line, blank ones included (NULL), becomes one row of a table
    // filled in file order (insertion order is preserved), so a row's rowid + 1 is its physical line.
    await db.exec('SET preserve_insertion_order = true'); // the default; the ingest runner resets it afterwards
    await whileReporting(db, readProgress, `CREATE OR REPLACE TEMP TABLE stg_scan_lines AS
      SELECT strlen(j) AS bytes, sha1(j) AS h, regexp_matches(j, ${sqlString(SUSPICIOUS)}) AS suspicious,
        CASE WHEN j IS NOT NULL AND NOT regexp_full_match(j, '\\s*') THEN json_transform_strict(j, ${sqlString(STRUCTURE[entity].replace(/\s+/g, ''))}) END AS r
      FROM ${physicalLines(file, lineLimit)}`);
    await db.exec('CREATE OR REPLACE TEMP VIEW stg_scan AS SELECT rowid + 1 AS line, bytes, h, suspicious, r FROM stg_scan_lines WHERE r IS NOT NULL');
    onFraction?.(0.5);
  } catch (e) {
    await dropScan(db).catch(() => undefined);
    return { staged: false, reason: firstLine(e) };
  }
  try {
    const checks = problems(entity);
    let found: Array<{ line: number; problem: number }>;
    try {
      found = await db.query(
        `SELECT line, CASE ${checks.map(([cond], i) => `WHEN ${cond} THEN ${i}`).join(' ')} END AS problem FROM stg_scan
         WHERE ${checks.map(([cond]) => `(${cond})`).join(' OR ')} ORDER BY line LIMIT 1`,
      );
    } catch (e) {
      return { staged: false, reason: firstLine(e) };
    }
    if (found[0]) return { staged: false, reason: `line ${found[0].line}: ${checks[found[0].problem]?.[1] ?? 'invalid record'}` };
    const [stats] = await db.query<{ n: number; last: number | null; bytes: number | null }>('SELECT COUNT(*) AS n, MAX(line) AS last, SUM(bytes) AS bytes FROM stg_scan');
    // Every byte of the file must be in a line DuckDB returned: its CSV reader can drop a line longer than its
    // buffer without an error, and then a record would vanish silently.
    const accounted = await textBytesAccounted(file, gz, stats?.bytes ?? 0, stats?.last ?? 0);
    if (!accounted) return { staged: false, reason: 'the lines DuckDB read do not add up to the file size (an over-long line, a whitespace-only or trailing blank line)' };
    try {
      const statements = stagingStatements(entity, fileNo, seqBase);
      for (const [i, sql] of statements.entries()) {
        await db.exec(sql);
        onFraction?.(0.5 + (0.5 * (i + 1)) / statements.length);
      }
    } catch (e) {
      for (const t of STAGED_TABLES) await db.exec(`DELETE FROM ${t} WHERE seq > ${seqBase}`);
      return { staged: false, reason: firstLine(e) };
    }
    return { staged: true, records: stats?.n ?? 0, lastSeq: seqBase + (stats?.last ?? 0) };
  } finally {
    await dropScan(db);
  }
}

/** Run a statement, polling the backend's progress for it (DuckDB: the share of the file its reader has consumed). */
async function whileReporting(db: Queryable, onFraction: ((f: number) => void) | undefined, sql: string): Promise<void> {
  const poll = onFraction && db.progress ? setInterval(() => {
    const f = db.progress?.();
    if (f !== null && f !== undefined) onFraction(f);
  }, 250) : undefined;
  try {
    await db.exec(sql);
  } finally {
    clearInterval(poll);
  }
}

/** Drop the scan's own working table and view (the runner calls it too, when it clears a run's staging). */
export async function dropScan(db: Queryable): Promise<void> {
  await db.exec('DROP VIEW IF EXISTS stg_scan');
  await db.exec('DROP TABLE IF EXISTS stg_scan_lines');
}

/**
 * True when the text of the lines read (their bytes, plus one LF or CRLF per line as the file's start shows, the
 * last line's ending optional, plus the UTF-8 BOM if the file starts with one) is exactly the file's text size: the file's size, or for gzip the size
 * its trailer states (modulo 2^32; a multi-member gzip fails the check and is left to the JS reader).
 */
async function textBytesAccounted(file: string, gz: boolean, lineBytes: number, lines: number): Promise<boolean> {
  const fh = await open(file, 'r');
  let textSize: number;
  try {
    const { size } = await fh.stat();
    textSize = size;
    if (gz) {
      const tail = Buffer.alloc(4);
      await fh.read(tail, 0, 4, size - 4);
      textSize = tail.readUInt32LE(0);
    }
  } finally {
    await fh.close();
  }
  const start = await textStart(file, gz, 1 << 16);
  const bom = start.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
  const ending = start.includes('\r\n') ? 2 : 1; // DuckDB reads a file with both endings as an error, so one style holds
  const candidates = [lines, lines - 1].map((endings) => lineBytes + ending * endings + bom);
  return candidates.some((c) => (gz ? c % 2 ** 32 === textSize : c === textSize));
}

/** The first n bytes of a file's text (gunzipped when it is gzip). */
async function textStart(file: string, gz: boolean, n: number): Promise<Buffer> {
  const raw = createReadStream(file, { start: 0, end: 1 << 16 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const parts: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      got += chunk.length;
      if (got >= n) break;
    }
  } catch {
    // a gzip cut short by the 64 KiB window ends the stream early: what was decoded is enough
  } finally {
    raw.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return (msg.split('\n')[0] ?? msg).replace(/^database error: /, '').replace(/ \[in: .*$/, '').slice(0, 300);
}
