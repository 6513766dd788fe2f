/**
 * Price levels for purchasing-power adjustment, from bundled reference data:
 * World Bank ICP PPP conversion factors (data/countries/ppp-gdp.csv, PA.NUS.PPP, LCU per international $),
 * market exchange rates from the Economist Big Mac index (`dollar_ex`, LCU per USD), and the Big Mac price level
 * (`dollar_price` against the US price) as the alternative adjustment.
 *
 * Method (ppp): price level PLI(C, Y) = PPP(C, latest PPP year ≤ Y) ÷ FX(C, latest FX year ≤ Y), so that
 * a USD amount paid in C buys usd ÷ PLI international dollars. FX is the mean of the Big Mac `dollar_ex` readings
 * of C's currency in that year; for a currency the Big Mac index does not cover, the median implied rate
 * salary ÷ salary_in_usd of survey rows paid in that currency.
 */
import { readCsvRecords } from '../core/csv-records.ts';
import { allCountries, countryInfo } from '../core/countries.ts';
import { dataPath } from '../core/paths.ts';
import { quartiles } from './quantiles.ts';
import { salaryRows } from './salary-data.ts';

export type Adjustment = 'ppp' | 'bigmac';

export interface PriceLevel {
  country: string;
  /** Price level relative to the US (US = 1): USD amount ÷ level = international dollars. */
  level: number;
  method: Adjustment;
  /** What the level rests on, e.g. "PPP 2024 = 809.27 KRW/intl$, FX 2024 = 1364.4 KRW/USD (Big Mac dollar_ex, 2 readings)". */
  basis: string;
  pppYear?: number;
  ppp?: number;
  fxYear?: number;
  fx?: number;
  fxSource?: 'big-mac dollar_ex' | 'salary survey implied';
}

interface Ref {
  ppp: Map<string, Map<number, number>>;
  /** currency → year → dollar_ex readings */
  fx: Map<string, Map<number, number[]>>;
  /** alpha-2 (EUZ as 'EUZ') → date → dollar_price */
  bigMac: Map<string, Map<string, number>>;
  currencyOf: Map<string, string>;
}

let ref: Ref | undefined;

function csv(file: string): Record<string, string>[] {
  return readCsvRecords(dataPath('countries', file));
}

function load(): Ref {
  if (ref) return ref;
  const ppp = new Map<string, Map<number, number>>();
  for (const r of csv('ppp-gdp.csv')) {
    const c = (r['Country ID'] ?? '').trim();
    const v = Number(r['PPP']);
    if (!/^[A-Z]{2}$/.test(c) || !(v > 0)) continue;
    let m = ppp.get(c);
    if (!m) ppp.set(c, (m = new Map()));
    m.set(Number(r['Year']), v);
  }
  const byAlpha3 = new Map(allCountries().map((c) => [c.alpha3, c.code as string]));
  const fx = new Map<string, Map<number, number[]>>();
  const bigMac = new Map<string, Map<string, number>>();
  for (const r of csv('big-mac-raw-index.csv')) {
    const date = r['date'] ?? '';
    const cur = r['currency_code'] ?? '';
    const ex = Number(r['dollar_ex']);
    const price = Number(r['dollar_price']);
    const a3 = r['iso_a3'] ?? '';
    const key = a3 === 'EUZ' ? 'EUZ' : byAlpha3.get(a3);
    if (ex > 0 && cur) {
      let m = fx.get(cur);
      if (!m) fx.set(cur, (m = new Map()));
      const y = Number(date.slice(0, 4));
      m.set(y, [...(m.get(y) ?? []), ex]);
    }
    if (key && price > 0) {
      let m = bigMac.get(key);
      if (!m) bigMac.set(key, (m = new Map()));
      m.set(date, price);
    }
  }
  const currencyOf = new Map<string, string>();
  for (const r of csv('country-codes.csv')) {
    const a2 = (r['ISO3166-1-Alpha-2'] ?? '').trim();
    const cur = (r['ISO4217-currency_alphabetic_code'] ?? '').split(',')[0]?.trim() ?? '';
    if (a2 && cur) currencyOf.set(a2, cur);
  }
  ref = { ppp, fx, bigMac, currencyOf };
  return ref;
}

