/** `pullOpenAlexSnapshot` against a local server serving real snapshot folders: layouts, --since, resumable parts, faults, and the ingest check after. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AtlasError } from '../../core/errors.ts';
import { checkSnapshotFolder } from '../../ingest/openalex/snapshot-manifest.ts';
import { buildSnapshot, type BuiltSnapshot } from '../../ingest/openalex/test-snapshot.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { openFreshStore } from '../../store/test-backends.ts';
import { pullOpenAlexSnapshot, type SnapshotPullOptions, type SnapshotPullProgress } from './download-snapshot.ts';
import { startSnapshotServer, type SnapshotServer } from './test-snapshot-server.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-snapshot-pull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = path.join(tmp, `d${++n}`);
  mkdirSync(d);
  return d;
};
const servers: SnapshotServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(snapshot: BuiltSnapshot): Promise<SnapshotServer> {
  const s = await startSnapshotServer(snapshot.root);
  servers.push(s);
  return s;
}
const FAST = { maxRetries: 3, minBackoffMs: 10, http: { minBackoffMs: 10, maxRetries: 3, requestsPerSecond: 1000, timeoutMs: 5000 } } as const;
const pull = (server: SnapshotServer, out: string, extra: Partial<SnapshotPullOptions> = {}): Promise<ReturnType<typeof pullOpenAlexSnapshot> extends Promise<infer R> ? R : never> =>
  pullOpenAlexSnapshot({ entity: 'authors', out, baseUrl: server.url, ...FAST, ...extra });
const partRequests = (s: SnapshotServer): SnapshotServer['log'] => s.log.filter((r) => r.path.endsWith('.gz'));
const outFile = (out: string, key: string): string => path.join(out, ...key.split('/'));

async function failure(p: Promise<unknown>): Promise<AtlasError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AtlasError);
  return e as AtlasError;
}

describe('pullOpenAlexSnapshot', () => {
  it('combined manifest: a reset mid-body is resumed with a Range request, a 500 retried; every part whole; the ingest check passes', async () => {
    const snap = buildSnapshot(fresh(), 'combined', ['authors', 'institutions']);
    const server = await serve(snap);
    const authors = snap.parts.filter((p) => p.entity === 'authors');
    server.inject(authors[0]!.key, { kind: 'reset' });
    server.inject(authors[1]!.key, { kind: 'status', status: 500 });
    const out = fresh();
    const events: SnapshotPullProgress[] = [];
    const r = await pull(server, out, { onProgress: (e) => events.push(e), concurrency: 1 });
    expect(r).toMatchObject({ manifestUrl: `${server.url}/data/jsonl/manifest.json`, shape: 'combined', parts: 3, downloaded: 2, resumed: 1, present: 0, leftOut: 0, records: 30 });
    expect(r.manifestFile).toBe(path.join(out, 'data', 'jsonl', 'manifest.json'));
    expect(r.bytesFetched).toBe(authors.reduce((s, p) => s + p.bytes, 0));
    for (const p of authors) expect(readFileSync(outFile(out, p.key)).equals(readFileSync(p.file))).toBe(true);
    expect(existsSync(path.join(out, 'data', 'jsonl', 'institutions'))).toBe(false);
    // The reset part: a first GET cut in the middle, then a Range request from where it stopped.
    const first = partRequests(server).filter((q) => q.path.endsWith(authors[0]!.key));
    expect(first.map((q) => [q.range, q.status])).toEqual([
      [null, 200],
      [`bytes=${Math.floor(authors[0]!.bytes / 2)}-`, 206],
    ]);
    expect(partRequests(server).filter((q) => q.path.endsWith(authors[1]!.key)).map((q) => q.status)).toEqual([500, 200]);
    expect(events.filter((e) => e.kind === 'retry')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: 'part', done: 3, total: 3, bytesDone: r.bytes, bytesTotal: r.bytes });
    // The manifest written speaks only of the entity pulled, and the ingest's check accepts the folder.
    const written = JSON.parse(readFileSync(r.manifestFile, 'utf8')) as { entities: { entity: string; record_count: number; files: unknown[] }[] };
    expect(written.entities.map((e) => [e.entity, e.record_count, e.files.length])).toEqual([['authors', 30, 3]]);
    expect(await checkSnapshotFolder(out)).toMatchObject({ parts: 3, records: 30, notDownloaded: [] });
    const store = await openFreshStore('duckdb');
    try {
      expect((await ingestFiles(store, [out])).inserted).toBe(30);
    } finally {
      await store.close();
    }

    // Again: every part is there with its length, none is fetched.
    const before = server.log.length;
    const again = await pull(server, out);
    expect(again).toMatchObject({ parts: 3, present: 3, downloaded: 0, bytesFetched: 0 });
    expect(server.log.slice(before).map((q) => q.path)).toEqual(['/data/jsonl/manifest.json']);
  });

  it('per-entity layout (no combined manifest: 404), --since keeps the later partitions only', async () => {
    const snap = buildSnapshot(fresh(), 'entity', ['authors'], 'https');
    const server = await serve(snap);
    const out = fresh();
    const r = await pull(server, out, { since: '2025-02-01' });
    expect(r).toMatchObject({ manifestUrl: `${server.url}/data/jsonl/authors/manifest.json`, shape: 'entity', parts: 1, leftOut: 2, records: 10, downloaded: 1 });
    expect(server.log.map((q) => [q.path, q.status])).toEqual([
      ['/data/jsonl/manifest.json', 404],
      ['/data/jsonl/authors/manifest.json', 200],
      ['/data/jsonl/authors/updated_date=2025-02-01/part_0000.gz', 200],
    ]);
    const written = JSON.parse(readFileSync(r.manifestFile, 'utf8')) as { record_count: number; content_length: number; files: { url: string }[] };
    expect(written.files.map((f) => f.url)).toEqual([`https://openalex.s3.amazonaws.com/${snap.parts[2]!.key}`]);
    expect([written.record_count, written.content_length]).toEqual([10, snap.parts[2]!.bytes]);
    expect(await checkSnapshotFolder(out)).toMatchObject({ parts: 1, records: 10 });
  });

  it('legacy layout (data/<entity>/manifest) and a server that ignores Range: a partial part is fetched again whole', async () => {
    const snap = buildSnapshot(fresh(), 'legacy');
    const server = await serve(snap);
    server.ignoreRanges = true;
    const out = fresh();
    const p = snap.parts[1]!;
    mkdirSync(path.dirname(outFile(out, p.key)), { recursive: true });
    writeFileSync(`${outFile(out, p.key)}.partial`, readFileSync(p.file).subarray(0, 100));
    const r = await pull(server, out);
    expect(r).toMatchObject({ shape: 'legacy', manifestFile: path.join(out, 'data', 'authors', 'manifest'), parts: 3, downloaded: 3, resumed: 0 });
    expect(partRequests(server).find((q) => q.path.endsWith(p.key))).toMatchObject({ range: 'bytes=100-', status: 200 });
    expect(readFileSync(outFile(out, p.key)).equals(readFileSync(p.file))).toBe(true);
    expect(existsSync(`${outFile(out, p.key)}.partial`)).toBe(false);
    expect(await checkSnapshotFolder(out)).toMatchObject({ parts: 3, records: 30 });
  });

  it('a partial part left by an interrupted pull is completed from its bytes (Range), not fetched again', async () => {
    const snap = buildSnapshot(fresh(), 'entity');
    const server = await serve(snap);
    const out = fresh();
    const p = snap.parts[0]!;
    mkdirSync(path.dirname(outFile(out, p.key)), { recursive: true });
    writeFileSync(`${outFile(out, p.key)}.partial`, readFileSync(p.file).subarray(0, 1000));
    const r = await pull(server, out);
    expect(r).toMatchObject({ downloaded: 2, resumed: 1, bytesFetched: snap.parts.reduce((s, x) => s + x.bytes, 0) - 1000 });
    expect(partRequests(server).find((q) => q.path.endsWith(p.key))).toMatchObject({ range: 'bytes=1000-', status: 206 });
    expect(readFileSync(outFile(out, p.key)).equals(readFileSync(p.file))).toBe(true);
  });

  it('a part served with another length than the manifest states: an error naming the part; nothing of it kept; the ingest check then fails on it', async () => {
    const snap = buildSnapshot(fresh(), 'entity');
    const server = await serve(snap);
    const p = snap.parts[1]!;
    server.inject(p.key, { kind: 'body', body: Buffer.concat([readFileSync(p.file), Buffer.from('extra')]) }, 10);
    const out = fresh();
    const e = await failure(pull(server, out, { concurrency: 1 }));
    expect(e.code).toBe('REMOTE_ERROR');
    expect(e.message).toBe(`${server.url}/${p.key}: the server serves ${p.bytes + 5} bytes, the manifest says ${p.bytes} (content_length); the part ${outFile(out, p.key)} is not kept (is the manifest of another release than the parts?)`);
    expect(partRequests(server).filter((q) => q.path.endsWith(p.key))).toHaveLength(1);
    expect(existsSync(outFile(out, p.key)) || existsSync(`${outFile(out, p.key)}.partial`)).toBe(false);
    const check = await failure(checkSnapshotFolder(out));
    expect(check.message).toContain(`part ${outFile(out, p.key)} is missing`);
  });

  it('a downloaded part with another record count than the manifest states: an error naming the part and both counts', async () => {
    const snap = buildSnapshot(fresh(), 'entity');
    const json = JSON.parse(readFileSync(snap.manifest, 'utf8')) as { files: { meta: { record_count: number } }[] };
    json.files[0]!.meta.record_count = 12;
    writeFileSync(snap.manifest, JSON.stringify(json));
    const server = await serve(snap);
    const out = fresh();
    const e = await failure(pull(server, out, { concurrency: 1 }));
    expect(e.message).toContain(`${server.url}/${snap.parts[0]!.key}: the downloaded part holds 10 records, the manifest says 12 (record_count)`);
    expect(e.details).toMatchObject({ field: 'record_count', expected: 12, found: 10 });
  });

  it('resets on every try: gives up after the retries, keeps the bytes got, and the next pull goes on from them', async () => {
    const snap = buildSnapshot(fresh(), 'entity');
    const server = await serve(snap);
    const p = snap.parts[0]!;
    server.inject(p.key, { kind: 'reset', afterBytes: 500 }, 4);
    const out = fresh();
    const e = await failure(pull(server, out, { concurrency: 1 }));
    expect(e.message).toMatch(new RegExp(`${p.key}: the body stopped after \\d+ of ${p.bytes} bytes .*gave up after 4 attempts; run the pull again to go on from the 2000 bytes kept`));
    const r = await pull(server, out);
    expect(r).toMatchObject({ parts: 3, resumed: 1, downloaded: 2 });
    expect(partRequests(server).filter((q) => q.path.endsWith(p.key)).map((q) => q.range)).toEqual([null, 'bytes=500-', 'bytes=1000-', 'bytes=1500-', 'bytes=2000-']);
    expect(readFileSync(outFile(out, p.key)).equals(readFileSync(p.file))).toBe(true);
  });

  it('an entity no manifest lists, and bad arguments', async () => {
    const snap = buildSnapshot(fresh(), 'entity');
    const server = await serve(snap);
    const e = await failure(pull(server, fresh(), { entity: 'works' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe(`no snapshot manifest for works: tried ${server.url}/data/jsonl/manifest.json (HTTP 404); ${server.url}/data/jsonl/works/manifest.json (HTTP 404); ${server.url}/data/works/manifest (HTTP 404)`);
    expect((await failure(pull(server, fresh(), { since: '2025/01/01' }))).message).toMatch(/--since must be a date YYYY-MM-DD/);
    expect((await failure(pull(server, fresh(), { entity: '../x' }))).code).toBe('BAD_ARGUMENT');
  });
});
