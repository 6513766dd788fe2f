/**
 * Countries of known institutions, for paper lists without a country field: the CSRankings institution
 * tables bundled under data/csrankings (country-info.csv lists non-US institutions; every other institution
 * in institutions.csv is in the US, as CSRankings assumes), plus what the run has learned from paper-list
 * files that state countries. Keys are normalised institution names (institutionKey).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { countryCode } from '../../core/countries.ts';
import { dataPath } from '../../core/paths.ts';
import { institutionKey } from '../../identity/names.ts';

/** CSRankings writes `uk` for the United Kingdom; everything else is lower-case ISO alpha-2. */
export function csrankingsCountry(abbrv: string): string | null {
  const a = abbrv.trim().toLowerCase();
  if (!a) return null;
  try {
    return countryCode(a === 'uk' ? 'GB' : a);
  } catch {
    return null;
  }
}

function readCsv(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  return parse(readFileSync(file), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
}

export class KnownInstitutions {
  private readonly countries = new Map<string, string>();

  /** Seeded from the bundled CSRankings 2024 and 2017 tables. */
  static bundled(): KnownInstitutions {
    const k = new KnownInstitutions();
    for (const snap of ['2024-10-24', '2017-07-20']) {
      const listed = new Set<string>();
      for (const r of readCsv(dataPath('csrankings', snap, 'country-info.csv'))) {
        const key = institutionKey(r['institution']);
        const c = csrankingsCountry(r['countryabbrv'] ?? '');
        if (key && c) {
          listed.add(key);
          k.learn(key, c);
        }
      }
      for (const r of readCsv(dataPath('csrankings', snap, 'institutions.csv'))) {
        const key = institutionKey(r['institution']);
        if (key && !listed.has(key)) k.learn(key, 'US');
      }
    }
    return k;
  }

  /** Remember an institution's country (the first one stated wins). */
  learn(key: string, country: string): void {
    if (!this.countries.has(key)) this.countries.set(key, country);
  }

  country(key: string | null): string | null {
    return key ? (this.countries.get(key) ?? null) : null;
  }

  get size(): number {
    return this.countries.size;
  }
}
