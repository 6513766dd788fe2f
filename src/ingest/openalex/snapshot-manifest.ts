/**
 * OpenAlex snapshot manifests: read the three shapes OpenAlex has published (legacy `data/<entity>/manifest` with
 * `entries`; per-entity `data/jsonl/<entity>/manifest.json` with `files`; combined `data/jsonl/manifest.json` with
 * `entities[].files`), map each listed part's URL to the file it is under a downloaded snapshot folder, and check
 * that every listed part is there with the stated length (bytes) and record count (lines of the gunzipped part)
 * before an ingest writes anything. Counting streams the gunzipped part; nothing is buffered whole.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { AtlasError } from '../../core/errors.ts';
import { isGzip } from '../read-lines.ts';

export type ManifestShape = 'legacy' | 'entity' | 'combined';

export interface ManifestPart {
  /** The part's URL as the manifest gives it (s3://openalex/data/… or https://…/data/…). */
  url: string;
  entity: string;
  /** The part's path below its entity folder: `updated_date=…/part_NNN.gz`. */
  rest: string;
  contentLength: number;
  recordCount: number;
}

export interface SnapshotManifest {
  shape: ManifestShape;
  /** The entity of a legacy or per-entity manifest (legacy: from its parts' URLs); null for a combined one. */
  entity: string | null;
  parts: ManifestPart[];
  /** The parsed JSON, kept so a pull can write a filtered copy in the same shape. */
  json: Record<string, unknown>;
}

/** A manifest found on disk, its parts mapped to local files. */
export interface LocalManifest extends SnapshotManifest {
  file: string;
  /** Per part (same order): the file it should be under the snapshot folder. */
  localFiles: string[];
}

export interface SnapshotCheckProgress {
  manifest: string;
  part: string;
  done: number;
  total: number;
}

export interface SnapshotCheck {
  manifests: string[];
  /** Parts checked (present, right length and record count). */
  parts: number;
  bytes: number;
  records: number;
  /** Entities a combined manifest lists whose folder is absent altogether (not downloaded; not checked). */
  notDownloaded: string[];
}

export interface SnapshotCheckOptions {
  onProgress?: (p: SnapshotCheckProgress) => void;
}

const MANIFEST_NAMES = new Set(['manifest', 'manifest.json']);
/** Format folders of the new layout, between `data/` and the entity. */
const FORMATS = new Set(['jsonl', 'parquet']);

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function bad(file: string, field: string, reason: string): AtlasError {
  return new AtlasError('BAD_INPUT', `${file}: field ${field}: ${reason} (an OpenAlex snapshot manifest)`, { details: { manifest: file, field } });
}

/** The key of a snapshot URL inside its bucket, from `data/` on: `data/jsonl/authors/updated_date=…/part_0000.gz`. */
export function snapshotKey(url: string): string | null {
  let p: string;
  if (url.startsWith('s3://')) p = url.slice('s3://'.length).split('/').slice(1).join('/');
  else {
    try {
      p = new URL(url).pathname;
    } catch {
      p = url;
    }
  }
  const segs = p.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const at = segs.indexOf('data');
  if (at < 0 || segs.some((s) => s === '..' || s === '.')) return null;
  return segs.slice(at).join('/');
}

/** Entity and in-entity path of a part URL: `data/[jsonl|parquet/]<entity>/<rest>`, or `<entity>/updated_date=…/…` without `data/`. */
export function partPath(url: string): { entity: string; rest: string } | null {
  const key = snapshotKey(url);
  let segs: string[];
  if (key) {
    segs = key.split('/').slice(1);
    if (segs.length > 2 && FORMATS.has(segs[0]!)) segs = segs.slice(1);
  } else {
    const all = (url.startsWith('s3://') ? url.slice(5) : url).split('/').filter((s) => s !== '');
    const at = all.findIndex((s) => s.startsWith('updated_date='));
    if (at < 1 || all.some((s) => s === '..')) return null;
    segs = all.slice(at - 1);
  }
  if (segs.length < 2) return null;
  return { entity: segs[0]!, rest: segs.slice(1).join('/') };
}

