/**
 * Each person's career facts as the search index filters and shows them: countries, origin bases and institution
 * types as codes into short dictionaries (numbered as first met), the booleans as bit flags — a few typed arrays
 * instead of a million objects. Made once from the facts a build or an update read (codePersonFacts), kept as they
 * are in the index file and adopted as they are by a new process (search-index-file.ts), so a cold search codes
 * nobody's facts again.
 */
import type { PersonFactsInput, PersonFactsList } from './search-index.ts';

export const FLAG_ABROAD = 1;
export const FLAG_RETURNEE = 2;
/** The person has careers facts (abroad known). */
export const FLAG_CAREERS = 4;
/** Institution types get a bit each, the first 32 met; later ones none. */
export const MAX_TYPES = 32;

export interface PersonCodes {
  /** Country dictionary: index 0 = unknown. */
  countries: string[];
  origin: Uint16Array;
  current: Uint16Array;
  flags: Uint8Array;
  /** First active year from careers, 0 for none. */
  firstYear: Int32Array;
  /** Bit b of a mask is institution type instTypes[b]. */
  instTypes: string[];
  instMask: Uint32Array;
  /** Origin basis dictionary: index 0 = none. */
  bases: string[];
  originBasis: Uint16Array;
}

/** The codes of n people's facts: countries, bases and institution types numbered as first met. */
export function codePersonFacts(facts: PersonFactsList, n: number): PersonCodes {
  const c: PersonCodes = {
    countries: [''],
    origin: new Uint16Array(n),
    current: new Uint16Array(n),
    flags: new Uint8Array(n),
    firstYear: new Int32Array(n),
    instTypes: [],
    instMask: new Uint32Array(n),
    bases: [''],
    originBasis: new Uint16Array(n),
  };
  const numbering = (list: string[], what: string) => {
    const codes = new Map<string, number>();
    return (v: string | null | undefined): number => {
      if (v === null || v === undefined || v === '') return 0;
      let k = codes.get(v);
      if (k === undefined) {
        k = list.push(v) - 1;
        if (k > 0xffff) throw new Error(`more than 65,535 distinct ${what}`);
        codes.set(v, k);
      }
      return k;
    };
  };
  const country = numbering(c.countries, 'countries');
  const basis = numbering(c.bases, 'origin bases');
  const typeBit = (t: string): number => {
    let b = c.instTypes.indexOf(t);
    if (b < 0 && c.instTypes.length < MAX_TYPES) b = c.instTypes.push(t) - 1;
    return b >= 0 ? 1 << b : 0;
  };
  for (let i = 0; i < n; i++) {
    const f = facts.at(i);
    if (!f) continue;
    c.origin[i] = country(f.origin);
    c.current[i] = country(f.currentCountry);
    const careers = f.abroad !== undefined && f.abroad !== null;
    c.flags[i] = (careers ? FLAG_CAREERS : 0) | (f.abroad ? FLAG_ABROAD : 0) | (f.returnee ? FLAG_RETURNEE : 0);
    c.firstYear[i] = f.firstYear ?? 0;
    c.originBasis[i] = basis(f.originBasis);
    let m = 0;
    for (const t of f.latestInstitutionTypes ?? []) m |= typeBit(t);
    c.instMask[i] = m;
  }
  return c;
}

/** Person p's origin basis, null for none. */
export const basisOf = (c: PersonCodes, p: number): string | null => {
  const k = c.originBasis[p] as number;
  return k === 0 ? null : (c.bases[k] ?? null);
};

/**
 * Person p's facts made again from the codes (which hold them exactly, returnee aside: unknown reads as false):
 * what an update keeps of the people whose facts did not change (index-update.ts). Institution types in bit order.
 */
export function personFactsAt(c: PersonCodes, p: number): PersonFactsInput | undefined {
  const flags = c.flags[p] as number;
  const mask = c.instMask[p] as number;
  const origin = c.origin[p] as number;
  const current = c.current[p] as number;
  const firstYear = c.firstYear[p] as number;
  const basis = basisOf(c, p);
  if (flags === 0 && mask === 0 && origin === 0 && current === 0 && firstYear === 0 && basis === null) return undefined;
  return {
    origin: origin ? (c.countries[origin] ?? null) : null,
    originBasis: basis,
    currentCountry: current ? (c.countries[current] ?? null) : null,
    abroad: flags & FLAG_CAREERS ? (flags & FLAG_ABROAD) !== 0 : null,
    returnee: (flags & FLAG_RETURNEE) !== 0,
    firstYear: firstYear || null,
    latestInstitutionTypes: c.instTypes.filter((_, b) => (mask & (1 << b)) !== 0),
  };
}

/** The facts of every person as a list made from the codes (an index read from its file hands these to an update). */
export const factsListOf = (c: PersonCodes): PersonFactsList => ({ length: c.origin.length, at: (i) => personFactsAt(c, i) });
