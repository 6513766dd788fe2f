/**
 * Where the lines of a string list come from, so that a list made of another list's lines — an update's list of
 * work ids, the old index's with the changed ones taken out and the new ones slotted in — is written to a bundle
 * (array-bundle.ts) by copying the old lines' bytes instead of making a string of each and encoding it again.
 *
 * A list is an array-like (`string[]`, or a listView proxy); `sourceOf(list)` finds what stands behind it: a
 * registered source (a file's lines, a LineSplice's list) or the array itself. `LineSplice` builds a list of runs of
 * other lists' lines and new strings; its lines are decoded one at a time when asked for.
 */

/** UTF-8 bytes of consecutive lines joined by line breaks, and the end of each line (its break excluded) in them. */
export interface LineBytes {
  bytes: Buffer;
  /** End of line k of the run (0-based) in `bytes`. */
  end(k: number): number;
}

/**
 * Consecutive lines joined by line breaks that a source keeps in a file, not in memory: written to the next file by
 * copying the file's bytes through a small buffer (never held whole).
 */
export interface LineRange {
  /** Bytes of the lines and the breaks between them. */
  readonly length: number;
  /** The ends of lines [k0, k1) of the run (0-based, each line's break excluded), from the range's first byte. */
  ends(k0: number, k1: number): Float64Array;
  /** Every byte of the range, in order, in chunks (each valid only during its call). */
  copy(write: (chunk: Uint8Array) => void): void;
}

export interface LineSource {
  readonly length: number;
  at(i: number): string | undefined;
  /** The bytes of lines [from, to) (from < to), when the source holds them as bytes; else null. */
  bytesOf?(from: number, to: number): LineBytes | null;
  /** Lines [from, to) (from < to) as a range of the file that holds them, when the source reads them from one; else null. */
  rangeOf?(from: number, to: number): LineRange | null;
  /** A splice: the runs it is made of. */
  readonly runs?: readonly LineRun[];
  /**
   * For a source in ascending (code-unit) order: the first line of [lo, hi) not below `id`, found without making a
   * string per step; null (or absent) when the source cannot, and the caller bisects the strings.
   */
  lowerBound?(id: string, lo: number, hi: number): number | null;
  /**
   * The line of `order` (line numbers in ascending order of their lines) equal to `id`, found without making a string
   * per step; undefined when none is; null when the source cannot tell, and the caller compares the strings.
   */
  find?(id: string, order: Int32Array): number | undefined | null;
}

/** Lines [from, to) of a source. */
export interface LineRun {
  src: LineSource;
  from: number;
  to: number;
}

/**
 * An array-like of `count` strings (index, length, iteration, and the Array.prototype methods that read through
 * them) each made by `at` when asked for — for lists of millions of which a query reads a handful. `whole`, when
 * given, makes every line at once for an iteration (cheaper than one `at` each).
 */
export function listView(count: number, at: (i: number) => string | undefined, whole?: () => readonly string[]): string[] {
  return new Proxy([] as string[], {
    get(target, prop, receiver) {
      if (typeof prop === 'string') {
        if (prop === 'length') return count;
        const c = prop.charCodeAt(0);
        if (c >= 48 && c <= 57) return at(Number(prop));
      }
      if (prop === Symbol.iterator) {
        if (whole) return () => whole()[Symbol.iterator]();
        return function* () { for (let i = 0; i < count; i++) yield at(i) as string; };
      }
      return Reflect.get(target, prop, receiver);
    },
    // so that Array.prototype methods called on it (map, forEach, slice) see every line
    has(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) return Number(prop) < count;
      return Reflect.has(target, prop);
    },
  });
}

const sources = new WeakMap<object, LineSource>();

/** Record that `list` (an array-like over a source) has these lines. */
export function registerSource(list: object, src: LineSource): void {
  sources.set(list, src);
}

/** What stands behind a list: its registered source, or the array itself. */
export function sourceOf(list: readonly string[]): LineSource {
  return sources.get(list) ?? { length: list.length, at: (i) => list[i] };
}

/**
 * A list made of runs of other lists' lines and of new strings, in the order they are given. Consecutive lines of
 * one source make one run; lines of a splice stand for the runs of that splice they cover, so splices of splices
 * stay flat.
 */
export class LineSplice {
  private readonly out: LineRun[] = [];
  private readonly fresh: string[] = [];
  private readonly freshSource: LineSource;
  private count = 0;

  constructor() {
    const fresh = this.fresh;
    this.freshSource = { get length() { return fresh.length; }, at: (i) => fresh[i] };
  }

  /** Lines [from, to) of `list`, next. */
  keep(list: readonly string[], from: number, to = from + 1): void {
    if (from < to) this.keepRun(sourceOf(list), from, to);
  }

  /** A new line, next. */
  add(line: string): void {
    this.fresh.push(line);
    this.push(this.freshSource, this.fresh.length - 1, this.fresh.length);
  }

  get length(): number {
    return this.count;
  }

  /** The spliced lines as an array-like, its lines decoded when asked for; it is the splice's source (sourceOf). */
  list(): string[] {
    const runs = this.out.slice();
    const starts = new Float64Array(runs.length + 1);
    runs.forEach((r, k) => (starts[k + 1] = (starts[k] as number) + r.to - r.from));
    const length = this.count;
    /** The run holding line i. */
    const runOf = (i: number): number => {
      let lo = 0, hi = runs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if ((starts[mid] as number) <= i) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const at = (i: number): string | undefined => {
      if (!(Number.isInteger(i) && i >= 0 && i < length)) return undefined;
      const k = runOf(i), r = runs[k] as LineRun;
      return r.src.at(r.from + i - (starts[k] as number));
    };
    const src: LineSplicedSource = { length, at, runs, starts, runOf };
    const view = listView(length, at, () => {
      const all: string[] = [];
      for (const r of runs) for (let i = r.from; i < r.to; i++) all.push(r.src.at(i) as string);
      return all;
    });
    registerSource(view, src);
    return view;
  }

  private keepRun(src: LineSource, from: number, to: number): void {
    const spliced = src as Partial<LineSplicedSource>;
    if (!spliced.runs || !spliced.starts || !spliced.runOf) {
      this.push(src, from, to);
      return;
    }
    // the runs of the splice that cover [from, to)
    for (let k = spliced.runOf(from); k < spliced.runs.length && (spliced.starts[k] as number) < to; k++) {
      const r = spliced.runs[k] as LineRun, at = spliced.starts[k] as number;
      const a = Math.max(from, at), b = Math.min(to, at + r.to - r.from);
      if (a < b) this.push(r.src, r.from + a - at, r.from + b - at);
    }
  }

  private push(src: LineSource, from: number, to: number): void {
    const last = this.out[this.out.length - 1];
    if (last && last.src === src && last.to === from) last.to = to;
    else this.out.push({ src, from, to });
    this.count += to - from;
  }
}

/** The source of a LineSplice's list: its runs, where each starts in the list, and the run holding a line. */
interface LineSplicedSource extends LineSource {
  readonly runs: readonly LineRun[];
  readonly starts: Float64Array;
  runOf(i: number): number;
}
