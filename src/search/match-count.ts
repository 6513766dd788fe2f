/**
 * The exact `total` of a query without scoring: the people with at least one work containing a query term, as a
 * bit set over people. The most frequent terms (in a quarter of all people's works or more) carry their people's
 * bit set in the index (termPeopleBits), so the words that reach almost everyone cost a few thousand word-ORs
 * instead of millions of authorships; the other terms mark the authors of their works.
 */
import { popcount } from './top-k.ts';

export interface MatchCountArrays {
  termStart: Int32Array;
  postWork: Int32Array;
  workPeopleStart: Int32Array;
  workPeople: Int32Array;
  /** Per term: which bit set of termPeopleBits is its people's (−1: none). */
  termBitSet: Int32Array;
  /** Bit sets of people, ⌈people / 32⌉ words each, one after another. */
  termPeopleBits: Int32Array;
}

/** Words of a people bit set. */
export const bitSetWords = (people: number): number => (people + 31) >>> 5;

/** Whether a term with df postings gets a people bit set: when it is in at least a quarter as many works as there are people. */
export const keepsBitSet = (df: number, people: number): boolean => df > 0 && df * 4 >= people;

export class MatchCount {
  private readonly bits: Int32Array;
  constructor(
    private readonly a: MatchCountArrays,
    private readonly people: number,
  ) {
    this.bits = new Int32Array(bitSetWords(people));
  }

  /** The people bit set of the last count (before the filter), until the next count. */
  get matched(): Int32Array {
    return this.bits;
  }

  get bytes(): number {
    return this.bits.byteLength;
  }

  /** People matching any of the terms and in the passing set (a people bit set; null: everyone). */
  count(termIds: readonly number[], passing: Int32Array | null): number {
    const { termStart, postWork, workPeopleStart, workPeople, termBitSet, termPeopleBits } = this.a;
    const bits = this.bits;
    const words = bits.length;
    bits.fill(0);
    for (const t of termIds) {
      const set = termBitSet[t] as number;
      if (set >= 0) {
        const base = set * words;
        for (let i = 0; i < words; i++) bits[i] = (bits[i] as number) | (termPeopleBits[base + i] as number);
        continue;
      }
      for (let i = termStart[t] as number; i < (termStart[t + 1] as number); i++) {
        const w = postWork[i] as number;
        for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
          const p = workPeople[j] as number;
          bits[p >>> 5] = (bits[p >>> 5] as number) | (1 << (p & 31));
        }
      }
    }
    let n = 0;
    if (passing) for (let i = 0; i < words; i++) n += popcount((bits[i] as number) & (passing[i] as number));
    else for (let i = 0; i < words; i++) n += popcount(bits[i] as number);
    return n;
  }
}

/** The people bit sets of the frequent terms, built from the postings and the work → people links. */
export function buildTermPeopleBits(a: Omit<MatchCountArrays, 'termBitSet' | 'termPeopleBits'>, terms: number, people: number): { termBitSet: Int32Array; termPeopleBits: Int32Array } {
  const termBitSet = new Int32Array(terms).fill(-1);
  let sets = 0;
  for (let t = 0; t < terms; t++) if (keepsBitSet((a.termStart[t + 1] as number) - (a.termStart[t] as number), people)) termBitSet[t] = sets++;
  const words = bitSetWords(people);
  const termPeopleBits = new Int32Array(sets * words);
  for (let t = 0; t < terms; t++) {
    const set = termBitSet[t] as number;
    if (set < 0) continue;
    const base = set * words;
    for (let i = a.termStart[t] as number; i < (a.termStart[t + 1] as number); i++) {
      const w = a.postWork[i] as number;
      for (let j = a.workPeopleStart[w] as number; j < (a.workPeopleStart[w + 1] as number); j++) {
        const p = a.workPeople[j] as number;
        termPeopleBits[base + (p >>> 5)] = (termPeopleBits[base + (p >>> 5)] as number) | (1 << (p & 31));
      }
    }
  }
  return { termBitSet, termPeopleBits };
}
