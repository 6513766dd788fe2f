/**
 * Pricing a diaspora subsidy: a country offers its researchers abroad share × their pay gap (capped, for N years)
 * to come home. Per person: gap, subsidy and the bands it rests on; totals, distribution and a sensitivity table.
 * Only the diaspora is eligible (origin = the country, abroad); everyone else is counted as excluded, with the reason.
 */
import { AtlasError, isAtlasError } from '../core/errors.ts';
import type { Queryable } from '../store/store.ts';
import { economicsCountry } from './bands.ts';
import { careerFacts, gapFromFacts, type GapOptions, type PersonGap } from './gap.ts';
import { quartiles, type Quartiles } from './quantiles.ts';

export interface SubsidyOptions extends GapOptions {
  origin: string;
  /** Share of the positive gap paid, 0..1. */
  share: number;
  /** Yearly cap per person in USD; none by default. */
  cap?: number | undefined;
  /** Years the subsidy is paid; default 1. */
  years?: number | undefined;
  /** Subsidise the price-level-adjusted gap (default true) or the nominal one. */
  ppp?: boolean | undefined;
}

export type ExclusionReason = 'no career record' | 'origin unknown' | 'other origin' | 'not abroad' | 'no pay estimate';

export interface SubsidyLine {
  personId: string;
  displayName: string | null;
  currentCountry: string;
  level: string;
  levelBasis: string;
  currentPay: number;
  homeOffer: number;
  gapNominal: number;
  gapAdjusted: number | null;
  /** The gap the subsidy uses: adjusted-at-home when ppp and price levels exist, else nominal. */
  gapUsed: number;
  gapBasis: 'ppp' | 'bigmac' | 'nominal';
  /** Yearly amount: min(share × max(gapUsed, 0), cap). */
  perYear: number;
  subsidy: number;
  basis: string;
  gap: PersonGap;
}

export interface SubsidyPlan {
  origin: string;
  share: number;
  cap: number | null;
  years: number;
  ppp: boolean;
  method: string;
  cohort: number;
  eligible: number;
  excluded: { total: number; byReason: Partial<Record<ExclusionReason, number>>; people: Array<{ personId: string; reason: ExclusionReason; detail: string }> };
  lines: SubsidyLine[];
  total: number;
  perYearTotal: number;
  distribution: Quartiles | null;
  sensitivity: Array<{ share: number; ppp: boolean; total: number }>;
  notes: string[];
}

export const SENSITIVITY_SHARES = [0.25, 0.5, 0.75] as const;

export function validateSubsidyOptions(o: SubsidyOptions): { origin: string; share: number; cap: number | null; years: number; ppp: boolean } {
  const origin = economicsCountry(o.origin, 'origin country');
  if (!Number.isFinite(o.share) || o.share < 0 || o.share > 1) throw new AtlasError('BAD_ARGUMENT', `--share must be between 0 and 1 (e.g. 0.5 for half the gap), got ${o.share}`);
  if (o.cap !== undefined && (!Number.isFinite(o.cap) || o.cap < 0)) throw new AtlasError('BAD_ARGUMENT', `--cap must be a non-negative yearly amount in USD, got ${o.cap}`);
  const years = o.years ?? 1;
  if (!Number.isInteger(years) || years < 1 || years > 50) throw new AtlasError('BAD_ARGUMENT', `--years must be a whole number of years from 1 to 50, got ${o.years}`);
  return { origin, share: o.share, cap: o.cap ?? null, years, ppp: o.ppp ?? true };
}

/** Yearly subsidy for a gap: min(share × max(gap, 0), cap). */
export function yearlySubsidy(gap: number, share: number, cap: number | null): number {
  const v = share * Math.max(gap, 0);
  return cap === null ? v : Math.min(v, cap);
}

function gapUsed(g: PersonGap, ppp: boolean): { gap: number; basis: SubsidyLine['gapBasis'] } {
  if (ppp && g.adjusted) return { gap: g.adjusted.gapAtHomeUsd, basis: g.adjusted.method };
  return { gap: g.gapNominal, basis: 'nominal' };
}

