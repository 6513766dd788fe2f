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
  const c = new FactsCoder(emptyCodes(n), false);
  for (let i = 0; i < n; i++) c.code(i, facts.at(i));
  return c.codes;
}

/**
 * The codes of n people after an update, without making anyone's facts: the old people's codes moved to where they
 * went (`fromOld`), then the read facts of the people in `changed` (new position, facts or undefined for none) coded
 * with the old dictionaries, extended. Null when an institution type would get no bit (the 32 bits are taken): a
 * build would then keep other types than the extended dictionary, so the caller codes everyone's facts instead.
 */
export function recodePersonFacts(old: PersonCodes, n: number, fromOld: Int32Array, changed: Iterable<readonly [number, PersonFactsInput | undefined]>): PersonCodes | null {
  const c = emptyCodes(n);
  c.countries = old.countries.slice();
  c.bases = old.bases.slice();
  c.instTypes = old.instTypes.slice();
  for (let p = 0; p < fromOld.length; p++) {
    const q = fromOld[p] as number;
    c.origin[q] = old.origin[p] as number;
    c.current[q] = old.current[p] as number;
    c.flags[q] = old.flags[p] as number;
    c.firstYear[q] = old.firstYear[p] as number;
    c.instMask[q] = old.instMask[p] as number;
    c.originBasis[q] = old.originBasis[p] as number;
  }
  const coder = new FactsCoder(c, true);
  for (const [q, f] of changed) if (!coder.code(q, f)) return null;
  return c;
}

function emptyCodes(n: number): PersonCodes {
  return {
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
}

/** Codes people's facts into `codes`, numbering values not in its dictionaries yet as they are met. */
class FactsCoder {
  private readonly country: (v: string | null | undefined) => number;
  private readonly basis: (v: string | null | undefined) => number;

  constructor(
    readonly codes: PersonCodes,
    /** Refuse (code() answers false) an institution type past the 32 bits, instead of giving it none. */
    private readonly strictTypes: boolean,
  ) {
    this.country = numbering(codes.countries, 'countries');
    this.basis = numbering(codes.bases, 'origin bases');
  }

  /** Person i's facts coded (undefined: none, every code 0); false when a type was refused. */
  code(i: number, f: PersonFactsInput | undefined): boolean {
    const c = this.codes;
    let m = 0;
    for (const t of f?.latestInstitutionTypes ?? []) {
      let b = c.instTypes.indexOf(t);
      if (b < 0 && c.instTypes.length < MAX_TYPES) b = c.instTypes.push(t) - 1;
      if (b >= 0) m |= 1 << b;
      else if (this.strictTypes) return false;
    }
    c.instMask[i] = m;
    c.origin[i] = f ? this.country(f.origin) : 0;
    c.current[i] = f ? this.country(f.currentCountry) : 0;
    const careers = f?.abroad !== undefined && f.abroad !== null;
    c.flags[i] = f ? (careers ? FLAG_CAREERS : 0) | (f.abroad ? FLAG_ABROAD : 0) | (f.returnee ? FLAG_RETURNEE : 0) : 0;
    c.firstYear[i] = f?.firstYear ?? 0;
    c.originBasis[i] = f ? this.basis(f.originBasis) : 0;
    return true;
  }
}

/** A coder of values into `list` (index 0: none), continuing its numbering. */
function numbering(list: string[], what: string): (v: string | null | undefined) => number {
  const codes = new Map<string, number>();
  list.forEach((v, k) => k > 0 && codes.set(v, k));
  return (v) => {
    if (v === null || v === undefined || v === '') return 0;
    let k = codes.get(v);
    if (k === undefined) {
      k = list.push(v) - 1;
      if (k > 0xffff) throw new Error(`more than 65,535 distinct ${what}`);
      codes.set(v, k);
    }
    return k;
  };
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
