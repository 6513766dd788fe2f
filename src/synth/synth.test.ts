import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { refreshCareers } from '../careers/index.ts';
import { synthesize } from './synthesize.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('synthetic OpenAlex snapshot', () => {
  it('same seed, same bytes; another seed, other bytes', async () => {
    const a = await synthesize({ authors: 300, seed: 5, out: path.join(dir, 'a') });
    const b = await synthesize({ authors: 300, seed: 5, out: path.join(dir, 'b') });
    const c = await synthesize({ authors: 300, seed: 6, out: path.join(dir, 'c') });
    expect(sha(a.authorsFile)).toBe(sha(b.authorsFile));
    expect(sha(a.worksFile)).toBe(sha(b.worksFile));
    expect(sha(c.authorsFile)).not.toBe(sha(a.authorsFile));
  });

  it('ingests cleanly, with a skewed country mix, multi-author works and confirmed moves', async () => {
    const r = await synthesize({ authors: 2000, seed: 1, out: path.join(dir, 'd') });
    const lines = gunzipSync(readFileSync(r.authorsFile)).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(2000);
    const store = await DuckDBStore.open(':memory:');
    await migrate(store);
    const res = await ingestFiles(store, [r.authorsFile, r.worksFile]);
    expect(res.records).toBe(2000 + r.works);
    expect(res.rejected).toEqual([]);
    await refreshCareers(store);
    const [people] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM people`);
    expect(people?.n).toBe(2000);
    const byCountry = await store.query<{ origin: string; n: number }>(`SELECT origin, COUNT(*) AS n FROM careers GROUP BY origin ORDER BY n DESC`);
    expect(byCountry[0]?.origin).toBe('US');
    const [moves] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM moves WHERE level = 'country'`);
    expect(moves?.n).toBeGreaterThan(20);
    const [multi] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM works WHERE author_count > 1`);
    expect(multi?.n).toBeGreaterThan(r.works / 3);
    await store.close();
  });
});
