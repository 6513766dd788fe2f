/**
 * Named typed arrays and string lists in one file, read back in one sequential read: how an in-memory structure
 * built from the store (the search index, the tie graph) is kept for the next process. Layout: "ATLASAB1", u32 header length, the
 * header as JSON (meta, and the name, type and length of each section), then each section at an 8-byte boundary —
 * arrays as they are in memory (little-endian), string lists as UTF-8 lines. Written to a temporary name and
 * renamed, so a reader sees a whole file or none; anything that is not one whole bundle reads as null. A reader that
 * needs only some sections, or parts of them, keeps the file open instead (BundleFile) and reads them when asked.
 */
import { closeSync, fstatSync, mkdirSync, openSync, read, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { listView, registerSource, sourceOf, type LineBytes, type LineRange, type LineRun, type LineSource } from './line-source.ts';

export { listView };

const MAGIC = 'ATLASAB1';
/** The suffix of the section holding an indexed list's line ends (byte offsets in its section, each line's end excluded). */
export const ENDS = '.ends';
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
  /**
   * Lists of `lines` written with each line's end as well (a section "<name>.ends"), so that a reader can read one
   * line without the others (file-lines.ts).
   */
  indexed?: readonly string[];
}

/** A bundle as the bytes of its file, in parts (so a large one is never copied into one buffer); null when a line holds a line break. */
export function encodeBundle<M>(b: Bundle<M>): Buffer[] | null {
  const parts = encodeParts(b);
  return parts && parts.map((p) => (Buffer.isBuffer(p) ? p : bytesOfRange(p)));
}

/** A range's bytes in new memory. */
function bytesOfRange(r: LineRange): Buffer {
  const out = Buffer.allocUnsafe(r.length);
  let at = 0;
  r.copy((chunk) => {
    out.set(chunk, at);
    at += chunk.length;
  });
  return out;
}

/** encodeBundle's parts, lines kept in another file left as ranges of it (copied when written). */
function encodeParts<M>(b: Bundle<M>): Array<Buffer | LineRange> | null {
  const body: Array<Buffer | LineRange> = [];
  const sections: Section[] = [];
  for (const [name, a] of Object.entries(b.arrays)) {
    const buf = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    sections.push({ name, kind: kindOf(a), length: a.length, bytes: buf.length });
    body.push(buf, Buffer.alloc(align8(buf.length) - buf.length));
  }
  const indexed = new Set(b.indexed ?? []);
  const endsOf = new Map<string, Float64Array>();
  for (const [name, list] of Object.entries(b.lines)) {
    const lines = encodeLines(list, indexed.has(name));
    if (!lines) return null;
    sections.push({ name, kind: 'lines', length: list.length, bytes: lines.bytes });
    body.push(...lines.parts, Buffer.alloc(align8(lines.bytes) - lines.bytes));
    if (lines.ends) endsOf.set(name, lines.ends);
  }
  for (const name of indexed) {
    const ends = endsOf.get(name) ?? new Float64Array(0);
    const buf = Buffer.from(ends.buffer, ends.byteOffset, ends.byteLength);
    sections.push({ name: `${name}${ENDS}`, kind: 'f64', length: ends.length, bytes: buf.length });
    body.push(buf);
  }
  const head = Buffer.from(JSON.stringify({ meta: b.meta, sections }), 'utf8');
  const pre = Buffer.alloc(align8(12 + head.length));
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(head.length, 8);
  head.copy(pre, 12);
  return [pre, ...body];
}

/** Bytes of a part of an encoded list (one longer line takes a part of its own). */
const PART_BYTES = 16 << 20;

/**
 * A list as UTF-8 lines, in parts, with each line's end (byte offset, its line break excluded) when asked for; null
 * when a line holds a line break. Each line is written into the part in place: joining millions of lines into one
 * string and encoding that (then measuring each line again for its end) took ~3× as long, and a list's joined text
 * can outgrow V8's longest string (2^29 characters). Lines a source holds as bytes (a file's, read whole: file-lines.ts;
 * the runs of a LineSplice over them: line-source.ts) are copied as bytes, without making their strings.
 */
