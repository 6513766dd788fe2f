/**
 * Pay gap of a person between where they work and their origin country: estimated current pay (band for the current
 * country), the home-country offer (band for the origin), the gap nominal and adjusted for price levels.
 * Seniority comes from career age (docs/economics.md) unless the user gives a level.
 */
import { AtlasError } from '../core/errors.ts';
import type { Queryable } from '../store/store.ts';
import { bandBasis, compensationBand, economicsCountry, parseFamily, parseLevel, type CompensationBand } from './bands.ts';
import { priceLevel, type Adjustment, type PriceLevel } from './price-levels.ts';
import { defaultSalaryYear, type Level } from './salary-data.ts';
import type { RoleFamily } from './role-families.ts';

/** Seniority from career age (years since the first active year, inclusive): EN ≤ 3, MI 4–8, SE 9–15, EX > 15. */
export function levelFromCareerAge(age: number): Level {
  if (age <= 3) return 'EN';
  if (age <= 8) return 'MI';
  if (age <= 15) return 'SE';
  return 'EX';
}

export interface GapOptions {
  /** Experience level for everyone; default: from career age. */
  level?: string | undefined;
  /** Role family of the bands; default research-scientist. */
  family?: string | undefined;
  /** Salary survey year; default the latest full year (2024). */
  year?: number | undefined;
  /** Price-level method for the adjusted gap: ppp (default) or bigmac. */
  adjust?: Adjustment | undefined;
  /** Current pay in USD, instead of the current-country band. */
  currentPay?: number | undefined;
  /** Home-country offer in USD, instead of the origin band. */
  homeOffer?: number | undefined;
}

export interface PayEstimate {
  usd: number;
  /** 'band' (median of band) or 'given' by the user. */
  from: 'band' | 'given';
  basis: string;
  band: CompensationBand | undefined;
}

export interface AdjustedGap {
  method: Adjustment;
  currentLevel: PriceLevel;
  homeLevel: PriceLevel;
  /** Current pay and home offer in international dollars (usd ÷ price level). */
  currentIntl: number;
  homeIntl: number;
  gapIntl: number;
  /** The adjusted gap priced at home: gapIntl × home price level, in USD — what a home-country subsidy would cost. */
  gapAtHomeUsd: number;
}

export interface GapEstimate {
  currentCountry: string;
  origin: string;
  level: Level;
  levelBasis: string;
  family: RoleFamily;
  year: number;
  current: PayEstimate;
  home: PayEstimate;
  gapNominal: number;
  adjusted: AdjustedGap | null;
}

function payEstimate(country: string, level: Level, family: RoleFamily, year: number, given: number | undefined, what: string): PayEstimate {
  if (given !== undefined) {
    if (!Number.isFinite(given) || given < 0) throw new AtlasError('BAD_ARGUMENT', `${what} must be a non-negative amount in USD, got ${given}`);
    return { usd: given, from: 'given', basis: `given: ${given} USD`, band: undefined };
  }
  const band = compensationBand({ country, level, family, year });
  return { usd: band.median, from: 'band', basis: `median of ${bandBasis(band)}`, band };
}

/** The gap for explicit facts (no store): current country, origin, level. */
export function estimateGap(facts: { currentCountry: string; origin: string; level: string; levelBasis?: string }, opts: GapOptions = {}): GapEstimate {
  const currentCountry = economicsCountry(facts.currentCountry, 'current country');
  const origin = economicsCountry(facts.origin, 'origin country');
  const level = parseLevel(facts.level);
  const family = parseFamily(opts.family ?? 'research-scientist');
  const year = opts.year ?? defaultSalaryYear();
  const current = payEstimate(currentCountry, level, family, year, opts.currentPay, 'current pay');
  const home = payEstimate(origin, level, family, year, opts.homeOffer, 'home offer');
  const method = opts.adjust ?? 'ppp';
  const cl = priceLevel(currentCountry, year, method);
  const hl = priceLevel(origin, year, method);
  let adjusted: AdjustedGap | null = null;
  if (cl && hl) {
    const currentIntl = current.usd / cl.level;
    const homeIntl = home.usd / hl.level;
    adjusted = { method, currentLevel: cl, homeLevel: hl, currentIntl, homeIntl, gapIntl: currentIntl - homeIntl, gapAtHomeUsd: (currentIntl - homeIntl) * hl.level };
  }
  return { currentCountry, origin, level, levelBasis: facts.levelBasis ?? 'given', family, year, current, home, gapNominal: current.usd - home.usd, adjusted };
}

export interface CareerFacts {
  person_id: string;
  display_name: string | null;
  origin: string | null;
  origin_basis: string;
  current_country: string | null;
  abroad: boolean | null;
  first_year: number | null;
  last_year: number | null;
  career_age: number | null;
}

/** Career facts of people from the derived `careers` table (migration 2); people without a row are absent from the map. */
export async function careerFacts(db: Queryable, personIds: readonly string[]): Promise<Map<string, CareerFacts>> {
  const out = new Map<string, CareerFacts>();
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ph = chunk.map((_, j) => `$${j + 1}`).join(', ');
    const rows = await db.query<CareerFacts>(
      `SELECT c.person_id, p.display_name, c.origin, c.origin_basis, c.current_country, c.abroad, c.first_year, c.last_year, c.career_age
       FROM careers c LEFT JOIN people p ON p.person_id = c.person_id WHERE c.person_id IN (${ph})`,
      chunk,
    );
    for (const r of rows) out.set(r.person_id, { ...r, abroad: r.abroad === null ? null : Boolean(r.abroad) });
  }
  return out;
}

/** Career age: the careers table's value, else last active year − first active year + 1; null when unknown. */
export function careerAgeOf(f: CareerFacts): number | null {
  if (f.career_age !== null && f.career_age !== undefined) return f.career_age;
  if (f.first_year !== null && f.last_year !== null) return f.last_year - f.first_year + 1;
  return null;
}

export interface PersonGap extends GapEstimate {
  personId: string;
  displayName: string | null;
  careerAge: number | null;
  abroad: boolean | null;
}

function levelFor(f: CareerFacts, given: string | undefined): { level: string; basis: string; age: number | null } {
  const age = careerAgeOf(f);
  if (given) return { level: given, basis: 'given', age };
  if (age === null) throw new AtlasError('NO_DATA', `person ${f.person_id} has no active years, so no career age; give --level`);
  return { level: levelFromCareerAge(age), basis: `career age ${age}`, age };
}

/** The gap of one person from their career facts (current country vs origin). */
export async function personGap(db: Queryable, personId: string, opts: GapOptions = {}): Promise<PersonGap> {
  const f = (await careerFacts(db, [personId])).get(personId);
  if (!f) throw new AtlasError('NOT_FOUND', `no career record for person ${personId} (is it a person id? careers are derived after ingest)`);
  return gapFromFacts(f, opts);
}

export function gapFromFacts(f: CareerFacts, opts: GapOptions = {}): PersonGap {
  if (!f.origin) throw new AtlasError('NO_DATA', `person ${f.person_id} has no known origin country`);
  if (!f.current_country) throw new AtlasError('NO_DATA', `person ${f.person_id} has no known current country`);
  const l = levelFor(f, opts.level);
  const g = estimateGap({ currentCountry: f.current_country, origin: f.origin, level: l.level, levelBasis: l.basis }, opts);
  return { ...g, personId: f.person_id, displayName: f.display_name, careerAge: l.age, abroad: f.abroad };
}
