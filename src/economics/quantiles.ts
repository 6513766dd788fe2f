/** Sample quantiles by linear interpolation between order statistics (Hyndman & Fan type 7, the default of R and NumPy). */

/** Quantile p ∈ [0,1] of already-sorted values; NaN for an empty sample. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface Quartiles {
  n: number;
  p25: number;
  median: number;
  p75: number;
  min: number;
  max: number;
}

/** Quartiles (type 7), min and max of a sample; the input is not modified. */
export function quartiles(values: readonly number[]): Quartiles {
  const s = [...values].sort((x, y) => x - y);
  return {
    n: s.length,
    p25: quantileSorted(s, 0.25),
    median: quantileSorted(s, 0.5),
    p75: quantileSorted(s, 0.75),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
  };
}