function readParts(file: string, list: unknown, field: string, entity: string | null): ManifestPart[] {
  if (!Array.isArray(list)) throw bad(file, field, 'expected a list of parts');
  return list.map((e, i): ManifestPart => {
    const at = `${field}[${i}]`;
    if (!isObject(e) || typeof e['url'] !== 'string') throw bad(file, `${at}.url`, 'expected the URL of a part');
    const meta = e['meta'];
    if (!isObject(meta)) throw bad(file, `${at}.meta`, 'expected {content_length, record_count}');
    for (const k of ['content_length', 'record_count'] as const) {
      const v = meta[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(file, `${at}.meta.${k}`, `expected a whole number, got ${JSON.stringify(v)}`);
    }
    const mapped = partPath(e['url']);
    if (!mapped) throw bad(file, `${at}.url`, `cannot tell the part's path from "${e['url']}" (expected …/data/<entity>/updated_date=…/part_NNN.gz)`);
    if (entity && mapped.entity !== entity) throw bad(file, `${at}.url`, `"${e['url']}" is not a part of entity ${entity}`);
    return { url: e['url'], entity: mapped.entity, rest: mapped.rest, contentLength: meta['content_length'] as number, recordCount: meta['record_count'] as number };
  });
}

/** Parse a manifest's text; null when it is not one of the three manifest shapes (another file that happens to be named so). */
export function parseSnapshotManifest(file: string, text: string): SnapshotManifest | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  if (Array.isArray(json['entities'])) {
    const parts = json['entities'].flatMap((ent, i) => {
      if (!isObject(ent) || typeof ent['entity'] !== 'string' || !/^[a-z_-]+$/i.test(ent['entity'])) throw bad(file, `entities[${i}].entity`, 'expected the name of an entity');
      return readParts(file, ent['files'], `entities[${i}].files`, ent['entity']);
    });
    return { shape: 'combined', entity: null, parts, json };
  }
  if (Array.isArray(json['files'])) {
    const entity = typeof json['entity'] === 'string' ? json['entity'] : null;
    const parts = readParts(file, json['files'], 'files', entity);
    return { shape: 'entity', entity: entity ?? parts[0]?.entity ?? null, parts, json };
  }
  if (Array.isArray(json['entries'])) {
    const parts = readParts(file, json['entries'], 'entries', null);
    return { shape: 'legacy', entity: parts[0]?.entity ?? null, parts, json };
  }
  return null;
}

/** Where a manifest's part lies on disk: beside the manifest in its entity folder, or (combined) in `<entity>/` beside it. */
export function localPartFile(manifestFile: string, shape: ManifestShape, part: ManifestPart): string {
  const dir = path.dirname(manifestFile);
  return shape === 'combined' ? path.join(dir, part.entity, ...part.rest.split('/')) : path.join(dir, ...part.rest.split('/'));
}

async function readManifest(file: string): Promise<LocalManifest | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const m = parseSnapshotManifest(file, text);
  return m && { ...m, file, localFiles: m.parts.map((p) => localPartFile(file, m.shape, p)) };
}

const isInside = (file: string, dir: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * The manifests that speak for a folder: those in it or below it (hidden folders aside), or else the nearest
 * found in the three folders above it (the folder given may be one entity's, or a partition of one), limited
 * to the parts inside the folder.
 */
export async function findSnapshotManifests(dir: string): Promise<LocalManifest[]> {
  const root = path.resolve(dir);
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const found: LocalManifest[] = [];
  for (const e of entries) {
    if (!e.isFile() || !MANIFEST_NAMES.has(e.name)) continue;
    const full = path.join(e.parentPath, e.name);
    if (path.relative(root, full).split(path.sep).some((s) => s.startsWith('.'))) continue;
    const m = await readManifest(full);
    if (m) found.push(m);
  }
  if (found.length) return found.sort((a, b) => (a.file < b.file ? -1 : 1));
  let up = root;
  for (let level = 0; level < 3; level++) {
    const parent = path.dirname(up);
    if (parent === up) break;
    up = parent;
    const here: LocalManifest[] = [];
    for (const name of MANIFEST_NAMES) {
      const m = await readManifest(path.join(up, name));
      if (!m) continue;
      const keep = m.localFiles.map((f) => isInside(f, root));
      if (keep.some(Boolean)) here.push({ ...m, parts: m.parts.filter((_, i) => keep[i]), localFiles: m.localFiles.filter((_, i) => keep[i]) });
    }
    if (here.length) return here;
  }
  return [];
}

/** Records in a part: non-empty lines of its gunzipped text (a gzip part) or of the file itself, streamed. */
export async function countRecords(file: string): Promise<number> {
  const gz = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  let lines = 0;
  let lineBytes = 0; // bytes of the current line so far, a trailing \r not counted
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      let len = nl - from;
      if (len > 0 && chunk[nl - 1] === 13) len--;
      if (lineBytes + len > 0) lines++;
      lineBytes = 0;
      from = nl + 1;
    }
    lineBytes += chunk.length - from;
  }
  return lineBytes > 0 ? lines + 1 : lines;
}

