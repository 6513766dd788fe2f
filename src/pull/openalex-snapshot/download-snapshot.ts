/**
 * `atlas pull openalex-snapshot <entity>`: fetch an OpenAlex snapshot's manifest over HTTP(S) (the combined
 * `data/jsonl/manifest.json`, else the entity's `data/jsonl/<entity>/manifest.json`, else the legacy
 * `data/<entity>/manifest`), download the parts it lists (those of `updated_date` ≥ --since if given) into an out
 * folder with the same layout, resumably and each verified (download-part.ts), and write the manifest — limited to
 * the parts chosen — where `atlas ingest OUT` finds it and checks the parts against it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AtlasError } from '../../core/errors.ts';
import { localPartFile, parseSnapshotManifest, snapshotKey, type ManifestPart, type ManifestShape, type SnapshotManifest } from '../../ingest/openalex/snapshot-manifest.ts';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../http/http-client.ts';
import { DEFAULT_USER_AGENT } from '../puller.ts';
import { downloadPart, type PartOutcome } from './download-part.ts';

export const OPENALEX_SNAPSHOT_URL = 'https://openalex.s3.amazonaws.com';

export interface SnapshotPullOptions {
  /** authors, works, institutions, … (as the snapshot names its folders). */
  entity: string;
  /** The folder the snapshot goes to (its `data/…` layout below it). */
  out: string;
  /** Where the bucket is served (default https://openalex.s3.amazonaws.com); a part's key is appended to it. */
  baseUrl?: string;
  /** The manifest to use instead of looking for one under baseUrl. */
  manifestUrl?: string;
  /** Only parts of partitions `updated_date=D` with D ≥ this (YYYY-MM-DD). */
  since?: string;
  /** Parts downloaded at the same time (default 3). */
  concurrency?: number;
  /** Per part: retries of a body cut short (default 5), the first backoff (default 1 s), and the stall timeout (default 60 s). */
  maxRetries?: number;
  minBackoffMs?: number;
  idleTimeoutMs?: number;
  http?: Partial<Pick<HttpClientOptions, 'maxRetries' | 'minBackoffMs' | 'timeoutMs' | 'requestsPerSecond'>>;
  onProgress?: (p: SnapshotPullProgress) => void;
}

export type SnapshotPullProgress =
  | { kind: 'manifest'; url: string; shape: ManifestShape; parts: number; bytes: number; records: number; leftOut: number }
  | { kind: 'part'; file: string; url: string; status: PartOutcome['status']; done: number; total: number; bytesDone: number; bytesTotal: number }
  | { kind: 'retry'; url: string; attempt: number; reason: string };

export interface SnapshotPullResult {
  entity: string;
  manifestUrl: string;
  shape: ManifestShape;
  /** The manifest written into the out folder (only the parts chosen). */
  manifestFile: string;
  /** Parts chosen, and of them: fetched whole, completed from a partial file, already there. */
  parts: number;
  downloaded: number;
  resumed: number;
  present: number;
  /** Parts the manifest lists that --since left out. */
  leftOut: number;
  bytes: number;
  bytesFetched: number;
  records: number;
  requests: number;
  retries: number;
  seconds: number;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The manifests to try for an entity, newest layout first. */
export function manifestCandidates(baseUrl: string, entity: string): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  return [`${base}/data/jsonl/manifest.json`, `${base}/data/jsonl/${entity}/manifest.json`, `${base}/data/${entity}/manifest`];
}

async function fetchManifest(http: HttpClient, urls: readonly string[], entity: string): Promise<{ url: string; manifest: SnapshotManifest }> {
  const tried: string[] = [];
  for (const url of urls) {
    let body: unknown;
    try {
      body = (await http.getJson(url, { headers: { accept: 'application/json, */*' } })).body;
    } catch (e) {
      if (e instanceof AtlasError && (e.details?.['status'] === 404 || e.details?.['status'] === 403) && urls.length > 1) {
        tried.push(`${url} (HTTP ${String(e.details['status'])})`);
        continue;
      }
      throw e;
    }
    const manifest = parseSnapshotManifest(url, JSON.stringify(body));
    if (!manifest) throw new AtlasError('REMOTE_ERROR', `${url}: not an OpenAlex snapshot manifest (no entries, files or entities list)`, { details: { url } });
    const parts = manifest.parts.filter((p) => p.entity === entity);
    if (parts.length === 0) {
      tried.push(`${url} (lists ${[...new Set(manifest.parts.map((p) => p.entity))].join(', ') || 'no parts'}, not ${entity})`);
      continue;
    }
    return { url, manifest: { ...manifest, parts } };
  }
  throw new AtlasError('NOT_FOUND', `no snapshot manifest for ${entity}: tried ${tried.join('; ')}`);
}

/** The partition date of a part (`updated_date=2025-07-02/…`), or null. */
const partitionDate = (p: ManifestPart): string | null => /(?:^|\/)updated_date=(\d{4}-\d{2}-\d{2})/.exec(p.rest)?.[1] ?? null;

