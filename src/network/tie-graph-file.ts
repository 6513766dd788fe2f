/**
 * The tie graph kept on disk, so a new process (every CLI call, a server's first request) reads it in one
 * sequential read instead of rebuilding it from every authorship. A file holds one graph for one parameter set
 * and names the data version it was built from (store/repo/data-version.ts); a file of another version is never
 * used, and is deleted as soon as it is found (an erased person's id must not linger in it).
 *
 * Layout (little-endian): "ATLASTG2", u32 header length, the header as JSON, then, each at an 8-byte boundary,
 * weights (f64), costs (f64), offsets (i32, n + 1), targets (i32), kinds (u8), the node indices in order of their
 * ids (i32, n: the look-up by id bisects it, SortedIdIndex) and the node ids as UTF-8 joined by "\n". Files are written to a temporary name and renamed, so a reader sees a whole file or none.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { SortedIdIndex, type TieGraph } from './csr.ts';
import type { ResolvedTieParams } from './tie-graph.ts';

const MAGIC = 'ATLASTG2';
const SUFFIX = '.tiegraph';

interface Header {
  version: string;
  params: [number, number, number];
  nodes: number;
  entries: number;
  idBytes: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

const paramsKey = (p: ResolvedTieParams): [number, number, number] => [p.halfLife, p.maxAuthors, p.refYear];

function fileFor(dir: string, p: ResolvedTieParams): string {
  const key = createHash('sha1').update(JSON.stringify(paramsKey(p))).digest('hex').slice(0, 16);
  return path.join(dir, `tie-graph-${key}${SUFFIX}`);
}

/** Serialise a graph to bytes (the layout above). */
export function encodeTieGraph(graph: TieGraph, version: string, p: ResolvedTieParams): Buffer[] {
  const ids = Buffer.from(graph.ids.join('\n'), 'utf8');
  const header: Header = { version, params: paramsKey(p), nodes: graph.ids.length, entries: graph.targets.length, idBytes: ids.length };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(align8(12 + head.length));
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(head.length, 8);
  head.copy(pre, 12);
  const pad = (b: Buffer): Buffer[] => (b.length % 8 ? [b, Buffer.alloc(align8(b.length) - b.length)] : [b]);
  const view = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const order = SortedIdIndex.orderOf(graph.ids);
  return [pre, view(graph.weights), view(graph.costs), ...pad(view(graph.offsets)), ...pad(view(graph.targets)), ...pad(view(graph.kinds)), ...pad(view(order)), ids];
}

/** Read a graph from bytes written by encodeTieGraph; null when they are not one (or not whole). */
export function decodeTieGraph(bytes: Buffer): { graph: TieGraph; version: string; params: [number, number, number] } | null {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  const headLen = bytes.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headLen)) as Header;
  } catch {
    return null;
  }
  const { nodes: n, entries: m, idBytes } = header;
  // Typed arrays need aligned offsets into their buffer: copy once if the read did not give an aligned one.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  let at = align8(12 + headLen);
  const take = <T>(make: (b: ArrayBuffer, off: number, len: number) => T, len: number, size: number): T => {
    const out = make(buf.buffer as ArrayBuffer, buf.byteOffset + at, len);
    at = align8(at + len * size);
    return out;
  };
  const expected = align8(12 + headLen) + 16 * m + align8(4 * (n + 1)) + align8(4 * m) + align8(m) + align8(4 * n) + idBytes;
  if (buf.length !== expected) return null;
  const weights = take((b, o, l) => new Float64Array(b, o, l), m, 8);
  const costs = take((b, o, l) => new Float64Array(b, o, l), m, 8);
  const offsets = take((b, o, l) => new Int32Array(b, o, l), n + 1, 4);
  const targets = take((b, o, l) => new Int32Array(b, o, l), m, 4);
  const kinds = take((b, o, l) => new Uint8Array(b, o, l), m, 1);
  const order = take((b, o, l) => new Int32Array(b, o, l), n, 4);
  const ids = n === 0 ? [] : buf.toString('utf8', at, at + idBytes).split('\n');
  if (ids.length !== n || offsets[n] !== m) return null;
  for (let i = 1; i < n; i++) if (!((ids[order[i - 1] as number] as string) < (ids[order[i] as number] as string))) return null;
  const index = new SortedIdIndex(ids, order);
  return { graph: { ids, index, offsets, targets, weights, costs, kinds }, version: header.version, params: header.params };
}

/** The graph on disk for these parameters if it was built from this data version; a file of another is deleted. */
export function readTieGraphFile(dir: string | null, version: string, p: ResolvedTieParams): TieGraph | null {
  if (!dir) return null;
  const file = fileFor(dir, p);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  const got = decodeTieGraph(bytes);
  if (got && got.version === version && JSON.stringify(got.params) === JSON.stringify(paramsKey(p))) return got.graph;
  rmSync(file, { force: true });
  return null;
}

/** Keep the graph on disk for the next process; files of other parameter sets beyond `keep` go, oldest first. */
export function writeTieGraphFile(dir: string | null, graph: TieGraph, version: string, p: ResolvedTieParams, keep = 2): void {
  if (!dir || graph.ids.some((id) => id.includes('\n'))) return; // ids are stored one per line
  mkdirSync(dir, { recursive: true });
  const file = fileFor(dir, p);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const part of encodeTieGraph(graph, version, p)) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a full disk costs the next process a rebuild, nothing else
    return;
  }
  // Files of another data version are of no use to anyone (and may name an erased person): they go; of the
  // rest, the newest `keep` stay.
  const others = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX) && path.join(dir, f) !== file)
    .map((f) => path.join(dir, f))
    .filter((f) => (headerOf(f)?.version === version ? true : (rmSync(f, { force: true }), false)))
    .map((f) => ({ f, at: statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.at - b.at);
  for (const { f } of others.slice(0, Math.max(0, others.length - (keep - 1)))) rmSync(f, { force: true });
}

/** The header of a graph file (read from its first bytes), or null. */
function headerOf(file: string): Header | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < 12 || head.toString('latin1', 0, 8) !== MAGIC) return null;
    const len = head.readUInt32LE(8);
    return 12 + len <= n ? (JSON.parse(head.toString('utf8', 12, 12 + len)) as Header) : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Delete every graph file of a store (after an erasure: no file may still hold the person). */
export function purgeTieGraphFiles(dir: string | null): void {
  if (!dir) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (f.endsWith(SUFFIX) || f.endsWith('.tmp')) rmSync(path.join(dir, f), { force: true });
}
