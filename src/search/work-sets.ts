/**
 * Constant-time "does work w contain term t, and at which posting" for the most frequent terms (in 1/16 of all
 * works or more): a bit set over works with a running count every 8 words (a rank dictionary), so scoring one
 * person's works exactly needs no search through a list of millions of postings. Sizes: ⌈works/32⌉ + ⌈works/256⌉
 * words per such term, at most a seventh of the term's own postings.
 */
import { popcount } from './top-k.ts';

export interface WorkSets {
  /** Per term: which work set is its (−1: none). */
  termWorkSet: Int32Array;
  /** The sets' bits, ⌈works/32⌉ words each, one after another. */
  workSetBits: Int32Array;
  /** Per set, per 8 words: the bits set before them. */
  workSetRank: Int32Array;
}

const wordsFor = (works: number): number => (works + 31) >>> 5;
const ranksFor = (works: number): number => (wordsFor(works) + 7) >>> 3;

/** Whether a term with df postings out of `works` works gets a work set. */
export const keepsWorkSet = (df: number, works: number): boolean => df > 0 && df * 16 >= works;

export function buildWorkSets(termStart: Int32Array, postWork: Int32Array, works: number): WorkSets {
  const terms = termStart.length - 1;
  const termWorkSet = new Int32Array(terms).fill(-1);
  let sets = 0;
  for (let t = 0; t < terms; t++) if (keepsWorkSet((termStart[t + 1] as number) - (termStart[t] as number), works)) termWorkSet[t] = sets++;
  const words = wordsFor(works);
  const ranks = ranksFor(works);
  const workSetBits = new Int32Array(sets * words);
  const workSetRank = new Int32Array(sets * ranks);
  for (let t = 0; t < terms; t++) {
    const k = termWorkSet[t] as number;
    if (k < 0) continue;
    for (let i = termStart[t] as number; i < (termStart[t + 1] as number); i++) {
      const w = postWork[i] as number;
      workSetBits[k * words + (w >>> 5)] = (workSetBits[k * words + (w >>> 5)] as number) | (1 << (w & 31));
    }
    let n = 0;
    for (let i = 0; i < words; i++) {
      if ((i & 7) === 0) workSetRank[k * ranks + (i >>> 3)] = n;
      n += popcount(workSetBits[k * words + i] as number);
    }
  }
  return { termWorkSet, workSetBits, workSetRank };
}

/** Looks works up in the sets of an index with `works` works. */
export class WorkSetLookup {
  private readonly words: number;
  private readonly ranks: number;
  constructor(
    private readonly s: WorkSets,
    works: number,
  ) {
    this.words = wordsFor(works);
    this.ranks = ranksFor(works);
  }

  /** The term's work set, or −1. */
  setOf(term: number): number {
    return this.s.termWorkSet[term] as number;
  }

  /** Offset of work w within the postings of the term with work set k, or −1 when the term is not in w. */
  find(k: number, w: number): number {
    const bits = this.s.workSetBits;
    const base = k * this.words;
    const word = w >>> 5;
    const x = bits[base + word] as number;
    const bit = w & 31;
    if (((x >>> bit) & 1) === 0) return -1;
    let n = this.s.workSetRank[k * this.ranks + (word >>> 3)] as number;
    for (let i = base + (word & ~7); i < base + word; i++) n += popcount(bits[i] as number);
    return n + (bit === 0 ? 0 : popcount(x & (0xffffffff >>> (32 - bit))));
  }
}
