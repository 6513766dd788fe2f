/**
 * The ranking formula: how one person's topic relevance and impact combine into a score. Pure functions, so the
 * documentation (docs/search.md), the index and the property tests all use the very same arithmetic.
 *
 *   work score     = BM25(work, query terms) × (distinct query terms matched ÷ query terms)
 *   relevance      = s1 + 0.5·s2 + 0.25·s3          (the person's three best work scores; more works add nothing)
 *   score          = relevance × (1 + wc·sat(citations, 500) + wh·sat(h, 10) + wr·sat(recent, 5) + ws·sat(m, 0.5))
 *   sat(x, k)      = x / (x + k)                    (0 at 0, ½ at k, → 1; monotonic, bounded)
 *   m (rising star)= h ÷ career age                 (Hirsch's m-quotient; 0 when career age is unknown)
 *
 * Relevance is the multiplicand, so impact can lift a relevant person at most by 1 + Σw but never makes an
 * irrelevant person appear.
 */
import { AtlasError } from '../core/errors.ts';

export interface RankWeights {
  /** Weight of total citations of the person's works in the store. */
  citations: number;
  /** Weight of the h-index computed from the works in the store. */
  h: number;
  /** Weight of works in the last `recentYears` years of the data. */
  recent: number;
  /** Weight of the rising-star factor (h-index per career year). */
  rising: number;
}

export const DEFAULT_WEIGHTS: Readonly<RankWeights> = Object.freeze({ citations: 0.3, h: 0.3, recent: 0.2, rising: 0.2 });

/** Half-saturation points of each impact factor. */
export const SATURATION = Object.freeze({ citations: 500, h: 10, recent: 5, rising: 0.5 });

/** Decay of the 2nd and 3rd best work scores in the relevance aggregate. */
export const TOP_DECAY = Object.freeze([1, 0.5, 0.25] as const);

/** Years counted as "recent output": the last 5 years of the data (asOf-4 … asOf). */
export const RECENT_YEARS = 5;

export const BM25 = Object.freeze({ k1: 1.2, b: 0.75 });

/** Field weights: a term in a title or keyword counts twice as much as one in an abstract. */
export const FIELD_WEIGHTS = Object.freeze({ title: 2, keywords: 2, topics: 1, abstract: 1, venue: 0.5 });

export interface RankFactors {
  relevance: number;
  citations: number;
  h: number;
  recent: number;
  /** h ÷ career age, 0 when unknown. */
  rising: number;
}

export const sat = (x: number, k: number): number => (x <= 0 ? 0 : x / (x + k));

/** Impact multiplier ≥ 1. */
export function impactMultiplier(f: Omit<RankFactors, 'relevance'>, w: RankWeights = DEFAULT_WEIGHTS): number {
  return impactOf(f.citations, f.h, f.recent, f.rising, w);
}

/** impactMultiplier of the factors given one by one (no object: the index computes it for every person). */
export function impactOf(citations: number, h: number, recent: number, rising: number, w: RankWeights): number {
  return 1 + w.citations * sat(citations, SATURATION.citations) + w.h * sat(h, SATURATION.h) + w.recent * sat(recent, SATURATION.recent) + w.rising * sat(rising, SATURATION.rising);
}

export function combineScore(f: RankFactors, w: RankWeights = DEFAULT_WEIGHTS): number {
  return f.relevance * impactMultiplier(f, w);
}

/** Rising-star factor: m-quotient h / career age. */
export function risingStar(h: number, careerAge: number | null): number {
  return careerAge !== null && careerAge > 0 ? h / careerAge : 0;
}

/**
 * h-index of a list of citation counts: the largest h with at least h counts ≥ h. By counting, not sorting: each
 * count is tallied under min(count, n), then the tallies are summed from the top. `scratch` (longer than the list)
 * saves an allocation per call when a caller computes a million of them (index-layout.ts).
 */
export function hIndex(citations: ArrayLike<number>, scratch?: Int32Array): number {
  const n = citations.length;
  const tally = scratch && scratch.length > n ? scratch : new Int32Array(n + 1);
  tally.fill(0, 0, n + 1);
  for (let i = 0; i < n; i++) {
    const c = citations[i] as number;
    tally[c >= n ? n : c >= 1 ? Math.floor(c) : 0]!++;
  }
  let atLeast = 0;
  for (let h = n; h > 0; h--) {
    atLeast += tally[h] as number;
    if (atLeast >= h) return h;
  }
  return 0;
}

/** Parse "citations=0.5,h=0.2" over the defaults; each weight a finite number ≥ 0. */
export function parseWeights(spec: string | undefined, base: RankWeights = DEFAULT_WEIGHTS): RankWeights {
  const w: RankWeights = { ...base };
  if (!spec) return w;
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || !(k in w)) throw new AtlasError('BAD_ARGUMENT', `unknown weight "${k ?? ''}" in --weights (known: citations, h, recent, rising)`);
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < 0) throw new AtlasError('BAD_ARGUMENT', `weight ${k} must be a number ≥ 0, got "${v ?? ''}"`);
    w[k as keyof RankWeights] = n;
  }
  return w;
}