function encodeLines(list: readonly string[], withEnds: boolean): { parts: Array<Buffer | LineRange>; bytes: number; ends: Float64Array | null } | null {
  const src = sourceOf(list);
  const runs: readonly LineRun[] = src.runs ?? [{ src, from: 0, to: list.length }];
  const w = new LinesWriter(list.length, withEnds);
  for (const r of runs) {
    const range = r.from < r.to ? (r.src.rangeOf?.(r.from, r.to) ?? null) : null;
    const bytes = r.from < r.to && !range ? (r.src.bytesOf?.(r.from, r.to) ?? null) : null;
    if (range) w.range(range, r.to - r.from);
    else if (bytes) w.bytes(bytes, r.to - r.from);
    else if (r.src === src && !src.runs) {
      for (let i = 0; i < list.length; i++) if (!w.line(list[i] as string)) return null;
    } else for (let i = r.from; i < r.to; i++) if (!w.line(r.src.at(i) as string)) return null;
  }
  return w.finish();
}

/** Bytes of lines copied into the current part rather than given a part of their own. */
const COPY_BYTES = 64 << 10;
/** Line ends of a file's range read at a time. */
const ENDS_SLICE = 1 << 20;

/** Lines written one after the other into parts of PART_BYTES, a line break between two. */
class LinesWriter {
  private readonly parts: Array<Buffer | LineRange> = [];
  private readonly ends: Float64Array | null;
  private part = Buffer.allocUnsafe(PART_BYTES);
  private at = 0;
  /** Bytes in the parts pushed so far. */
  private done = 0;
  private lines = 0;

  constructor(
    private readonly count: number,
    withEnds: boolean,
  ) {
    this.ends = withEnds ? new Float64Array(count) : null;
  }

  /** One line; false when it holds a line break. */
  line(line: string): boolean {
    if (line.includes('\n')) return false;
    this.room(line.length * 3 + 1); // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.at += this.part.write(line, this.at, 'utf8');
    this.ended();
    return true;
  }

  /** `count` lines given as their bytes. */
  bytes(b: LineBytes, count: number): void {
    const base = this.done + this.at;
    if (b.bytes.length + 1 <= COPY_BYTES) {
      this.room(b.bytes.length + 1);
      this.at += b.bytes.copy(this.part, this.at);
    } else {
      this.flush();
      this.parts.push(b.bytes);
      this.done += b.bytes.length;
    }
    for (let k = 0; k < count; k++) {
      if (this.ends) this.ends[this.lines] = base + b.end(k);
      this.lines++;
    }
    this.separate();
  }

  /** `count` lines kept in another file: copied into the current part when short, else a part of their own, copied when written. */
  range(r: LineRange, count: number): void {
    const base = this.done + this.at;
    if (r.length + 1 <= COPY_BYTES) {
      this.room(r.length + 1);
      r.copy((chunk) => {
        this.part.set(chunk, this.at);
        this.at += chunk.length;
      });
    } else {
      this.flush();
      this.parts.push(r);
      this.done += r.length;
    }
    // the ends, when the list keeps them, in slices (a run can hold millions of lines)
    const ends = this.ends;
    if (!ends) this.lines += count;
    else
      for (let k0 = 0; k0 < count; k0 += ENDS_SLICE) {
        const e = r.ends(k0, Math.min(count, k0 + ENDS_SLICE));
        for (let k = 0; k < e.length; k++) ends[this.lines++] = base + (e[k] as number);
      }
    this.separate();
  }

  finish(): { parts: Array<Buffer | LineRange>; bytes: number; ends: Float64Array | null } {
    if (this.lines !== this.count) throw new Error(`a list of ${this.count} lines gave ${this.lines}`);
    this.flush();
    return { parts: this.parts, bytes: this.done, ends: this.ends };
  }

  private ended(): void {
    if (this.ends) this.ends[this.lines] = this.done + this.at;
    this.lines++;
    this.separate();
  }

