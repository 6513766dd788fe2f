/** API tests on a real DuckDB store filled with real OpenAlex records, through Fastify's inject (no network). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import { API_ROUTES } from './routes/index.ts';
import { buildServer } from './server.ts';
import { openSampleStore } from './test-fixture.ts';

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  store = await openSampleStore();
  app = await buildServer(store, { web: false });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body };
}

async function expectError(url: string, status: number, code: string): Promise<string> {
  const res = await get(url);
  expect(res.status, `${url} → ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.message).toBe('string');
  return res.body.message as string;
}

describe('stats and ingest runs', () => {
  it('/api/stats counts the real sample and groups people by latest country', async () => {
    const { status, body } = await get('/api/stats');
    expect(status).toBe(200);
    expect(body.counts.works).toBe(195);
    expect(body.counts.people).toBeGreaterThan(30);
    const cn = body.people_by_country.find((r: { country: string }) => r.country === 'CN');
    expect(cn.people).toBeGreaterThan(0);
    // Each person once: the counts add up to the people with any known country.
    const [known] = await store.query<{ n: number }>('SELECT COUNT(DISTINCT person_id) AS n FROM affiliation_years WHERE country IS NOT NULL');
    expect(body.people_by_country.reduce((n: number, r: { people: number }) => n + r.people, 0)).toBe(known?.n);
    expect(body.ingest_runs[0].source).toBe('openalex');
  });

  it('/api/ingest-runs paginates and rejects bad limits', async () => {
    const { body } = await get('/api/ingest-runs?limit=1');
    expect(body).toMatchObject({ total: 1, limit: 1, offset: 0 });
    expect(body.items).toHaveLength(1);
    await expectError('/api/ingest-runs?limit=-1', 400, 'BAD_ARGUMENT');
    await expectError('/api/ingest-runs?limit=1000000', 400, 'BAD_ARGUMENT');
    await expectError('/api/ingest-runs?offset=-5', 400, 'BAD_ARGUMENT');
    await expectError('/api/ingest-runs?limit=abc', 400, 'BAD_ARGUMENT');
  });

  it('/api/countries places countries by CSRankings institution centroids', async () => {
    const { body } = await get('/api/countries');
    const us = body.items.find((c: { code: string }) => c.code === 'US');
    expect(us.basis).toBe('institutions');
    expect(us.lat).toBeGreaterThan(25);
    expect(us.lon).toBeLessThan(-65);
  });
});

describe('people', () => {
  it('finds by OpenAlex id, ORCID URL and exact name', async () => {
    for (const q of ['A5100691996', 'https://orcid.org/0000-0003-2510-9515', 'jianming zhan']) {
      const { status, body } = await get(`/api/people?q=${encodeURIComponent(q)}`);
      expect(status).toBe(200);
      expect(body.items.map((p: { person_id: string }) => p.person_id)).toEqual(['A5100691996']);
    }
  });

  it('lists people by citations with pagination', async () => {
    const a = (await get('/api/people?limit=5')).body;
    const b = (await get('/api/people?limit=5&offset=5')).body;
    expect(a.items).toHaveLength(5);
    expect(a.total).toBeGreaterThan(30);
    expect(a.items[0].source_cited_by).toBeGreaterThanOrEqual(a.items[4].source_cited_by);
    expect(b.items[0].person_id).not.toBe(a.items[0].person_id);
  });

  it('treats injection strings as plain data', async () => {
    const { status, body } = await get(`/api/people?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
    await expectError(`/api/people/${encodeURIComponent("x' OR '1'='1")}`, 404, 'NOT_FOUND');
    const after = await get('/api/stats');
    expect(after.body.counts.works).toBe(195);
  });

  it('profile: identifiers, timeline with institution names and countries, works, co-authors', async () => {
    const { status, body } = await get('/api/people/A5100691996');
    expect(status).toBe(200);
    expect(body.person.display_name).toBe('Jianming Zhan');
    expect(body.identifiers).toContainEqual({ scheme: 'orcid', value: '0000-0003-2510-9515' });
    const ningbo = body.timeline.find((s: { institution: string }) => s.institution === 'Ningbo University');
    expect(ningbo.country).toBe('CN');
    expect(ningbo.years).toContain(2025);
    expect(Array.isArray(body.moves)).toBe(true);
    expect(Array.isArray(body.education)).toBe(true);
  });

  it('profile of a work author lists works with citations and co-authors', async () => {
    const top = (await get('/api/people?limit=200')).body.items as Array<{ person_id: string }>;
    let found = false;
    for (const p of top) {
      const prof = (await get(`/api/people/${p.person_id}`)).body;
      if (prof.works.total > 0 && prof.coauthors.length > 0) {
        expect(typeof prof.works.items[0].cited_by_count).toBe('number');
        expect(prof.coauthors[0].shared_works).toBeGreaterThan(0);
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
  });

  it('second profile GET is served from the cache', async () => {
    await app.inject('/api/people/A5100691996?works_limit=3');
    const res = await app.inject('/api/people/A5100691996?works_limit=3');
    expect(res.headers['x-cache']).toBe('hit');
  });

  it('a name shared by several people → 409 AMBIGUOUS with the candidates', async () => {
    const listed = (await get('/api/people?q=Li%20Zhang')).body;
    expect(listed.items.length).toBeGreaterThan(1);
    const res = await get('/api/people/Li%20Zhang');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('AMBIGUOUS');
    expect(res.body.candidates.map((c: { person_id: string }) => c.person_id).sort()).toEqual(listed.items.map((c: { person_id: string }) => c.person_id).sort());
  });

  it('unknown ids → 404, bad parameters → 400', async () => {
    await expectError('/api/people/A0000000000', 404, 'NOT_FOUND');
    await expectError('/api/people/A5100691996?works_limit=0', 400, 'BAD_ARGUMENT');
    await expectError('/api/people/A5100691996?works_limit=100000', 400, 'BAD_ARGUMENT');
    await expectError(`/api/people?q=${'x'.repeat(500)}`, 400, 'BAD_ARGUMENT');
    await expectError('/api/people?limit=201', 400, 'BAD_ARGUMENT');
    await expectError('/api/no-such-endpoint', 404, 'NOT_FOUND');
  });
});

describe('OpenAPI and docs', () => {
  it('/openapi.json describes every /api route with its parameters', async () => {
    const { body } = await get('/openapi.json');
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/stats', '/api/people', '/api/people/{id}', '/api/ingest-runs']));
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(API_ROUTES.map((r) => `${r.method ?? 'GET'} ${r.url.replace(/:([a-z_]+)/gi, '{$1}')}`).sort());
    expect(body.paths['/api/contacts'].post.requestBody.content['text/csv']).toBeDefined();
    expect(body.paths['/api/users'].post['x-role']).toBe('admin');
    expect(body.components.securitySchemes.apiKey.scheme).toBe('bearer');
    const limit = body.paths['/api/people'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema.maximum).toBe(200);
  });

  it('/docs renders the document as HTML', async () => {
    const res = await app.inject('/docs');
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('/api/people/{id}');
    expect(res.body).not.toMatch(/<script[^>]+src=["']https?:/);
  });
});
