/**
 * The bundled aijobs.net salary survey (data/salaries-aijobs/salaries.csv.gz, CC0), loaded once per process.
 * Only full-time rows (employment_type FT, 99.5 % of the file) are kept: part-time, contract and freelance pay is not comparable.
 */
import { eachCsvFileRecord } from '../core/csv-records.ts';
import { dataPath } from '../core/paths.ts';
import { roleFamily, type RoleFamily } from './role-families.ts';

export const LEVELS = ['EN', 'MI', 'SE', 'EX'] as const;
export type Level = (typeof LEVELS)[number];

export function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

export interface SalaryRow {
  /** 1-based line in the CSV (header is line 1), so every figure can point back to its rows. */
  line: number;
  year: number;
  level: Level;
  title: string;
  family: RoleFamily;
  salary: number;
  currency: string;
  usd: number;
  residence: string;
  /** company_location: the country a band belongs to. */
  country: string;
}

export const SALARIES_FILE = dataPath('salaries-aijobs', 'salaries.csv.gz');

let cache: SalaryRow[] | undefined;

/** All full-time rows of the survey (cached). */
export function salaryRows(): readonly SalaryRow[] {
  if (cache) return cache;
  const out: SalaryRow[] = [];
  // The texts a row keeps repeat (a few hundred titles, a few dozen currencies and countries): one string each, so
  // what stays in memory is small and the rows' fields die young.
  const texts = new Map<string, string>();
  const text = (s: string | undefined): string => {
    const v = s ?? '';
    const kept = texts.get(v);
    if (kept !== undefined) return kept;
    texts.set(v, v);
    return v;
  };
  const families = new Map<string, RoleFamily>();
  const familyOf = (title: string): RoleFamily => {
    let f = families.get(title);
    if (f === undefined) families.set(title, (f = roleFamily(title)));
    return f;
  };
  eachCsvFileRecord(SALARIES_FILE, (r, line) => {
    const level = r['experience_level'] ?? '';
    const usd = Number(r['salary_in_usd']);
    if (r['employment_type'] !== 'FT' || !isLevel(level) || !(usd > 0)) return;
    const title = text(r['job_title']);
    out.push({
      line,
      year: Number(r['work_year']),
      level,
      title,
      family: familyOf(title),
      salary: Number(r['salary']),
      currency: text(r['salary_currency']),
      usd,
      residence: text(r['employee_residence']),
      country: text(r['company_location']),
    });
  });
  cache = out;
  return out;
}

/** Latest work year in the survey with at least 5,000 rows: the default year of a band. */
export function defaultSalaryYear(): number {
  const counts = new Map<number, number>();
  for (const r of salaryRows()) counts.set(r.year, (counts.get(r.year) ?? 0) + 1);
  return Math.max(...[...counts].filter(([, n]) => n >= 5000).map(([y]) => y));
}
