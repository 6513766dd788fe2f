/**
 * Economics against hand computations from real rows of the bundled data: rows are filtered here by plain code
 * from the raw CSV files (not through the module), and quartiles are computed here by type-7 interpolation.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import { compensationBand, estimateGap, levelFromCareerAge, priceLevel, roleFamily, subsidyPlan, personGap } from './index.ts';

type Raw = Record<string, string>;
const raw = parse(gunzipSync(readFileSync(dataPath('salaries-aijobs', 'salaries.csv.gz'))), { columns: true }) as Raw[];
const bigMac = parse(readFileSync(dataPath('countries', 'big-mac-raw-index.csv')), { columns: true }) as Raw[];
const pppRows = parse(readFileSync(dataPath('countries', 'ppp-gdp.csv')), { columns: true }) as Raw[];

/** Type-7 quantile, written independently of the module. */
function q7(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const i = Math.floor(h);
  const lo = s[i] as number;
  const hi = s[Math.min(i + 1, s.length - 1)] as number;
  return lo + (h - i) * (hi - lo);
}

function salaries(filter: (r: Raw) => boolean): number[] {
  return raw.filter((r) => r['employment_type'] === 'FT' && filter(r)).map((r) => Number(r['salary_in_usd']));
}

/** Hand-checked: the titles of (GB, SE, 2024) that the mapping table puts in research-scientist. */
const GB_SE_RS_TITLES = ['Applied Scientist', 'Machine Learning Scientist', 'Research Scientist'];
const gbSeRs = salaries((r) => r['company_location'] === 'GB' && r['experience_level'] === 'SE' && r['work_year'] === '2024' && GB_SE_RS_TITLES.includes(r['job_title'] ?? ''));
const jpMi = salaries((r) => r['company_location'] === 'JP' && r['experience_level'] === 'MI');

function pli(country: string, a3: string, cur: string, year: number): number {
  const ppp = Number(pppRows.find((r) => r['Country ID'] === country && r['Year'] === String(year))?.['PPP']);
  const fx = bigMac.filter((r) => r['currency_code'] === cur && (r['date'] ?? '').startsWith(String(year))).map((r) => Number(r['dollar_ex']));
  expect(fx.length).toBeGreaterThan(0);
  expect(a3).toBeTruthy();
  return ppp / (fx.reduce((x, y) => x + y, 0) / fx.length);
}

describe('role families', () => {
  it('maps titles through the documented table', () => {
    expect(roleFamily('Research Scientist')).toBe('research-scientist');
    expect(roleFamily('Applied Scientist')).toBe('research-scientist');
    expect(roleFamily('AI Research Engineer')).toBe('research-engineer');
    expect(roleFamily('Machine Learning Engineer')).toBe('ml-engineer');
    expect(roleFamily('AI Product Manager')).toBe('other');
    expect(roleFamily('Data Scientist')).toBe('data-scientist');
    expect(roleFamily('Analytics Engineer')).toBe('data-engineer');
    expect(roleFamily('Engineer')).toBe('software-engineer');
    expect(roleFamily('Data Analyst')).toBe('other');
  });
});

