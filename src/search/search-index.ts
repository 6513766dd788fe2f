/**
 * The in-memory search index: BM25 postings (term → works) and the work → people links as typed arrays, plus
 * per-person impact figures and career facts for exact filtering. Queries are synchronous and allocation-light:
 * scratch arrays sized to the corpus are reused between queries.
 */
import { RECENT_YEARS, TOP_DECAY, combineScore, risingStar, type RankFactors, type RankWeights, DEFAULT_WEIGHTS } from './rank.ts';
import { queryTerms } from './tokenize.ts';

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
  termStart: Int32Array;
  postWork: Int32Array;
  postTf: Float32Array;
  norm: Float32Array;
  workIds: string[];
  workPeopleStart: Int32Array;
  workPeople: Int32Array;
  personIds: string[];
  names: (string | null)[];
  sourceH: Int32Array;
  cites: Float64Array;
  h: Int32Array;
  recent: Int32Array;
  nWorks: Int32Array;
  firstWorkYear: Int32Array;
  facts: (PersonFactsInput | undefined)[];
  asOf: number;
  careersPresent: boolean;
  forward: { start: Int32Array; terms: Int32Array; tf: Float32Array } | undefined;
}

/** Query terms tracked per work in a small-integer bit mask (bit 30 marks a touched work; kept below 2^31 so V8 stays on small integers). */
const MAX_BITS = 30;
const TOUCHED = 1 << 30;
const FLAG_ABROAD = 1;
const FLAG_RETURNEE = 2;
const FLAG_CAREERS = 4;

export class SearchIndex {
  readonly asOf: number;
  readonly careersPresent: boolean;
  private readonly p: SearchIndexParts;
  /** Country dictionary: index 0 = unknown. */
  private readonly countries: string[] = [''];
  private readonly origin: Uint16Array;
  private readonly current: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly firstYear: Int32Array;
  private readonly instTypes: string[] = [];
  private readonly instMask: Uint32Array;
  private readonly originBasis: (string | null)[];
  private readonly idf: Float32Array;
  // scratch, reused across queries
  private readonly wScore: Float32Array;
  private readonly wMask: Int32Array;
  private readonly touchedWorks: Int32Array;
  private readonly top: Float32Array;
  private readonly topWork: Int32Array;
  private readonly touchedPeople: Int32Array;