  /** The line break after a line that is not the last. */
  private separate(): void {
    if (this.lines >= this.count) return;
    this.room(1);
    this.part[this.at++] = 10;
  }

  private room(n: number): void {
    if (this.at + n <= this.part.length) return;
    this.flush();
    this.part = Buffer.allocUnsafe(Math.max(PART_BYTES, n));
  }

  private flush(): void {
    if (this.at > 0) {
      this.parts.push(this.part.subarray(0, this.at));
      this.done += this.at;
      this.part = this.part.subarray(this.at);
      this.at = 0;
    }
  }
}

/** Write a bundle to `file` (its folder is made); false, with nothing left behind, when it could not be. */
export function writeBundle<M>(file: string, b: Bundle<M>): boolean {
  const parts = encodeParts(b);
  if (!parts) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(tmp, 'w');
    const write = (part: Uint8Array): void => {
      for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
    };
    try {
      for (const part of parts) {
        if (Buffer.isBuffer(part)) write(part);
        else part.copy(write);
      }
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

/** A file opened for reading; null when it cannot be (missing, unreadable). */
function openOrNull(file: string): number | null {
  try {
    return openSync(file, 'r');
  } catch {
    return null;
  }
}

/** The meta of a bundle file, read from its first bytes only; null when it is not a bundle. */
export function readBundleMeta<M>(file: string): M | null {
  const fd = openOrNull(file);
  if (fd === null) return null;
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

/** The header of a bundle: its meta, and where each section lies (byte offsets in the file); null when it is not one of `size` bytes. */
function layoutOf<M>(head: Buffer, size: number): { meta: M; sections: Map<string, SectionAt> } | null {
  if (head.length < 12 || head.toString('latin1', 0, 8) !== MAGIC) return null;
  const headLen = head.readUInt32LE(8);
  if (12 + headLen > head.length) return null;
  let header: { meta: M; sections: Section[] };
  try {
    header = JSON.parse(head.toString('utf8', 12, 12 + headLen)) as { meta: M; sections: Section[] };
  } catch {
    return null;
  }
  if (!Array.isArray(header.sections)) return null;
  const sections = new Map<string, SectionAt>();
  let at = align8(12 + headLen);
  for (const s of header.sections) {
    if (s.kind !== 'lines' && !(Object.hasOwn(KINDS, s.kind) && s.bytes === s.length * KINDS[s.kind].BYTES_PER_ELEMENT)) return null;
    if (!(Number.isInteger(s.bytes) && s.bytes >= 0 && at + s.bytes <= size)) return null;
    sections.set(s.name, { ...s, at });
    at = align8(at + s.bytes);
  }
  return at === size ? { meta: header.meta, sections } : null;
}

/** Where a section lies in its bundle's file. */
export interface SectionAt extends Section {
  /** Byte offset in the file. */
  at: number;
}

/** The lines of a string-list section (its bytes in `buf` from `start`), each found by the end of the one before. */
export class LineList implements LineSource {
  private constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly ends: Int32Array,
  ) {}

  /** null when the bytes do not hold exactly `count` lines. */
  static of(buf: Buffer, start: number, bytes: number, count: number): LineList | null {
    const ends = new Int32Array(count);
    let n = 0;
    for (let i = buf.indexOf(10, start), end = start + bytes; i >= 0 && i < end; i = buf.indexOf(10, i + 1)) {
      if (n === count) return null;
      ends[n++] = i;
    }
    if (n !== count - 1) return null;
    ends[n] = start + bytes;
    return new LineList(buf, start, ends);
  }

  /** Lines of `buf` (from its start, `bytes` long) ending at `ends`; null when the ends are not each at a line break, rising, the last at the end. */
  static ofEnds(buf: Buffer, bytes: number, ends: Float64Array): LineList | null {
    const count = ends.length;
    const at = new Int32Array(count);
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const e = ends[i] as number;
      if (!(e > prev && (i < count - 1 ? e < bytes && buf[e] === 10 : e === bytes))) return null;
      at[i] = e;
      prev = e;
    }
    return new LineList(buf, 0, at);
  }

  get length(): number {
    return this.ends.length;
  }

  private from(i: number): number {
    return i === 0 ? this.start : (this.ends[i - 1] as number) + 1;
  }

  at(i: number): string | undefined {
    return i >= 0 && i < this.ends.length ? this.buf.toString('utf8', this.from(i), this.ends[i]) : undefined;
  }

  bytesOf(from: number, to: number): LineBytes {
    const start = this.from(from);
    const { ends } = this;
    return { bytes: this.buf.subarray(start, ends[to - 1]), end: (k) => (ends[from + k] as number) - start };
  }

  private plain: boolean | undefined;

  /**
   * The line of `order` (line numbers in ascending order of their lines) that equals `id`, found by bisection
   * comparing bytes (no string made); undefined when there is none. UTF-8 byte order is code point order, and
   * JavaScript's is code unit order: they differ only where a character of U+E000–U+FFFF meets one past U+FFFF (a
   * surrogate pair). So: null — the caller compares strings — when a line holds a character of U+E000–U+FFFF (lead
   * byte 0xEE or 0xEF) or `id` holds a code unit of U+D800 and up.
   */
  find(id: string, order: Int32Array): number | undefined | null {
    const key = this.keyOf(id);
    if (!key) return null;
    const { buf, ends } = this;
    let lo = 0, hi = order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = order[mid] as number;
      const c = buf.compare(key, 0, key.length, this.from(i), ends[i]);
      if (c === 0) return i;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * For lines in ascending order: the first of [lo, hi) that is not below `id`, by bisection comparing bytes (hi when
   * none); null when bytes cannot stand for strings here (find).
   */
  lowerBound(id: string, lo = 0, hi = this.ends.length): number | null {
    const key = this.keyOf(id);
    if (!key) return null;
    const { buf, ends } = this;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (buf.compare(key, 0, key.length, this.from(mid), ends[mid]) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `id` as UTF-8 bytes, when byte order is string order between it and these lines (find); else null. */
  private keyOf(id: string): Buffer | null {
    this.plain ??= !this.holdsAny([0xee, 0xef]);
    if (!this.plain) return null;
    for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) >= 0xd800) return null;
    return Buffer.from(id, 'utf8');
  }

  /** Every line, made now. */
  all(): string[] {
    return this.ends.length ? this.buf.toString('utf8', this.start, this.end).split('\n') : [];
  }

  /** Where the lines end in `buf`. */
  private get end(): number {
    return this.ends.length ? (this.ends[this.ends.length - 1] as number) : this.start;
  }

  /** Whether any of these bytes is among the lines' bytes. */
  private holdsAny(bytes: readonly number[]): boolean {
    return bytes.some((b) => {
      const i = this.buf.indexOf(b, this.start);
      return i >= 0 && i < this.end;
    });
  }

  /**
   * Whether the lines at these indices are in strictly ascending JavaScript string order, compared as bytes (no
   * string made): UTF-8 byte order is code point order, which is JavaScript's (UTF-16 code unit) order except
   * between a character of U+E000–U+FFFF and one past U+FFFF — lead bytes 0xEE and up, compared as strings.
   */
  ascending(order: Int32Array): boolean {
    const { buf } = this;
    // Lines in their own order (a tie graph numbered by id: csr.ts) are compared in the loop below, each with the
    // next one in memory (~30 ms for a million ids). In another order, and no lead byte of U+E000 and up in the
    // lines (byte order is string order), they are compared natively (Buffer#compare: the loop below took 125 ms
    // for a million ids at random places, each compare a cache miss).
    let inOrder = true;
    for (let k = 0; k < order.length && inOrder; k++) inOrder = order[k] === k;
    if (!inOrder && !this.holdsAny([0xee, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4])) {
      for (let k = 1; k < order.length; k++) {
        const i = order[k - 1] as number, j = order[k] as number;
        // line i (the source) must come before line j (the target)
        if (buf.compare(buf, this.from(j), this.ends[j], this.from(i), this.ends[i]) >= 0) return false;
      }
      return true;
    }
    for (let k = 1; k < order.length; k++) {
      const i = order[k - 1] as number, j = order[k] as number;
      let a = this.from(i), b = this.from(j);
      const aEnd = this.ends[i] as number, bEnd = this.ends[j] as number;
      while (a < aEnd && b < bEnd && buf[a] === buf[b]) a++, b++;
      if (b === bEnd) return false; // equal, or line j is a prefix of line i
      if (a === aEnd) continue; // line i is a prefix of line j
      const x = buf[a] as number, y = buf[b] as number;
      if (x >= 0xee || y >= 0xee ? !((this.at(i) as string) < (this.at(j) as string)) : x > y) return false;
    }
    return true;
  }

  /**
   * The lines as an array-like (index, length, iteration) whose lines are decoded when asked for — for lists of
   * millions of which a query reads a handful.
   */
  toArray(): string[] {
    const view = listView(this.length, (i) => this.at(i));
    registerSource(view, this);
    return view;
  }
}

/** A string list of `count` lines from `bytes` bytes of `buf` at `start`, eager or lazy (LineList); null when the count is wrong. */
function linesOf(buf: Buffer, start: number, bytes: number, count: number, lazy: boolean): string[] | null {
  if (count === 0) return bytes === 0 ? [] : null;
  const list = lazy ? (LineList.of(buf, start, bytes, count)?.toArray() ?? null) : buf.toString('utf8', start, start + bytes).split('\n');
  return list && list.length === count ? list : null;
}

export function decodeBundle<M>(bytes: Buffer, options: { lazyLines?: readonly string[] } = {}): Bundle<M> | null {
  const layout = layoutOf<M>(bytes, bytes.length);
  if (!layout) return null;
  const buf = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  const arrays: Record<string, BundleArray> = {};
  const lines: Record<string, string[]> = {};
  for (const s of layout.sections.values()) {
    if (s.kind === 'lines') {
      const list = linesOf(buf, s.at, s.bytes, s.length, options.lazyLines?.includes(s.name) ?? false);
      if (!list) return null;
      lines[s.name] = list;
    } else {
      arrays[s.name] = new KINDS[s.kind](buf.buffer as ArrayBuffer, buf.byteOffset + s.at, s.length);
    }
  }
  return { meta: layout.meta, arrays, lines };
}

/** Descriptors of BundleFiles collected while open: closed then. */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
});

