/**
 * The in-memory search index: BM25 postings (term → works) and the work → people links as typed arrays, plus
 * per-person impact figures and career facts for exact filtering. Queries are synchronous and allocation-light:
 * scratch arrays sized to the corpus are reused between queries.
 */
import { RECENT_YEARS, TOP_DECAY, combineScore, impactOf, risingStar, type RankFactors, type RankWeights, DEFAULT_WEIGHTS } from './rank.ts';
import { queryTerms } from './tokenize.ts';
import { MatchCount, bitSetWords } from './match-count.ts';
import { TopHeap, insertTop, popcount, selectTop } from './top-k.ts';
import { TopPeople } from './top-people.ts';
import type { LazyParts } from './file-postings.ts';
import { parseShownWork, type ShownWork } from './work-shown.ts';
import { FLAG_ABROAD, FLAG_CAREERS, FLAG_RETURNEE, basisOf, codePersonFacts, personFactsAt, type PersonCodes } from './person-codes.ts';

/** Person facts by ordinal; an array is one. */
export interface PersonFactsList {
  readonly length: number;
  at(i: number): PersonFactsInput | undefined;
}

/** Career facts of one person (from the careers table and the latest affiliation-year), as given to the builder. */
export interface PersonFactsInput {
  origin?: string | null;
  originBasis?: string | null;
  currentCountry?: string | null;
  abroad?: boolean | null;
  returnee?: boolean | null;
  /** First active year (careers.first_year). */
  firstYear?: number | null;
  /** Types of the institutions of the person's latest affiliation-year. */
  latestInstitutionTypes?: readonly string[];
}

export interface SearchFilters {
  origin?: string;
  country?: string;
  institutionType?: string;
  careerAge?: { min: number; max: number };
  minH?: number;
  abroad?: boolean;
  returnee?: boolean;
}

export interface IndexQueryOptions {
  filters?: SearchFilters;
  weights?: RankWeights;
  limit?: number;
  offset?: number;
  /** Matched works kept per hit (best first). */
  worksPerHit?: number;
  /**
   * How the page is found: 'exhaustive' scores every posting and every matching person (the reference the tests
   * compare with), 'pruned' prunes (top-people.ts), 'direct' scores each matching person in the filter and nothing
   * else. By default queries with few postings are exhaustive, those with few matching people direct, the others
   * pruned (each is the cheapest there). All give the same answer.
   */
  method?: 'pruned' | 'exhaustive' | 'direct';
}

export interface IndexHit {
  person: number;
  personId: string;
  score: number;
  factors: RankFactors;
  careerAge: number | null;
  /** Best-matching works: ordinal, id, score, matched query terms. */
  works: Array<{ work: number; workId: string; score: number; matchedTerms: string[] }>;
}

export interface IndexQueryResult {
  terms: string[];
  /** Terms of the query that no work contains. */
  unknownTerms: string[];
  total: number;
  hits: IndexHit[];
}

export interface IndexStats {
  people: number;
  works: number;
  terms: number;
  postings: number;
  authorships: number;
  asOf: number;
  careersPresent: boolean;
  /** Bytes held by the typed arrays (exact) plus an estimate for strings and the term dictionary. */
  typedArrayBytes: number;
  estimatedBytes: number;
}

