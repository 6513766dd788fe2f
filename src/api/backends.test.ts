/** The API gives the same answers on DuckDB and PostgreSQL: the bundled OpenAlex sample on each, the same GETs. */
import { describe, expect, it } from 'vitest';
import { refreshCareers } from '../careers/index.ts';
import { answerOnEachBackend } from '../store/test-backends.ts';
import { buildServer } from './server.ts';
import { loadOpenAlexSample } from './test-fixture.ts';

const URLS = [
  '/api/stats',
  '/api/people?limit=20',
  '/api/people?q=0000-0003-2510-9515',
  '/api/people/A5100691996',
  '/api/people/A5100691996/career',
  '/api/flows?from=2010&to=2025',
  '/api/net-rates',
  '/api/diaspora/CN',
  '/api/returnees/US',
  '/api/cohort?origin=US',
  '/api/moves?from_place=CN&to_place=US',
  '/api/flows?from=2025&to=2017',
  '/api/diaspora/XX',
];

/** Drop what legitimately differs between runs (timestamps, backend name). */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (k, v) => (['refreshedAt', 'started_at', 'finished_at', 'backend'].includes(k) ? undefined : v));
}

describe('API on both backends', () => {
  it('answers every GET identically on DuckDB and PostgreSQL', async () => {
    const answers = await answerOnEachBackend(
      async (store) => {
        await loadOpenAlexSample(store);
        await refreshCareers(store);
      },
      async (store) => {
        const app = await buildServer(store, { web: false });
        try {
          const out: Record<string, unknown> = {};
          for (const url of URLS) {
            const res = await app.inject(url);
            out[url] = { status: res.statusCode, body: stable(res.json()) };
          }
          return out;
        } finally {
          await app.close();
        }
      },
    );
    for (const url of URLS) expect(answers.postgres[url], url).toEqual(answers.duckdb[url]);
    expect((answers.duckdb['/api/people/A5100691996'] as { status: number }).status).toBe(200);
    expect((answers.postgres['/api/stats'] as { body: { counts: Record<string, number> } }).body.counts['works']).toBe(195);
    expect((answers.postgres['/api/flows?from=2010&to=2025'] as { body: { totalMoves: number } }).body.totalMoves).toBeGreaterThan(0);
  });
});
