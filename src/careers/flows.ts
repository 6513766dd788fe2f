/**
 * Flows A → B (confirmed moves in a window, country or institution level), net flows and net rates per 1,000
 * active researchers, optionally restricted to a cohort — as docs/mobility.md defines them.
 */
import { AtlasError } from '../core/errors.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import { cohortCondition, describeCohort, type Cohort } from './cohort.ts';
import type { Level } from './derive-career.ts';
import { storedCareerParams } from './refresh-careers.ts';
import { educationEvidence, type OriginRestsOn } from './origin-rests-on.ts';

export interface FlowOptions {
  level?: Level;
  from?: number | undefined;
  to?: number | undefined;
  cohort?: Cohort | undefined;
  /** Pairs in the top list (the full list of pairs is always returned). */
  top?: number;
  /** Compute net rates with their denominators (active researchers per place in the window). Default true. */
  rates?: boolean;
}

export type FlowPair = {
  from: string;
  to: string;
  moves: number;
};

export interface NetFlow {
  place: string;
  inflow: number;
  outflow: number;
  net: number;
  /** Active researchers of the place in the window (people with ≥ 1 affiliation-year there), the rate's denominator. */
  active: number | null;
  /** net ÷ active × 1,000; null when the denominator is 0 or not computed. */
  netRatePer1000: number | null;
}

export interface FlowReport {
  params: {
    level: Level;
    from: number | null;
    to: number | null;
    top: number;
    cohort: Record<string, unknown> | null;
    career: Record<string, unknown>;
  };
  totalMoves: number;
  movers: number;
  /** Movers counted by the basis of their origin. */
  originBasis: Record<string, number>;
  /** Movers by what their origin rests on (stated / observed education record, first affiliation). */
  originRestsOn: OriginRestsOn;
  top: FlowPair[];
  pairs: FlowPair[];
  net: NetFlow[];
}

export function checkWindow(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new AtlasError('BAD_ARGUMENT', `--from ${from} is after --to ${to}: the window must satisfy from ≤ to`);
  }
}