/** Bytes per chunk of BundleFile.copyBytes, and its buffer (made on first use, kept: every copy is synchronous). */
const COPY_CHUNK = 4 << 20;
let copyBuffer: Buffer | null = null;

/** Bytes per read: a read of 2 GiB or more is refused by the platform. */
const READ_CHUNK = 1 << 30;

/**
 * A bundle file kept open after its header was read, whose sections are read when asked — whole, or some of their
 * elements. Every read is from the file that was opened (the same inode): writers put a new bundle in place by
 * renaming it over the old one and never write into a file, so a file replaced or deleted since by another process
 * reads as it was when opened. The descriptor is closed by close(), or when this object is collected (until then, a
 * deleted file keeps its disk space); a read after close() throws.
 */
export class BundleFile<M> {
  private fd: number | null;

  private constructor(
    /** The path it was opened at (for messages: another file may be there by now). */
    readonly path: string,
    fd: number,
    readonly meta: M,
    private readonly sections: ReadonlyMap<string, SectionAt>,
  ) {
    this.fd = fd;
    openFiles.register(this, fd, this);
  }

  /** The bundle at `file`, its header read; null when the file is missing or not one whole bundle. */
  static open<M>(file: string): BundleFile<M> | null {
    const fd = openOrNull(file);
    if (fd === null) return null;
    try {
      const size = fstatSync(fd).size;
      let head = Buffer.alloc(Math.min(size, 64 * 1024));
      let n = readSync(fd, head, 0, head.length, 0);
      const headLen = n >= 12 ? head.readUInt32LE(8) : 0;
      if (n >= 12 && 12 + headLen > n && 12 + headLen <= size) {
        head = Buffer.alloc(12 + headLen);
        n = readSync(fd, head, 0, head.length, 0);
      }
      const layout = layoutOf<M>(head.subarray(0, n), size);
      if (layout) return new BundleFile<M>(file, fd, layout.meta, layout.sections);
    } catch {
      // unreadable: as if missing
    }
    closeSync(fd);
    return null;
  }

