/**
 * Compensation bands: median and quartiles (type 7) of salary_in_usd per (company country, experience level,
 * role family, work year), never from fewer than MIN_ROWS rows. A cell that is too small is widened step by step
 * along a fixed ladder (docs/economics.md), and the band says which step it rests on, with the filters and n.
 */
import { AtlasError } from '../core/errors.ts';
import { countryCode, countryInfo, allCountries } from '../core/countries.ts';
import { quartiles, type Quartiles } from './quantiles.ts';
import { isRoleFamily, roleGroup, ROLE_FAMILIES, type RoleFamily } from './role-families.ts';
import { defaultSalaryYear, isLevel, LEVELS, salaryRows, type Level, type SalaryRow } from './salary-data.ts';
import { priceLevel } from './price-levels.ts';

export const MIN_ROWS = 10;

export interface BandParams {
  country: string;
  level: string;
  family: string;
  /** Work year of the survey; default: the latest year with ≥ 5,000 rows (2024). */
  year?: number | undefined;
}

export interface BandFilters {
  geography: 'country' | 'subregion' | 'region';
  countries: string[];
  levels: Level[];
  families: RoleFamily[];
  /** null = all years */
  years: number[] | null;
  /** Pooled rows from other countries are moved to the target country's price level (see docs). */
  transfer: 'none' | 'ppp';
}

export interface CompensationBand extends Quartiles {
  country: string;
  level: Level;
  family: RoleFamily;
  year: number;
  currency: 'USD';
  /** 0 = exact cell; higher = wider (see FALLBACK_LADDER). */
  fallbackStep: number;
  fallback: string;
  filters: BandFilters;
  /** CSV lines (header = 1) of the rows used, when n ≤ 50. */
  lines: number[] | undefined;
  source: string;
}

export const SALARY_SOURCE = 'aijobs.net salary survey (CC0), data/salaries-aijobs/salaries.csv.gz, full-time rows';

interface Step {
  name: string;
  geography: BandFilters['geography'];
  levels: (l: Level) => Level[];
  families: (f: RoleFamily) => RoleFamily[];
  allYears: boolean;
}

const adjacent = (l: Level): Level[] => {
  const i = LEVELS.indexOf(l);
  return LEVELS.filter((_, j) => Math.abs(j - i) <= 1);
};
const allLevels = (): Level[] => [...LEVELS];
const sameLevel = (l: Level): Level[] => [l];
const allFamilies = (): RoleFamily[] => [...ROLE_FAMILIES];

/** The fallback ladder, in order; the first step with ≥ MIN_ROWS rows is used. */
export const FALLBACK_LADDER: readonly Step[] = [
  { name: 'exact cell', geography: 'country', levels: sameLevel, families: (f) => [f], allYears: false },
  { name: 'all years', geography: 'country', levels: sameLevel, families: (f) => [f], allYears: true },
  { name: 'broader role group, all years', geography: 'country', levels: sameLevel, families: (f) => [...roleGroup(f).families], allYears: true },
  { name: 'all roles, all years', geography: 'country', levels: sameLevel, families: allFamilies, allYears: true },
  { name: 'all roles, adjacent levels, all years', geography: 'country', levels: adjacent, families: allFamilies, allYears: true },
  { name: 'all roles, all levels, all years', geography: 'country', levels: allLevels, families: allFamilies, allYears: true },
  { name: 'subregion, all roles, all years (PPP-transferred)', geography: 'subregion', levels: sameLevel, families: allFamilies, allYears: true },
  { name: 'subregion, all roles, adjacent levels, all years (PPP-transferred)', geography: 'subregion', levels: adjacent, families: allFamilies, allYears: true },
  { name: 'region, all roles, all years (PPP-transferred)', geography: 'region', levels: sameLevel, families: allFamilies, allYears: true },
  { name: 'region, all roles, adjacent levels, all years (PPP-transferred)', geography: 'region', levels: adjacent, families: allFamilies, allYears: true },
];

/** Validate a country for economics: an ISO alpha-2 code, else BAD_ARGUMENT. */
export function economicsCountry(s: string, what = 'country'): string {
  try {
    return countryCode(s);
  } catch {
    throw new AtlasError('BAD_ARGUMENT', `unknown ${what} "${s}": give an ISO 3166-1 alpha-2 code such as US, KR, GB`);
  }
}

