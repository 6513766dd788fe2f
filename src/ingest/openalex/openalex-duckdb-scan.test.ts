/**
 * The DuckDB scan must land exactly what the JS reader lands, or decline the file and let the JS reader decide.
 * Every test ingests the same files twice — scan 'auto' and scan 'js' — into two fresh databases and compares
 * every fact table row by row (run ids aside).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBStore } from '../../store/duckdb/duckdb-store.ts';
import { migrate } from '../../store/migrate.ts';
import { FACT_TABLES } from '../../store/schema.ts';
import { dataPath } from '../../core/paths.ts';
import { synthesize } from '../../synth/synthesize.ts';
import { ingestFiles, type IngestOptions, type IngestResult } from '../run-ingest.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
};
type Rec = Record<string, unknown>;
const read = (...p: string[]): unknown => {
  const f = dataPath('openalex-samples', ...p);
  return JSON.parse((f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8'));
};
const jsonl = (records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const AUTHORS = read('openalex-research-rag', 'authors_sample.json') as Rec[];
const INSTITUTIONS = read('openalex-research-rag', 'institutions_sample.json.gz') as Rec[];
const PRIEM = read('b-vitamins-fixtures', 'A5023888391.json') as Rec;
const WORK = read('b-vitamins-fixtures', 'W2741809807.json') as Rec;
const TRIMMED_WORKS = read('openalex-research-rag', 'works_sample.json.gz') as Rec[];

async function landed(files: string[], options: IngestOptions): Promise<{ result: IngestResult | Error; tables: Record<string, unknown[]> }> {
  const store = await DuckDBStore.open(':memory:');
  try {
    await migrate(store);
    const result = await ingestFiles(store, files, { source: 'openalex', ...options }).catch((e: unknown) => e as Error);
    const tables: Record<string, unknown[]> = {};
    for (const t of [...FACT_TABLES, 'source_records']) {
      tables[t] = await store.query(`SELECT * EXCLUDE (run_id) FROM ${t} ORDER BY ALL`);
    }
    return { result, tables };
  } finally {
    await store.close();
  }
}

/** Ingest through the scan and through the JS reader; both must land the same rows (and fail the same way). */
async function bothWays(files: string[], options: IngestOptions = {}): Promise<{ scan: IngestResult | Error; js: IngestResult | Error }> {
  const scan = await landed(files, { ...options, scan: 'auto' });
  const js = await landed(files, { ...options, scan: 'js' });
  expect(scan.tables).toEqual(js.tables);
  if (scan.result instanceof Error || js.result instanceof Error) {
    expect(String(scan.result)).toBe(String(js.result));
  } else {
    const outcome = (r: IngestResult): unknown => ({ ...r, files: r.files.map((f) => ({ ...f, reader: undefined, scanDeclined: undefined })) });
    expect(outcome(scan.result)).toEqual(outcome(js.result));
  }
  return { scan: scan.result, js: js.result };
}

const readers = (r: IngestResult | Error): string[] => (r instanceof Error ? [] : r.files.map((f) => f.reader));