/** The value at the latest key ≤ year. */
function latestAtOrBefore<T>(m: Map<number, T> | undefined, year: number): [number, T] | undefined {
  if (!m) return undefined;
  let best: [number, T] | undefined;
  for (const [y, v] of m) if (y <= year && (!best || y > best[0])) best = [y, v];
  return best;
}

/** PPP conversion factor (LCU per international $) of the latest year ≤ year. */
export function pppFactor(country: string, year: number): { year: number; ppp: number } | undefined {
  const hit = latestAtOrBefore(load().ppp.get(country), year);
  return hit ? { year: hit[0], ppp: hit[1] } : undefined;
}

export function currencyOf(country: string): string | undefined {
  return load().currencyOf.get(country);
}

/** Market exchange rate (LCU per USD) for a country's currency, latest year ≤ year. */
export function marketFx(country: string, year: number): { year: number; fx: number; source: 'big-mac dollar_ex' | 'salary survey implied'; n: number } | undefined {
  const cur = currencyOf(country);
  if (!cur) return undefined;
  if (cur === 'USD') return { year, fx: 1, source: 'big-mac dollar_ex', n: 0 };
  const bm = latestAtOrBefore(load().fx.get(cur), year);
  if (bm) return { year: bm[0], fx: bm[1].reduce((a, b) => a + b, 0) / bm[1].length, source: 'big-mac dollar_ex', n: bm[1].length };
  const byYear = new Map<number, number[]>();
  for (const r of salaryRows()) if (r.currency === cur && r.salary > 0) byYear.set(r.year, [...(byYear.get(r.year) ?? []), r.salary / r.usd]);
  const s = latestAtOrBefore(byYear, year);
  return s ? { year: s[0], fx: quartiles(s[1]).median, source: 'salary survey implied', n: s[1].length } : undefined;
}

const round = (x: number, d = 4): number => Number(x.toFixed(d));

/** Price level of a country relative to the US in a year, by PPP (default) or the Big Mac index; undefined when the data lacks it. */
export function priceLevel(country: string, year: number, method: Adjustment = 'ppp'): PriceLevel | undefined {
  const key = `${method} ${country} ${year}`;
  if (!levelCache.has(key)) levelCache.set(key, method === 'bigmac' ? bigMacLevel(country, year) : pppLevel(country, year));
  return levelCache.get(key);
}

const levelCache = new Map<string, PriceLevel | undefined>();

function pppLevel(country: string, year: number): PriceLevel | undefined {
  const method = 'ppp';
  if (country === 'US') return { country, level: 1, method, basis: 'US: price level 1 by definition', pppYear: year, ppp: 1, fxYear: year, fx: 1 };
  const p = pppFactor(country, year);
  const f = marketFx(country, year);
  if (!p || !f) return undefined;
  const cur = currencyOf(country) ?? '?';
  return {
    country,
    level: p.ppp / f.fx,
    method,
    basis: `PPP ${p.year} = ${round(p.ppp)} ${cur}/intl$, FX ${f.year} = ${round(f.fx)} ${cur}/USD (${f.source}, ${f.n} readings)`,
    pppYear: p.year,
    ppp: p.ppp,
    fxYear: f.year,
    fx: f.fx,
    fxSource: f.source,
  };
}

/** Big Mac price level: dollar_price in C ÷ dollar_price in the US, at the latest date in a year ≤ year where both exist. */
function bigMacLevel(country: string, year: number): PriceLevel | undefined {
  const { bigMac } = load();
  const us = bigMac.get('US');
  const key = bigMac.has(country) ? country : currencyOf(country) === 'EUR' ? 'EUZ' : undefined;
  const own = key ? bigMac.get(key) : undefined;
  if (!us || !own) return undefined;
  const dates = [...own.keys()].filter((d) => Number(d.slice(0, 4)) <= year && us.has(d)).sort();
  const d = dates[dates.length - 1];
  if (!d) return undefined;
  const pc = own.get(d) as number;
  const pu = us.get(d) as number;
  return {
    country,
    level: pc / pu,
    method: 'bigmac',
    basis: `Big Mac ${d}: ${round(pc, 2)} USD in ${key === 'EUZ' ? 'euro area' : (countryInfo(country)?.name ?? country)} vs ${round(pu, 2)} USD in the US`,
  };
}

/** Convert a USD amount paid in a country to international dollars (usd ÷ price level). */
export function toInternational(usd: number, level: PriceLevel): number {
  return usd / level.level;
}
