/** `atlas search` end to end through runCli on a real DuckDB file loaded with CoRL 2023 + OpenAlex sample data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareers } from '../../careers/index.ts';
import { loadRealData } from '../../search/real-data-fixture.ts';
import { openStore } from '../../store/open-store.ts';
import { runCaptured, type CliOutcome } from '../run-captured.ts';

let dir: string;
let db: string;

const atlas = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', db]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-search-'));
  db = path.join(dir, 'atlas.duckdb');
  const store = await openStore(db);
  await loadRealData(store, [2023]);
  await refreshCareers(store);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas search', () => {
  it('prints a readable breakdown with matched works', async () => {
    const r = await atlas('search', 'reinforcement learning robot manipulation', '--limit', '10');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^search "reinforcement learning robot manipulation" → terms: reinforcement learning robot manipulation/);
    expect(r.out).toMatch(/people match; showing 1–10/);
    expect(r.out).toMatch(/^1\. .+ \[or:~.+\]  score \d/m);
    expect(r.out).toMatch(/relevance [\d.]+ × impact [\d.]+ \| citations \d+ · h-index \d+/);
    expect(r.out).toMatch(/origin (\w\w|unknown).*; current /);
    expect(r.out).toMatch(/• .+ \(2023, CoRL 2023, (Poster|Oral)\) — match [\d.]+ on /);
    expect(r.out.match(/^\d+\. /gm)?.length).toBe(10);
  });

  it('--json gives params, total and results; filters apply', async () => {
    const r = await atlas('search', 'robot learning', '--country', 'us', '--limit', '5', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { params: { filters: { country: string } }; total: number; results: Array<{ facts: { currentCountry: string } }> };
    expect(j.params.filters.country).toBe('US');
    expect(j.results.length).toBe(5);
    for (const x of j.results) expect(x.facts.currentCountry).toBe('US');
  });

  it('rejects bad input with one line and exit code 2', async () => {
    const r = await atlas('search', 'robot', '--career-age', '5..1');
    expect(r.code).toBe(2);
    expect(r.err).toBe('error [BAD_ARGUMENT]: --career-age: MIN (5) is greater than MAX (1)\n');
    const c = await atlas('search', 'robot', '--origin', 'Korea');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/^error \[BAD_ARGUMENT\]: --origin: unknown country code "Korea"/);
  });
});