  constructor(parts: SearchIndexParts) {
    this.p = parts;
    this.asOf = parts.asOf;
    this.careersPresent = parts.careersPresent;
    const nP = parts.personIds.length;
    const nW = parts.workIds.length;
    this.origin = new Uint16Array(nP);
    this.current = new Uint16Array(nP);
    this.flags = new Uint8Array(nP);
    this.firstYear = new Int32Array(nP);
    this.instMask = new Uint32Array(nP);
    this.originBasis = new Array<string | null>(nP).fill(null);
    const cc = new Map<string, number>();
    const code = (c: string | null | undefined): number => {
      if (!c) return 0;
      let i = cc.get(c);
      if (i === undefined) {
        i = this.countries.length;
        this.countries.push(c);
        cc.set(c, i);
      }
      return i;
    };
    for (let i = 0; i < nP; i++) {
      const f = parts.facts[i];
      if (!f) continue;
      this.origin[i] = code(f.origin);
      this.current[i] = code(f.currentCountry);
      const careers = f.abroad !== undefined && f.abroad !== null;
      this.flags[i] = (careers ? FLAG_CAREERS : 0) | (f.abroad ? FLAG_ABROAD : 0) | (f.returnee ? FLAG_RETURNEE : 0);
      this.firstYear[i] = f.firstYear ?? 0;
      this.originBasis[i] = f.originBasis ?? null;
      for (const t of f.latestInstitutionTypes ?? []) {
        let b = this.instTypes.indexOf(t);
        if (b < 0 && this.instTypes.length < 32) b = this.instTypes.push(t) - 1;
        if (b >= 0) this.instMask[i] = (this.instMask[i] as number) | (1 << b);
      }
    }
    parts.facts.length = 0; // facts now live in the typed arrays
    const nT = parts.terms.size;
    this.idf = new Float32Array(nT);
    for (let t = 0; t < nT; t++) {
      const df = (parts.termStart[t + 1] as number) - (parts.termStart[t] as number);
      this.idf[t] = Math.log(1 + (nW - df + 0.5) / (df + 0.5));
    }
    this.wScore = new Float32Array(nW);
    this.wMask = new Int32Array(nW);
    this.touchedWorks = new Int32Array(nW);
    this.top = new Float32Array(nP * 3);
    this.topWork = new Int32Array(nP * 3);
    this.touchedPeople = new Int32Array(nP);
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
      originBasis: this.originBasis[p] ?? null,
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
    const { firstYear } = this.firstYearOf(p);
    return firstYear === null ? null : this.asOf - firstYear + 1;
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

  private impactCache: { key: string; values: Float64Array } | undefined;

  /** Impact multiplier of every person for the given weights (query-independent, cached for the last weights). */
  private impactFor(w: RankWeights): Float64Array {
    const key = `${w.citations},${w.h},${w.recent},${w.rising}`;
    if (this.impactCache?.key === key) return this.impactCache.values;
    const n = this.p.personIds.length;
    const values = new Float64Array(n);
    for (let p = 0; p < n; p++) values[p] = combineScore(this.factors(p, 1), w);
    this.impactCache = { key, values };
    return values;
  }

  factors(p: number, relevance: number): RankFactors {
    const h = this.p.h[p] as number;
    return { relevance, citations: this.p.cites[p] as number, h, recent: this.p.recent[p] as number, rising: risingStar(h, this.careerAge(p)) };
  }

  /** Runs a query: BM25 per work, top-3 aggregation per person, filters, impact, then a stable sort by (score desc, person_id asc). */
  query(query: string, options: IndexQueryOptions = {}): IndexQueryResult {
    const terms = queryTerms(query);
    const weights = options.weights ?? DEFAULT_WEIGHTS;
    const limit = options.limit ?? 20;
    const offset = options.offset ?? 0;
    const filters = options.filters ?? {};
    const { termStart, postWork, postTf, norm, workPeopleStart, workPeople } = this.p;
    const known: Array<{ term: string; id: number; bit: number }> = [];
    const unknownTerms: string[] = [];
    terms.forEach((term, i) => {
      const id = this.p.terms.get(term);
      if (id === undefined) unknownTerms.push(term);
      else known.push({ term, id, bit: i < MAX_BITS ? 1 << i : 0 });
    });
    const { wScore, wMask, touchedWorks, top, topWork, touchedPeople } = this;
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
    const impact = this.impactFor(weights);
    const noFilter = Object.values(filters).every((v) => v === undefined || v === false);
    const want = offset + limit;
    const heap = new TopHeap(want);
    let total = 0;
    for (let k = 0; k < nPeople; k++) {
      const p = touchedPeople[k] as number;
      if (!noFilter && !this.passes(p, filters)) continue;
      const b = p * 3;
      const rel = TOP_DECAY[0] * (top[b] as number) + TOP_DECAY[1] * (top[b + 1] as number) + TOP_DECAY[2] * (top[b + 2] as number);
      if (rel <= 0) continue;
      total++;
      heap.offer(rel * (impact[p] as number), p, rel);
    }
    const page = heap.sorted().slice(offset, want);
    const perHit = options.worksPerHit ?? 3;
    const hits: IndexHit[] = page.map(({ p, score, rel }) => {
      const works: IndexHit['works'] = [];
      for (let j = 0; j < Math.min(3, perHit); j++) {
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

  stats(): IndexStats {
    const p = this.p;
    const typed = [
      p.termStart, p.postWork, p.postTf, p.norm, p.workPeopleStart, p.workPeople, p.sourceH, p.cites, p.h, p.recent, p.nWorks, p.firstWorkYear,
      this.origin, this.current, this.flags, this.firstYear, this.instMask, this.idf, this.wScore, this.wMask, this.touchedWorks, this.top, this.topWork, this.touchedPeople,
      ...(p.forward ? [p.forward.start, p.forward.terms, p.forward.tf] : []),
    ].reduce((s, a) => s + a.byteLength, 0);
    let strings = 0;
    for (const id of p.workIds) strings += 16 + 2 * id.length + 8;
    for (const id of p.personIds) strings += 16 + 2 * id.length + 8;
    for (const n of p.names) strings += n ? 16 + 2 * n.length + 8 : 8;
    let dict = 0;
    for (const t of p.terms.keys()) dict += 16 + 2 * t.length + 24;
    return {
      people: p.personIds.length,
      works: p.workIds.length,
      terms: p.terms.size,
      postings: p.postWork.length,
      authorships: p.workPeople.length,
      asOf: this.asOf,
      careersPresent: this.careersPresent,
      typedArrayBytes: typed,
      estimatedBytes: typed + strings + dict,
    };
  }

  /** The recent-output window this index uses, for display. */
  get recentWindow(): { from: number; to: number } {
    return { from: this.asOf - RECENT_YEARS + 1, to: this.asOf };
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Insert score s (work w) into the descending top-3 at base b; ties keep the lower work ordinal first. */
function insertTop(top: Float32Array, topWork: Int32Array, b: number, s: number, w: number): void {
  if (s <= 0) return;
  for (let j = 0; j < 3; j++) {
    const cur = top[b + j] as number;
    if (s > cur || (s === cur && cur > 0 && w < (topWork[b + j] as number))) {
      for (let k = 2; k > j; k--) {
        top[b + k] = top[b + k - 1] as number;
        topWork[b + k] = topWork[b + k - 1] as number;
      }
      top[b + j] = s;
      topWork[b + j] = w;
      return;
    }
  }
}

const before = (a: { p: number; score: number }, b: { p: number; score: number }): boolean => a.score > b.score || (a.score === b.score && a.p < b.p);

/** The first n candidates in (score desc, person asc) order, by a bounded binary heap: O(N log n). */
export function selectTop<T extends { p: number; score: number }>(cand: T[], n: number): T[] {
  if (n <= 0) return [];
  if (cand.length <= n * 4) return [...cand].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).slice(0, n);
  // min-heap of the worst kept candidate at the root
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => before(heap[j] as T, heap[i] as T);
  const swap = (i: number, j: number): void => {
    const t = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = t;
  };
  for (const c of cand) {
    if (heap.length < n) {
      heap.push(c);
      let i = heap.length - 1;
      while (i > 0 && worse(i, (i - 1) >> 1)) {
        swap(i, (i - 1) >> 1);
        i = (i - 1) >> 1;
      }
    } else if (before(c, heap[0] as T)) {
      heap[0] = c;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(l, m)) m = l;
        if (r < heap.length && worse(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** Bounded heap keeping the n best (score desc, person asc) in typed arrays; the root is the worst kept. */
class TopHeap {
  private readonly score: Float64Array;
  private readonly person: Int32Array;
  private readonly rel: Float64Array;
  private size = 0;
  constructor(private readonly cap: number) {
    this.score = new Float64Array(Math.max(1, cap));
    this.person = new Int32Array(Math.max(1, cap));
    this.rel = new Float64Array(Math.max(1, cap));
  }
  /** a ranks before b */
  private better(sa: number, pa: number, sb: number, pb: number): boolean {
    return sa > sb || (sa === sb && pa < pb);
  }
  private set(i: number, s: number, p: number, r: number): void {
    this.score[i] = s;
    this.person[i] = p;
    this.rel[i] = r;
  }
  offer(s: number, p: number, r: number): void {
    const { score, person, rel } = this;
    if (this.cap <= 0) return;
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (!this.better(score[up] as number, person[up] as number, s, p)) break; // parent is worse-or-equal: stop
        this.set(i, score[up] as number, person[up] as number, rel[up] as number);
        i = up;
      }
      this.set(i, s, p, r);
      return;
    }
    if (!this.better(s, p, score[0] as number, person[0] as number)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const rr = l + 1;
      let m = -1;
      let ms = s;
      let mp = p;
      if (l < this.size && this.better(ms, mp, score[l] as number, person[l] as number)) (m = l), (ms = score[l] as number), (mp = person[l] as number);
      if (rr < this.size && this.better(ms, mp, score[rr] as number, person[rr] as number)) m = rr;
      if (m < 0) break;
      this.set(i, score[m] as number, person[m] as number, rel[m] as number);
      i = m;
    }
    this.set(i, s, p, r);
  }
  sorted(): Array<{ p: number; score: number; rel: number }> {
    const out = Array.from({ length: this.size }, (_, i) => ({ p: this.person[i] as number, score: this.score[i] as number, rel: this.rel[i] as number }));
    return out.sort((a, b) => (this.better(a.score, a.p, b.score, b.p) ? -1 : this.better(b.score, b.p, a.score, a.p) ? 1 : 0));
  }
}
