/** `atlas search` end to end through runCli on a real DuckDB file loaded with CoRL 2023 + OpenAlex sample data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareers } from '../../careers/index.ts';
import { dataPath } from '../../core/paths.ts';
import { invalidateSearchIndex } from '../../search/index.ts';
import { searchIndexOrigins } from '../../search/build-from-store.ts';
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

describe('atlas ingest keeps the search index current', () => {
  it('a later ingest brings the kept index up to date there and then; the next search reads it and answers as a build does', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'atlas-search-kept-'));
    const file = path.join(d, 'atlas.duckdb');
    const run = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', file]);
    try {
      // no index kept yet: the ingest builds none
      expect((await run('ingest', dataPath('paperlists', 'corl2021.json.gz'))).err).not.toMatch(/search index/);
      expect((await run('search', 'robot manipulation', '--limit', '5')).code).toBe(0);
      const r = await run('ingest', dataPath('paperlists', 'corl2022.json.gz'));
      expect(r.code).toBe(0);
      expect(r.err).toMatch(/search index brought up to date in \d+\.\d s/);
      const before = { ...searchIndexOrigins };
      const kept = await run('search', 'robot manipulation', '--limit', '20', '--json');
      expect(searchIndexOrigins).toEqual({ ...before, read: before.read + 1 });
      const store = await openStore(file);
      try {
        invalidateSearchIndex(store);
      } finally {
        await store.close();
      }
      const built = await run('search', 'robot manipulation', '--limit', '20', '--json');
      expect(searchIndexOrigins.built).toBe(before.built + 1);
      const results = (o: CliOutcome): unknown => (JSON.parse(o.out) as { results: unknown; total: number }).results;
      expect(results(kept)).toEqual(results(built));
      expect((results(kept) as unknown[]).length).toBe(20);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 180_000);
});
