/**
 * ISO 3166-1 alpha-2 country codes and names, from the bundled datasets/country-codes table (ODC-PDDL).
 * Country names from sources map to codes through the CLDR and official names plus an alias table for
 * the spellings sources actually use. Nationality is never inferred from anything here.
 */
import { readCsvRecords } from './csv-records.ts';
import type { CountryCode } from './ids.ts';
import { AtlasError } from './errors.ts';
import { dataPath } from './paths.ts';

export interface Country {
  code: CountryCode;
  alpha3: string;
  name: string;
  region: string;
  subregion: string;
  tld: string;
}

/** Names used by sources that the ISO tables spell differently. "Unknown" maps to no country. */
const NAME_ALIASES: Record<string, string | null> = {
  'united states': 'US',
  'united states of america': 'US',
  usa: 'US',
  'united kingdom': 'GB',
  uk: 'GB',
  'czech republic': 'CZ',
  'kingdom of saudi arabia': 'SA',
  'south korea': 'KR',
  korea: 'KR',
  'republic of korea': 'KR',
  russia: 'RU',
  iran: 'IR',
  vietnam: 'VN',
  taiwan: 'TW',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  turkey: 'TR',
  unknown: null,
};

/** Codes outside ISO 3166-1 that sources use with a settled meaning. */
const EXTRA: Country[] = [
  { code: 'XK' as CountryCode, alpha3: 'XKX', name: 'Kosovo', region: 'Europe', subregion: 'Southern Europe', tld: '' },
];

let cache: { byCode: Map<string, Country>; byName: Map<string, string | null>; byTld: Map<string, string> } | undefined;

function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  const rows = readCsvRecords(dataPath('countries', 'country-codes.csv'));
  const byCode = new Map<string, Country>();
  const byName = new Map<string, string | null>();
  const byTld = new Map<string, string>();
  for (const r of rows) {
    const code = (r['ISO3166-1-Alpha-2'] ?? '').trim();
    if (!/^[A-Z]{2}$/.test(code)) continue;
    const name = (r['CLDR display name'] || r['official_name_en'] || code).trim();
    const c: Country = {
      code: code as CountryCode,
      alpha3: (r['ISO3166-1-Alpha-3'] ?? '').trim(),
      name,
      region: (r['Region Name'] ?? '').trim(),
      subregion: (r['Sub-region Name'] ?? '').trim(),
      tld: (r['TLD'] ?? '').trim().replace(/^\./, ''),
    };
    byCode.set(code, c);
    for (const n of [r['CLDR display name'], r['official_name_en'], r['UNTERM English Short']]) {
      if (n && n.trim()) byName.set(normName(n), code);
    }
    if (c.tld) byTld.set(c.tld.toLowerCase(), code);
  }
  for (const e of EXTRA) byCode.set(e.code, e);
  for (const [n, code] of Object.entries(NAME_ALIASES)) byName.set(n, code);
  byTld.set('uk', 'GB');
  cache = { byCode, byName, byTld };
  return cache;
}

function normName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\(the\)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function isCountryCode(s: string): s is CountryCode {
  return load().byCode.has(s);
}

/** Validate an upper-case alpha-2 code; throws UNKNOWN_COUNTRY with the offending value. */
export function countryCode(s: string): CountryCode {
  const up = s.trim().toUpperCase();
  if (!isCountryCode(up)) throw new AtlasError('UNKNOWN_COUNTRY', `unknown country code "${s}" (expected ISO 3166-1 alpha-2, e.g. US, KR, GB)`);
  return up;
}

/** Map a country name from a source to its code; null for "Unknown" or a name nobody knows. */
export function countryFromName(name: string): CountryCode | null {
  const code = load().byName.get(normName(name));
  return (code ?? null) as CountryCode | null;
}

/** True when the name is known to mean "no country" (as opposed to an unrecognised name). */
export function isNoCountryName(name: string): boolean {
  return load().byName.get(normName(name)) === null;
}

/**
 * Country-code domains sold worldwide as generic names (x.ai, huggingface.co, github.io, …): they say nothing
 * about where an institution is, so no country is inferred from them.
 */
const GENERIC_CCTLDS = new Set(['ai', 'io', 'co', 'me', 'tv', 'cc', 'ly', 'fm', 'to', 'ws', 'gg', 'sh', 'ac', 'la', 'nu', 'tk', 'ml', 'ga', 'cf', 'gq', 'so']);

/** Country of a web domain's country-code top-level domain (tsinghua.edu.cn → CN); null for .edu, .com, … */
export function countryFromDomain(domain: string): CountryCode | null {
  const tld = domain.trim().toLowerCase().split('.').pop() ?? '';
  if (tld.length !== 2 || GENERIC_CCTLDS.has(tld)) return null;
  return (load().byTld.get(tld) ?? null) as CountryCode | null;
}

export function countryInfo(code: string): Country | undefined {
  return load().byCode.get(code);
}

export function allCountries(): Country[] {
  return [...load().byCode.values()];
}