export interface SearchIndexParts {
  terms: Map<string, number>;
  /** Term → works CSR, ascending work ordinals within a term. */
  termStart: Int32Array;
  postWork: Int32Array;
  postTf: Float32Array;
  norm: Float32Array;
  /** Per term: the largest tf·(k1+1)/(tf + norm) over its postings (the pruning's per-term bound, × idf). */
  termMaxPart: Float32Array;
  /** Per term: index of its people bit set in termPeopleBits, −1 for none (only the most frequent terms have one). */
  termBitSet: Int32Array;
  termPeopleBits: Int32Array;
  /** Per term: index of its work set (work-sets.ts), −1 for none (only the most frequent terms have one). */
  termWorkSet: Int32Array;
  workSetBits: Int32Array;
  workSetRank: Int32Array;
  /** Published works in work_id order, then expertise documents in person_id order. */
  workIds: string[];
  /** Per work: what a result shows of it, a line each (work-shown.ts); '' for an expertise document. */
  workShown: string[];
  /** Per work: length (weighted term count), year (0 unknown), citations, 1 for an expertise document (what an update lays out again). */
  docLen: Float32Array;
  workYear: Int32Array;
  workCites: Int32Array;
  profileDoc: Uint8Array;
  /** Work → people CSR: each work's people in authorship order, each once. */
  workPeopleStart: Int32Array;
  workPeople: Int32Array;
  /** Person → works CSR (ascending work ordinals), the transpose of workPeople. */
  personWorksStart: Int32Array;
  personWorks: Int32Array;
  /** People in person_id code-unit order (the tie-break); names; source h-index (−1: none). */
  personIds: string[];
  names: (string | null)[];
  sourceH: Int32Array;
  cites: Float64Array;
  h: Int32Array;
  recent: Int32Array;
  nWorks: Int32Array;
  firstWorkYear: Int32Array;
  /** Career facts by person ordinal: an array, or (read from a file) one made from the codes when asked. */
  facts: PersonFactsList;
  /** The same facts coded (person-codes.ts): read from a file, or made by the first SearchIndex of these parts. */
  codes?: PersonCodes;
  asOf: number;
  /** The latest year with a known country in the careers' affiliation-years when the index was made. */
  latestDataYear: number | null;
  careersPresent: boolean;
  /** Works in id order (each segment: works, then expertise documents): an update can follow only then. */
  worksSorted: boolean;
  forward: { start: Int32Array; terms: Int32Array; tf: Float32Array } | undefined;
  /** Parts read from a file: the postings are read as queries name their terms, the rest when an update asks (file-postings.ts). */
  lazy?: LazyParts;
  /**
   * Every person's impact multiplier for the weights of `key` (impactKey), as the file keeps it for the default
   * weights; with it, per work the largest of its people's (workImpactValues), when kept.
   */
  impact?: { key: string; values: Float64Array; works?: Float32Array };
}

/** The key of a set of rank weights (what an impact array was computed for). */
export const impactKey = (w: RankWeights): string => `${w.citations},${w.h},${w.recent},${w.rising}`;

/**
 * Person i's career age in `asOf`: asOf − first year + 1, the first year from careers (`firstYear`, 0: none), else
 * of their first work; null when neither is known.
 */
function careerAgeOf(firstYear: Int32Array, firstWorkYear: Int32Array, asOf: number, i: number): number | null {
  const fy = firstYear[i] as number;
  const first = fy > 0 ? fy : (firstWorkYear[i] as number);
  return first > 0 ? asOf - first + 1 : null;
}

/**
 * Every person's impact multiplier for weights `w` (combineScore's multiplier, without objects), from the figures
 * an index keeps: citations, h, recent output, and the career age (careerAgeOf) for the rising-star factor.
 */
export function impactValues(p: Pick<SearchIndexParts, 'cites' | 'h' | 'recent' | 'firstWorkYear' | 'asOf'>, firstYear: Int32Array, w: RankWeights): Float64Array {
  const { cites, h, recent, firstWorkYear, asOf } = p;
  const n = cites.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hp = h[i] as number;
    values[i] = impactOf(cites[i] as number, hp, recent[i] as number, risingStar(hp, careerAgeOf(firstYear, firstWorkYear, asOf, i)), w);
  }
  return values;
}

/**
 * Per work, the largest impact multiplier among its people (0 for a work of none), as float32: within 2^-24 of the
 * value, so the pruned path uses it as a bound only with its margin (top-people.ts keepReachable). Reading a
 * million people's impacts for 15 million authorships takes ~0.25 s, so the file keeps it for the default weights.
 */