describe('compensation bands', () => {
  it('exact cell GB SE research-scientist 2024 matches the raw rows', () => {
    expect(gbSeRs.length).toBeGreaterThanOrEqual(10);
    const b = compensationBand({ country: 'GB', level: 'SE', family: 'research-scientist', year: 2024 });
    expect(b.fallbackStep).toBe(0);
    expect(b.n).toBe(gbSeRs.length);
    expect(b.median).toBeCloseTo(q7(gbSeRs, 0.5), 6);
    expect(b.p25).toBeCloseTo(q7(gbSeRs, 0.25), 6);
    expect(b.p75).toBeCloseTo(q7(gbSeRs, 0.75), 6);
    expect(b.lines).toHaveLength(b.n);
  });

  it('a small cell falls back along the ladder and says so (JP MI research-scientist → all roles, all years)', () => {
    expect(salaries((r) => r['company_location'] === 'JP' && r['experience_level'] === 'MI' && r['job_title'] === 'Research Scientist').length).toBeLessThan(10);
    const b = compensationBand({ country: 'JP', level: 'MI', family: 'research-scientist', year: 2024 });
    expect(b.fallbackStep).toBe(3);
    expect(b.fallback).toBe('all roles, all years');
    expect(b.n).toBe(jpMi.length);
    expect(b.median).toBeCloseTo(q7(jpMi, 0.5), 6);
    expect(b.p75).toBeCloseTo(q7(jpMi, 0.75), 6);
    expect(b.filters.years).toBeNull();
  });

  it('a country without salary rows pools its subregion at its own price level, never from fewer than 10 rows', () => {
    const b = compensationBand({ country: 'KR', level: 'SE', family: 'research-scientist' });
    expect(b.fallbackStep).toBeGreaterThanOrEqual(6);
    expect(b.filters.geography).toBe('subregion');
    expect(b.n).toBeGreaterThanOrEqual(10);
    expect(b.filters.transfer).toBe('ppp');
  });

  it('says NO_DATA when even the region cannot help (TW: no rows, no World Bank PPP)', () => {
    expect(() => compensationBand({ country: 'TW', level: 'SE', family: 'research-scientist' })).toThrow(expect.objectContaining({ code: 'NO_DATA' }));
  });

  it('rejects bad inputs with BAD_ARGUMENT', () => {
    expect(() => compensationBand({ country: 'ZZ', level: 'SE', family: 'ml-engineer' })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => compensationBand({ country: 'US', level: 'XX', family: 'ml-engineer' })).toThrow(/experience level/);
    expect(() => compensationBand({ country: 'US', level: 'SE', family: 'astronaut' })).toThrow(/role family/);
  });
});

describe('price levels', () => {
  it('KR 2024 = PPP 2024 ÷ mean Big Mac dollar_ex of KRW in 2024', () => {
    const p = priceLevel('KR', 2024);
    expect(p?.pppYear).toBe(2024);
    expect(p?.level).toBeCloseTo(pli('KR', 'KOR', 'KRW', 2024), 10);
    expect(p?.level).toBeCloseTo(809.26722 / ((1376.75 + 1338.9) / 2), 2);
  });
  it('uses the latest PPP year ≤ the salary year', () => {
    expect(priceLevel('KR', 2025)?.pppYear).toBe(2024);
    expect(priceLevel('US', 2024)?.level).toBe(1);
  });
  it('PPP-adjusts a gap by hand', () => {
    const g = estimateGap({ currentCountry: 'US', origin: 'KR', level: 'SE' }, { currentPay: 200000, homeOffer: 80000, year: 2024 });
    const k = pli('KR', 'KOR', 'KRW', 2024);
    expect(g.gapNominal).toBe(120000);
    expect(g.adjusted?.gapIntl).toBeCloseTo(200000 - 80000 / k, 4);
    expect(g.adjusted?.gapAtHomeUsd).toBeCloseTo(200000 * k - 80000, 4);
  });
});

describe('career age → level', () => {
  it('EN ≤ 3, MI 4–8, SE 9–15, EX > 15', () => {
    expect([1, 3, 4, 8, 9, 15, 16].map(levelFromCareerAge)).toEqual(['EN', 'EN', 'MI', 'MI', 'SE', 'SE', 'EX']);
  });
});

