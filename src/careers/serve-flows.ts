/**
 * Flow reports for a long-lived caller (the API server): without a cohort, the report flows() would give, added up
 * from the flow aggregates (flow-aggregates.ts) of the current data version; with a cohort, flows() itself. The
 * aggregates are kept per store and bound to the data version (store/repo/data-version.ts), read for every report
 * — a refresh, an ingest, a merge or an erasure, here or in another process, is seen by the next report, which
 * sums aggregates built after it (until they are built, flows() answers). Aggregates whose build saw the version
 * move are never kept or served.
 */
import { dataVersionNow } from '../store/repo/data-version.ts';
import type { Queryable } from '../store/store.ts';
import { isEmptyCohort } from './cohort.ts';
import { buildFlowAggregates, type FlowAggregates, type LevelAggregates } from './flow-aggregates.ts';
import { assembleFlowReport, checkFlowOptions, flows, type FlowOptions, type FlowPair, type FlowReport } from './flows.ts';
import { emptyEvidence, countRestsOn } from './origin-rests-on.ts';

interface Kept {
  version: string;
  /** The build under way or done (null: the data changed while it ran). */
  aggregates: Promise<FlowAggregates | null>;
  /** Set when the build is done and the data had not changed meanwhile. */
  ready: FlowAggregates | null;
}
const kept = new WeakMap<Queryable, Kept>();

/** How the reports of this process were made (for tests and benchmarks). */
export const flowReportOrigins = { aggregates: 0, exact: 0, builds: 0 };

/** The entry of this data version: kept, or a build started now. */
function keptFor(db: Queryable, version: string): Kept {
  const k = kept.get(db);
  if (k && k.version === version) return k;
  flowReportOrigins.builds++;
  const entry: Kept = { version, aggregates: Promise.resolve(null), ready: null };
  const forget = (): void => {
    if (kept.get(db) === entry) kept.delete(db);
  };
  entry.aggregates = buildFlowAggregates(db).then(async (a) => {
    if ((await dataVersionNow(db)) !== version) {
      forget();
      return null;
    }
    entry.ready = a;
    return a;
  });
  entry.aggregates.catch(forget);
  kept.set(db, entry);
  return entry;
}

/**
 * The aggregates of the data as it is now, built first if need be (null when the data changed while they were
 * built). For tests and benchmarks: serveFlows itself never waits for a build.
 */
export async function flowAggregatesNow(db: Queryable): Promise<FlowAggregates | null> {
  return keptFor(db, await dataVersionNow(db)).aggregates;
}

/** Forget the aggregates kept for a store (after an erasure: they would be rebuilt anyway, but hold its counts till then). */
export function invalidateFlowAggregates(db: Queryable): void {
  kept.delete(db);
}

/**
 * flows(db, options), from the aggregates of the current data version when there is no cohort and they are built.
 * The first report after a change starts their build and, like every report until it is done, is counted by
 * flows() itself (a build takes seconds on a large store; flows() a fraction of one).
 */
export async function serveFlows(db: Queryable, options: FlowOptions = {}): Promise<FlowReport> {
  if (isEmptyCohort(options.cohort)) {
    const { level, top } = checkFlowOptions(options);
    const aggregates = keptFor(db, await dataVersionNow(db)).ready;
    if (aggregates) {
      flowReportOrigins.aggregates++;
      return flowsFromAggregates(aggregates, options, level, top);
    }
  }
  flowReportOrigins.exact++;
  return flows(db, options);
}

/** Index of the first year ≥ y. */
function firstAtLeast(years: readonly number[], y: number): number {
  let lo = 0;
  let hi = years.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((years[mid] as number) < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sumPairs(agg: LevelAggregates, from: number, to: number): FlowPair[] {
  const moves = new Float64Array(agg.pairFrom.length);
  const touched: number[] = [];
  const { years, rows } = agg.pairs;
  for (let k = firstAtLeast(years, from); k < years.length && (years[k] as number) <= to; k++) {
    for (const [pair, n] of rows[k] as Array<[number, number]>) {
      if (moves[pair] === 0) touched.push(pair);
      moves[pair] = (moves[pair] as number) + n;
    }
  }
  touched.sort((a, b) => (moves[b] as number) - (moves[a] as number) || (agg.pairFromRank[a] as number) - (agg.pairFromRank[b] as number) || (agg.pairToRank[a] as number) - (agg.pairToRank[b] as number));
  return touched.map((k) => ({ from: agg.pairFrom[k] as string, to: agg.pairTo[k] as string, moves: moves[k] as number }));
}

/** Movers per category: each person once, at their first move year in the window. */
function sumMovers(agg: LevelAggregates, categories: number, from: number, to: number): Float64Array {
  const out = new Float64Array(categories);
  const { years, rows } = agg.movers;
  for (let k = firstAtLeast(years, from); k < years.length && (years[k] as number) <= to; k++) {
    for (const [prev, cat, n] of rows[k] as Array<[number, number, number]>) if (prev < from) out[cat] = (out[cat] as number) + n;
  }
  return out;
}

/** People present at a place in the window: an island covering `from`, or the first starting after it. */
function activeAt(agg: LevelAggregates, place: string, from: number, to: number): number {
  const p = agg.active.get(place);
  if (!p) return 0;
  const at = from - p.first;
  let n = at >= 0 && at < p.cover.length ? (p.cover[at] as number) : 0;
  for (const [start, prevEnd, people] of p.starts) {
    if (start > to) break;
    if (start > from && prevEnd < from) n += people;
  }
  return n;
}

/** The report flows() gives for these options without a cohort, from the aggregates. */
export function flowsFromAggregates(aggregates: FlowAggregates, options: FlowOptions, level: FlowReport['params']['level'], top: number): FlowReport {
  const agg = aggregates.levels[level];
  // An open start is before every year but after "no previous year" (-Infinity in the aggregates).
  const from = options.from ?? Number.MIN_SAFE_INTEGER;
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  const pairs = sumPairs(agg, from, to);
  const perCategory = sumMovers(agg, aggregates.categories.length, from, to);
  const basis = new Map<string | null, number>();
  const originRestsOn = emptyEvidence().originRestsOn;
  aggregates.categories.forEach((c, k) => {
    const n = perCategory[k] as number;
    if (n === 0) return;
    basis.set(c.originBasis, (basis.get(c.originBasis) ?? 0) + n);
    countRestsOn(originRestsOn, c.originBasis, c.o, n);
  });
  // the store's ORDER BY origin_basis: NULL last
  const basisRows = [...basis].map(([origin_basis, n]) => ({ origin_basis, n })).sort((a, b) => (a.origin_basis === null ? 1 : b.origin_basis === null ? -1 : a.origin_basis < b.origin_basis ? -1 : a.origin_basis > b.origin_basis ? 1 : 0));
  let active: Map<string, number> | null = null;
  if (options.rates !== false) {
    active = new Map();
    for (const p of pairs) {
      for (const place of [p.from, p.to]) if (!active.has(place)) active.set(place, activeAt(agg, place, from, to));
    }
  }
  return assembleFlowReport(options, level, top, { pairs, basisRows, originRestsOn, active, career: aggregates.career });
}