export function workImpactValues(p: Pick<SearchIndexParts, 'workPeopleStart' | 'workPeople'>, impact: Float64Array): Float32Array {
  const { workPeopleStart, workPeople } = p;
  const most = new Float32Array(workPeopleStart.length - 1);
  for (let w = 0; w < most.length; w++) {
    let m = 0;
    for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
      const v = impact[workPeople[j] as number] as number;
      if (v > m) m = v;
    }
    most[w] = m;
  }
  return most;
}

/** Query terms tracked per work in a small-integer bit mask (bit 30 marks a touched work; kept below 2^31 so V8 stays on small integers). */
const MAX_BITS = 30;
const TOUCHED = 1 << 30;
/** Queries whose terms have at most this many postings in all are scored exhaustively (cheaper than pruning there). */
const EXHAUSTIVE_POSTINGS = 50_000;
/** Pruned queries with at most this many matching people (inside the filter) score each of them directly. */
const DIRECT_PEOPLE = 2_000;

export class SearchIndex {
  readonly asOf: number;
  readonly careersPresent: boolean;
  private readonly p: SearchIndexParts;
  /** Each person's facts, coded (person-codes.ts); the fields below are its arrays. */
  private readonly codes: PersonCodes;
  /** Country dictionary: index 0 = unknown. */
  private readonly countries: string[];
  private readonly origin: Uint16Array;
  private readonly current: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly firstYear: Int32Array;
  private readonly instTypes: string[];
  private readonly instMask: Uint32Array;
  private readonly idf: Float32Array;
  // scratch, reused across queries
  private exhaustiveScratch: { top: Float32Array; topWork: Int32Array; touchedPeople: Int32Array } | undefined;
  private readonly pruned: TopPeople;
  private readonly matches: MatchCount;

  constructor(parts: SearchIndexParts) {
    this.p = parts;
    this.asOf = parts.asOf;
    this.careersPresent = parts.careersPresent;
    const nP = parts.personIds.length;
    const nW = parts.workIds.length;
    // a file's index comes coded; a built or updated one is coded here (and its parts keep the codes for the file)
    const codes = (parts.codes ??= codePersonFacts(parts.facts, nP));
    this.codes = codes;
    ({ countries: this.countries, origin: this.origin, current: this.current, flags: this.flags, firstYear: this.firstYear, instTypes: this.instTypes, instMask: this.instMask } = codes);
    parts.facts = []; // facts now live in the codes
    const nT = parts.terms.size;
    this.idf = new Float32Array(nT);
    for (let t = 0; t < nT; t++) {
      const df = (parts.termStart[t + 1] as number) - (parts.termStart[t] as number);
      this.idf[t] = Math.log(1 + (nW - df + 0.5) / (df + 0.5));
    }
    this.pruned = new TopPeople({ ...parts, idf: this.idf });
    this.matches = new MatchCount(parts, nP);
  }

  /**
   * Person p's facts as given to the index, made again from its codes: what an update keeps of the people whose
   * facts did not change (index-update.ts).
   */
  factsAt(p: number): PersonFactsInput | undefined {
    return personFactsAt(this.codes, p);
  }

  /** The arrays the index answers from, facts aside (they live in the index's own arrays): an update reads them, never writes. */
  get parts(): Readonly<SearchIndexParts> {
    return this.p;
  }

  get size(): { people: number; works: number } {
    return { people: this.p.personIds.length, works: this.p.workIds.length };
  }