describe('subsidy plan on a real store', () => {
  let dir: string;
  let store: DuckDBStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'atlas-econ-'));
    store = await DuckDBStore.open(path.join(dir, 'e.duckdb'));
    await migrate(store);
    // bulkInsert appends whole rows in table column order
    const people: Array<[string, 'text' | 'int']> = [
      ['person_id', 'text'], ['display_name', 'text'], ['source_h_index', 'int'], ['source_cited_by', 'int'],
      ['source_works_count', 'int'], ['source', 'text'], ['record_key', 'text'], ['run_id', 'int'],
    ];
    await store.bulkInsert(
      'people',
      people.map(([name, type]) => ({ name, type })),
      ['p1', 'p2', 'p3', 'p4'].map((id) => [id, `Person ${id}`, null, null, null, 'test', `k-${id}`, 1]),
    );
    const careerCols: Array<[string, 'text' | 'int' | 'bool']> = [
      ['person_id', 'text'], ['origin', 'text'], ['origin_basis', 'text'], ['edu_origin', 'text'], ['academic_origin', 'text'],
      ['current_country', 'text'], ['category', 'text'], ['abroad', 'bool'], ['returnee', 'bool'], ['return_year', 'int'],
      ['first_year', 'int'], ['last_year', 'int'], ['undergrad_country', 'text'], ['graduate_country', 'text'],
      ['current_institution', 'text'], ['country_moves', 'int'], ['institution_moves', 'int'], ['career_age', 'int'], ['early_career', 'bool'],
    ];
    const career = (id: string, origin: string, basis: string, current: string, abroad: boolean, first: number, age: number | null) =>
      [id, origin, basis, null, null, current, abroad ? 'migrant' : 'non-mobile', abroad, false, null, first, 2024, null, null, null, abroad ? 1 : 0, 0, age, null];
    await store.bulkInsert('careers', careerCols.map(([name, type]) => ({ name, type })), [
      career('p1', 'KR', 'education', 'GB', true, 2012, 13), // SE in GB
      career('p2', 'KR', 'first_affiliation', 'JP', true, 2019, null), // career age 2024−2019+1 = 6 → MI in JP
      career('p3', 'KR', 'education', 'KR', false, 2010, 15), // at home
      career('p4', 'CN', 'education', 'US', true, 2015, 10), // other origin
    ]);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prices the diaspora only, and matches a hand computation', async () => {
    const home = 50000;
    const plan = await subsidyPlan(store, ['p1', 'p2', 'p3', 'p4', 'nobody'], { origin: 'KR', share: 0.5, cap: 40000, years: 2, homeOffer: home, year: 2024 });
    expect(plan.cohort).toBe(5);
    expect(plan.eligible).toBe(2);
    expect(plan.excluded.byReason).toEqual({ 'not abroad': 1, 'other origin': 1, 'no career record': 1 });
    const gb = q7(gbSeRs, 0.5);
    const jp = q7(jpMi, 0.5);
    const kr = pli('KR', 'KOR', 'KRW', 2024);
    const gbL = pli('GB', 'GBR', 'GBP', 2024);
    const jpL = pli('JP', 'JPN', 'JPY', 2024);
    const gapP1 = (gb / gbL - home / kr) * kr;
    const gapP2 = (jp / jpL - home / kr) * kr;
    const sub = (gap: number, share: number): number => Math.min(share * Math.max(gap, 0), 40000) * 2;
    const l1 = plan.lines.find((l) => l.personId === 'p1');
    const l2 = plan.lines.find((l) => l.personId === 'p2');
    expect(l1?.level).toBe('SE');
    expect(l2?.level).toBe('MI');
    expect(l1?.currentPay).toBeCloseTo(gb, 6);
    expect(l2?.currentPay).toBeCloseTo(jp, 6);
    expect(l1?.gapUsed).toBeCloseTo(gapP1, 4);
    expect(l2?.gapUsed).toBeCloseTo(gapP2, 4);
    expect(plan.total).toBeCloseTo(sub(gapP1, 0.5) + sub(gapP2, 0.5), 4);
    const nominal = plan.sensitivity.find((s) => s.share === 0.25 && !s.ppp);
    expect(nominal?.total).toBeCloseTo(sub(gb - home, 0.25) + sub(jp - home, 0.25), 4);
    expect(plan.sensitivity).toHaveLength(6);
  });

  it('person gap reads career facts', async () => {
    const g = await personGap(store, 'p1', { homeOffer: 1000 });
    expect(g.currentCountry).toBe('GB');
    expect(g.levelBasis).toBe('career age 13');
  });

  it('rejects bad inputs with BAD_ARGUMENT', async () => {
    const bad = expect.objectContaining({ code: 'BAD_ARGUMENT' });
    await expect(subsidyPlan(store, ['p1'], { origin: 'ZZ', share: 0.5 })).rejects.toThrow(bad);
    await expect(subsidyPlan(store, ['p1'], { origin: 'KR', share: 1.5 })).rejects.toThrow(/between 0 and 1/);
    await expect(subsidyPlan(store, ['p1'], { origin: 'KR', share: -0.1 })).rejects.toThrow(bad);
    await expect(subsidyPlan(store, [], { origin: 'KR', share: 0.5 })).rejects.toThrow(/cohort is empty/);
    await expect(subsidyPlan(store, ['p1'], { origin: 'KR', share: 0.5, cap: -1 })).rejects.toThrow(/--cap/);
  });
});