function partError(m: LocalManifest, i: number, what: string, details: Record<string, unknown>): AtlasError {
  const part = m.localFiles[i]!;
  return new AtlasError('BAD_INPUT', `${m.file}: part ${part} ${what}; download it again (atlas pull openalex-snapshot) before ingesting`, {
    details: { manifest: m.file, part, url: m.parts[i]!.url, ...details },
  });
}

/**
 * Check a snapshot folder against its manifests: every listed part present, of the stated length, and holding the
 * stated number of records. Throws an AtlasError (BAD_INPUT) naming the manifest, the part and what differs;
 * presence and lengths are checked for all parts before any is counted, so a short download is found at once.
 * Returns null when no manifest speaks for the folder.
 */
export async function checkSnapshotFolder(dir: string, options: SnapshotCheckOptions = {}): Promise<(SnapshotCheck & { manifestFiles: LocalManifest[] }) | null> {
  const manifests = await findSnapshotManifests(dir);
  if (manifests.length === 0) return null;
  const notDownloaded = new Set<string>();
  const todo: { m: LocalManifest; i: number; bytes: number }[] = [];
  for (const m of manifests) {
    const absent = new Set<string>();
    if (m.shape === 'combined') {
      for (const entity of new Set(m.parts.map((p) => p.entity))) {
        const st = await stat(path.join(path.dirname(m.file), entity)).catch(() => null);
        if (!st?.isDirectory()) absent.add(entity);
      }
    }
    for (const [i, part] of m.parts.entries()) {
      if (absent.has(part.entity)) {
        notDownloaded.add(part.entity);
        continue;
      }
      const st = await stat(m.localFiles[i]!).catch(() => null);
      if (!st?.isFile()) throw partError(m, i, `is missing (listed as ${part.url})`, { field: 'missing' });
      if (st.size !== part.contentLength) {
        throw partError(m, i, `has ${st.size} bytes, the manifest says ${part.contentLength} (content_length)`, { field: 'content_length', expected: part.contentLength, found: st.size });
      }
      todo.push({ m, i, bytes: st.size });
    }
  }
  const counted = new Map<string, number>();
  let records = 0;
  let bytes = 0;
  for (const [n, { m, i, bytes: size }] of todo.entries()) {
    const file = m.localFiles[i]!;
    const expected = m.parts[i]!.recordCount;
    options.onProgress?.({ manifest: m.file, part: file, done: n, total: todo.length });
    let found = counted.get(file);
    if (found === undefined) {
      found = await countRecords(file).catch((e: unknown) => {
        throw partError(m, i, `cannot be read as gzipped JSON lines (${(e as Error).message})`, { field: 'record_count' });
      });
      counted.set(file, found);
    }
    if (found !== expected) throw partError(m, i, `holds ${found} records, the manifest says ${expected} (record_count)`, { field: 'record_count', expected, found });
    records += expected;
    bytes += size;
  }
  options.onProgress?.({ manifest: manifests.at(-1)!.file, part: '', done: todo.length, total: todo.length });
  return { manifests: manifests.map((m) => m.file), manifestFiles: manifests, parts: todo.length, bytes, records, notDownloaded: [...notDownloaded].sort() };
}
