import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AtlasError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import type { Store } from '../../store/store.ts';
import { forEachBackend, openFreshStore } from '../../store/test-backends.ts';
import { createJob, getJob, type PullJob } from '../jobs/pull-jobs.ts';
import type { PullContext, PullOptionValues } from '../puller.ts';
import { runPull, type PullRunResult } from '../run-pull.ts';
import { loadRecorded, recordedBody, startReplayServer, type ReplayRequest, type ReplayServer } from '../test-replay-server.ts';
import { openalexPuller } from './openalex-puller.ts';
import { bundledOpenAlexData, cursorFor, openAlexDataRoutes, type OpenAlexServerOptions, type OpenAlexServerState } from './test-openalex-server.ts';

const pagesRoot = mkdtempSync(path.join(tmpdir(), 'atlas-pull-pages-'));
afterAll(() => rmSync(pagesRoot, { recursive: true, force: true }));
const DATA = bundledOpenAlexData();

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: OpenAlexServerOptions = {}, state: OpenAlexServerState = { spentUsd: 0 }): Promise<ReplayServer> {
  server = await startReplayServer(openAlexDataRoutes(DATA, { apiKey: 'k-123', ...options }, state));
  return server;
}

const values = (s: ReplayServer, extra: PullOptionValues = {}): PullOptionValues => ({ 'base-url': s.url, 'api-key': 'k-123', mailto: 'lab@example.org', rate: '200', ...extra });

async function pull(store: Store, ctx: PullContext, args: string[], batchPages = 2): Promise<{ job: PullJob; result: PullRunResult }> {
  const prepared = await openalexPuller.prepare(ctx, args);
  const job = await createJob(store, { source: 'openalex', kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null });
  const result = await runPull(store, job, await openalexPuller.plan(ctx, job), { pagesDir: pagesRoot, batchPages });
  return { job, result };
}

/** What a pull leaves in the store, comparable between runs: every record key, and the counts of the facts. */
async function landed(store: Store): Promise<{ keys: string[]; counts: Record<string, number> }> {
  const keys = (await store.query<{ k: string }>('SELECT record_key AS k FROM source_records ORDER BY 1')).map((r) => r.k);
  const counts: Record<string, number> = {};
  for (const t of ['people', 'person_identifiers', 'works', 'authorships', 'institutions', 'affiliation_years', 'ties']) {
    counts[t] = Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  }
  return { keys, counts };
}

const cursorsAsked = (log: readonly ReplayRequest[]): string[] => log.filter((r) => r.path === '/works' && r.query.get('cursor')).map((r) => r.query.get('cursor') as string);

