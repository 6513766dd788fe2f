/**
 * Approximate country positions for the net-rate map. No world geoJSON ships offline (echarts 6 has none), so the map
 * places each country at the mean latitude/longitude of the CSRankings institutions located there (bundled
 * data/csrankings/2024-10-24: geolocation.csv × country-info.csv; institutions absent from country-info are US, as in
 * CSRankings). Countries with no CSRankings institution get the mean of their UN subregion's placed countries.
 */
import { readCsvRecords } from '../core/csv-records.ts';
import { allCountries, countryInfo } from '../core/countries.ts';
import { dataPath } from '../core/paths.ts';

export interface CountryPoint {
  code: string;
  name: string;
  region: string;
  lat: number | null;
  lon: number | null;
  basis: 'institutions' | 'subregion' | 'none';
}

let cached: CountryPoint[] | undefined;

export function countryCentroids(): CountryPoint[] {
  if (cached) return cached;
  const dir = dataPath('csrankings', '2024-10-24');
  const geo = readCsvRecords(`${dir}/geolocation.csv`);
  const info = readCsvRecords(`${dir}/country-info.csv`);
  const countryOf = new Map(info.map((r) => [r['institution'] ?? '', (r['countryabbrv'] ?? '').toUpperCase()]));
  const sums = new Map<string, { lat: number; lon: number; n: number }>();
  for (const g of geo) {
    let cc = countryOf.get(g['institution'] ?? '') ?? 'US';
    if (cc === 'UK') cc = 'GB';
    const lat = Number(g['latitude']);
    const lon = Number(g['longitude']);
    if (!countryInfo(cc) || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
    const s = sums.get(cc) ?? { lat: 0, lon: 0, n: 0 };
    s.lat += lat;
    s.lon += lon;
    s.n += 1;
    sums.set(cc, s);
  }
  const points: CountryPoint[] = allCountries().map((c) => {
    const s = sums.get(c.code);
    return s
      ? { code: c.code, name: c.name, region: c.subregion, lat: s.lat / s.n, lon: s.lon / s.n, basis: 'institutions' }
      : { code: c.code, name: c.name, region: c.subregion, lat: null, lon: null, basis: 'none' };
  });
  const bySub = new Map<string, { lat: number; lon: number; n: number }>();
  for (const p of points) {
    if (p.lat === null || p.lon === null) continue;
    const s = bySub.get(p.region) ?? { lat: 0, lon: 0, n: 0 };
    s.lat += p.lat;
    s.lon += p.lon;
    s.n += 1;
    bySub.set(p.region, s);
  }
  for (const p of points) {
    const s = bySub.get(p.region);
    if (p.lat === null && s) Object.assign(p, { lat: s.lat / s.n, lon: s.lon / s.n, basis: 'subregion' });
  }
  cached = points.sort((a, b) => a.code.localeCompare(b.code));
  return cached;
}
