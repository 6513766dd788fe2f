/**
 * The institution endpoints and the reports' "rests on" counts over HTTP, on real paper lists (CoRL 2023, COLM 2025)
 * and the ORCID samples, with identical answers on DuckDB and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { refreshCareers } from '../../careers/index.ts';
import { answerOnEachBackend } from '../../store/test-backends.ts';
import { buildServer } from '../server.ts';

const FILES = [dataPath('paperlists', 'corl2023.json.gz'), dataPath('paperlists', 'colm2025.json.gz'), dataPath('orcid-schema-samples')];
const STANFORD = encodeURIComponent('name:stanford university');
const URLS = [
  '/api/institutions?q=stanford',
  `/api/institutions/${STANFORD}?limit=5`,
  '/api/institutions/Stanford%20University?limit=5',
  '/api/institutions/university',
  '/api/institutions/no%20such%20place%20zq',
  '/api/institutions?q=a',
  `/api/cohort?institution=${STANFORD}`,
  `/api/flows?institution=${STANFORD}`,
  '/api/cohort?origin=CN',
  '/api/diaspora/CN',
  '/api/returnees/CN',
];

type Answer = { status: number; body: any };

describe('institutions API', () => {
  it('answers on both backends alike, with the talent report, paging, errors and the institution cohort', async () => {
    const answers = await answerOnEachBackend(
      async (store) => {
        await ingestFiles(store, FILES);
        await refreshCareers(store);
      },
      async (store) => {
        const app = await buildServer(store, { web: false });
        try {
          const out: Record<string, Answer> = {};
          for (const url of URLS) {
            const res = await app.inject(url);
            out[url] = { status: res.statusCode, body: JSON.parse(res.body, (k, v: unknown) => (k === 'refreshedAt' ? undefined : v)) };
          }
          return out;
        } finally {
          await app.close();
        }
      },
    );
    for (const url of URLS) expect(answers.postgres[url], url).toEqual(answers.duckdb[url]);
    const a = answers.duckdb as Record<string, Answer>;
    const found = a['/api/institutions?q=stanford'] as Answer;
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({ institution_id: 'name:stanford university', name: 'Stanford University', country: 'US' });
    const byId = a[`/api/institutions/${STANFORD}?limit=5`] as Answer;
    expect(byId.status).toBe(200);
    expect(a['/api/institutions/Stanford%20University?limit=5']).toEqual(byId); // a name resolves to the same institution
    const r = byId.body;
    expect(r.current.people).toBeGreaterThan(30);
    expect(r.current.members.items.length).toBe(5);
    expect(r.current.members.total).toBe(Math.min(200, r.current.people));
    expect(r.studied.institutions.total).toBeGreaterThan(1);
    const rests = r.current.originRestsOn;
    expect(rests.stated + rests.observed + rests.first_affiliation + rests.none).toBe(r.current.people);
    expect(a['/api/institutions/university']?.status).toBe(409);
    expect(a['/api/institutions/university']?.body.code).toBe('AMBIGUOUS');
    expect(a['/api/institutions/university']?.body.candidates.length).toBe(10);
    expect(a['/api/institutions/no%20such%20place%20zq']?.status).toBe(404);
    expect(a['/api/institutions?q=a']?.status).toBe(400);
    const cohort = a[`/api/cohort?institution=${STANFORD}`] as Answer;
    expect(cohort.status).toBe(200);
    expect(cohort.body.staged).toBe(r.current.people);
    expect(cohort.body.params.cohort).toEqual({ currentInstitution: 'name:stanford university' });
    expect(cohort.body.originRestsOn).toEqual(rests);
    expect(a[`/api/flows?institution=${STANFORD}`]?.status).toBe(200);
    // Every report that uses origins says what they rest on, beside the origin basis it always gave.
    const cn = a['/api/cohort?origin=CN'] as Answer;
    expect(cn.body.originRestsOn.observed).toBeGreaterThan(0);
    expect(cn.body.originRestsOn.stated + cn.body.originRestsOn.observed).toBe(cn.body.originBasis.education);
    expect(cn.body.stages[0].recordBasis.observed).toBe(cn.body.stages[0].known);
    expect(a['/api/diaspora/CN']?.body.origin.originRestsOn.observed).toBe(cn.body.originRestsOn.observed);
    expect(a['/api/returnees/CN']?.body.originRestsOn).toBeDefined();
  }, 120_000);
});