forEachBackend((newStore) => {
  it('pulls works by cursor, then their authors and institutions by id batches; every call polite; provenance is the request URL', async () => {
    const s = await serve();
    const store = await newStore();
    const ctx: PullContext = { store, env: {}, values: values(s, { filter: 'title.search:retrieval', 'per-page': '50', 'with-authors': true }) };
    const { job, result } = await pull(store, ctx, ['works']);
    expect(result.paused).toBeNull();
    const done = (await getJob(store, job.id))!;
    expect(done).toMatchObject({ status: 'done', state: null, total: 195 });
    // 195 works in 4 pages of ≤ 50; 933 author ids → 10 calls, 30 authors known; their 623 institution ids → 7 calls, 30 known.
    expect(done.records).toBe(195 + 30 + 30);
    const kinds = await store.query<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM source_records GROUP BY kind ORDER BY kind');
    expect(kinds.map((k) => [k.kind, Number(k.n)])).toEqual([['author', 30], ['institution', 30], ['work', 195]]);
    const log = s.log;
    expect(log.filter((r) => r.path === '/works')).toHaveLength(1 + 4); // the count call, then 4 pages (the last has next_cursor null)
    expect(log.filter((r) => r.path === '/authors')).toHaveLength(10);
    expect(log.filter((r) => r.path === '/institutions')).toHaveLength(7);
    // The id lists live beside the job (each id once), not in its position; every id was asked exactly once.
    const lists = await store.query<{ list: string; n: number; d: number }>('SELECT list, COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM pull_job_ids WHERE job_id = $1 GROUP BY list ORDER BY list', [job.id]);
    expect(lists.map((l) => [l.list, Number(l.n), Number(l.d)])).toEqual([['authors', 933, 933], ['institutions', 623, 623]]);
    const asked = log.filter((r) => r.path !== '/works').flatMap((r) => (r.query.get('filter') ?? '').replace('openalex:', '').split('|'));
    expect(asked).toHaveLength(933 + 623);
    expect(new Set(asked).size).toBe(933 + 623);
    expect(log.every((r) => r.query.get('api_key') === 'k-123' && r.query.get('mailto') === 'lab@example.org')).toBe(true);
    expect(log.every((r) => Number(r.query.get('per_page')) <= 100)).toBe(true);
    expect(log.filter((r) => r.path !== '/works').every((r) => (r.query.get('filter') ?? '').split('|').length <= 100)).toBe(true);
    expect(log.filter((r) => r.path === '/works').every((r) => r.query.get('filter') === 'title.search:retrieval')).toBe(true);
    const cursors = cursorsAsked(log);
    expect(new Set(cursors).size).toBe(cursors.length); // no page asked twice
    // Provenance: each page's URL, the key redacted; the job's pages listed.
    const urls = await store.query<{ url: string }>('SELECT url FROM ingest_files WHERE url IS NOT NULL ORDER BY run_id, file_no');
    const pages = await store.query<{ url: string; records: number; run_id: number | null }>('SELECT url, records, run_id FROM pull_pages WHERE job_id = $1 ORDER BY page_no', [job.id]);
    expect(pages).toHaveLength(4 + 10 + 7); // every page fetched, those without records too
    expect(urls.map((u) => u.url)).toEqual(pages.filter((p) => p.run_id !== null).map((p) => p.url)); // every page with records is an ingested file
    expect(pages.filter((p) => p.run_id === null).every((p) => Number(p.records) === 0)).toBe(true);
    expect(pages.every((u) => u.url.includes('api_key=REDACTED') && !u.url.includes('k-123'))).toBe(true);
    const rec = await store.query<{ url: string }>(`SELECT f.url FROM source_records r JOIN ingest_files f ON f.run_id = r.run_id AND f.file_no = r.file_no WHERE r.record_key = 'openalex:work:${(DATA.works[0] as { id: string }).id.replace('https://openalex.org/', '')}'`);
    expect(rec[0]?.url).toMatch(/\/works\?filter=title\.search%3Aretrieval&per_page=50&cursor=(\*|%2A)/);
    expect(readdirSync(pagesRoot)).toEqual([]); // page files removed once landed
  });

  it('a cursor chain that ends with an empty page stops there; a second pull of the same query changes nothing', async () => {
    const s = await serve({ ending: 'empty-page' });
    const store = await newStore();
    const ctx: PullContext = { store, env: {}, values: values(s, { 'per-page': '100' }) };
    const first = await pull(store, ctx, ['works']);
    expect(first.result.records).toBe(195);
    expect(cursorsAsked(s.log)).toHaveLength(3); // 100 + 95, then the empty page
    const again = await pull(store, ctx, ['works']);
    expect(again.result).toMatchObject({ records: 195, inserted: 0, unchanged: 195 });
  });

  it('an injected 429 (Retry-After) and a 500 mid-pull are waited out: the same records as a clean pull, no page landed twice', async () => {
    const clean = await newStore();
    let s = await serve();
    await pull(clean, { store: clean, env: {}, values: values(s, { 'per-page': '20' }) }, ['works']);
    const want = await landed(clean);
    await s.close();
    s = await serve();
    const isPage = (n: number) => (r: ReplayRequest): boolean => r.path === '/works' && cursorsAsked(s.log).length === n;
    s.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ error: 'Rate limit exceeded', retryAfter: 1 }) }, { match: isPage(3) });
    s.inject({ kind: 'status', status: 500 }, { match: isPage(6) });
    s.inject({ kind: 'reset' }, { match: isPage(8) });
    const store = await newStore();
    const { job } = await pull(store, { store, env: {}, values: values(s, { 'per-page': '20' }) }, ['works']);
    expect(await landed(store)).toEqual(want);
    const cursors = cursorsAsked(s.log);
    expect(cursors.length).toBe(10 + 3); // 10 pages, three of them asked twice because of the faults
    expect(new Set(cursors).size).toBe(10);
    expect(Number((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM pull_pages WHERE job_id = $1', [job.id]))[0]!.n)).toBe(10);
  });

  it('a failure that outlasts the retries fails the job after landing what came before; --resume lands exactly a clean pull', async () => {
    const clean = await newStore();
    let s = await serve();
    await pull(clean, { store: clean, env: {}, values: values(s, { 'per-page': '20', 'with-authors': true }) }, ['works']);
    const want = await landed(clean);
    await s.close();
    s = await serve();
    const sixth = cursorFor(100); // page 6 of 20-work pages
    s.inject({ kind: 'status', status: 503 }, { match: (r) => r.query.get('cursor') === sixth, times: 4 }); // all 4 attempts
    const store = await newStore();
    const ctx: PullContext = { store, env: {}, values: values(s, { 'per-page': '20', 'with-authors': true }), http: { minBackoffMs: 10, maxRetries: 3 } };
    const prepared = await openalexPuller.prepare(ctx, ['works']);
    const job = await createJob(store, { source: 'openalex', kind: 'works', query: prepared.query, state: prepared.state, total: prepared.total ?? null });
    const plan = await openalexPuller.plan({ ...ctx, values: { ...ctx.values } }, job);
    const err = await runPull(store, job, plan, { pagesDir: pagesRoot, batchPages: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasError);
    expect((err as AtlasError).message).toMatch(/HTTP 503 .*gave up after/);
    const failed = (await getJob(store, job.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.records).toBe(100); // pages 1–5 landed (two batches of 2, then the fifth before the failure)
    // The server recovers; resume from the stored job.
    const resumed = (await getJob(store, job.id))!;
    const result = await runPull(store, resumed, await openalexPuller.plan(ctx, resumed), { pagesDir: pagesRoot, batchPages: 2 });
    expect(result.job.status).toBe('done');
    expect(await landed(store)).toEqual(want);
    // The job's calls add up over both runs: every request but the count call, the 4 failed attempts included.
    expect((await getJob(store, job.id))!.calls).toBe(s.log.length - 1);
  });

  it('a spent daily budget pauses the job with the time to resume; resuming the next day finishes it', async () => {
    const state: OpenAlexServerState = { spentUsd: 0 };
    const s = await serve({ budgetUsd: 0.0055, costUsd: 0.001 }, state);
    const store = await newStore();
    const ctx: PullContext = { store, env: {}, values: values(s, { 'per-page': '20' }) };
    const { job, result } = await pull(store, ctx, ['works']);
    expect(result.paused?.message).toMatch(/daily budget is spent .* resume after 20\d\d-\d\d-\d\dT/);
    const paused = (await getJob(store, job.id))!;
    expect(paused.status).toBe('paused');
    expect(paused.records).toBe(80); // the count call and 4 pages left $0.0005, less than a call costs
    expect(Date.parse(paused.resumeAfter!)).toBeGreaterThan(Date.now() + 35_000_000);
    state.spentUsd = -1; // a new day
    const done = await runPull(store, paused, await openalexPuller.plan(ctx, paused), { pagesDir: pagesRoot });
    expect(done.job.status).toBe('done');
    expect(done.job.records).toBe(195);
  });

  it('an HTML page instead of JSON fails the job naming the URL; nothing of that page lands', async () => {
    const s = await serve();
    s.inject({ kind: 'html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }, { match: (r) => r.path === '/works' && cursorsAsked(s.log).length === 2 });
    const store = await newStore();
    const err = await pull(store, { store, env: {}, values: values(s, { 'per-page': '50' }) }, ['works'], 5).catch((e: unknown) => e);
    expect((err as AtlasError).message).toMatch(/\/works\?per_page=50&cursor=[^ ]+api_key=REDACTED.*HTML page instead of JSON/);
    expect((await landed(store)).keys).toHaveLength(50); // only the first page, landed before the failure
  });
});

describe('a record the reader rejects', () => {
  it('fails the job naming the page URL, line and field; --on-error skip lands the page\'s good records and lists the bad one', async () => {
    const bad = structuredClone(DATA);
    (bad.works[57] as Record<string, unknown>)['publication_year'] = 'nineteen';
    server = await startReplayServer(openAlexDataRoutes(bad, { apiKey: 'k-123' }));
    const s = server;
    const store = await openFreshStore('duckdb');
    try {
      const ctx: PullContext = { store, env: {}, values: values(s, { 'per-page': '50' }) };
      const prepared = await openalexPuller.prepare(ctx, ['works']);
      const job = await createJob(store, { source: 'openalex', kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null });
      const err = (await runPull(store, job, await openalexPuller.plan(ctx, job), { pagesDir: pagesRoot, batchPages: 1 }).catch((e: unknown) => e)) as AtlasError;
      expect(err.code).toBe('BAD_INPUT');
      expect(err.message).toMatch(/^page http:\/\/127\.0\.0\.1:\d+\/works\?per_page=50&cursor=[^ ]+ \(saved as [^)]+\):\d+ field [\w.[\]]*publication_year/);
      expect((await getJob(store, job.id))).toMatchObject({ status: 'failed', pages: 1, records: 50 });
      const again = (await getJob(store, job.id))!;
      const r = await runPull(store, again, await openalexPuller.plan(ctx, again), { pagesDir: pagesRoot, batchPages: 1, onError: 'skip' });
      expect(r.rejected).toHaveLength(1);
      expect(r.rejected[0]).toMatchObject({ url: expect.stringMatching(/\/works\?per_page=50&cursor=/), field: expect.stringMatching(/publication_year/) });
      expect((await getJob(store, job.id))?.status).toBe('done');
      expect((await landed(store)).counts['works']).toBe(194);
    } finally {
      await store.close();
    }
  });
});

describe('OpenAlex puller against recorded responses', () => {
  const rec = (name: string) => loadRecorded(dataPath('openalex-api', 'recorded', name));

  it('replays a real 2025 cursor chain that ends with an empty page, and a real 2026 one that ends with next_cursor null', async () => {
    // 2025-06: cursor=* → 2 works with a next_cursor, then that cursor → [] (snowball 01/03).
    const first = rec('rkrug-openalexPro__2025-06__pro_request_snowball__01.json');
    const last = rec('rkrug-openalexPro__2025-06__pro_request_snowball__03.json');
    const cursor = new URL(last.request.url).searchParams.get('cursor');
    // 2026-05: a count call (per_page=1) and one page of 49 works with next_cursor null (parallel 01/05).
    const count26 = rec('openalexPro__2026-05__pro_request_parallel__01.json');
    const page26 = rec('openalexPro__2026-05__pro_request_parallel__05.json.gz');
    const filter26 = new URL(page26.request.url).searchParams.get('filter');
    const answer = (r: ReturnType<typeof rec>) => ({ status: r.response.status, headers: r.response.headers, body: recordedBody(r) });
    server = await startReplayServer([
      { match: (q) => q.query.get('filter') === filter26 && q.query.get('per_page') === '1', respond: () => answer(count26) },
      { match: (q) => q.query.get('filter') === filter26 && q.query.get('cursor') === '*', respond: () => answer(page26) },
      { match: (q) => q.query.get('cursor') === cursor, respond: () => answer(last) },
      { match: (q) => q.query.get('filter') === 'openalex:W3045921891|W3046863325', respond: () => answer(first) },
    ]);
    const s = server;
    const { mkdtemp } = await import('node:fs/promises');
    const { DuckDBStore } = await import('../../store/duckdb/duckdb-store.ts');
    const { migrate } = await import('../../store/migrate.ts');
    const dir = await mkdtemp(path.join(tmpdir(), 'atlas-pull-rec-'));
    const store = await DuckDBStore.open(path.join(dir, 'a.duckdb'));
    await migrate(store);
    try {
      const a = await pull(store, { store, env: {}, values: { 'base-url': s.url, filter: 'openalex:W3045921891|W3046863325', rate: '100' } }, ['works']);
      expect(a.result.records).toBe(2);
      expect(cursorsAsked(s.log)).toEqual(['*', cursor]);
      const b = await pull(store, { store, env: {}, values: { 'base-url': s.url, filter: filter26 ?? '', rate: '100' } }, ['works']);
      expect(b.job.total).toBe(49);
      expect(b.result.records).toBe(49);
      expect(cursorsAsked(s.log).slice(2)).toEqual(['*']); // next_cursor null: no further call
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the count call previews a large pull (a real 148,174-result count) and asks for confirmation', async () => {
    const count = rec('openalexPro__2026-05__pro_request_list_count__01.json');
    server = await startReplayServer([{ match: () => true, respond: () => ({ status: 200, headers: count.response.headers, body: recordedBody(count) }) }]);
    const store = { } as Store; // prepare reads no store for OpenAlex
    const prepared = await openalexPuller.prepare({ store, env: { OPENALEX_API_KEY: 'env-key' }, values: { 'base-url': server.url, filter: 'title_and_abstract.search:biodiversity,to_publication_date:2010-01-01' } }, ['works']);
    expect(prepared.preview).toMatchObject({ results: 148174, calls: 1483, needsConfirmation: true });
    expect(prepared.preview!.summary).toMatch(/^148,174 works in about 1,483 calls ≈ \$0\.1483 of \$\d/);
    expect(server.log[0]!.query.get('api_key')).toBe('env-key');
    expect(server.log[0]!.query.get('per_page')).toBe('1');
    expect(JSON.stringify(prepared.query)).not.toContain('env-key'); // secrets never in a job
  });

  it('rejects bad arguments before any call', async () => {
    const ctx = { store: {} as Store, env: {}, values: { 'per-page': '500' } };
    await expect(openalexPuller.prepare(ctx, ['works'])).rejects.toThrow(/--per-page must be a whole number from 1 to 100/);
    await expect(openalexPuller.prepare({ ...ctx, values: {} }, ['people'])).rejects.toThrow(/works\|authors\|institutions/);
    await expect(openalexPuller.prepare({ ...ctx, values: { 'with-authors': true } }, ['authors'])).rejects.toThrow(/--with-authors goes with/);
  });
});