/** The manifest as written to the out folder: same shape, only the chosen parts of the entity, totals summed again. */
function chosenManifest(m: SnapshotManifest, entity: string, parts: readonly ManifestPart[]): Record<string, unknown> {
  const chosen = new Set(parts.map((p) => p.url));
  const totals = { content_length: parts.reduce((n, p) => n + p.contentLength, 0), record_count: parts.reduce((n, p) => n + p.recordCount, 0) };
  const keep = (list: unknown): unknown[] => (Array.isArray(list) ? list.filter((e) => isObject(e) && chosen.has(e['url'] as string)) : []);
  const j = m.json;
  if (m.shape === 'legacy') return { ...j, entries: keep(j['entries']), meta: { ...(isObject(j['meta']) ? j['meta'] : {}), ...totals } };
  if (m.shape === 'entity') return { ...j, ...totals, files: keep(j['files']) };
  const ent = (j['entities'] as unknown[]).find((e) => isObject(e) && e['entity'] === entity) as Record<string, unknown>;
  return { ...j, meta: { ...(isObject(j['meta']) ? j['meta'] : {}), ...totals }, entities: [{ ...ent, ...totals, files: keep(ent['files']) }] };
}

/** Download an entity's snapshot parts into `out`; see the module comment. */
export async function pullOpenAlexSnapshot(options: SnapshotPullOptions): Promise<SnapshotPullResult> {
  const started = Date.now();
  const { entity } = options;
  if (!/^[a-z][a-z_-]*$/.test(entity)) throw new AtlasError('BAD_ARGUMENT', `"${entity}" is not an entity of the snapshot (authors, works, institutions, sources, …)`);
  if (options.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.since)) throw new AtlasError('BAD_ARGUMENT', `--since must be a date YYYY-MM-DD, not "${options.since}"`);
  const baseUrl = (options.baseUrl ?? OPENALEX_SNAPSHOT_URL).replace(/\/+$/, '');
  const http = createHttpClient({ source: 'OpenAlex snapshot', requestsPerSecond: 20, timeoutMs: 60_000, userAgent: DEFAULT_USER_AGENT, ...options.http });
  const { url: manifestUrl, manifest } = await fetchManifest(http, options.manifestUrl ? [options.manifestUrl] : manifestCandidates(baseUrl, entity), entity);

  const parts = manifest.parts.filter((p) => options.since === undefined || (partitionDate(p) ?? '9999') >= options.since);
  const manifestKey = snapshotKey(manifestUrl) ?? (manifest.shape === 'legacy' ? `data/${entity}/manifest` : manifest.shape === 'entity' ? `data/jsonl/${entity}/manifest.json` : 'data/jsonl/manifest.json');
  const manifestFile = path.join(path.resolve(options.out), ...manifestKey.split('/'));
  const todo = parts.map((p) => {
    const key = snapshotKey(p.url);
    if (!key) throw new AtlasError('REMOTE_ERROR', `${manifestUrl}: part ${p.url} has no data/… path to fetch it by`, { details: { url: manifestUrl } });
    return { url: `${baseUrl}/${encodeURI(key)}`, file: localPartFile(manifestFile, manifest.shape, p), contentLength: p.contentLength, recordCount: p.recordCount };
  });
  const bytesTotal = todo.reduce((n, p) => n + p.contentLength, 0);
  const records = todo.reduce((n, p) => n + p.recordCount, 0);
  options.onProgress?.({ kind: 'manifest', url: manifestUrl, shape: manifest.shape, parts: todo.length, bytes: bytesTotal, records, leftOut: manifest.parts.length - parts.length });

  // The manifest goes in first: a folder whose pull stopped halfway fails `atlas ingest`, naming the first part
  // still missing, instead of ingesting part of the entity as if it were all of it.
  await mkdir(path.dirname(manifestFile), { recursive: true });
  await writeFile(`${manifestFile}.partial`, JSON.stringify(chosenManifest(manifest, entity, parts), null, 2) + '\n');
  await rename(`${manifestFile}.partial`, manifestFile);

  const counts = { downloaded: 0, resumed: 0, present: 0, bytesFetched: 0, retries: 0, done: 0, bytesDone: 0 };
  let next = 0;
  let failed: unknown = null;
  const worker = async (): Promise<void> => {
    while (failed === null && next < todo.length) {
      const part = todo[next++]!;
      try {
        const r = await downloadPart(http, part, {
          maxRetries: options.maxRetries ?? 5,
          minBackoffMs: options.minBackoffMs ?? 1000,
          idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
          onRetry: (e) => {
            counts.retries++;
            options.onProgress?.({ kind: 'retry', ...e });
          },
        });
        counts[r.status]++;
        counts.bytesFetched += r.bytesFetched;
        counts.done++;
        counts.bytesDone += part.contentLength;
        options.onProgress?.({ kind: 'part', file: part.file, url: part.url, status: r.status, done: counts.done, total: todo.length, bytesDone: counts.bytesDone, bytesTotal });
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 3, todo.length)) }, worker));
  if (failed !== null) throw failed;
  return {
    entity,
    manifestUrl,
    shape: manifest.shape,
    manifestFile,
    parts: todo.length,
    downloaded: counts.downloaded,
    resumed: counts.resumed,
    present: counts.present,
    leftOut: manifest.parts.length - parts.length,
    bytes: bytesTotal,
    bytesFetched: counts.bytesFetched,
    records,
    requests: http.stats.requests,
    retries: counts.retries + http.stats.retries,
    seconds: (Date.now() - started) / 1000,
  };
}