export function parseLevel(s: string): Level {
  const up = s.trim().toUpperCase();
  if (!isLevel(up)) throw new AtlasError('BAD_ARGUMENT', `unknown experience level "${s}": use one of ${LEVELS.join(', ')}`);
  return up;
}

export function parseFamily(s: string): RoleFamily {
  const k = s.trim().toLowerCase().replace(/[\s_]+/g, '-');
  if (!isRoleFamily(k)) throw new AtlasError('BAD_ARGUMENT', `unknown role family "${s}": use one of ${ROLE_FAMILIES.join(', ')}`);
  return k;
}

function parseYear(y: number | undefined): number {
  const year = y ?? defaultSalaryYear();
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new AtlasError('BAD_ARGUMENT', `bad year "${y}": give a work year such as 2024`);
  return year;
}

function geographyCountries(country: string, geography: BandFilters['geography']): string[] {
  if (geography === 'country') return [country];
  const info = countryInfo(country);
  const key = geography === 'subregion' ? info?.subregion : info?.region;
  if (!key) return [country];
  return allCountries()
    .filter((c) => (geography === 'subregion' ? c.subregion : c.region) === key)
    .map((c) => c.code as string);
}

/** Values of the rows in the target country's USD: own-country rows as paid; pooled rows moved by price level (PPP). */
function transferredValues(rows: SalaryRow[], country: string, year: number): { values: number[]; used: SalaryRow[] } {
  const target = priceLevel(country, year);
  const values: number[] = [];
  const used: SalaryRow[] = [];
  for (const r of rows) {
    if (r.country === country) {
      values.push(r.usd);
      used.push(r);
      continue;
    }
    const own = priceLevel(r.country, r.year);
    if (!target || !own) continue;
    values.push((r.usd / own.level) * target.level);
    used.push(r);
  }
  return { values, used };
}

/** The band for a cell, widened along FALLBACK_LADDER until it rests on ≥ MIN_ROWS rows; NO_DATA if even the widest step has fewer. */
export function compensationBand(params: BandParams): CompensationBand {
  const country = economicsCountry(params.country);
  const level = parseLevel(params.level);
  const family = parseFamily(params.family);
  const year = parseYear(params.year);
  const all = salaryRows();
  for (const [i, step] of FALLBACK_LADDER.entries()) {
    const countries = geographyCountries(country, step.geography);
    const cset = new Set(countries);
    const levels = step.levels(level);
    const families = step.families(family);
    const rows = all.filter((r) => cset.has(r.country) && levels.includes(r.level) && families.includes(r.family) && (step.allYears || r.year === year));
    if (rows.length < MIN_ROWS) continue;
    const pooled = step.geography !== 'country';
    const { values, used } = pooled ? transferredValues(rows, country, year) : { values: rows.map((r) => r.usd), used: rows };
    if (values.length < MIN_ROWS) continue;
    const q = quartiles(values);
    return {
      country,
      level,
      family,
      year,
      currency: 'USD',
      ...q,
      fallbackStep: i,
      fallback: step.name,
      filters: {
        geography: step.geography,
        countries: pooled ? [...new Set(used.map((r) => r.country))].sort() : countries,
        levels,
        families,
        years: step.allYears ? null : [year],
        transfer: pooled ? 'ppp' : 'none',
      },
      lines: used.length <= 50 ? used.map((r) => r.line) : undefined,
      source: SALARY_SOURCE,
    };
  }
  const why = priceLevel(country, year)
    ? `fewer than ${MIN_ROWS} salary rows even for its whole region`
    : `fewer than ${MIN_ROWS} salary rows in ${country}, and no price level for ${country} (no PPP factor or market exchange rate in the bundled data) to borrow from its region`;
  throw new AtlasError('NO_DATA', `no compensation band for ${country} ${level} ${family}: ${why}; give the pay yourself (--current-pay / --home-offer)`);
}

/** A one-line description of the rows a band rests on. */
export function bandBasis(b: CompensationBand): string {
  const f = b.filters;
  const where = f.geography === 'country' ? b.country : `${f.geography} of ${b.country} (${f.countries.join(' ')}, PPP-transferred)`;
  return `${where} ${f.levels.join('/')} ${f.families.length === ROLE_FAMILIES.length ? 'all roles' : f.families.join('/')} ${f.years ? f.years.join('/') : 'all years'}: n=${b.n}${b.fallbackStep > 0 ? `, fallback ${b.fallbackStep} (${b.fallback})` : ''}`;
}