/** Price the subsidy for a cohort of person ids. */
export async function subsidyPlan(db: Queryable, personIds: readonly string[], opts: SubsidyOptions): Promise<SubsidyPlan> {
  const v = validateSubsidyOptions(opts);
  const ids = [...new Set(personIds.map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw new AtlasError('BAD_ARGUMENT', 'the cohort is empty: the search matched nobody or the ids file lists no person ids');
  const facts = await careerFacts(db, ids);
  const excluded: SubsidyPlan['excluded']['people'] = [];
  const gaps: PersonGap[] = [];
  for (const id of ids) {
    const f = facts.get(id);
    if (!f) excluded.push({ personId: id, reason: 'no career record', detail: 'no row in careers (unknown id, or no affiliation data)' });
    else if (!f.origin) excluded.push({ personId: id, reason: 'origin unknown', detail: `origin basis ${f.origin_basis}` });
    else if (f.origin !== v.origin) excluded.push({ personId: id, reason: 'other origin', detail: `origin ${f.origin}` });
    else if (f.abroad !== true || !f.current_country) excluded.push({ personId: id, reason: 'not abroad', detail: `current country ${f.current_country ?? 'unknown'}` });
    else {
      try {
        gaps.push(gapFromFacts(f, opts));
      } catch (e) {
        if (!isAtlasError(e) || e.code === 'BAD_ARGUMENT') throw e;
        excluded.push({ personId: id, reason: 'no pay estimate', detail: e.message });
      }
    }
  }
  const lines: SubsidyLine[] = gaps.map((g) => {
    const u = gapUsed(g, v.ppp);
    const perYear = yearlySubsidy(u.gap, v.share, v.cap);
    return {
      personId: g.personId,
      displayName: g.displayName,
      currentCountry: g.currentCountry,
      level: g.level,
      levelBasis: g.levelBasis,
      currentPay: g.current.usd,
      homeOffer: g.home.usd,
      gapNominal: g.gapNominal,
      gapAdjusted: g.adjusted ? g.adjusted.gapAtHomeUsd : null,
      gapUsed: u.gap,
      gapBasis: u.basis,
      perYear,
      subsidy: perYear * v.years,
      basis: `current: ${g.current.basis}; home: ${g.home.basis}${g.adjusted ? `; price levels ${g.currentCountry} ${g.adjusted.currentLevel.level.toFixed(4)} (${g.adjusted.currentLevel.basis}), ${g.origin} ${g.adjusted.homeLevel.level.toFixed(4)} (${g.adjusted.homeLevel.basis})` : ''}`,
      gap: g,
    };
  });
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const sensitivity = SENSITIVITY_SHARES.flatMap((share) =>
    [true, false].map((ppp) => ({ share, ppp, total: sum(gaps.map((g) => yearlySubsidy(gapUsed(g, ppp).gap, share, v.cap) * v.years)) })),
  );
  const byReason: SubsidyPlan['excluded']['byReason'] = {};
  for (const x of excluded) byReason[x.reason] = (byReason[x.reason] ?? 0) + 1;
  const notes: string[] = [];
  const nominalFallback = lines.filter((l) => v.ppp && l.gapBasis === 'nominal').length;
  if (nominalFallback) notes.push(`${nominalFallback} people use the nominal gap: a price level is missing for their country`);
  const method = v.ppp
    ? `gap adjusted by ${opts.adjust ?? 'ppp'} price levels and priced at home: (current/PLI_current − home/PLI_home) × PLI_home`
    : 'nominal gap in USD: current pay − home offer';
  return {
    origin: v.origin,
    share: v.share,
    cap: v.cap,
    years: v.years,
    ppp: v.ppp,
    method,
    cohort: ids.length,
    eligible: lines.length,
    excluded: { total: excluded.length, byReason, people: excluded },
    lines,
    total: sum(lines.map((l) => l.subsidy)),
    perYearTotal: sum(lines.map((l) => l.perYear)),
    distribution: lines.length ? quartiles(lines.map((l) => l.subsidy)) : null,
    sensitivity,
    notes,
  };
}
