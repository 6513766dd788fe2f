/**
 * The best people for a query without scoring every posting or aggregating every matching person — the pruned path
 * of SearchIndex.query, exact: it returns the people, order, scores and works the exhaustive evaluation returns.
 *
 * A person's score is rel × impact with rel = s1 + ½s2 + ¼s3 ≤ 1.75·s1, so a person whose best work scores below
 * τ cannot beat θ = 1.75·τ·max impact. Steps (docs/search.md, "Pruning"):
 *  1. seed: the people of the best works of the rarest query term are scored exactly; the k-th best is a lower
 *     bound θ₁ on the final k-th score, and τ₁ = θ₁ / (1.75·max impact) a bound no useful work falls below;
 *  2. MaxScore: terms whose summed score bounds (per-term maxima kept in the index) cannot lift a work to τ₁ are
 *     not scanned, only looked up for the works the scanned terms reach;
 *  3. the works scoring ≥ τ₁ are visited best first (bucketed by score); a person is scored exactly when first met,
 *     and only if 1.75 × the bucket's top × their impact can still beat the current k-th score; the visit stops
 *     when even the best impact cannot.
 * Exact scoring of a person recomputes every one of their works' scores with the same float32 sums, in the same
 * term order, and inserts them in the order the exhaustive path meets them, so ties and roundings come out alike.
 */
import { TOP_DECAY } from './rank.ts';
import { TopHeap, insertTop, popcount } from './top-k.ts';
import { WorkSetLookup, type WorkSets } from './work-sets.ts';

/** The index arrays the pruned path reads. */
export interface TopPeopleArrays extends WorkSets {
  termStart: Int32Array;
  postWork: Int32Array;
  postTf: Float32Array;
  norm: Float32Array;
  idf: Float32Array;
  /** Per term: the largest tf·(k1+1)/(tf + norm) over its postings; × idf bounds the term's part of a work score. */
  termMaxPart: Float32Array;
  workPeopleStart: Int32Array;
  workPeople: Int32Array;
  personWorksStart: Int32Array;
  personWorks: Int32Array;
}

export interface TopPeopleQuery {
  /** Known query terms in query order; bit = 1 << the term's position in the query. */
  terms: ReadonlyArray<{ id: number; bit: number }>;
  /** Query terms counted in the matched-terms factor (all of the query's terms, known or not). */
  nq: number;
  want: number;
  impact: Float64Array;
  maxImpact: number;
  /** Per work, the largest impact among its people for these weights (float32: a bound only with a margin), made when first asked. */
  workImpact: () => Float32Array;
  /** Filter test, or null for none. */
  pass: ((p: number) => boolean) | null;
}

/** Relative margin on every bound: covers float32 sums and roundings, so a bound is never below the value. */
const EPS = 1e-5;
const DECAY_SUM = TOP_DECAY[0] + TOP_DECAY[1] + TOP_DECAY[2];
const K1_PLUS_1 = 2.2;
const SEED_POSTINGS = 8192;
const SEED_WORKS = 48;
const SEED_ROUNDS = 2;
/** People of the largest impact scored before anything else (seedByImpact). */
const SEED_IMPACT = 512;
const BUCKETS = 1024;
/** Terms are looked up rather than scanned only when their postings outnumber the scanned ones this many times. */
const LOOKUP_RATIO = 2;

/** First index in [lo, end) whose work is ≥ w (end if none): galloping from lo, then bisection. */
function seek(postWork: Int32Array, lo: number, end: number, w: number): number {
  if (lo >= end || (postWork[lo] as number) >= w) return lo;
  let prev = lo;
  let step = 1;
  let hi = lo + 1;
  while (hi < end && (postWork[hi] as number) < w) {
    prev = hi;
    step *= 2;
    hi = prev + step;
  }
  if (hi > end) hi = end;
  let a = prev + 1;
  let b = hi;
  while (a < b) {
    const m = (a + b) >>> 1;
    if ((postWork[m] as number) < w) a = m + 1;
    else b = m;
  }
  return a;
}

