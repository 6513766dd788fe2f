/** The economics commands run through the real CLI on a real DuckDB store whose careers are derived from affiliation-years. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { runCaptured, type CliOutcome } from '../run-captured.ts';
import { DuckDBStore } from '../../store/duckdb/duckdb-store.ts';
import { migrate } from '../../store/migrate.ts';
import { fixtureRows, insertFixtures, workRows } from '../../careers/fixtures.ts';
import { dataPath } from '../../core/paths.ts';

let dir: string;
let db: string;
let ids: string;

const atlas = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', db]);

const span = (from: number, to: number, c: string): Record<number, string> => Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [from + i, c]));

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-econ-cli-'));
  db = path.join(dir, 'cli.duckdb');
  ids = path.join(dir, 'ids.txt');
  writeFileSync(ids, 'k1\nk2\nk3\nc1\n');
  const store = await DuckDBStore.open(db);
  await migrate(store);
  const llm = workRows('W1', 'NeurIPS', 2023, ['k1', 'k2', 'k3', 'c1']);
  (llm.works[0] as unknown[])[1] = 'Scaling large language models';
  await insertFixtures(store, {
    ...fixtureRows([
      { id: 'k1', name: 'Kim One', years: { ...span(2010, 2012, 'KR'), ...span(2013, 2024, 'GB') }, education: [{ degree: 'bachelor', country: 'KR', start: 2006 }] },
      { id: 'k2', name: 'Kim Two', years: { ...span(2014, 2016, 'KR'), ...span(2017, 2024, 'GB') } },
      { id: 'k3', name: 'Kim Home', years: span(2012, 2024, 'KR') },
      { id: 'c1', name: 'Chen Abroad', years: { ...span(2012, 2014, 'CN'), ...span(2015, 2024, 'US') } },
    ]),
    ...llm,
  });
  await store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas subsidy / gap / bands', () => {
  it('subsidy: the diaspora only, total matching a hand computation from the raw salary rows', async () => {
    const raw = parse(gunzipSync(readFileSync(dataPath('salaries-aijobs', 'salaries.csv.gz'))), { columns: true }) as Record<string, string>[];
    const gb = raw
      .filter((r) => r['employment_type'] === 'FT' && r['company_location'] === 'GB' && r['experience_level'] === 'SE' && r['work_year'] === '2024')
      .filter((r) => ['Applied Scientist', 'Machine Learning Scientist', 'Research Scientist'].includes(r['job_title'] ?? ''))
      .map((r) => Number(r['salary_in_usd']))
      .sort((a, b) => a - b);
    const h = (gb.length - 1) / 2;
    const median = (gb[Math.floor(h)] as number) + (h - Math.floor(h)) * ((gb[Math.ceil(h)] as number) - (gb[Math.floor(h)] as number));
    const r = await atlas('subsidy', '--origin', 'KR', '--ids', ids, '--share', '0.5', '--level', 'SE', '--home-offer', '50000', '--no-ppp', '--years', '2', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.eligible).toBe(2);
    expect(j.excluded.byReason).toEqual({ 'not abroad': 1, 'other origin': 1 });
    expect(j.total).toBeCloseTo(2 * 0.5 * (median - 50000) * 2, 4);
    expect(j.sensitivity).toHaveLength(6);
    const t = await atlas('subsidy', '--origin', 'KR', '--ids', ids, '--share', '0.5');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/Cohort 4: 2 eligible \(origin KR, abroad\); 2 excluded/);
    expect(t.out).toMatch(/Sensitivity/);
    expect(t.out).toMatch(/PPP 2024 = 809\.2672 KRW\/intl\$/);
  });

  it('subsidy --cohort takes the cohort from a search', async () => {
    const r = await atlas('subsidy', '--origin', 'KR', '--cohort', 'large language models', '--share', '0.5', '--json');
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.cohort).toBe(4);
    expect(j.eligible).toBe(2);
    expect(j.cohortLabel).toMatch(/search "large language models"/);
  });

  it('subsidy: bad inputs give one clear line and exit code 2', async () => {
    const share = await atlas('subsidy', '--origin', 'KR', '--ids', ids, '--share', '1.5');
    expect(share.code).toBe(2);
    expect(share.err).toMatch(/--share must be between 0 and 1/);
    const country = await atlas('subsidy', '--origin', 'ZZ', '--ids', ids, '--share', '0.5');
    expect(country.code).toBe(2);
    expect(country.err).toMatch(/unknown origin country "ZZ"/);
    const cap = await atlas('subsidy', '--origin', 'KR', '--ids', ids, '--share', '0.5', '--cap=-5');
    expect(cap.err).toMatch(/--cap must be a non-negative/);
    expect((await atlas('subsidy', '--origin', 'KR', '--share', '0.5')).err).toMatch(/exactly one of --cohort/);
  });

  it('gap for a person and bands for a country', async () => {
    const g = await atlas('gap', 'k1', '--home-offer', '40000');
    expect(g.code).toBe(0);
    expect(g.out).toMatch(/works in GB, origin KR; level SE \(career age \d+\)/);
    const b = await atlas('bands', '--country', 'GB', '--level', 'SE', '--family', 'research-scientist', '--json');
    expect(JSON.parse(b.out)[0].fallbackStep).toBe(0);
  });
});