  section(name: string): SectionAt | undefined {
    return this.sections.get(name);
  }

  /**
   * Elements [from, to) of an array section, read into the same positions of `into` — an array of the section's
   * type and length, which may be filled this way part by part as the parts are needed.
   */
  readInto(name: string, into: BundleArray, from = 0, to = into.length): void {
    const s = this.arraySection(name, into);
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= s.length)) throw new RangeError(`${this.path}: elements ${from}–${to} of section "${name}" (${s.length})`);
    const size = into.BYTES_PER_ELEMENT;
    this.readBytes(new Uint8Array(into.buffer, into.byteOffset + from * size, (to - from) * size), s.at + from * size);
  }

  /** Elements [from, to) of an array section read into the start of `into` (of the section's type, at least to − from long). */
  readSlice(name: string, from: number, to: number, into: BundleArray): void {
    const s = this.sections.get(name);
    if (!s || s.kind === 'lines' || !(into instanceof KINDS[s.kind])) throw new Error(`${this.path}: no ${into.constructor.name} section "${name}"`);
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= s.length && to - from <= into.length)) throw new RangeError(`${this.path}: elements ${from}–${to} of section "${name}" (${s.length}) into ${into.length}`);
    const size = into.BYTES_PER_ELEMENT;
    this.readBytes(new Uint8Array(into.buffer, into.byteOffset, (to - from) * size), s.at + from * size);
  }

  /**
   * A whole array section read into `into` (of its type and length) by node's thread pool, so that the process goes
   * on meanwhile (a new CLI process opens its store while its search index is read: search-index-file.ts).
   */
  async readIntoAsync(name: string, into: BundleArray): Promise<void> {
    const s = this.arraySection(name, into);
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    for (let at = 0; at < bytes.length; ) {
      const fd = this.openFd();
      this.reading++;
      let n: number;
      try {
        n = await new Promise<number>((resolve, reject) => read(fd, bytes, at, Math.min(bytes.length - at, READ_CHUNK), s.at + at, (e, got) => (e ? reject(e) : resolve(got))));
      } finally {
        if (--this.reading === 0 && this.closeAfterReads !== null) {
          closeSync(this.closeAfterReads);
          this.closeAfterReads = null;
        }
      }
      if (n === 0) throw this.cut();
      at += n;
    }
  }

  /** The array section `name`, checked to be of the type and length of `into`. */
  private arraySection(name: string, into: BundleArray): SectionAt {
    const s = this.sections.get(name);
    if (!s || s.kind === 'lines' || !(into instanceof KINDS[s.kind]) || into.length !== s.length) throw new Error(`${this.path}: no ${into.constructor.name} section "${name}" of ${into.length} elements`);
    return s;
  }

  /** The descriptor, while the file is open. */
  private openFd(): number {
    if (this.fd === null) throw new Error(`${this.path} was closed: its sections can no longer be read`);
    return this.fd;
  }

  /** A bundle is never written in place: a file shorter than its header says was cut by someone else. */
  private cut(): Error {
    return new Error(`${this.path} is shorter than when it was opened: it was cut in place by another process`);
  }

  /** An array of the section's type and length, all zeros (filled by readInto as parts are needed); null when there is no array section of that name. */
  emptyArray(name: string): BundleArray | null {
    const s = this.sections.get(name);
    return !s || s.kind === 'lines' ? null : new KINDS[s.kind](s.length);
  }

  /** A whole array section in new memory; null when there is no array section of that name. */
  array(name: string): BundleArray | null {
    const a = this.emptyArray(name);
    if (a) this.readInto(name, a);
    return a;
  }

  /**
   * A whole string-list section; `lazy`: its lines decoded when asked for (see LineList), with `ascending` telling
   * whether the lines at given indices are in ascending order without making their strings. null when there is
   * no such section or it does not hold its number of lines.
   */
  lines(name: string, lazy = false): { list: string[]; ascending: (order: Int32Array) => boolean } | null {
    const s = this.sections.get(name);
    if (!s || s.kind !== 'lines') return null;
    const buf = Buffer.allocUnsafeSlow(s.bytes);
    this.readBytes(buf, s.at);
    if (lazy && s.length > 0) {
      const lines = LineList.of(buf, 0, s.bytes, s.length);
      return lines ? { list: lines.toArray(), ascending: (order) => lines.ascending(order) } : null;
    }
    const list = linesOf(buf, 0, s.bytes, s.length, false);
    return list ? { list, ascending: (order) => order.every((j, k) => k === 0 || (list[order[k - 1] as number] as string) < (list[j] as string)) } : null;
  }

  /**
   * A whole string-list section read in one read, its lines decoded when asked for — its lines found by the ends
   * written with it when it was indexed (each checked to fall on a line break), else by a scan; null when there is
   * no such section or it does not hold its number of lines.
   */
  lineList(name: string): LineList | null {
    const s = this.sections.get(name);
    if (!s || s.kind !== 'lines' || s.length === 0) return null;
    const buf = Buffer.allocUnsafeSlow(s.bytes);
    this.readBytes(buf, s.at);
    const e = this.sections.get(`${name}${ENDS}`);
    if (e?.kind !== 'f64' || e.length !== s.length || s.bytes > 0x7fffffff) return LineList.of(buf, 0, s.bytes, s.length);
    const ends = this.array(`${name}${ENDS}`) as Float64Array;
    return LineList.ofEnds(buf, s.bytes, ends);
  }

  /** Elements [from, to) of an array section, in new memory. */
  slice(name: string, from: number, to: number): BundleArray {
    const s = this.sections.get(name);
    if (!s || s.kind === 'lines') throw new Error(`${this.path}: no array section "${name}"`);
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= s.length)) throw new RangeError(`${this.path}: elements ${from}–${to} of section "${name}" (${s.length})`);
    const a = new KINDS[s.kind](to - from);
    this.readBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), s.at + from * a.BYTES_PER_ELEMENT);
    return a;
  }

  /**
   * `length` bytes of the file from `position`, handed to `write` in chunks of one buffer reused for every copy (so
   * a copy of hundreds of MB touches a few MB of memory); each chunk is valid only during its call.
   */
  copyBytes(position: number, length: number, write: (chunk: Uint8Array) => void): void {
    copyBuffer ??= Buffer.allocUnsafe(COPY_CHUNK);
    const buf = copyBuffer;
    for (let at = 0; at < length; ) {
      const n = Math.min(buf.length, length - at);
      const chunk = buf.subarray(0, n);
      this.readBytes(chunk, position + at);
      write(chunk);
      at += n;
    }
  }

  /** `length` bytes of the file from `position`, in new memory. */
  bytes(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    this.readBytes(buf, position);
    return buf;
  }

  private readBytes(into: Uint8Array, position: number): void {
    const fd = this.openFd();
    for (let at = 0; at < into.length; ) {
      const n = readSync(fd, into, at, Math.min(into.length - at, READ_CHUNK), position + at);
      if (n === 0) throw this.cut();
      at += n;
    }
  }

  get closed(): boolean {
    return this.fd === null;
  }

  close(): void {
    if (this.fd === null) return;
    openFiles.unregister(this);
    const fd = this.fd;
    this.fd = null;
    // a descriptor closed under a read of the thread pool could be reused by the next open, and read from there
    if (this.reading === 0) closeSync(fd);
    else this.closeAfterReads = fd;
  }

  /** Reads of the thread pool under way, and the descriptor close() left to the last of them. */
  private reading = 0;
  private closeAfterReads: number | null = null;
}
