/**
 * Countries of universities by web domain, from the bundled world university list (Hipo/university-domains-list,
 * MIT; data/universities). A domain matches when it is listed or lies under a listed domain (cs.umich.edu →
 * umich.edu), so an institution's domain gives its country when the source states none. A domain the list
 * gives two different countries is ambiguous and gives none.
 */
import { readFileSync } from 'node:fs';
import type { CountryCode } from './ids.ts';
import { isCountryCode } from './countries.ts';
import { dataPath } from './paths.ts';

interface UniversityRow {
  name?: unknown;
  domains?: unknown;
  alpha_two_code?: unknown;
}

/** domain → country code, or null when the list is ambiguous about it. */
let byDomain: Map<string, CountryCode | null> | undefined;

function load(): Map<string, CountryCode | null> {
  if (byDomain) return byDomain;
  const rows = JSON.parse(readFileSync(dataPath('universities', 'world_universities_and_domains.json'), 'utf8')) as UniversityRow[];
  const m = new Map<string, CountryCode | null>();
  for (const r of rows) {
    const code = typeof r.alpha_two_code === 'string' ? r.alpha_two_code.trim().toUpperCase() : '';
    if (!isCountryCode(code) || !Array.isArray(r.domains)) continue;
    for (const d of r.domains) {
      if (typeof d !== 'string') continue;
      const key = normaliseDomain(d);
      if (!key) continue;
      const had = m.get(key);
      m.set(key, had === undefined || had === code ? code : null);
    }
  }
  byDomain = m;
  return m;
}

/** Lower case, no scheme, path, port or leading `www.` / `@`. */
export function normaliseDomain(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^.*@/, '')
    .replace(/[/:?#].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
}

/**
 * The country of the university whose listed domain is `domain` or one of its parent domains (the longest match
 * wins; a bare top-level domain never matches); null when no listed university has it or the list is ambiguous.
 */
export function countryFromUniversityDomain(domain: string | null | undefined): CountryCode | null {
  if (!domain) return null;
  const m = load();
  const labels = normaliseDomain(domain).split('.').filter(Boolean);
  for (let i = 0; i + 2 <= labels.length; i++) {
    const c = m.get(labels.slice(i).join('.'));
    if (c !== undefined) return c;
  }
  return null;
}
