/**
 * Named typed arrays and string lists in one file, read back in one sequential read: how an in-memory structure
 * built from the store (the search index, the tie graph) is kept for the next process. Layout: "ATLASAB1", u32 header length, the
 * header as JSON (meta, and the name, type and length of each section), then each section at an 8-byte boundary —
 * arrays as they are in memory (little-endian), string lists as UTF-8 lines. Written to a temporary name and
 * renamed, so a reader sees a whole file or none; anything that is not one whole bundle reads as null.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

const MAGIC = 'ATLASAB1';
const KINDS = { i32: Int32Array, f32: Float32Array, f64: Float64Array, u8: Uint8Array, i8: Int8Array, u16: Uint16Array } as const;
type Kind = keyof typeof KINDS;
export type BundleArray = Int32Array<ArrayBufferLike> | Float32Array<ArrayBufferLike> | Float64Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike> | Int8Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike>;

interface Section {
  name: string;
  kind: Kind | 'lines';
  /** Elements, or lines. */
  length: number;
  bytes: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

function kindOf(a: BundleArray): Kind {
  for (const [k, C] of Object.entries(KINDS)) if (a instanceof C) return k as Kind;
  throw new Error('unsupported array type');
}

export interface Bundle<M> {
  meta: M;
  arrays: Record<string, BundleArray>;
  /** String lists; no string may contain a line break (writeBundle refuses them). */
  lines: Record<string, readonly string[]>;
}

/** A bundle as the bytes of its file, in parts (so a large one is never copied into one buffer); null when a line holds a line break. */
export function encodeBundle<M>(b: Bundle<M>): Buffer[] | null {
  for (const list of Object.values(b.lines)) if (list.some((s) => s.includes('\n'))) return null;
  const body: Buffer[] = [];
  const sections: Section[] = [];
  for (const [name, a] of Object.entries(b.arrays)) {
    const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    sections.push({ name, kind: kindOf(a), length: a.length, bytes: buf.length });
    body.push(buf, Buffer.alloc(align8(buf.length) - buf.length));
  }
  for (const [name, list] of Object.entries(b.lines)) {
    const buf = Buffer.from(list.join('\n'), 'utf8');
    sections.push({ name, kind: 'lines', length: list.length, bytes: buf.length });
    body.push(buf, Buffer.alloc(align8(buf.length) - buf.length));
  }
  const head = Buffer.from(JSON.stringify({ meta: b.meta, sections }), 'utf8');
  const pre = Buffer.alloc(align8(12 + head.length));
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(head.length, 8);
  head.copy(pre, 12);
  return [pre, ...body];
}

/** Write a bundle to `file` (its folder is made); false, with nothing left behind, when it could not be. */
export function writeBundle<M>(file: string, b: Bundle<M>): boolean {
  const parts = encodeBundle(b);
  if (!parts) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      for (const part of parts) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true }); // a full disk costs the next process a rebuild, nothing else
    return false;
  }
}

/** The meta of a bundle file, read from its first bytes only; null when it is not a bundle. */
export function readBundleMeta<M>(file: string): M | null {
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
    return 12 + len <= n ? (JSON.parse(head.toString('utf8', 12, 12 + len)) as { meta: M }).meta : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Read a bundle; null when the file is missing or not one whole bundle. */
export function readBundle<M>(file: string, options: { lazyLines?: readonly string[] } = {}): Bundle<M> | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  return decodeBundle<M>(bytes, options);
}

/**
 * A string list read from a bundle without making a string of every line: an array-like (index, length,
 * iteration) whose lines are decoded when asked for — for lists of millions of which a query reads a handful.
 */
function lazyLines(buf: Buffer, start: number, bytes: number, count: number): string[] | null {
  const ends = new Int32Array(count);
  let n = 0;
  for (let i = buf.indexOf(10, start), end = start + bytes; i >= 0 && i < end; i = buf.indexOf(10, i + 1)) {
    if (n === count) return null;
    ends[n++] = i;
  }
  if (n !== count - 1) return null;
  ends[n] = start + bytes;
  const at = (i: number): string | undefined => (i >= 0 && i < count ? buf.toString('utf8', i === 0 ? start : (ends[i - 1] as number) + 1, ends[i]) : undefined);
  return new Proxy([] as string[], {
    get(target, prop, receiver) {
      if (typeof prop === 'string') {
        if (prop === 'length') return count;
        const c = prop.charCodeAt(0);
        if (c >= 48 && c <= 57) return at(Number(prop));
      }
      if (prop === Symbol.iterator) return function* () { for (let i = 0; i < count; i++) yield at(i) as string; };
      return Reflect.get(target, prop, receiver);
    },
    // so that Array.prototype methods called on it (map, forEach, slice) see every line
    has(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) return Number(prop) < count;
      return Reflect.has(target, prop);
    },
  });
}

export function decodeBundle<M>(bytes: Buffer, options: { lazyLines?: readonly string[] } = {}): Bundle<M> | null {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  const headLen = bytes.readUInt32LE(8);
  let header: { meta: M; sections: Section[] };
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headLen)) as { meta: M; sections: Section[] };
  } catch {
    return null;
  }
  const buf = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  let at = align8(12 + headLen);
  const arrays: Record<string, BundleArray> = {};
  const lines: Record<string, string[]> = {};
  for (const s of header.sections) {
    if (at + s.bytes > buf.length) return null;
    if (s.kind === 'lines') {
      const lazy = s.length > 0 && options.lazyLines?.includes(s.name);
      const list = s.length === 0 ? [] : lazy ? lazyLines(buf, at, s.bytes, s.length) : buf.toString('utf8', at, at + s.bytes).split('\n');
      if (!list || list.length !== s.length) return null;
      lines[s.name] = list;
    } else {
      const C = KINDS[s.kind];
      if (!C || s.bytes !== s.length * C.BYTES_PER_ELEMENT) return null;
      arrays[s.name] = new C(buf.buffer as ArrayBuffer, buf.byteOffset + at, s.length);
    }
    at = align8(at + s.bytes);
  }
  if (at !== buf.length) return null;
  return { meta: header.meta, arrays, lines };
}
