/** OpenAlex snapshot manifests: the three shapes parsed, parts mapped to files, and a folder checked before an ingest writes anything. */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import { AtlasError } from '../../core/errors.ts';
import { runCaptured } from '../../cli/run-captured.ts';
import { forEachBackend } from '../../store/test-backends.ts';
import type { Store } from '../../store/store.ts';
import { inputFiles } from '../input-files.ts';
import { ingestFiles } from '../run-ingest.ts';
import { checkSnapshotFolder, countRecords, parseSnapshotManifest, partPath, snapshotKey } from './snapshot-manifest.ts';
import { buildSnapshot, sampleRecords } from './test-snapshot.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-snapshot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = path.join(tmp, `s${++n}`);
  mkdirSync(d);
  return d;
};
const LEGACY = dataPath('openalex-api', 'snapshot-manifest', 'legacy-publishers-manifest.json');

async function failure(p: Promise<unknown>): Promise<AtlasError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AtlasError);
  return e as AtlasError;
}

describe('manifest shapes', () => {
  it('reads the real legacy manifest (ourresearch/OpenAlex#10): its part is data/publishers/updated_date=2025-07-02/part_000.gz', () => {
    const m = parseSnapshotManifest(LEGACY, readFileSync(LEGACY, 'utf8'));
    expect(m?.shape).toBe('legacy');
    expect(m?.entity).toBe('publishers');
    expect(m?.parts).toEqual([{ url: 's3://openalex/data/publishers/updated_date=2025-07-02/part_000.gz', entity: 'publishers', rest: 'updated_date=2025-07-02/part_000.gz', contentLength: 1879, recordCount: 16 }]);
  });

  it('maps s3:// and https:// URLs of both layouts to entity and in-entity path', () => {
    expect(snapshotKey('s3://openalex/data/jsonl/works/updated_date=2026-01-02/part_0007.gz')).toBe('data/jsonl/works/updated_date=2026-01-02/part_0007.gz');
    expect(snapshotKey('https://openalex.s3.amazonaws.com/data/authors/updated_date=2025-07-02/part_000.gz')).toBe('data/authors/updated_date=2025-07-02/part_000.gz');
    expect(snapshotKey('https://s3.amazonaws.com/openalex/data/authors/x/part_000.gz')).toBe('data/authors/x/part_000.gz');
    expect(partPath('s3://openalex/data/jsonl/works/updated_date=2026-01-02/part_0007.gz')).toEqual({ entity: 'works', rest: 'updated_date=2026-01-02/part_0007.gz' });
    expect(partPath('s3://openalex/data/authors/updated_date=2025-07-02/part_000.gz')).toEqual({ entity: 'authors', rest: 'updated_date=2025-07-02/part_000.gz' });
    expect(partPath('s3://openalex/data/parquet/sources/updated_date=2026-01-02/part_0000.parquet')).toEqual({ entity: 'sources', rest: 'updated_date=2026-01-02/part_0000.parquet' });
    expect(partPath('s3://openalex/data/../../etc/passwd')).toBeNull();
    expect(partPath('s3://openalex/part_000.gz')).toBeNull();
  });

  it('is not a manifest: other JSON named manifest.json, or not JSON', () => {
    expect(parseSnapshotManifest('m', '[{"id": "https://openalex.org/A1"}]')).toBeNull();
    expect(parseSnapshotManifest('m', '{"name": "a web app manifest"}')).toBeNull();
    expect(parseSnapshotManifest('m', 'not json')).toBeNull();
  });

  it('a malformed manifest is an error naming the manifest and the field', () => {
    expect(() => parseSnapshotManifest('/x/manifest', JSON.stringify({ entries: [{ url: 's3://openalex/data/authors/updated_date=2025-01-01/part_000.gz', meta: { content_length: '12', record_count: 1 } }] }))).toThrow(
      '/x/manifest: field entries[0].meta.content_length: expected a whole number, got "12"',
    );
    expect(() => parseSnapshotManifest('/x/m.json', JSON.stringify({ entities: [{ entity: 'authors', files: [{ url: 'https://example.org/nothing.gz', meta: { content_length: 1, record_count: 1 } }] }] }))).toThrow(/field entities\[0\]\.files\[0\]\.url: cannot tell the part's path/);
    expect(() => parseSnapshotManifest('/x/m.json', JSON.stringify({ entity: 'works', files: [{ url: 's3://openalex/data/jsonl/authors/updated_date=2025-01-01/part_0000.gz', meta: { content_length: 1, record_count: 1 } }] }))).toThrow(/is not a part of entity works/);
  });
});

describe('counting records', () => {
  it('counts non-empty lines of a gzipped or plain part, streamed; CRLF, blank lines and a missing last newline', async () => {
    const d = fresh();
    const recs = sampleRecords('authors').map((r) => JSON.stringify(r));
    writeFileSync(path.join(d, 'a.gz'), gzipSync(recs.join('\n') + '\n'));
    writeFileSync(path.join(d, 'b.gz'), gzipSync(recs.slice(0, 5).join('\r\n') + '\r\n\r\n\n'));
    writeFileSync(path.join(d, 'c.jsonl'), recs.slice(0, 3).join('\n'));
    // two gzip members back to back, as concatenated parts are
    writeFileSync(path.join(d, 'd.gz'), Buffer.concat([gzipSync(recs.slice(0, 2).join('\n') + '\n'), gzipSync(recs.slice(2, 4).join('\n') + '\n')]));
    expect(await countRecords(path.join(d, 'a.gz'))).toBe(30);
    expect(await countRecords(path.join(d, 'b.gz'))).toBe(5);
    expect(await countRecords(path.join(d, 'c.jsonl'))).toBe(3);
    expect(await countRecords(path.join(d, 'd.gz'))).toBe(4);
  });
});

describe('checking a snapshot folder', () => {
  for (const shape of ['legacy', 'entity', 'combined'] as const) {
    it(`${shape}: every part present with its length and record count; any folder level may be given`, async () => {
      const s = buildSnapshot(fresh(), shape, shape === 'combined' ? ['authors', 'institutions'] : ['authors'], shape === 'entity' ? 'https' : 's3');
      const levels = shape === 'legacy' ? [s.root, path.join(s.root, 'data'), path.join(s.root, 'data', 'authors')] : [s.root, path.join(s.root, 'data'), path.join(s.root, 'data', 'jsonl'), path.join(s.root, 'data', 'jsonl', 'authors')];
      for (const dir of levels) {
        const c = await checkSnapshotFolder(dir);
        const entity = dir.endsWith('authors');
        expect(c?.manifests).toEqual([s.manifest]);
        expect(c?.parts).toBe(entity ? 3 : s.parts.length);
        expect(c?.records).toBe(entity ? 30 : s.parts.length * 10);
        const files = await inputFiles([dir]);
        expect(files.map((f) => f.file).sort()).toEqual(s.parts.filter((p) => !entity || p.entity === 'authors').map((p) => p.file).sort());
      }
    });
  }

  it('a partition folder given alone is checked against the manifest above it, for its own parts only', async () => {
    const s = buildSnapshot(fresh(), 'entity');
    const c = await checkSnapshotFolder(path.join(s.root, 'data', 'jsonl', 'authors', 'updated_date=2025-01-01'));
    expect(c).toMatchObject({ manifests: [s.manifest], parts: 2, records: 20 });
  });

  it('a combined manifest: an entity whose folder is absent is reported as not downloaded, not as missing parts', async () => {
    const s = buildSnapshot(fresh(), 'combined', ['authors', 'institutions']);
    rmSync(path.join(s.root, 'data', 'jsonl', 'institutions'), { recursive: true });
    expect(await checkSnapshotFolder(s.root)).toMatchObject({ parts: 3, records: 30, notDownloaded: ['institutions'] });
  });

  it('a folder no manifest speaks for is not checked (null), and its manifest.json-named data stays data', async () => {
    const d = fresh();
    writeFileSync(path.join(d, 'manifest.json'), JSON.stringify(sampleRecords('authors').slice(0, 2)));
    expect(await checkSnapshotFolder(d)).toBeNull();
    expect((await inputFiles([d])).map((f) => path.basename(f.file))).toEqual(['manifest.json']);
  });

  it('a missing part: names the manifest and the part', async () => {
    const s = buildSnapshot(fresh(), 'legacy');
    rmSync(s.parts[1]!.file);
    const e = await failure(checkSnapshotFolder(s.root));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`${s.manifest}: part ${s.parts[1]!.file} is missing (listed as s3://openalex/${s.parts[1]!.key}); download it again (atlas pull openalex-snapshot) before ingesting`);
    expect(e.details).toMatchObject({ manifest: s.manifest, part: s.parts[1]!.file, field: 'missing' });
  });

  it('a part cut short (wrong length): expected and found bytes', async () => {
    const s = buildSnapshot(fresh(), 'entity');
    const p = s.parts[2]!;
    truncateSync(p.file, p.bytes - 7);
    const e = await failure(inputFiles([s.root]));
    expect(e.message).toContain(`${s.manifest}: part ${p.file} has ${p.bytes - 7} bytes, the manifest says ${p.bytes} (content_length)`);
    expect(e.details).toMatchObject({ field: 'content_length', expected: p.bytes, found: p.bytes - 7 });
  });

  it('a part of the right length with another record count: expected and found records', async () => {
    const s = buildSnapshot(fresh(), 'combined', ['authors', 'institutions']);
    const json = JSON.parse(readFileSync(s.manifest, 'utf8')) as { entities: { files: { meta: { record_count: number } }[] }[] };
    json.entities[1]!.files[0]!.meta.record_count = 11;
    writeFileSync(s.manifest, JSON.stringify(json));
    const e = await failure(checkSnapshotFolder(path.join(s.root, 'data')));
    expect(e.message).toContain(`${s.manifest}: part ${s.parts[3]!.file} holds 10 records, the manifest says 11 (record_count)`);
    expect(e.details).toMatchObject({ field: 'record_count', expected: 11, found: 10 });
  });

  it('a part that is not gzip of the stated length: named, not a crash', async () => {
    const s = buildSnapshot(fresh(), 'legacy');
    const p = s.parts[0]!;
    const junk = Buffer.alloc(p.bytes, 0x41);
    junk[0] = 0x1f;
    junk[1] = 0x8b;
    writeFileSync(p.file, junk);
    const e = await failure(checkSnapshotFolder(s.root));
    expect(e.message).toContain(`part ${p.file} cannot be read as gzipped JSON lines`);
  });

  it('the real legacy manifest in its place, beside a publishers part that is not the one it lists: 1879 bytes expected', async () => {
    const root = fresh();
    const dir = path.join(root, 'data', 'publishers');
    mkdirSync(path.join(dir, 'updated_date=2025-07-02'), { recursive: true });
    copyFileSync(LEGACY, path.join(dir, 'manifest'));
    const springer = readFileSync(dataPath('openalex-samples', 'b-vitamins-fixtures', 'P4310319965.json'), 'utf8');
    const part = path.join(dir, 'updated_date=2025-07-02', 'part_000.gz');
    writeFileSync(part, gzipSync(JSON.stringify(JSON.parse(springer)) + '\n'));
    const e = await failure(inputFiles([root]));
    expect(e.message).toBe(`${path.join(dir, 'manifest')}: part ${part} has ${statSync(part).size} bytes, the manifest says 1879 (content_length); download it again (atlas pull openalex-snapshot) before ingesting`);
  });
});

