/** API tests for the analysis endpoints (careers, search, network, economics) on a real DuckDB store of real OpenAlex records. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.ts';
import { buildServer } from './server.ts';
import { addContactsNear, openSampleStore, TEST_OWNER } from './test-fixture.ts';

let store: Store;
let app: FastifyInstance;
let target: string;

beforeAll(async () => {
  store = await openSampleStore();
  const r = await store.query<{ person_id: string }>(
    `SELECT a.person_id FROM authorships a JOIN works w ON w.work_id = a.work_id WHERE w.author_count BETWEEN 3 AND 8 ORDER BY w.cited_by_count DESC, a.position LIMIT 1`,
  );
  target = r[0]?.person_id as string;
  await addContactsNear(store, target);
  app = await buildServer(store, { web: false });
});
afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

async function expectError(url: string, status: number, code: string): Promise<void> {
  const res = await get(url);
  expect(res.status, `${url} → ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.body.code).toBe(code);
  expect(res.body.message.length).toBeGreaterThan(5);
}

describe('careers', () => {
  it('/api/flows: real country moves, paged pairs and net flows; window narrows them', async () => {
    const all = (await get('/api/flows?limit=200')).body;
    expect(all.totalMoves).toBeGreaterThan(0);
    expect(all.pairs.items[0]).toMatchObject({ from: expect.any(String), to: expect.any(String), moves: expect.any(Number) });
    const sum = all.pairs.items.reduce((s: number, p: { moves: number }) => s + p.moves, 0);
    expect(sum).toBe(all.totalMoves);
    const recent = (await get('/api/flows?from=2015&to=2025')).body;
    expect(recent.totalMoves).toBeLessThan(all.totalMoves);
    expect((await get('/api/flows?limit=2')).body.pairs.items).toHaveLength(2);
  });

  it('/api/flows validates windows, levels, cohorts', async () => {
    await expectError('/api/flows?from=2025&to=2017', 400, 'BAD_ARGUMENT');
    await expectError('/api/flows?level=planet', 400, 'BAD_ARGUMENT');
    await expectError('/api/flows?origin=XX', 400, 'UNKNOWN_COUNTRY');
    await expectError('/api/flows?from=abc', 400, 'BAD_ARGUMENT');
    await expectError('/api/flows?venue=ICML', 400, 'BAD_ARGUMENT');
    await expectError('/api/flows?limit=0', 400, 'BAD_ARGUMENT');
    const inj = await get(`/api/flows?topic=${encodeURIComponent("'; DROP TABLE moves; --")}`);
    expect(inj.status).toBe(200);
    expect((await get('/api/flows')).body.totalMoves).toBeGreaterThan(0);
  });

  it('/api/flows with an origin cohort counts only that origin', async () => {
    const cn = (await get('/api/flows?origin=cn')).body;
    expect(cn.params.cohort).toEqual({ origin: 'CN' });
    expect(cn.totalMoves).toBeLessThanOrEqual((await get('/api/flows')).body.totalMoves);
  });

  it('/api/moves lists the people behind a flow', async () => {
    const pair = (await get('/api/flows?limit=1')).body.pairs.items[0];
    const r = (await get(`/api/moves?from_place=${pair.from}&to_place=${pair.to}`)).body;
    expect(r.total).toBe(pair.moves);
    expect(r.items[0]).toMatchObject({ from_place: pair.from, to_place: pair.to, person_id: expect.any(String) });
  });

  it('/api/net-rates sorted by net rate with denominators', async () => {
    const r = (await get('/api/net-rates?limit=200')).body;
    const rates = r.items.map((x: { netRatePer1000: number | null }) => x.netRatePer1000).filter((x: number | null) => x !== null);
    expect(rates.length).toBeGreaterThan(0);
    expect([...rates].sort((a: number, b: number) => b - a)).toEqual(rates);
    await expectError('/api/net-rates?from=2030&to=2020', 400, 'BAD_ARGUMENT');
  });

  it('/api/diaspora/:cc and /api/returnees/:cc', async () => {
    const d = (await get('/api/diaspora/cn')).body;
    expect(d.params.country).toBe('CN');
    expect(d.origin.total).toBe(d.atHome + d.abroad + d.currentUnknown);
    const r = (await get('/api/returnees/CN')).body;
    expect(r.returnees).toBe(r.byYear.reduce((s: number, x: { returnees: number }) => s + x.returnees, 0));
    await expectError('/api/diaspora/ZZ', 400, 'UNKNOWN_COUNTRY');
    await expectError('/api/returnees/USA', 400, 'UNKNOWN_COUNTRY');
    await expectError(`/api/diaspora/${encodeURIComponent("' OR 1=1 --")}`, 400, 'UNKNOWN_COUNTRY');
    await expectError('/api/returnees/CN?since=-4', 400, 'BAD_ARGUMENT');
  });

  it('/api/cohort stages and /api/people/:id/career walk', async () => {
    const c = (await get('/api/cohort?origin=US&limit=5')).body;
    expect(c.stages.map((s: { stage: string }) => s.stage)).toEqual(['undergraduate', 'graduate', 'current']);
    expect(c.stages[2].countries.length).toBeLessThanOrEqual(5);
    const w = (await get('/api/people/A5100691996/career')).body;
    expect(w.career.origin).toBe('CN');
    expect(w.career.countryWalk.steps.length).toBeGreaterThan(0);
    await expectError('/api/people/A0000000000/career', 404, 'NOT_FOUND');
    await expectError('/api/cohort?venue_year=2019', 400, 'BAD_ARGUMENT');
  });
});

describe('search', () => {
  it('/api/search ranks people with a score breakdown and pages', async () => {
    const r = (await get('/api/search?q=deep%20learning&limit=5')).body;
    expect(r.total).toBeGreaterThan(5);
    expect(r.results).toHaveLength(5);
    const top = r.results[0];
    expect(top.score).toBeCloseTo(top.breakdown.relevance * top.breakdown.impactMultiplier, 6);
    const next = (await get('/api/search?q=deep%20learning&limit=5&offset=5')).body;
    expect(next.results[0].rank).toBe(6);
  });

  it('/api/search rejects bad input', async () => {
    await expectError('/api/search', 400, 'BAD_ARGUMENT');
    await expectError('/api/search?q=x&country=QQ', 400, 'UNKNOWN_COUNTRY');
    await expectError('/api/search?q=x&limit=201', 400, 'BAD_ARGUMENT');
    await expectError('/api/search?q=x&career_age=9..2', 400, 'BAD_ARGUMENT');
    await expectError('/api/search?q=x&abroad=maybe', 400, 'BAD_ARGUMENT');
    const inj = await get(`/api/search?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(inj.status).toBe(200);
  });
});

describe('network', () => {
  it('/api/owners and /api/intro: paths from the owner to the target with evidence per hop', async () => {
    expect((await get('/api/owners')).body.items).toEqual([{ owner: TEST_OWNER, contacts: expect.any(Number) }]);
    const r = (await get(`/api/intro?owner=${TEST_OWNER}&target=${target}&k=3`)).body;
    expect(r.paths.length).toBeGreaterThan(0);
    const p = r.paths[0];
    expect(p.nodes[0]).toBe(`me:${TEST_OWNER}`);
    expect(p.nodes.at(-1)).toBe(target);
    for (const hop of p.hops) expect(hop.evidence.length).toBeGreaterThan(0);
    expect(r.names[target]).toBeTruthy();
  });

  it('/api/intro errors: unknown target 404, unknown owner 404, bad k 400', async () => {
    await expectError(`/api/intro?owner=${TEST_OWNER}&target=A0000000000`, 404, 'NOT_FOUND');
    await expectError(`/api/intro?owner=nobody&target=${target}`, 404, 'NOT_FOUND');
    await expectError(`/api/intro?owner=${TEST_OWNER}&target=${target}&k=0`, 400, 'BAD_ARGUMENT');
    await expectError(`/api/intro?owner=${TEST_OWNER}&target=${target}&max_hops=99`, 400, 'BAD_ARGUMENT');
    await expectError(`/api/intro?target=${target}`, 400, 'BAD_ARGUMENT');
  });

  it('/api/brokers ranks contacts reaching the targets', async () => {
    const r = (await get(`/api/brokers?owner=${TEST_OWNER}&ids=${target}`)).body;
    expect(r.brokers.total).toBeGreaterThan(0);
    expect(r.brokers.items[0]).toMatchObject({ contact: expect.any(String), targets: 1 });
    await expectError(`/api/brokers?owner=${TEST_OWNER}`, 400, 'BAD_ARGUMENT');
  });
});

describe('economics', () => {
  it('/api/subsidy prices the diaspora and reacts to share', async () => {
    const half = (await get('/api/subsidy?origin=CN&share=0.5')).body;
    expect(half.origin).toBe('CN');
    expect(half.cohort).toBeGreaterThan(0);
    const full = (await get('/api/subsidy?origin=CN&share=1')).body;
    expect(full.total).toBeGreaterThanOrEqual(half.total);
    await expectError('/api/subsidy?origin=CN&share=1.5', 400, 'BAD_ARGUMENT');
    await expectError('/api/subsidy?origin=XX&share=0.5', 400, 'UNKNOWN_COUNTRY');
    await expectError('/api/subsidy?origin=CN&share=0.5&years=0', 400, 'BAD_ARGUMENT');
    await expectError('/api/subsidy?share=0.5', 400, 'BAD_ARGUMENT');
  });
});