  personOrdinal(personId: string): number {
    // binary search: ids are sorted in code-unit order
    let lo = 0;
    let hi = this.p.personIds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.p.personIds[mid] as string;
      if (v === personId) return mid;
      if (v < personId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Person facts as the results show them. */
  personInfo(p: number): {
    personId: string;
    name: string | null;
    citations: number;
    h: number;
    sourceH: number | null;
    recent: number;
    works: number;
    firstYear: number | null;
    firstYearBasis: 'careers' | 'first_work' | 'none';
    origin: string | null;
    originBasis: string | null;
    currentCountry: string | null;
    abroad: boolean | null;
    returnee: boolean | null;
    latestInstitutionTypes: string[];
  } {
    const { firstYear, basis } = this.firstYearOf(p);
    const careers = ((this.flags[p] as number) & FLAG_CAREERS) !== 0;
    const mask = this.instMask[p] as number;
    return {
      personId: this.p.personIds[p] as string,
      name: this.p.names[p] ?? null,
      citations: this.p.cites[p] as number,
      h: this.p.h[p] as number,
      sourceH: (this.p.sourceH[p] as number) >= 0 ? (this.p.sourceH[p] as number) : null,
      recent: this.p.recent[p] as number,
      works: this.p.nWorks[p] as number,
      firstYear,
      firstYearBasis: basis,
      origin: this.countries[this.origin[p] as number] || null,
      originBasis: basisOf(this.codes, p),
      currentCountry: this.countries[this.current[p] as number] || null,
      abroad: careers ? ((this.flags[p] as number) & FLAG_ABROAD) !== 0 : null,
      returnee: careers ? ((this.flags[p] as number) & FLAG_RETURNEE) !== 0 : null,
      latestInstitutionTypes: this.instTypes.filter((_, b) => (mask & (1 << b)) !== 0),
    };
  }

  private firstYearOf(p: number): { firstYear: number | null; basis: 'careers' | 'first_work' | 'none' } {
    const fy = this.firstYear[p] as number;
    if (fy > 0) return { firstYear: fy, basis: 'careers' };
    const wy = this.p.firstWorkYear[p] as number;
    if (wy > 0) return { firstYear: wy, basis: 'first_work' };
    return { firstYear: null, basis: 'none' };
  }

  /** Career age in the index's asOf year: asOf − first year + 1 (first year from careers, else first work). */
  careerAge(p: number): number | null {
    return careerAgeOf(this.firstYear, this.p.firstWorkYear, this.asOf, p);
  }

  /** True when person p passes every filter. Country filters compare codes exactly; unknown never matches. */
  passes(p: number, f: SearchFilters): boolean {
    if (f.origin !== undefined && this.countries[this.origin[p] as number] !== f.origin) return false;
    if (f.country !== undefined && this.countries[this.current[p] as number] !== f.country) return false;
    if (f.abroad && ((this.flags[p] as number) & FLAG_ABROAD) === 0) return false;
    if (f.returnee && ((this.flags[p] as number) & FLAG_RETURNEE) === 0) return false;
    if (f.minH !== undefined && (this.p.h[p] as number) < f.minH) return false;
    if (f.institutionType !== undefined) {
      const b = this.instTypes.indexOf(f.institutionType);
      if (b < 0 || ((this.instMask[p] as number) & (1 << b)) === 0) return false;
    }
    if (f.careerAge) {
      const age = this.careerAge(p);
      if (age === null || age < f.careerAge.min || age > f.careerAge.max) return false;
    }
    return true;
  }

  private impactCache: { key: string; values: Float64Array; max: number; works: () => Float32Array; made?: Float32Array } | undefined;

  /**
   * Impact multiplier of every person for the given weights (query-independent, cached for the last weights), and
   * its maximum. A file keeps the default weights' (search-index-file.ts): a new process adopts them (computing
   * them took ~57 ms of a cold search at 1M people); with them, each work's largest (workImpactValues), made when
   * the pruned path first asks (~0.25 s at 15M authorships: no exhaustive or direct query pays it) unless kept.
   */
  private impactFor(w: RankWeights): { values: Float64Array; max: number; works: () => Float32Array } {
    const key = impactKey(w);
    if (this.impactCache?.key === key) return this.impactCache;
    const kept = this.p.impact?.key === key && this.p.impact.values.length === this.p.personIds.length ? this.p.impact : null;
    const values = kept ? kept.values : impactValues(this.p, this.firstYear, w);
    let max = 0;
    for (let p = 0; p < values.length; p++) max = Math.max(max, values[p] as number);
    const cache: NonNullable<typeof this.impactCache> = {
      key,
      values,
      max,
      works: () => (cache.made ??= kept?.works && kept.works.length === this.p.workIds.length ? kept.works : workImpactValues(this.p, values)),
    };
    this.impactCache = cache;
    return cache;
  }

  factors(p: number, relevance: number): RankFactors {
    const h = this.p.h[p] as number;
    return { relevance, citations: this.p.cites[p] as number, h, recent: this.p.recent[p] as number, rising: risingStar(h, this.careerAge(p)) };
  }

  /**
   * Runs a query: BM25 per work, top-3 aggregation per person, filters, impact, then (score desc, person_id asc).
   * Pruned (top-people.ts, match-count.ts) unless asked to be exhaustive or the query has more terms than the
   * matched-terms bit mask holds; both give the same page, scores, works and total.
   */
  query(query: string, options: IndexQueryOptions = {}): IndexQueryResult {
    const terms = queryTerms(query);
    const filters = options.filters ?? {};
    const noFilter = Object.values(filters).every((v) => v === undefined || v === false);
    const known: Array<{ term: string; id: number; bit: number }> = [];
    const unknownTerms: string[] = [];
    terms.forEach((term, i) => {
      const id = this.p.terms.get(term);
      if (id === undefined) unknownTerms.push(term);
      else known.push({ term, id, bit: i < MAX_BITS ? 1 << i : 0 });
    });
    this.p.lazy?.terms(known.map((k) => k.id));
    const limit = options.limit ?? 20;
    const offset = options.offset ?? 0;
    const { values: impact, max: maxImpact, works: workImpact } = this.impactFor(options.weights ?? DEFAULT_WEIGHTS);
    const perHit = Math.min(3, options.worksPerHit ?? 3);
    const postings = known.reduce((n, k) => n + (this.p.termStart[k.id + 1] as number) - (this.p.termStart[k.id] as number), 0);
    // few postings: scoring them all costs less than pruning's fixed steps (both give the same answer)
    const exhaustive = options.method === 'exhaustive' || (options.method === undefined && postings <= EXHAUSTIVE_POSTINGS);
    if (exhaustive || terms.length > MAX_BITS) return this.queryExhaustive(terms, known, unknownTerms, noFilter ? null : filters, impact, limit, offset, perHit);
    const passing = noFilter ? null : this.passingSet(filters);
    const pass = passing ? (p: number): boolean => (((passing[p >>> 5] as number) >>> (p & 31)) & 1) === 1 : null;
    const q = { terms: known, nq: terms.length, want: offset + limit, impact, maxImpact, workImpact, pass };
    const total = known.length ? this.matches.count(known.map((k) => k.id), passing) : 0;
    // few people to rank (a narrow filter): score each of them, nothing else
    const direct = options.method === 'direct' || (options.method === undefined && total <= DIRECT_PEOPLE);
    const heap = direct ? this.pruned.runOn(q, this.matches.matched, passing) : this.pruned.run(q);
    const page = heap.sorted().slice(offset, offset + limit);
    const hits: IndexHit[] = page.map(({ p, score, rel }) => {
      const works: IndexHit['works'] = [];
      if (perHit > 0) this.pruned.score(p, q);
      for (let j = 0; j < perHit; j++) {
        const s = this.pruned.top[j] as number;
        if (s <= 0) break;
        const w = this.pruned.topWork[j] as number;
        const mask = this.pruned.workMask(w, q);
        works.push({ work: w, workId: this.p.workIds[w] as string, score: s, matchedTerms: terms.filter((_, i) => (mask & (1 << i)) !== 0) });
      }
      return { person: p, personId: this.p.personIds[p] as string, score, factors: this.factors(p, rel), careerAge: this.careerAge(p), works };
    });
    return { terms, unknownTerms, total, hits };
  }

  private passingCache: { key: string; bits: Int32Array } | undefined;

  /** The people passing the filters as a bit set (cached for the last filters): one pass over all people. */
  private passingSet(f: SearchFilters): Int32Array {
    const key = JSON.stringify(f);
    if (this.passingCache?.key === key) return this.passingCache.bits;
    const test = this.filterTest(f);
    const n = this.p.personIds.length;
    const bits = new Int32Array(bitSetWords(n));
    for (let p = 0; p < n; p++) if (test(p)) bits[p >>> 5] = (bits[p >>> 5] as number) | (1 << (p & 31));
    this.passingCache = { key, bits };
    return bits;
  }

  /** passes(p, filters) with the filter's values turned into codes once. */
  private filterTest(f: SearchFilters): (p: number) => boolean {
    const origin = f.origin === undefined ? -1 : this.countries.indexOf(f.origin);
    const country = f.country === undefined ? -1 : this.countries.indexOf(f.country);
    if ((f.origin !== undefined && origin < 0) || (f.country !== undefined && country < 0)) return () => false;
    const need = (f.abroad ? FLAG_ABROAD : 0) | (f.returnee ? FLAG_RETURNEE : 0);
    const typeBit = f.institutionType === undefined ? -1 : this.instTypes.indexOf(f.institutionType);
    if (f.institutionType !== undefined && typeBit < 0) return () => false;
    const minH = f.minH;
    const age = f.careerAge;
    const { h } = this.p;
    return (p) => {
      if (origin >= 0 && this.origin[p] !== origin) return false;
      if (country >= 0 && this.current[p] !== country) return false;
      if (((this.flags[p] as number) & need) !== need) return false;
      if (minH !== undefined && (h[p] as number) < minH) return false;
      if (typeBit >= 0 && ((this.instMask[p] as number) & (1 << typeBit)) === 0) return false;
      if (age) {
        const a = this.careerAge(p);
        if (a === null || a < age.min || a > age.max) return false;
      }
      return true;
    };
  }

  /** Every posting of every query term scored, every matching person aggregated: the reference for the pruned path. */
  private queryExhaustive(
    terms: string[],
    known: ReadonlyArray<{ id: number; bit: number }>,
    unknownTerms: string[],
    filters: SearchFilters | null,
    impact: Float64Array,
    limit: number,
    offset: number,
    perHit: number,
  ): IndexQueryResult {
    const { termStart, postWork, postTf, norm, workPeopleStart, workPeople } = this.p;
    const nP = this.p.personIds.length;
    const { wScore, wMask, touched: touchedWorks } = this.pruned;
    const { top, topWork, touchedPeople } = (this.exhaustiveScratch ??= { top: new Float32Array(nP * 3), topWork: new Int32Array(nP * 3), touchedPeople: new Int32Array(nP) });
    let nTouched = 0;
    for (const { id, bit } of known) {
      const idf = this.idf[id] as number;
      for (let i = termStart[id] as number; i < (termStart[id + 1] as number); i++) {
        const w = postWork[i] as number;
        const tf = postTf[i] as number;
        if (wMask[w] === 0 && wScore[w] === 0) touchedWorks[nTouched++] = w;
        wScore[w] = (wScore[w] as number) + (idf * tf * 2.2) / (tf + (norm[w] as number));
        wMask[w] = (wMask[w] as number) | bit | TOUCHED;
      }
    }
    const nq = Math.min(terms.length, MAX_BITS);
    // aggregate to people: keep each person's three best work scores
    let nPeople = 0;
    for (let k = 0; k < nTouched; k++) {
      const w = touchedWorks[k] as number;
      const matched = popcount((wMask[w] as number) & ~TOUCHED);
      const s = (wScore[w] as number) * (nq ? matched / nq : 0);
      for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
        const p = workPeople[j] as number;
        const b = p * 3;
        if (top[b] === 0) touchedPeople[nPeople++] = p;
        insertTop(top, topWork, b, s, w);
      }
    }
    // score, filter, select: typed arrays and a bounded heap, objects only for the page
    const want = offset + limit;
    const heap = new TopHeap(want);
    let total = 0;
    for (let k = 0; k < nPeople; k++) {
      const p = touchedPeople[k] as number;
      if (filters && !this.passes(p, filters)) continue;
      const b = p * 3;
      const rel = TOP_DECAY[0] * (top[b] as number) + TOP_DECAY[1] * (top[b + 1] as number) + TOP_DECAY[2] * (top[b + 2] as number);
      if (rel <= 0) continue;
      total++;
      heap.offer(rel * (impact[p] as number), p, rel);
    }
    const page = heap.sorted().slice(offset, want);
    const hits: IndexHit[] = page.map(({ p, score, rel }) => {
      const works: IndexHit['works'] = [];
      for (let j = 0; j < perHit; j++) {
        const w = topWork[p * 3 + j] as number;
        const s = top[p * 3 + j] as number;
        if (s <= 0) break;
        const mask = wMask[w] as number;
        works.push({ work: w, workId: this.p.workIds[w] as string, score: s, matchedTerms: terms.filter((_, i) => i < MAX_BITS && (mask & (1 << i)) !== 0) });
      }
      return { person: p, personId: this.p.personIds[p] as string, score, factors: this.factors(p, rel), careerAge: this.careerAge(p), works };
    });
    // reset scratch
    for (let k = 0; k < nTouched; k++) {
      const w = touchedWorks[k] as number;
      wScore[w] = 0;
      wMask[w] = 0;
    }
    for (let k = 0; k < nPeople; k++) {
      const b = (touchedPeople[k] as number) * 3;
      top[b] = top[b + 1] = top[b + 2] = 0;
    }
    return { terms, unknownTerms, total, hits };
  }

  /** Baseline for the benchmark: the same ranking by a full scan of the forward index (no postings). */
  fullScan(query: string, options: IndexQueryOptions = {}): IndexQueryResult {
    const fwd = this.p.forward;
    if (!fwd) throw new Error('fullScan needs an index built with keepForward');
    const terms = queryTerms(query);
    const ids = terms.map((t) => this.p.terms.get(t) ?? -1);
    const nW = this.p.workIds.length;
    const nP = this.p.personIds.length;
    const top = new Float32Array(nP * 3);
    const topWork = new Int32Array(nP * 3);
    const nq = Math.min(terms.length, MAX_BITS);
    for (let w = 0; w < nW; w++) {
      let score = 0;
      let matched = 0;
      for (let i = fwd.start[w] as number; i < (fwd.start[w + 1] as number); i++) {
        const q = ids.indexOf(fwd.terms[i] as number);
        if (q < 0) continue;
        const tf = fwd.tf[i] as number;
        score += ((this.idf[ids[q] as number] as number) * tf * 2.2) / (tf + (this.p.norm[w] as number));
        matched++;
      }
      if (!matched) continue;
      const s = score * (matched / nq);
      for (let j = this.p.workPeopleStart[w] as number; j < (this.p.workPeopleStart[w + 1] as number); j++) insertTop(top, topWork, (this.p.workPeople[j] as number) * 3, s, w);
    }
    const weights = options.weights ?? DEFAULT_WEIGHTS;
    const cand: Array<{ p: number; score: number; rel: number }> = [];
    for (let p = 0; p < nP; p++) {
      const b = p * 3;
      const rel = (top[b] as number) + 0.5 * (top[b + 1] as number) + 0.25 * (top[b + 2] as number);
      if (rel <= 0 || !this.passes(p, options.filters ?? {})) continue;
      cand.push({ p, score: combineScore(this.factors(p, rel), weights), rel });
    }
    const limit = options.limit ?? 20;
    const offset = options.offset ?? 0;
    const page = selectTop(cand, offset + limit).slice(offset);
    return {
      terms,
      unknownTerms: [],
      total: cand.length,
      hits: page.map(({ p, score, rel }) => ({ person: p, personId: this.p.personIds[p] as string, score, factors: this.factors(p, rel), careerAge: this.careerAge(p), works: [] })),
    };
  }

  /** The estimate of the strings' bytes (they do not change): made once. */
  private stringBytes: number | undefined;

  stats(): IndexStats {
    const p = this.p;
    const typed = [
      p.termStart, p.postWork, p.postTf, p.norm, p.termMaxPart, p.termBitSet, p.termPeopleBits, p.termWorkSet, p.workSetBits, p.workSetRank, p.workPeopleStart, p.workPeople, p.personWorksStart, p.personWorks,
      p.sourceH, p.cites, p.h, p.recent, p.nWorks, p.firstWorkYear, this.origin, this.current, this.flags, this.firstYear, this.instMask, this.codes.originBasis, this.idf,
      ...(this.exhaustiveScratch ? Object.values(this.exhaustiveScratch) : []), ...(this.passingCache ? [this.passingCache.bits] : []),
      ...(this.impactCache ? [this.impactCache.values, ...(this.impactCache.made ? [this.impactCache.made] : [])] : []),
      ...(p.forward ? [p.forward.start, p.forward.terms, p.forward.tf] : []),
    ].reduce((s, a) => s + a.byteLength, 0) + this.pruned.bytes + this.matches.bytes;
    const strings = (this.stringBytes ??= estimateStringBytes(p));
    return {
      people: p.personIds.length,
      works: p.workIds.length,
      terms: p.terms.size,
      postings: p.postWork.length,
      authorships: p.workPeople.length,
      asOf: this.asOf,
      careersPresent: this.careersPresent,
      typedArrayBytes: typed,
      estimatedBytes: typed + strings,
    };
  }

  /** What a result shows of work ordinal w as the store had it when the index was made; null for an expertise document. */
  shownWork(w: number): ShownWork | null {
    return parseShownWork(this.p.workShown[w]);
  }

  /** The recent-output window this index uses, for display. */
  get recentWindow(): { from: number; to: number } {
    return { from: this.asOf - RECENT_YEARS + 1, to: this.asOf };
  }
}

/** Strings sampled per list for the estimate: lists read from a file are read line by line (a sample is two reads: 256 of them cost a new process's search ~45 ms at 1M people). */
const STRING_SAMPLE = 32;

/**
 * Bytes the index's strings take, estimated: V8 strings of 2-byte characters and a pointer each (16 + 2·length + 8),
 * from at most STRING_SAMPLE strings spread over each list (exact for shorter lists), and the term dictionary (its first
 * STRING_SAMPLE terms, scaled).
 */
function estimateStringBytes(p: Readonly<SearchIndexParts>): number {
  const list = (l: readonly (string | null)[]): number => {
    const n = l.length;
    if (n === 0) return 0;
    const k = Math.min(n, STRING_SAMPLE);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const s = l[Math.floor((j * n) / k)];
      sum += s ? 16 + 2 * s.length + 8 : 8;
    }
    return Math.round((sum * n) / k);
  };
  // the dictionary from its first terms too (walking every term cost a new process's search ~30–65 ms at 1M people)
  let sampled = 0, sum = 0;
  for (const t of p.terms.keys()) {
    sum += 16 + 2 * t.length + 24;
    if (++sampled === STRING_SAMPLE) break;
  }
  const dict = sampled ? Math.round((sum * p.terms.size) / sampled) : 0;
  return list(p.workIds) + list(p.workShown) + list(p.personIds) + list(p.names) + dict;
}