/** The ordinals of the (up to) n largest values, in no particular order: a histogram pass, then the values above its cut. */
function topByValue(values: Float64Array, n: number): Int32Array {
  if (values.length <= n) return Int32Array.from({ length: values.length }, (_, i) => i);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const BINS = 4096;
  const width = (hi - lo) / BINS;
  if (!(width > 0)) return Int32Array.from({ length: n }, (_, i) => i);
  const binOf = (v: number): number => Math.min(BINS - 1, Math.floor((v - lo) / width));
  const count = new Int32Array(BINS);
  for (let i = 0; i < values.length; i++) count[binOf(values[i] as number)]!++;
  let cut = BINS - 1;
  for (let have = count[cut] as number; have < n && cut > 0; ) have += count[--cut] as number;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (binOf(values[i] as number) >= cut) out.push(i);
  out.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return Int32Array.from(out.slice(0, n));
}

/** The k-th largest value of xs (which it reorders), by quickselect. */
function kthLargest(xs: Float64Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  const target = xs.length - k;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((xs[i] as number) < pivot) i++;
      while ((xs[j] as number) > pivot) j--;
      if (i <= j) {
        const t = xs[i] as number;
        xs[i++] = xs[j] as number;
        xs[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return xs[target] as number;
  }
  return xs[target] as number;
}

export class TopPeople {
  private readonly a: TopPeopleArrays;
  private readonly sets: WorkSetLookup;
  // scratch, reused across queries
  /** Per-work sums, term bits and the touched list: zero between queries, shared with the exhaustive path. */
  readonly wScore: Float32Array;
  readonly wMask: Int32Array;
  readonly touched: Int32Array;
  private readonly survW: Int32Array;
  private readonly survS: Float32Array;
  /** Per work: its exact score if it survived (≥ τ), else 0; zero between queries. */
  private readonly wSurv: Float32Array;
  private readonly order: Int32Array;
  private readonly seen: Int32Array;
  private gen = 0;
  private readonly acc: Float32Array;
  private readonly mask: Int32Array;
  /** The last person scored exactly: their three best work scores and works. */
  readonly top = new Float32Array(3);
  readonly topWork = new Int32Array(3);
  /** Scans of several lists so far (the first merges them: scan). */
  private scans = 0;
  /** True while wScore/wMask hold every query term's exact sums (all terms scanned): no look-ups needed. */
  private exactSums = false;

  constructor(a: TopPeopleArrays) {
    this.a = a;
    this.sets = new WorkSetLookup(a, a.norm.length);
    const nW = a.norm.length;
    const nP = a.personWorksStart.length - 1;
    this.wScore = new Float32Array(nW);
    this.wMask = new Int32Array(nW);
    this.touched = new Int32Array(nW);
    this.survW = new Int32Array(nW);
    this.survS = new Float32Array(nW);
    this.wSurv = new Float32Array(nW);
    this.order = new Int32Array(nW);
    this.seen = new Int32Array(Math.max(0, nP));
    let most = 0;
    for (let p = 0; p < nP; p++) most = Math.max(most, (a.personWorksStart[p + 1] as number) - (a.personWorksStart[p] as number));
    this.acc = new Float32Array(most);
    this.mask = new Int32Array(most);
  }

  /** Scratch bytes, for the index's memory figures. */
  get bytes(): number {
    return [this.wScore, this.wMask, this.touched, this.survW, this.survS, this.wSurv, this.order, this.seen, this.acc, this.mask].reduce((s, x) => s + x.byteLength, 0);
  }

  /** The `want` best people as a heap (score desc, person asc), each scored exactly. */
  run(q: TopPeopleQuery): TopHeap {
    const heap = new TopHeap(q.want);
    if (q.want <= 0 || q.terms.length === 0 || q.nq === 0) return heap;
    if (++this.gen === 0x7fffffff) {
      this.seen.fill(0);
      this.gen = 1;
    }
    this.exactSums = false;
    this.seed(q, heap);
    this.seedByImpact(q, heap);
    const tau = heap.full ? heap.worst / (DECAY_SUM * q.maxImpact * (1 + EPS)) : 0;
    const nTouched = this.scan(q, tau);
    const theta1 = heap.full ? heap.worst : 0;
    const { all: nSurv, scored } = this.survivors(q, tau, nTouched, theta1);
    // visited: the survivors that can be someone's best work on the page; the others' scores (or bounds, at the end)
    // still bound their people's
    const nVisit = theta1 > 0 ? this.keepReachable(q, theta1, scored) : scored;
    for (let i = 0; i < nSurv; i++) this.wSurv[this.survW[i] as number] = this.survS[i] as number;
    this.visit(q, heap, tau, nVisit);
    for (let i = 0; i < nSurv; i++) this.wSurv[this.survW[i] as number] = 0;
    const { wScore, wMask, touched } = this;
    if (nTouched > wScore.length >>> 3) {
      // most works touched: clearing the arrays whole beats a random write per work
      wScore.fill(0);
      wMask.fill(0);
    } else {
      for (let k = 0; k < nTouched; k++) {
        const w = touched[k] as number;
        wScore[w] = 0;
        wMask[w] = 0;
      }
    }
    this.exactSums = false;
    return heap;
  }

  /**
   * The `want` best of a few people given as a bit set (the matching people passing the filter, when `total` is
   * small): each scored exactly, nothing scanned.
   */
  runOn(q: TopPeopleQuery, people: Int32Array, passing: Int32Array | null): TopHeap {
    const heap = new TopHeap(q.want);
    if (q.want <= 0 || q.terms.length === 0 || q.nq === 0) return heap;
    for (let i = 0; i < people.length; i++) {
      let x = (people[i] as number) & (passing ? (passing[i] as number) : -1);
      while (x !== 0) {
        const low = x & -x;
        this.offer((i << 5) + 31 - Math.clz32(low), q, heap);
        x ^= low;
      }
    }
    return heap;
  }

  /** Person p's relevance, scored exactly; their three best works are left in top/topWork. */
  score(p: number, q: TopPeopleQuery): number {
    const { personWorksStart, personWorks } = this.a;
    const from = personWorksStart[p] as number;
    const n = (personWorksStart[p + 1] as number) - from;
    const { acc, mask, top, topWork } = this;
    if (this.exactSums) {
      for (let j = 0; j < n; j++) {
        const w = personWorks[from + j] as number;
        acc[j] = this.wScore[w] as number;
        mask[j] = this.wMask[w] as number;
      }
    } else {
      this.sums(q, personWorks, from, n, acc, mask);
    }
    top[0] = top[1] = top[2] = 0;
    // the exhaustive path meets a work first with the first query term it contains, in work order within a term
    for (const { bit } of q.terms) {
      for (let j = 0; j < n; j++) {
        const m = mask[j] as number;
        if ((m & -m) !== bit) continue;
        insertTop(top, topWork, 0, (acc[j] as number) * (popcount(m) / q.nq), personWorks[from + j] as number);
      }
    }
    return TOP_DECAY[0] * (top[0] as number) + TOP_DECAY[1] * (top[1] as number) + TOP_DECAY[2] * (top[2] as number);
  }

  /**
   * A bound on person p's relevance from what the visit knows: the exact scores of their surviving works, τ for
   * every other (a work that did not survive scores below τ).
   */
  private bound(p: number, tau: number): number {
    const { personWorksStart, personWorks } = this.a;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let j = personWorksStart[p] as number; j < (personWorksStart[p + 1] as number); j++) {
      const s = this.wSurv[personWorks[j] as number] as number;
      if (s > t1) (t3 = t2), (t2 = t1), (t1 = s);
      else if (s > t2) (t3 = t2), (t2 = s);
      else if (s > t3) t3 = s;
    }
    const fill = tau * (1 + EPS);
    if (t1 < fill) t1 = fill;
    if (t2 < fill) t2 = fill;
    if (t3 < fill) t3 = fill;
    return (TOP_DECAY[0] * t1 + TOP_DECAY[1] * t2 + TOP_DECAY[2] * t3) * (1 + EPS);
  }

  /**
   * Each query term's part of the scores of works[from, from + n) (ascending), summed into acc (float32, in query
   * order, as the exhaustive path sums) and the term bits into mask; acc and mask start at zero.
   */
  private sums(q: TopPeopleQuery, works: Int32Array, from: number, n: number, acc: Float32Array, mask: Int32Array): void {
    const { termStart, postWork, postTf, norm, idf } = this.a;
    acc.fill(0, 0, n);
    mask.fill(0, 0, n);
    for (const { id, bit } of q.terms) {
      const f = idf[id] as number;
      const start = termStart[id] as number;
      const end = termStart[id + 1] as number;
      const set = this.sets.setOf(id);
      let c = start;
      for (let j = 0; j < n; j++) {
        const w = works[from + j] as number;
        let i: number;
        if (set >= 0) {
          i = this.sets.find(set, w);
          if (i < 0) continue;
          i += start;
        } else {
          c = seek(postWork, c, end, w);
          if (c >= end) break;
          if (postWork[c] !== w) continue;
          i = c;
        }
        const tf = postTf[i] as number;
        acc[j] = (acc[j] as number) + (f * tf * K1_PLUS_1) / (tf + (norm[w] as number));
        mask[j] = (mask[j] as number) | bit;
      }
    }
  }

  /** Bits of the query terms work w contains (by look-up). */
  workMask(w: number, q: TopPeopleQuery): number {
    const { termStart, postWork } = this.a;
    let m = 0;
    for (const { id, bit } of q.terms) {
      const end = termStart[id + 1] as number;
      let lo = termStart[id] as number;
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((postWork[mid] as number) < w) lo = mid + 1;
        else hi = mid;
      }
      if (lo < end && postWork[lo] === w) m |= bit;
    }
    return m;
  }

  private offer(p: number, q: TopPeopleQuery, heap: TopHeap): void {
    const rel = this.score(p, q);
    if (rel > 0) heap.offer(rel * (q.impact[p] as number), p, rel);
  }

  /** The people of the largest impact for an impact array (cached for the last array): the first seeds. */
  private byImpact: { impact: Float64Array; people: Int32Array } | null = null;

  /**
   * Step 0: the people of the largest impact, scored exactly. A query of frequent words matches nearly everyone with
   * similar relevance, and the page is then made of the people of the largest impact: their k-th best score is a
   * far better θ₁ than the best works' people give, so τ cuts more works.
   */
  private seedByImpact(q: TopPeopleQuery, heap: TopHeap): void {
    if (this.byImpact?.impact !== q.impact) this.byImpact = { impact: q.impact, people: topByValue(q.impact, SEED_IMPACT) };
    const people = this.byImpact.people;
    for (let i = 0; i < people.length; i++) {
      const p = people[i] as number;
      if (this.seen[p] === this.gen) continue;
      this.seen[p] = this.gen;
      if (q.pass && !q.pass(p)) continue;
      this.offer(p, q, heap);
    }
  }

  /** Step 1: score the people of the best works of the rarest terms (a prefix of each list) until the heap is full. */
  private seed(q: TopPeopleQuery, heap: TopHeap): void {
    const { termStart } = this.a;
    const byDf = [...q.terms].sort((x, y) => (termStart[x.id + 1] as number) - (termStart[x.id] as number) - ((termStart[y.id + 1] as number) - (termStart[y.id] as number)));
    // wider rounds when a filter leaves too few of the first round's people
    for (let round = 0; round < SEED_ROUNDS && !heap.full; round++) this.seedRound(q, heap, byDf, SEED_POSTINGS << (3 * round), SEED_WORKS << (3 * round));
  }

  private seedRound(q: TopPeopleQuery, heap: TopHeap, byDf: ReadonlyArray<{ id: number }>, postings: number, best: number): void {
    const { termStart, postWork, postTf, norm, idf, workPeopleStart, workPeople } = this.a;
    const parts = new Float64Array(postings);
    for (const { id } of byDf) {
      if (heap.full) return;
      const from = termStart[id] as number;
      const n = Math.min(postings, (termStart[id + 1] as number) - from);
      const f = idf[id] as number;
      for (let i = 0; i < n; i++) {
        const tf = postTf[from + i] as number;
        parts[i] = (f * tf * K1_PLUS_1) / (tf + (norm[postWork[from + i] as number] as number));
      }
      const cut = n <= best ? -Infinity : kthLargest(parts.subarray(0, n).slice(), best);
      for (let i = 0; i < n; i++) {
        if ((parts[i] as number) < cut) continue;
        const w = postWork[from + i] as number;
        for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
          const p = workPeople[j] as number;
          if (this.seen[p] === this.gen) continue;
          this.seen[p] = this.gen;
          if (q.pass && !q.pass(p)) continue;
          this.offer(p, q, heap);
        }
      }
    }
  }

  /**
   * Step 2: sums the terms that can lift a work to τ into wScore/wMask (in query order, as the exhaustive path does);
   * the others (MaxScore's non-essential terms) are left to look-ups. Returns the number of works touched (0 when the lists were merged, or one list filtered, straight into survW).
   */
  private scan(q: TopPeopleQuery, tau: number): number {
    const { termStart, postWork, postTf, norm, idf, termMaxPart } = this.a;
    const bound = (t: { id: number }): number => (idf[t.id] as number) * (termMaxPart[t.id] as number) * (1 + EPS);
    const byBound = [...q.terms].sort((x, y) => bound(x) - bound(y));
    let sum = 0;
    let skip = 0;
    while (skip < byBound.length && (sum + bound(byBound[skip] as { id: number })) * ((skip + 1) / q.nq) < tau) sum += bound(byBound[skip++] as { id: number });
    // a look-up per reached work only pays when the unscanned lists are much longer than the scanned ones
    const df = (t: { id: number }): number => (termStart[t.id + 1] as number) - (termStart[t.id] as number);
    const scanned = byBound.slice(skip).reduce((n, t) => n + df(t), 0);
    if (byBound.slice(0, skip).reduce((n, t) => n + df(t), 0) <= LOOKUP_RATIO * scanned) (skip = 0), (sum = 0);
    const lookedUp = new Set(byBound.slice(0, skip).map((t) => t.id));
    this.lookedUp = lookedUp.size ? { count: skip, bound: sum, terms: byBound.slice(0, skip).map((t) => ({ id: t.id, bound: bound(t) })) } : null;
    const { wScore, wMask, touched } = this;
    const scannedTerms = q.terms.filter((t) => !lookedUp.has(t.id));
    this.inOrder = scannedTerms.length === 1 ? this.scanOne(q, tau, scannedTerms[0] as { id: number; bit: number }) : -1;
    if (this.inOrder >= 0) return 0;
    // The lists merged in work order, each work's sum made and tested as it is met (scanMerged), write nothing per
    // work; summing them into wScore/wMask writes a page of each wherever a posting falls. Merged: postings enough to
    // touch half the works (no walk of every work then finds the survivors), two lists (merged by hand, as fast as
    // summed), and any list in the index's first scan, whose per-work arrays are fresh memory (40 MB at 5M works:
    // ~100 ms to fault in, what a new process answering one query pays; a server pays it once, at its second scan).
    const dense = scannedTerms.reduce((n, t) => n + df(t), 0) > wScore.length >>> 1;
    if (dense || scannedTerms.length === 2 || this.scans++ === 0) {
      this.inOrder = this.scanMerged(q, tau, scannedTerms);
      return 0;
    }
    this.exactSums = lookedUp.size === 0;
    let nTouched = 0;
    for (const { id, bit } of scannedTerms) {
      const f = idf[id] as number;
      const end = termStart[id + 1] as number;
      for (let i = termStart[id] as number; i < end; i++) {
        const w = postWork[i] as number;
        const tf = postTf[i] as number;
        if (wMask[w] === 0) touched[nTouched++] = w;
        wScore[w] = (wScore[w] as number) + (f * tf * K1_PLUS_1) / (tf + (norm[w] as number));
        wMask[w] = (wMask[w] as number) | bit;
      }
    }
    return nTouched;
  }

  /**
   * Several terms scanned together: their lists merged in work order, each work's sum made in query order (float32,
   * as wScore sums) and its mask, then kept in survW/survS as the survivors' walk would keep it: its score if ≥ τ,
   * or (when other terms are looked up) its bound if that reaches τ. Returns how many.
   */
  private scanMerged(q: TopPeopleQuery, tau: number, terms: ReadonlyArray<{ id: number; bit: number }>): number {
    const { termStart, postWork, postTf, norm, idf } = this.a;
    const { survW, survS } = this;
    const k = terms.length;
    const END = 0x7fffffff;
    const pos = new Int32Array(k);
    const end = new Int32Array(k);
    const head = new Int32Array(k);
    const f = new Float64Array(k);
    const bits = new Int32Array(k);
    terms.forEach((t, i) => {
      pos[i] = termStart[t.id] as number;
      end[i] = termStart[t.id + 1] as number;
      head[i] = (pos[i] as number) < (end[i] as number) ? (postWork[pos[i] as number] as number) : END;
      f[i] = idf[t.id] as number;
      bits[i] = t.bit;
    });
    const lu = this.lookedUp;
    const luBound = lu ? lu.bound : 0;
    const luCount = lu ? lu.count : 0;
    let n = 0;
    if (k === 2) {
      // two lists (the common case), merged by hand
      let i = pos[0] as number, j = pos[1] as number;
      const ei = end[0] as number, ej = end[1] as number;
      const f0 = f[0] as number, f1 = f[1] as number, b0 = bits[0] as number, b1 = bits[1] as number;
      while (i < ei && j < ej) {
        const a = postWork[i] as number;
        const b = postWork[j] as number;
        let w: number, sc: number, m: number;
        if (a < b) {
          const ta = postTf[i++] as number;
          w = a;
          sc = Math.fround((f0 * ta * K1_PLUS_1) / (ta + (norm[a] as number)));
          m = b0;
        } else if (b < a) {
          const tb = postTf[j++] as number;
          w = b;
          sc = Math.fround((f1 * tb * K1_PLUS_1) / (tb + (norm[b] as number)));
          m = b1;
        } else {
          const ta = postTf[i++] as number;
          const tb = postTf[j++] as number;
          const nw = norm[a] as number;
          w = a;
          sc = Math.fround(Math.fround((f0 * ta * K1_PLUS_1) / (ta + nw)) + (f1 * tb * K1_PLUS_1) / (tb + nw));
          m = b0 | b1;
        }
        const v = lu ? (sc * (1 + EPS) + luBound) * ((popcount(m) + luCount) / q.nq) : sc * (popcount(m) / q.nq);
        if (v >= tau) {
          survW[n] = w;
          survS[n++] = v;
        }
      }
      pos[0] = i;
      pos[1] = j;
      head[0] = i < ei ? (postWork[i] as number) : END;
      head[1] = j < ej ? (postWork[j] as number) : END;
    }
    for (;;) {
      let w = head[0] as number;
      for (let i = 1; i < k; i++) if ((head[i] as number) < w) w = head[i] as number;
      if (w === END) break;
      let s = 0;
      let m = 0;
      for (let i = 0; i < k; i++) {
        if (head[i] !== w) continue;
        const at = pos[i] as number;
        const tf = postTf[at] as number;
        s = Math.fround(s + ((f[i] as number) * tf * K1_PLUS_1) / (tf + (norm[w] as number)));
        m |= bits[i] as number;
        pos[i] = at + 1;
        head[i] = at + 1 < (end[i] as number) ? (postWork[at + 1] as number) : END;
      }
      const v = lu ? (s * (1 + EPS) + luBound) * ((popcount(m) + luCount) / q.nq) : s * (popcount(m) / q.nq);
      if (v >= tau) {
        survW[n] = w;
        survS[n++] = v;
      }
    }
    return n;
  }

  /** The terms step 2 looks up instead of scanning: how many, their summed bounds, each one's bound. */
  private lookedUp: { count: number; bound: number; terms: Array<{ id: number; bound: number }> } | null = null;
  /** When the scan left its survivors in survW, in work order (one term's list filtered, or several merged): how many; else −1. */
  private inOrder = -1;

  /**
   * One term scanned: no sums to gather, so its postings are filtered as they are read, in work order — into survW
   * and survS the works scoring ≥ τ, or (when other terms are looked up) the works whose bound reaches τ.
   */
  private scanOne(q: TopPeopleQuery, tau: number, t: { id: number; bit: number }): number {
    const { termStart, postWork, postTf, norm, idf } = this.a;
    const { survW, survS } = this;
    const f = idf[t.id] as number;
    const lu = this.lookedUp;
    const single = 1 / q.nq;
    let n = 0;
    if (!lu) {
      for (let i = termStart[t.id] as number; i < (termStart[t.id + 1] as number); i++) {
        const w = postWork[i] as number;
        const tf = postTf[i] as number;
        const sc = Math.fround((f * tf * K1_PLUS_1) / (tf + (norm[w] as number))) * single;
        if (sc >= tau) {
          survW[n] = w;
          survS[n++] = sc;
        }
      }
      return n;
    }
    // looked-up terms with a work set count in a work's bound only if the work has them (one bit read each)
    const words = (norm.length + 31) >>> 5;
    const setBases: number[] = [];
    const setBounds: number[] = [];
    let always = 0;
    let alwaysCount = 1;
    for (const x of lu.terms) {
      const k = this.sets.setOf(x.id);
      if (k >= 0) setBases.push(k * words), setBounds.push(x.bound);
      else (always += x.bound), alwaysCount++;
    }
    const bits = this.a.workSetBits;
    for (let i = termStart[t.id] as number; i < (termStart[t.id + 1] as number); i++) {
      const w = postWork[i] as number;
      const tf = postTf[i] as number;
      let extra = always;
      let count = alwaysCount;
      for (let k = 0; k < setBases.length; k++) {
        if ((((bits[(setBases[k] as number) + (w >>> 5)] as number) >>> (w & 31)) & 1) !== 0) (extra += setBounds[k] as number), count++;
      }
      const sum = Math.fround((f * tf * K1_PLUS_1) / (tf + (norm[w] as number)));
      const ub = (sum * (1 + EPS) + extra) * (count / q.nq);
      if (ub >= tau) {
        survW[n] = w;
        survS[n++] = ub;
      }
    }
    return n;
  }

  /**
   * The works scoring ≥ τ (exactly: with look-ups of the unscanned terms where a bound says they could), into
   * survW/survS: `all` of them, the first `scored` with their scores, the rest (candidates no one's best work on the
   * page could be: keepReachable) with a bound of theirs.
   */
  private survivors(q: TopPeopleQuery, tau: number, nTouched: number, theta1: number): { all: number; scored: number } {
    const { wScore, wMask, touched, survW, survS } = this;
    let n = 0;
    const lu = this.lookedUp;
    if (!lu && this.inOrder >= 0) return { all: this.inOrder, scored: this.inOrder };
    if (!lu) {
      for (let k = 0; k < nTouched; k++) {
        const w = touched[k] as number;
        const s = (wScore[w] as number) * (popcount(wMask[w] as number) / q.nq);
        if (s >= tau) {
          survW[n] = w;
          survS[n++] = s;
        }
      }
      return { all: n, scored: n };
    }
    // a bound per touched work (its scanned sums plus every unscanned term), then exact scores for the works that
    // pass (the bounds alone would leave the visit far too many people to score)
    if (this.inOrder >= 0) n = this.inOrder;
    else
      for (let k = 0; k < nTouched; k++) {
        const w = touched[k] as number;
        const ub = ((wScore[w] as number) * (1 + EPS) + lu.bound) * ((popcount(wMask[w] as number) + lu.count) / q.nq);
        if (ub >= tau) {
          survW[n] = w;
          survS[n++] = ub;
        }
      }
    // a candidate whose bound cannot make it anyone's best work on the page (keepReachable) is not scored: its bound
    // is kept, at the end, for its people's bounds
    const r = theta1 > 0 ? this.keepReachable(q, theta1, n) : n;
    // one scanned list, or several merged, is in work order already (the reachable ones kept their order)
    const cand = this.inOrder < 0 ? survW.subarray(0, r).sort() : survW.subarray(0, r);
    const acc = new Float32Array(r);
    const mask = new Int32Array(r);
    this.sums(q, cand, 0, r, acc, mask);
    let m = 0;
    for (let j = 0; j < r; j++) {
      const s = (acc[j] as number) * (popcount(mask[j] as number) / q.nq);
      if (s >= tau) {
        survW[m] = cand[j] as number;
        survS[m++] = s;
      }
    }
    survW.copyWithin(m, r, n);
    survS.copyWithin(m, r, n);
    return { all: m + n - r, scored: m };
  }

  /**
   * The survivors (or candidates: survS a bound of their scores) that can be the best work of a person on the page,
   * moved to the front (their order kept); returns how many. A person of impact i whose best work scores s scores at
   * most 1.75·s·i, so a work whose people's largest impact m has 1.75·s·m < θ₁ is nobody's best work on the page: it
   * is not visited, but its score (or bound) still bounds its people's (visit's bound).
   */
  private keepReachable(q: TopPeopleQuery, theta1: number, n: number): number {
    const { survW, survS } = this;
    const most = q.workImpact();
    let m = 0;
    for (let i = 0; i < n; i++) {
      const w = survW[i] as number;
      const s = survS[i] as number;
      if (DECAY_SUM * s * (most[w] as number) * (1 + EPS) * (1 + EPS) < theta1) continue;
      survW[i] = survW[m] as number;
      survS[i] = survS[m] as number;
      survW[m] = w;
      survS[m++] = s;
    }
    return m;
  }

  /** Step 3: the surviving works best first (by score bucket); each person scored exactly when first met, if they still can make the page. */
  private visit(q: TopPeopleQuery, heap: TopHeap, tau: number, n: number): void {
    if (n === 0) return;
    const { survW, survS, order, seen, gen } = this;
    const { workPeopleStart, workPeople } = this.a;
    let hi = 0;
    for (let i = 0; i < n; i++) hi = Math.max(hi, survS[i] as number);
    const lo = tau;
    const width = (hi - lo) / BUCKETS;
    const bucketOf = (s: number): number => (width > 0 ? Math.min(BUCKETS - 1, Math.max(0, Math.floor((s - lo) / width))) : 0);
    const start = new Int32Array(BUCKETS + 1);
    for (let i = 0; i < n; i++) start[bucketOf(survS[i] as number) + 1]!++;
    for (let b = 0; b < BUCKETS; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    const fill = start.slice(0, BUCKETS);
    for (let i = 0; i < n; i++) order[fill[bucketOf(survS[i] as number)]!++] = survW[i] as number;
    const impact = q.impact;
    let full = heap.full;
    let worst = heap.worst;
    for (let b = BUCKETS - 1; b >= 0; b--) {
      // no work of this bucket or below scores above `top`: a person first met here has rel ≤ 1.75·top
      const top = (b === BUCKETS - 1 || width === 0 ? hi : Math.min(hi, lo + (b + 1) * width)) * (1 + EPS);
      if (full && DECAY_SUM * top * q.maxImpact * (1 + EPS) < worst) return;
      for (let i = start[b] as number; i < (start[b + 1] as number); i++) {
        const w = order[i] as number;
        for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
          const p = workPeople[j] as number;
          if (seen[p] === gen) continue;
          seen[p] = gen;
          if (q.pass && !q.pass(p)) continue;
          if (full && (DECAY_SUM * top * (impact[p] as number) * (1 + EPS) < worst || this.bound(p, tau) * (impact[p] as number) < worst)) continue;
          this.offer(p, q, heap);
          full = heap.full;
          worst = heap.worst;
        }
      }
    }
  }
}
