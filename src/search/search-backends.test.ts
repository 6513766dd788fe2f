/** The index is built through the Store contract only: DuckDB and PostgreSQL give the same ranking on the same data. */
import { describe, expect, it } from 'vitest';
import { refreshCareers } from '../careers/index.ts';
import { answerOnEachBackend } from '../store/test-backends.ts';
import { searchPeople } from './index.ts';
import { loadRealData } from './real-data-fixture.ts';

describe('search on every backend', () => {
  it('returns the same people, scores and facts on DuckDB and PostgreSQL', async () => {
    const answers = await answerOnEachBackend(
      async (store) => {
        await loadRealData(store, [2023]);
        await refreshCareers(store);
      },
      async (store) => {
        const all = await searchPeople(store, 'robot manipulation learning', { limit: 30 });
        const us = await searchPeople(store, 'robot manipulation learning', { country: 'US', careerAge: '1..20', limit: 10 });
        const pick = (r: typeof all): unknown[] =>
          r.results.map((x) => [x.personId, x.score.toFixed(9), x.breakdown.hIndex, x.breakdown.citations, x.facts, x.matchedWorks.map((w) => w.title).sort()]);
        return { total: all.total, all: pick(all), usTotal: us.total, us: pick(us), stats: all.params.index.postings };
      },
    );
    expect(answers.duckdb.all.length).toBe(30);
    expect(answers.duckdb.us.length).toBe(10);
    expect(answers.postgres).toEqual(answers.duckdb);
  });
});