describe('DuckDB scan of OpenAlex JSONL', () => {
  it('lands real authors, institutions and works exactly as the JS reader does', async () => {
    const files = [file('authors.jsonl', jsonl([...AUTHORS, PRIEM])), file('institutions.jsonl.gz', gzipSync(jsonl(INSTITUTIONS))), file('work.jsonl', jsonl([WORK]))];
    const { scan } = await bothWays(files);
    expect(readers(scan)).toEqual(['duckdb-scan', 'duckdb-scan', 'duckdb-scan']);
    expect((scan as IngestResult).records).toBe(AUTHORS.length + 1 + INSTITUTIONS.length + 1);
  });

  it('lands a synthetic snapshot exactly as the JS reader does', async () => {
    const s = await synthesize({ authors: 400, seed: 3, out: path.join(dir, 'synth') });
    const { scan } = await bothWays([s.authorsFile, s.worksFile]);
    expect(readers(scan)).toEqual(['duckdb-scan', 'duckdb-scan']);
  });

  it('keeps physical line numbers across blank lines and CRLF endings, and the newest copy of a record wins', async () => {
    const older = { ...PRIEM, display_name: 'J. Priem', updated_date: '2020-01-01T00:00:00' };
    const lines = ['', JSON.stringify(AUTHORS[0]), '', '', JSON.stringify(older), JSON.stringify(PRIEM), ''];
    const { scan } = await bothWays([file('blank.jsonl', lines.join('\n')), file('crlf.jsonl', lines.join('\r\n'))]);
    expect(readers(scan)).toEqual(['duckdb-scan', 'duckdb-scan']);
  });

  it('keeps file order and physical line numbers when DuckDB reads an uncompressed file in parallel', async () => {
    // Small CSV buffers (twice the record limit) split this ~1.3 MB file into many pieces read by parallel threads.
    const s = await synthesize({ authors: 2000, seed: 5, out: path.join(dir, 'synth-order') });
    const lines = gunzipSync(readFileSync(s.authorsFile)).toString('utf8').trimEnd().split('\n');
    const withBlanks = lines.flatMap((l, i) => (i % 97 === 0 ? ['', l] : [l]));
    const { scan } = await bothWays([file('authors-plain.jsonl', withBlanks.join('\n') + '\n')], { maxRecordBytes: 32 * 1024 });
    expect(readers(scan)).toEqual(['duckdb-scan']);
    expect((scan as IngestResult).records).toBe(2000);
  });

  it('declines records without the full OpenAlex field set, and the JS reader lands them', async () => {
    const { scan } = await bothWays([file('trimmed-works.jsonl', jsonl(TRIMMED_WORKS))]);
    expect(readers(scan)).toEqual(['js']);
    expect((scan as IngestResult).files[0]?.scanDeclined).toMatch(/does not have key/);
  });

  // Each mutation makes one field wrong in a way json_transform alone would let through (or through silently).
  const authorMutations: Array<[string, (a: Rec) => void]> = [
    ['a count as a string', (a) => (a['cited_by_count'] = '12')],
    ['a count with a fraction', (a) => (a['works_count'] = 12.5)],
    ['a name as a number', (a) => (a['display_name'] = 5)],
    ['a name as an object', (a) => (a['display_name'] = { first: 'J' })],
    ['a year as a string', (a) => ((a['affiliations'] as Rec[])[0]!['years'] = ['2020'])],
    ['a year out of range', (a) => ((a['affiliations'] as Rec[])[0]!['years'] = [1800])],
    ['affiliations as an object', (a) => (a['affiliations'] = {})],
    ['an affiliation without its institution', (a) => ((a['affiliations'] as Rec[])[0]!['institution'] = null)],
    ['an unknown country code', (a) => (((a['affiliations'] as Rec[])[0]!['institution'] as Rec)['country_code'] = 'ZZ')],
    ['a lower-case country code', (a) => (((a['affiliations'] as Rec[])[0]!['institution'] as Rec)['country_code'] = 'us')],
    ['a malformed ORCID iD', (a) => (a['orcid'] = 'https://orcid.org/12')],
    ['a work id in an author file', (a) => (a['id'] = 'https://openalex.org/W1')],
    ['a missing id', (a) => delete a['id']],
  ];
  for (const [name, mutate] of authorMutations) {
    it(`an author with ${name}: same outcome both ways, failing or skipping`, async () => {
      const bad = structuredClone(PRIEM);
      mutate(bad);
      const f = file('mutated.jsonl', jsonl([AUTHORS[0], bad, AUTHORS[1]]));
      const failing = await bothWays([f]);
      const skipping = await bothWays([f], { onError: 'skip' });
      if (failing.js instanceof Error) expect(readers(skipping.scan)).toEqual(['js']);
      // Valid for the JS reader as well: a lower-case country is scanned; a mixed-entity file is declined (the scan reads one entity a file).
      if (name === 'a lower-case country code') expect(readers(failing.scan)).toEqual(['duckdb-scan']);
      if (name === 'a work id in an author file') expect(readers(failing.scan)).toEqual(['js']);
    });
  }

  const workMutations: Array<[string, (w: Rec) => void]> = [
    ['a publication year as a string', (w) => (w['publication_year'] = '2018')],
    ['an authorship that is not an object', (w) => ((w['authorships'] as unknown[])[0] = 'Heather Piwowar')],
    ['an authorship without its author', (w) => ((w['authorships'] as Rec[])[0]!['author'] = null)],
    ['an institution country as a number', (w) => ((((w['authorships'] as Rec[])[0]!['institutions'] as Rec[])[0] as Rec)['country_code'] = 1)],
    ['an abstract position that is not whole', (w) => ((w['abstract_inverted_index'] as Rec)['The'] = [0.5])],
    ['no abstract', (w) => (w['abstract_inverted_index'] = null)],
    ['a keyword that is not an object', (w) => (w['keywords'] = ['open access'])],
  ];
  for (const [name, mutate] of workMutations) {
    it(`a work with ${name}: same outcome both ways`, async () => {
      const bad = structuredClone(WORK);
      mutate(bad);
      const f = file('mutated-work.jsonl', jsonl([bad]));
      await bothWays([f]);
      await bothWays([f], { onError: 'skip' });
    });
  }

  it('declines malformed JSON, invalid UTF-8 and mixed line endings; the JS reader names the line', async () => {
    const good = JSON.stringify(AUTHORS[0]);
    for (const content of [`${good}\n{"id": "https://openalex.org/A1",\n`, Buffer.concat([Buffer.from(`${good}\n`), Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]), `${good}\r\n${good}\n`]) {
      const { scan } = await bothWays([file('bad.jsonl', content)], { onError: 'skip' });
      expect(readers(scan)).toEqual(['js']);
    }
  });

  it('never drops a line silently: a 9 MB record, whitespace-only and trailing blank lines leave it to the JS reader', async () => {
    const long = { ...AUTHORS[0], display_name: 'x'.repeat(9 << 20) };
    const cases = [jsonl([long, AUTHORS[1]]), `${JSON.stringify(AUTHORS[0])}\n   \n${JSON.stringify(AUTHORS[1])}\n`, `${jsonl([AUTHORS[0]])}\n\n`];
    for (const content of cases) {
      const { scan } = await bothWays([file('edge.jsonl', content)]);
      if (content !== cases[1]) expect(readers(scan)).toEqual(['js']);
      expect((scan as IngestResult).records).toBe(content === cases[2] ? 1 : 2);
    }
  });
});