const tableCounts = async (store: Store): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const t of ['people', 'institutions', 'source_records', 'ingest_runs', 'ingest_files', 'person_identifiers']) {
    out[t] = Number((await store.query<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  }
  return out;
};

forEachBackend((newStore) => {
  it('ingestFiles of a checked snapshot lands its records (the manifest is not read as data); a bad one leaves the store unchanged', async () => {
    const store = await newStore();
    const good = buildSnapshot(fresh(), 'combined', ['authors', 'institutions']);
    const r = await ingestFiles(store, [good.root]);
    expect(r.files.map((f) => f.path).sort()).toEqual(good.parts.map((p) => p.file).sort());
    expect(r.records).toBe(60);
    const before = await tableCounts(store);
    expect(before['people']).toBe(30);
    const bad = buildSnapshot(fresh(), 'entity');
    appendFileSync(bad.parts[0]!.file, gzipSync('{"id": "https://openalex.org/A9"}\n'));
    const e = await failure(ingestFiles(store, [bad.root]));
    expect(e.message).toMatch(/has \d+ bytes, the manifest says \d+ \(content_length\)/);
    expect(await tableCounts(store)).toEqual(before);
  });
});

describe('atlas ingest of a snapshot folder (the real command)', () => {
  it('checks, says so, and lands; a wrong record count exits non-zero naming the part, and writes nothing', async () => {
    const db = path.join(fresh(), 'snap.duckdb');
    const good = buildSnapshot(fresh(), 'legacy');
    const ok = await runCaptured(['ingest', path.join(good.root, 'data'), '--db', db]);
    expect(ok.err).toMatch(/^landed run 1; deriving careers and mentorship ties…\nsearch index built and kept for the next ones in \d+\.\d s\ntie graph built and kept for the next ones in \d+\.\d s\n$/);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`${path.join(good.root, 'data')}: 3 parts checked against ${good.manifest} (30 records, ${good.parts.reduce((s, p) => s + p.bytes, 0).toLocaleString('en-US')} bytes)`);
    expect(ok.out).toMatch(/run 1: 30 records/);
    const stats = async (): Promise<unknown> => JSON.parse((await runCaptured(['stats', '--json', '--db', db])).out);
    const before = await stats();

    const bad = buildSnapshot(fresh(), 'entity');
    const p = bad.parts[1]!;
    const other = sampleRecords('institutions').slice(0, 9);
    // Same length as listed, one record fewer: only counting finds it.
    const body = gzipSync(other.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const json = JSON.parse(readFileSync(bad.manifest, 'utf8')) as { files: { meta: { content_length: number } }[] };
    json.files[1]!.meta.content_length = body.length;
    writeFileSync(bad.manifest, JSON.stringify(json));
    writeFileSync(p.file, body);
    const r = await runCaptured(['ingest', bad.root, '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(`error [BAD_INPUT]: ${bad.manifest}: part ${p.file} holds 9 records, the manifest says 10 (record_count); download it again (atlas pull openalex-snapshot) before ingesting`);
    expect(await stats()).toEqual(before);
  });
});
