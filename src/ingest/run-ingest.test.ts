import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { storeStats } from '../store/repo/stats.ts';
import { dataPath } from '../core/paths.ts';
import { AtlasError, InputError } from '../core/errors.ts';
import { synthesize } from '../synth/synthesize.ts';
import { ingestFiles, MERGE_STEPS, type IngestProgress } from './run-ingest.ts';
import { refreshCareers } from '../careers/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PRIEM = dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json');
const AUTHORS = dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json');
const WORKS = dataPath('openalex-samples', 'openalex-research-rag', 'works_sample.json.gz');
const authors = JSON.parse(readFileSync(AUTHORS, 'utf8')) as Array<Record<string, unknown>>;
let n = 0;
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
};

let store: Store;
beforeEach(async () => {
  store = await DuckDBStore.open(':memory:');
  await migrate(store);
  return () => store.close();
});

const counts = async (): Promise<Record<string, number>> => (await storeStats(store)).tables;

describe('OpenAlex ingest', () => {
  it("shows Jason Priem's institutions by year: the US, then Canada from 2021", async () => {
    await ingestFiles(store, [PRIEM]);
    const rows = await store.query<{ year: number; country: string }>(
      `SELECT DISTINCT year, country FROM affiliation_years WHERE person_id = 'openalex:A5023888391' ORDER BY year, country`,
    );
    expect(rows.filter((r) => r.year >= 2021).every((r) => r.country === 'CA')).toBe(true);
    expect(rows.filter((r) => r.year <= 2018 && r.year !== 2013).every((r) => r.country === 'US')).toBe(true);
    await refreshCareers(store);
    const moves = await store.query(`SELECT from_place, to_place, year FROM moves WHERE person_id = 'openalex:A5023888391' AND level = 'country'`);
    // By the spec's walk the move is confirmed in 2019 (CA again from 2021; the 2020 US year is a blip).
    expect(moves).toEqual([{ from_place: 'US', to_place: 'CA', year: 2019 }]);
    const ids = await store.query<{ scheme: string; value: string }>(`SELECT scheme, value FROM person_identifiers ORDER BY scheme`);
    expect(ids).toEqual([
      { scheme: 'openalex', value: 'A5023888391' },
      { scheme: 'orcid', value: '0000-0001-6187-6610' },
    ]);
  });

  it('reports progress: bytes and records of each file as it is read (by DuckDB or the JS reader), then every merge step in order', async () => {
    const s = await synthesize({ authors: 300, seed: 9, out: path.join(dir, 'progress') });
    const events: IngestProgress[] = [];
    const r = await ingestFiles(store, [s.authorsFile, s.worksFile, AUTHORS], { onProgress: (p) => events.push(p) });
    expect(r.files.map((f) => f.reader)).toEqual(['duckdb-scan', 'duckdb-scan', 'js']);
    const reads = events.filter((e) => e.phase === 'read');
    for (const f of r.files) {
      const mine = reads.filter((e) => e.file === f.path);
      expect(mine.every((e) => e.bytesRead <= e.fileBytes && e.fileBytes === f.bytes)).toBe(true);
      expect(mine.at(-1)?.bytesRead).toBe(f.bytes);
    }
    expect(reads.at(-1)?.records).toBe(r.records);
    // The merge comes after every read, and names each step once, in order.
    const firstMerge = events.findIndex((e) => e.phase === 'merge');
    expect(events.slice(firstMerge).every((e) => e.phase === 'merge')).toBe(true);
    const steps = events.slice(firstMerge).map((e) => (e.phase === 'merge' ? [e.step, e.done, e.total] : null));
    expect(steps).toEqual(MERGE_STEPS.map((step, i) => [step, i, MERGE_STEPS.length]));
  });

  it('is idempotent: a second identical ingest changes no count', async () => {
    const first = await ingestFiles(store, [AUTHORS, WORKS]);
    expect(first.inserted).toBe(225);
    const before = await counts();
    const second = await ingestFiles(store, [AUTHORS, WORKS]);
    expect(second).toMatchObject({ inserted: 0, replaced: 0, unchanged: 225 });
    const after = await counts();
    expect({ ...after, ingest_runs: 0 }).toEqual({ ...before, ingest_runs: 0 });
    expect(after['people']).toBeGreaterThan(900);
    const works = JSON.parse(gunzipSync(readFileSync(WORKS)).toString('utf8')) as Array<{ authorships: Array<{ author: { id: string | null } }> }>;
    expect(after['authorships']).toBe(works.reduce((t, w) => t + w.authorships.filter((a) => a.author.id).length, 0));
  });

  it('reads every shape: JSON array, API page, single object, JSONL, gzipped JSONL', async () => {
    const jsonl = authors.map((a) => JSON.stringify(a)).join('\n') + '\n';
    const shapes = [
      AUTHORS,
      file('page.json', JSON.stringify({ meta: { count: authors.length, page: 1 }, results: authors }, null, 2)),
      file('jsonl.jsonl', jsonl),
      file('jsonl.jsonl.gz', gzipSync(jsonl)),
    ];
    for (const f of shapes) {
      const s = await DuckDBStore.open(':memory:');
      await migrate(s);
      const r = await ingestFiles(s, [f]);
      expect(r.records, f).toBe(30);
      expect((await storeStats(s)).tables['affiliation_years'], f).toBe(
        authors.reduce((sum, a) => sum + (a['affiliations'] as Array<{ years: number[] }>).reduce((t, x) => t + x.years.length, 0), 0),
      );
      await s.close();
    }
    const single = await ingestFiles(store, [file('one.json', JSON.stringify(authors[0], null, 2))]);
    expect(single.records).toBe(1);
  });

  it('an API page names each result by the line it starts on', async () => {
    const page = file('page2.json', JSON.stringify({ meta: {}, results: [authors[0], { ...authors[1], id: 7 }] }, null, 2));
    const err = await ingestFiles(store, [page]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const text = JSON.stringify({ meta: {}, results: [authors[0], { ...authors[1], id: 7 }] }, null, 2).split('\n');
    const expectedLine = text.findIndex((l, i) => i > 3 && l === '    {') + 1;
    expect((err as InputError).location).toEqual({ file: page, line: expectedLine, field: 'id' });
  });

  it('a record with a newer updated_date replaces its older facts; an older copy is stale', async () => {
    const a = authors[0] as Record<string, unknown>;
    const v1 = file('v1.jsonl', JSON.stringify(a) + '\n');
    await ingestFiles(store, [v1]);
    const newer = { ...a, updated_date: '2099-01-01T00:00:00', affiliations: [{ institution: { id: 'https://openalex.org/I1', display_name: 'X', country_code: 'KR', type: 'education' }, years: [2030] }] };
    const r = await ingestFiles(store, [file('v2.jsonl', JSON.stringify(newer) + '\n')]);
    expect(r.replaced).toBe(1);
    const rows = await store.query<{ year: number; country: string }>(`SELECT year, country FROM affiliation_years`);
    expect(rows).toEqual([{ year: 2030, country: 'KR' }]);
    const again = await ingestFiles(store, [v1]);
    expect(again.stale).toBe(1);
    expect(await store.query(`SELECT year, country FROM affiliation_years`)).toEqual([{ year: 2030, country: 'KR' }]);
  });
});

describe('bad input: error names file, line and field; the database stays exactly as before', () => {
  const good = JSON.stringify(authors[0]);
  const cases: Array<[string, string | Buffer, number, string | undefined, RegExp]> = [
    ['malformed JSON', `${good}\n{"id": "https://openalex.org/A1", \n`, 2, undefined, /malformed JSON/],
    ['wrong type', `${good}\n${JSON.stringify({ ...authors[1], display_name: 42 })}\n`, 2, 'display_name', /expected a string/],
    ['missing id', `${good}\n${good}\n${JSON.stringify({ ...authors[2], id: undefined })}\n`, 3, 'id', /missing/],
    [
      'unknown country code',
      `${JSON.stringify({ ...authors[1], affiliations: [{ institution: { id: 'https://openalex.org/I9', country_code: 'XX' }, years: [2020] }] })}\n`,
      1,
      'affiliations[0].institution.country_code',
      /unknown country code "XX"/,
    ],
    ['invalid UTF-8', Buffer.concat([Buffer.from(good + '\n'), Buffer.from('{"id": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]), 2, undefined, /invalid UTF-8/],
  ];
  for (const [name, content, line, field, reason] of cases) {
    it(name, async () => {
      await ingestFiles(store, [PRIEM]);
      const before = await counts();
      const f = file(`${name.replace(/\W/g, '_')}.jsonl`, content);
      const err = await ingestFiles(store, [WORKS, f]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      const e = err as InputError;
      expect(e.location).toEqual({ file: f, line, field });
      expect(e.message).toMatch(reason);
      expect(await counts()).toEqual(before);
    });
  }

  it('a single line of 100 MB is rejected without buffering it, and nothing is written', async () => {
    const before = await counts();
    const big = file('big.jsonl', Buffer.concat([Buffer.from(good + '\n{"id":"'), Buffer.alloc(100 * 1024 * 1024, 0x61), Buffer.from('"}\n')]));
    const err = await ingestFiles(store, [big]).catch((e: unknown) => e);
    expect((err as InputError).location).toEqual({ file: big, line: 2, field: undefined });
    expect((err as InputError).message).toMatch(/longer than the record limit/);
    expect(await counts()).toEqual(before);
  });

  it('--on-error skip lands the good records and reports the rejected ones', async () => {
    const f = file('mixed.jsonl', `${good}\nnot json\n${JSON.stringify(authors[1])}\n`);
    const r = await ingestFiles(store, [f], { onError: 'skip' });
    expect(r.records).toBe(2);
    expect(r.rejected).toEqual([{ file: f, line: 2, reason: expect.stringMatching(/malformed JSON/) }]);
    expect((await counts())['people']).toBe(2);
  });

  it('a truncated gzip file is an error, and nothing is written', async () => {
    const gz = gzipSync(authors.map((a) => JSON.stringify(a)).join('\n'));
    const f = file('trunc.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const err = await ingestFiles(store, [f]).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(f);
    expect((await counts())['people']).toBe(0);
    expect(gunzipSync(gz).length).toBeGreaterThan(0);
  });

  it('DuckDB running out of its ingest memory limit is a clear error, nothing is written, and the store keeps its own limit', async () => {
    const synth = await synthesize({ authors: 3000, seed: 3, out: path.join(dir, 'oom') });
    const [before] = await store.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
    process.env['ATLAS_DUCKDB_MEMORY_LIMIT'] = '4MB';
    try {
      const err = await ingestFiles(store, [synth.authorsFile, synth.worksFile]).catch((e: unknown) => e);
      expect((err as AtlasError).code).toBe('OUT_OF_MEMORY');
      expect((err as AtlasError).message).toMatch(/4MB memory limit.*nothing was written.*ATLAS_DUCKDB_MEMORY_LIMIT/);
      process.env['ATLAS_DUCKDB_MEMORY_LIMIT'] = 'lots';
      await expect(ingestFiles(store, [synth.authorsFile])).rejects.toThrow(/ATLAS_DUCKDB_MEMORY_LIMIT="lots" is not a size/);
    } finally {
      delete process.env['ATLAS_DUCKDB_MEMORY_LIMIT'];
    }
    expect((await counts())['people']).toBe(0);
    const ok = await ingestFiles(store, [synth.authorsFile, synth.worksFile]);
    expect(ok.files.map((f) => f.reader)).toEqual(['duckdb-scan', 'duckdb-scan']);
    expect((await counts())['people']).toBe(3000);
    const [after] = await store.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
    expect(after).toEqual(before);
  });
});
