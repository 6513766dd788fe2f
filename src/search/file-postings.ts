/**
 * The postings of a search index read from its file (search-index-file.ts) term by term, when a query first names
 * the term: a new process (every `atlas search`) reads the per-work and per-person arrays and leaves the postings —
 * most of the file, 400 MB of 700 at a million people — where they are. The postings arrays are allocated at their
 * full length (zero pages take no memory until written) and each term's range is read into its place, so every
 * reader (the pruned path, the match count) indexes them as it would a built index. The columns only an update
 * reads (each work's length, year, citations and kind) are read with everything else by `all()`, which an update
 * calls before it copies the index — the id and name lists too, read line by line until then (core/file-lines.ts).
 * What a result shows of each work (`workShown`, the largest list: 160 MB of a 550 MB file at a million people) is
 * not: an update copies its lines into the next file as a range of this one (core/array-bundle.ts), and the index
 * made by the update reads the kept ones from this file when a hit shows them, so the file stays open (closed when
 * the last index reading it is collected: BundleFile); a file with no such list is closed by `all()`.
 *
 * The file stays open (BundleFile): a newer index renamed over it, or its deletion, changes nothing this index reads.
 */
import type { BundleArray, BundleFile } from '../core/array-bundle.ts';
import type { FileLines } from '../core/file-lines.ts';

/** What a SearchIndexParts read from a file still has to read before a part of it is used. */
export interface LazyParts {
  /** Read the postings of these terms, those not read yet. */
  terms(ids: readonly number[]): void;
  /** Read everything not read yet (an index written again copies every posting and column); the file is closed after, unless a list stays on it. */
  all(): void;
  /** Read everything an update copies but the postings, which it reads term by term (postingsOf). */
  allButPostings(): void;
  /**
   * Term t's postings (work ordinals, term frequencies): from memory when read, else read from the file into `into`,
   * grown when too short (one buffer for every term of an update, never the whole lists in memory).
   */
  postingsOf(t: number, into: TermPostings): TermPostings;
}

/** A term's postings, or a buffer for them: the first `n` of `work` and `tf`. */
export interface TermPostings {
  work: Int32Array;
  tf: Float32Array;
  n: number;
}

/** Sections read by `all()` only, besides the postings. */
export const UPDATE_ONLY = ['docLen', 'workYear', 'workCites', 'profileDoc'] as const;
/** Sections read term by term. */
export const POSTINGS = ['postWork', 'postTf'] as const;
export type LazySection = (typeof POSTINGS)[number] | (typeof UPDATE_ONLY)[number];

export class FilePostings implements LazyParts {
  private readonly termRead: Uint8Array;
  private done = false;
  /** The columns and lists an update copies are in (allButPostings). */
  private columnsRead = false;

  constructor(
    private readonly file: BundleFile<unknown>,
    /** Checked by the caller: ascending from 0 to the postings' length. */
    private readonly termStart: Int32Array,
    /** Lists read line by line until an update needs them whole. */
    private readonly lists: readonly FileLines[],
    /** Full-length arrays of the file's types, filled as they are read. */
    readonly arrays: Readonly<Record<LazySection, BundleArray>>,
    /** Whether a list stays read line by line from the file after all() (the file is then left open). */
    private readonly keepsFile = false,
  ) {
    this.termRead = new Uint8Array(termStart.length - 1);
  }

  terms(ids: readonly number[]): void {
    if (this.done) return;
    for (const t of ids) {
      if (this.termRead[t]) continue;
      const from = this.termStart[t] as number, to = this.termStart[t + 1] as number;
      for (const name of POSTINGS) this.file.readInto(name, this.arrays[name], from, to);
      this.termRead[t] = 1;
    }
  }

  allButPostings(): void {
    if (this.done || this.columnsRead) return;
    for (const name of UPDATE_ONLY) this.file.readInto(name, this.arrays[name]);
    for (const l of this.lists) l.loadBytes();
    this.columnsRead = true;
  }

  postingsOf(t: number, into: TermPostings): TermPostings {
    const from = this.termStart[t] as number, to = this.termStart[t + 1] as number;
    const work = this.arrays.postWork as Int32Array, tf = this.arrays.postTf as Float32Array;
    if (this.done || this.termRead[t]) return { work: work.subarray(from, to), tf: tf.subarray(from, to), n: to - from };
    if (into.work.length < to - from) {
      into.work = new Int32Array(to - from);
      into.tf = new Float32Array(to - from);
    }
    this.file.readSlice('postWork', from, to, into.work);
    this.file.readSlice('postTf', from, to, into.tf);
    into.n = to - from;
    return into;
  }

  all(): void {
    if (this.done) return;
    // each section whole in one read (the terms read before are read again: the same bytes)
    for (const name of this.columnsRead ? POSTINGS : [...POSTINGS, ...UPDATE_ONLY]) this.file.readInto(name, this.arrays[name]);
    for (const l of this.lists) l.loadBytes();
    this.termRead.fill(1);
    this.done = true;
    if (!this.keepsFile) this.file.close();
  }

  /** Terms whose postings were read so far (for tests and benchmarks). */
  get termsRead(): number {
    let n = 0;
    for (const r of this.termRead) n += r;
    return n;
  }

  /** Lists read whole so far (for tests and benchmarks). */
  get listsLoaded(): number {
    return this.lists.filter((l) => l.loaded).length;
  }

  get complete(): boolean {
    return this.done;
  }
}
