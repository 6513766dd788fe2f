/**
 * A string list of a bundle file (array-bundle.ts) written with its line ends (`indexed`), read one line at a time
 * from the file when asked for: a new process shows a page of hits (a few dozen ids and names) or bisects for one
 * id without reading or splitting millions of them. `load()` reads the whole list at once and makes every line (an
 * iteration does the same first); `loadBytes()` reads it at once as bytes, each line made when asked for (an update
 * that copies most lines into the next file as they are: line-source.ts). After either the file is no longer read.
 */
import { ENDS, listView, type BundleFile, type LineList } from './array-bundle.ts';
import { registerSource, type LineBytes, type LineRange, type LineSource } from './line-source.ts';

export class FileLines implements LineSource {
  private whole: readonly string[] | null = null;
  private held: LineList | null = null;

  private constructor(
    private readonly file: BundleFile<unknown>,
    private readonly name: string,
    private readonly start: number,
    readonly length: number,
  ) {}

  /** The list `name` of the file, or null when it was not written indexed (or its ends do not fit its section). */
  static of(file: BundleFile<unknown>, name: string): FileLines | null {
    const s = file.section(name);
    const e = file.section(`${name}${ENDS}`);
    if (!s || s.kind !== 'lines' || !e || e.kind !== 'f64' || e.length !== s.length) return null;
    if (s.length === 0) return s.bytes === 0 ? new FileLines(file, name, s.at, 0) : null;
    const last = file.slice(`${name}${ENDS}`, s.length - 1, s.length)[0];
    return last === s.bytes ? new FileLines(file, name, s.at, s.length) : null;
  }

  /** Line i (undefined past the end). */
  line(i: number): string | undefined {
    if (this.whole) return this.whole[i];
    if (this.held) return this.held.at(i);
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) return undefined;
    const ends = this.file.slice(`${this.name}${ENDS}`, Math.max(0, i - 1), i + 1);
    const from = i === 0 ? 0 : (ends[0] as number) + 1;
    const to = ends[ends.length - 1] as number;
    if (!(from <= to)) throw new Error(`${this.file.path}: line ${i} of "${this.name}" ends before it starts: the file is damaged`);
    return this.file.bytes(this.start + from, to - from).toString('utf8');
  }

  /** Every line read now, in one read; later look-ups answer from memory. */
  load(): readonly string[] {
    if (!this.whole) {
      const list = this.held ? this.held.all() : this.file.lines(this.name)?.list;
      if (!list || list.length !== this.length) throw new Error(`${this.file.path}: the list "${this.name}" does not hold its ${this.length} lines: the file is damaged`);
      this.whole = list;
    }
    return this.whole;
  }

  /** Every line's bytes read now, in one read; later look-ups decode them from memory. */
  loadBytes(): void {
    if (this.whole || this.held || this.length === 0) return;
    const held = this.file.lineList(this.name);
    if (!held || held.length !== this.length) throw new Error(`${this.file.path}: the list "${this.name}" does not hold its ${this.length} lines: the file is damaged`);
    this.held = held;
  }

  get loaded(): boolean {
    return this.whole !== null;
  }

  /** Whether the list's bytes are in memory (read whole: loadBytes, load). */
  get bytesHeld(): boolean {
    return this.held !== null || this.whole !== null;
  }

  at(i: number): string | undefined {
    return this.line(i);
  }

  /** Lines [from, to) as a range of the file, unless the list is in memory (its bytes are copied from there). */
  rangeOf(from: number, to: number): LineRange | null {
    if (this.whole || this.held || !(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= this.length)) return null;
    const endsName = `${this.name}${ENDS}`;
    const first = from === 0 ? 0 : (this.file.slice(endsName, from - 1, from)[0] as number) + 1;
    const last = this.file.slice(endsName, to - 1, to)[0] as number;
    if (!(first <= last)) throw new Error(`${this.file.path}: lines ${from}–${to} of "${this.name}" end before they start: the file is damaged`);
    const { file, start } = this;
    return {
      length: last - first,
      ends: (k0, k1) => {
        const e = file.slice(endsName, from + k0, from + k1) as Float64Array;
        for (let k = 0; k < e.length; k++) e[k] = (e[k] as number) - first;
        return e;
      },
      copy: (write) => file.copyBytes(start + first, last - first, write),
    };
  }

  bytesOf(from: number, to: number): LineBytes | null {
    this.loadBytes();
    return this.held?.bytesOf(from, to) ?? null;
  }

  lowerBound(id: string, lo: number, hi: number): number | null {
    return this.held?.lowerBound(id, lo, hi) ?? null;
  }

  find(id: string, order: Int32Array): number | undefined | null {
    return this.held ? this.held.find(id, order) : null;
  }

  /** The list as an array-like whose lines are read when asked for (listView); this is its source (line-source.ts). */
  toArray(): string[] {
    const view = listView(this.length, (i) => this.line(i), () => this.load());
    registerSource(view, this);
    return view;
  }
}