function windowCondition(column: string, from: number | undefined, to: number | undefined, params: SqlValue[]): string {
  const parts: string[] = [];
  if (from !== undefined) {
    params.push(from);
    parts.push(`${column} >= $${params.length}`);
  }
  if (to !== undefined) {
    params.push(to);
    parts.push(`${column} <= $${params.length}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** The options checked and defaulted, as every flow report echoes them (BAD_ARGUMENT on a bad level, top or window). */
export function checkFlowOptions(options: FlowOptions): { level: Level; top: number } {
  const level = options.level ?? 'country';
  if (level !== 'country' && level !== 'institution') throw new AtlasError('BAD_ARGUMENT', `level must be country or institution (got "${String(level)}")`);
  const top = options.top ?? 20;
  if (!Number.isInteger(top) || top < 1) throw new AtlasError('BAD_ARGUMENT', `top must be a whole number ≥ 1 (got ${top})`);
  checkWindow(options.from, options.to);
  return { level, top };
}

/** What a flow report is made of, however it was counted (here from the moves, or from flow-aggregates.ts). */
export interface FlowCounts {
  /** Pairs ordered by moves (highest first), then origin, then destination as the store orders them. */
  pairs: FlowPair[];
  /** Movers per careers.origin_basis, in the store's order of origin_basis (NULL last). */
  basisRows: ReadonlyArray<{ origin_basis: string | null; n: number }>;
  originRestsOn: OriginRestsOn;
  /** Active researchers per place, or null when rates are not computed. */
  active: ReadonlyMap<string, number> | null;
  career: Record<string, unknown>;
}

/** The report from its counts: net flows and rates per place, the basis counts, the echo of the parameters. */
export function assembleFlowReport(options: FlowOptions, level: Level, top: number, counts: FlowCounts): FlowReport {
  const flowPairs = counts.pairs;
  const active = counts.active;
  const inflow = new Map<string, number>();
  const outflow = new Map<string, number>();
  for (const p of flowPairs) {
    inflow.set(p.to, (inflow.get(p.to) ?? 0) + p.moves);
    outflow.set(p.from, (outflow.get(p.from) ?? 0) + p.moves);
  }
  const places = [...new Set([...inflow.keys(), ...outflow.keys()])].sort();
  const net: NetFlow[] = places.map((place) => {
    const i = inflow.get(place) ?? 0;
    const o = outflow.get(place) ?? 0;
    const a = active ? (active.get(place) ?? 0) : null;
    return { place, inflow: i, outflow: o, net: i - o, active: a, netRatePer1000: a ? ((i - o) / a) * 1000 : null };
  });
  net.sort((x, y) => y.net - x.net || x.place.localeCompare(y.place));
  const originBasis: Record<string, number> = { education: 0, first_affiliation: 0, none: 0 };
  let movers = 0;
  for (const b of counts.basisRows) {
    originBasis[b.origin_basis ?? 'none'] = b.n;
    movers += b.n;
  }
  return {
    params: { level, from: options.from ?? null, to: options.to ?? null, top, cohort: describeCohort(options.cohort), career: { ...counts.career } },
    totalMoves: flowPairs.reduce((s, p) => s + p.moves, 0),
    movers,
    originBasis,
    originRestsOn: counts.originRestsOn,
    top: flowPairs.slice(0, top),
    pairs: flowPairs,
    net,
  };
}

/**
 * The flow report counted from the moves themselves (every parameter, every cohort). A long-lived caller with no
 * cohort is better served by serveFlows (serve-flows.ts), which gives the same report from precomputed aggregates.
 */
export async function flows(db: Queryable, options: FlowOptions = {}): Promise<FlowReport> {
  const { level, top } = checkFlowOptions(options);
  const params: SqlValue[] = [level];
  const where = `m.level = $1 AND ${windowCondition('m.year', options.from, options.to, params)} AND ${cohortCondition('m.person_id', options.cohort, params)}`;
  const pairs = await db.query<{ from_place: string; to_place: string; n: number }>(
    `SELECT m.from_place, m.to_place, COUNT(*) AS n FROM moves m WHERE ${where} GROUP BY m.from_place, m.to_place
     ORDER BY n DESC, m.from_place, m.to_place`,
    params,
  );
  const basisRows = await db.query<{ origin_basis: string | null; n: number }>(
    `SELECT c.origin_basis, COUNT(*) AS n FROM careers c WHERE c.person_id IN (SELECT m.person_id FROM moves m WHERE ${where})
     GROUP BY c.origin_basis ORDER BY c.origin_basis`,
    params,
  );
  const active = options.rates === false ? null : await activeResearchers(db, level, options);
  const career = await storedCareerParams(db);
  const originRestsOn = (await educationEvidence(db, `c.person_id IN (SELECT m.person_id FROM moves m WHERE ${where})`, params)).originRestsOn;
  return assembleFlowReport(options, level, top, {
    pairs: pairs.map((p) => ({ from: p.from_place, to: p.to_place, moves: p.n })),
    basisRows,
    originRestsOn,
    active,
    career: { ...career },
  });
}

/**
 * People with at least one affiliation-year (with a country) at each place in the window, within the cohort.
 * Country level reads the presence runs refreshCareers stores; institution level reads the affiliation-years view.
 */
async function activeResearchers(db: Queryable, level: Level, options: FlowOptions): Promise<Map<string, number>> {
  const params: SqlValue[] = [];
  let sql: string;
  if (level === 'country') {
    // a run [first_year, last_year] overlaps the window [from, to]
    const window: string[] = [];
    if (options.from !== undefined) {
      params.push(options.from);
      window.push(`p.last_year >= $${params.length}`);
    }
    if (options.to !== undefined) {
      params.push(options.to);
      window.push(`p.first_year <= $${params.length}`);
    }
    sql = `SELECT p.place, COUNT(DISTINCT p.person_id) AS n FROM career_presence p
      WHERE p.level = 'country' ${window.map((w) => `AND ${w}`).join(' ')} AND ${cohortCondition('p.person_id', options.cohort, params)}
      GROUP BY p.place`;
  } else {
    sql = `SELECT a.institution_id AS place, COUNT(DISTINCT a.person_id) AS n FROM career_affiliation_years a
      WHERE a.country IS NOT NULL AND a.institution_id IS NOT NULL AND ${windowCondition('a.year', options.from, options.to, params)}
        AND ${cohortCondition('a.person_id', options.cohort, params)}
      GROUP BY a.institution_id`;
  }
  const rows = await db.query<{ place: string; n: number }>(sql, params);
  return new Map(rows.map((r) => [r.place, r.n]));
}
