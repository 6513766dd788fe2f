/**
 * The OpenReview puller end to end (without the CLI) against the replay server playing API v2 from real
 * recordings: login and the Bearer token, the browser check an anonymous call gets, the limit cap, offset paging
 * with a 429 and a 500 on the way, profiles by --ids FILE and --from-store, the hourly allowance pausing a job,
 * and a job resumed after a failure landing exactly what a clean pull lands — on DuckDB and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AtlasError, InputError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { storeStats } from '../../store/repo/stats.ts';
import { forEachBackend, openFreshStore } from '../../store/test-backends.ts';
import type { Store } from '../../store/store.ts';
import { createJob, getJob, type PullJob } from '../jobs/pull-jobs.ts';
import type { PullContext, PullOptionValues } from '../puller.ts';
import { runPull, type PullRunResult } from '../run-pull.ts';
import { dispatchLog, startReplayServer, type ReplayServer } from '../test-replay-server.ts';
import { DEFAULT_RATE, MAX_LIMIT, openreviewPuller } from './openreview-puller.ts';
import { bundledProfiles, CORL_2021, corl2021Notes, openReviewRoutes, recordedIclrNotes, type OpenReviewServerOptions, type OpenReviewServerState } from './test-openreview-server.ts';

const ACCOUNT = { username: 'pull.tester', password: 's3cret-Pa55word' };
const ENV = { OPENREVIEW_USERNAME: ACCOUNT.username, OPENREVIEW_PASSWORD: ACCOUNT.password };
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-openreview-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<OpenReviewServerOptions> = {}, state?: OpenReviewServerState): Promise<ReplayServer> {
  const s = await startReplayServer(openReviewRoutes({ venues: { 'ICLR.cc/2024/Conference': recordedIclrNotes(), [CORL_2021]: corl2021Notes() }, profiles: bundledProfiles(), account: ACCOUNT, ...options }, state));
  servers.push(s);
  return s;
}

interface Run {
  values?: PullOptionValues;
  env?: NodeJS.ProcessEnv;
  onHttpEvent?: PullContext['onHttpEvent'];
}

const ctxFor = (store: Store, server: ReplayServer, run: Run): PullContext => ({ store, env: run.env ?? ENV, values: { 'base-url': server.url, rate: '50', ...run.values }, ...(run.onHttpEvent ? { onHttpEvent: run.onHttpEvent } : {}) });

async function newJob(store: Store, server: ReplayServer, args: string[], run: Run = {}): Promise<PullJob> {
  const ctx = ctxFor(store, server, run);
  const prepared = await openreviewPuller.prepare(ctx, args);
  return createJob(store, { source: 'openreview', kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null });
}

async function runJob(store: Store, server: ReplayServer, job: PullJob, run: Run = {}, batchPages = 1): Promise<PullRunResult> {
  const ctx = ctxFor(store, server, run);
  return runPull(store, job, await openreviewPuller.plan(ctx, job), { pagesDir: path.join(tmp, 'pages'), batchPages });
}

function idsFile(name: string, text: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
}

/** The fact tables a pull lands into (bookkeeping tables left out). */
async function facts(store: Store): Promise<Record<string, unknown>> {
  const { tables } = await storeStats(store);
  const out: Record<string, unknown> = {};
  for (const [t, n] of Object.entries(tables)) if (!/^(ingest_|pull_|source_records)/.test(t)) out[t] = n;
  out['identifiers'] = await store.query(`SELECT scheme, value FROM person_identifiers ORDER BY scheme, value`);
  out['education'] = await store.query(`SELECT person_id, institution_id, start_year, end_year FROM education ORDER BY 1, 2, 3`);
  return out;
}

const requests = (s: ReplayServer, p: string) => s.log.filter((r) => r.path === p);

describe('login and the browser check (HTTP side)', () => {
  it('logs in once, sends the token as a Bearer header on every later call, and never puts the password or token in a URL or the job', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const file = idsFile('ids.txt', '# people to look up\n~Yang_Liu3\n\n~Ada_Example1   # the fictional one\n~Nobody_Known1\n');
      const job = await newJob(store, server, ['profiles'], { values: { ids: file, batch: '2' } });
      expect(server.log).toHaveLength(0); // --ids needs no call to prepare
      const result = await runJob(store, server, job);
      const [login, ...calls] = server.log;
      expect(login?.method).toBe('POST');
      expect(login?.path).toBe('/login');
      expect(JSON.parse(login?.body ?? '{}')).toEqual({ id: ACCOUNT.username, password: ACCOUNT.password });
      expect(calls.map((r) => [r.method, r.path, JSON.parse(r.body).ids, r.headers['authorization']])).toEqual([
        ['POST', '/profiles/search', ['~Yang_Liu3', '~Ada_Example1'], 'Bearer tok-replayed-3f9c'],
        ['POST', '/profiles/search', ['~Nobody_Known1'], 'Bearer tok-replayed-3f9c'],
      ]);
      // asked 3, found 2: the unknown id is simply absent
      const done = (await getJob(store, job.id)) as PullJob;
      expect([done.status, done.total, done.records, done.pages, result.records]).toEqual(['done', 3, 2, 2, 2]);
      expect(await store.query('SELECT page_no, records FROM pull_pages ORDER BY page_no')).toEqual([{ page_no: 1, records: 2 }, { page_no: 2, records: 0 }]);
      const rows = JSON.stringify([await store.query('SELECT * FROM pull_jobs'), await store.query('SELECT * FROM pull_pages'), await store.query('SELECT * FROM ingest_files')]);
      for (const secret of [ACCOUNT.password, 'tok-replayed-3f9c', ACCOUNT.username]) expect(rows).not.toContain(secret);
      for (const r of server.log) expect(r.path + r.query.toString()).not.toMatch(/s3cret|tok-replayed/);
      expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'openreview' ORDER BY value`)).toEqual(expect.arrayContaining([{ value: '~Ada_Example1' }, { value: '~Yang_Liu3' }]));
      expect(await store.query(`SELECT url FROM ingest_files`)).toEqual([{ url: `${server.url}/profiles/search#ids=1-2` }]);
      // Yang Liu's stated PhD at Michigan, from the pulled profile
      expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM education`))[0]?.n)).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('turns the browser-check page an anonymous call gets into LOGIN_REQUIRED naming the variables to set', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const err = await newJob(store, server, ['venue', 'ICLR.cc/2024/Conference'], { env: {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasError);
      expect((err as AtlasError).code).toBe('LOGIN_REQUIRED');
      expect((err as AtlasError).message).toMatch(/browser-check page.*OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD/);
      expect(server.log.map((r) => [r.path, r.headers['authorization']])).toEqual([['/notes', undefined]]);
      // the same inside a pull: the job fails with the message, nothing lands
      const job = await newJob(store, server, ['profiles'], { values: { ids: idsFile('one.txt', '~Yang_Liu3\n') }, env: {} });
      await expect(runJob(store, server, job, { env: {} })).rejects.toThrow(/OPENREVIEW_USERNAME/);
      expect((await getJob(store, job.id))?.status).toBe('failed');
      expect((await storeStats(store)).tables['people']).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('a token that expires mid-pull (401) is renewed by one new login, and the pull goes on', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const state: OpenReviewServerState = { used: 0, token: 'tok-first', resetEpoch: Math.floor(Date.now() / 1000) + 2261 };
      const server = await serve({}, state);
      const job = await newJob(store, server, ['venue', CORL_2021], { values: { limit: '50' } });
      // At the third page the server forgets the first token, as when it expires, and says so with a 401.
      server.inject(
        { kind: 'status', status: 401, body: '{"name":"TokenExpiredError","message":"jwt expired"}' },
        {
          match: (r) => {
            if (r.path !== '/notes' || r.query.get('offset') !== '100') return false;
            state.token = 'tok-second';
            return true;
          },
        },
      );
      const done = await runJob(store, server, job, { values: { limit: '50' } });
      expect([done.records, done.job.status]).toEqual([153, 'done']);
      const paths = server.log.map((r) => `${r.path}${r.query.get('offset') ? `@${r.query.get('offset')}` : ''}`);
      // prepare's login and count call, the plan's login, pages 0 and 50, page 100 refused, a new login, page 100 again, then 150.
      expect(paths).toEqual(['/login', '/notes@0', '/login', '/notes@0', '/notes@50', '/notes@100', '/login', '/notes@100', '/notes@150']);
      expect(server.log.at(-1)?.headers['authorization']).toBe('Bearer tok-second');
    } finally {
      await store.close();
    }
  });

  it('a refused login is LOGIN_REQUIRED with OpenReview\'s message; a username without the password is refused before any call', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const err = (await newJob(store, server, ['venue', CORL_2021], { env: { ...ENV, OPENREVIEW_PASSWORD: 'wrong' } }).catch((e: unknown) => e)) as AtlasError;
      expect(err.code).toBe('LOGIN_REQUIRED');
      expect(err.message).toMatch(/refused the login: .*Invalid username or password/);
      expect(err.message).not.toContain('pull.tester'); // a username is often an e-mail address, and a failed job keeps its message
      expect(err.message).not.toContain('wrong');
      const noPassword = (await newJob(store, server, ['venue', CORL_2021], { env: {}, values: { username: 'pull.tester' } }).catch((e: unknown) => e)) as AtlasError;
      expect(noPassword.code).toBe('BAD_ARGUMENT');
      expect(server.log.map((r) => r.path)).toEqual(['/login']);
    } finally {
      await store.close();
    }
  });

  it('never sends a limit above 1000, and the server would have refused it as recorded', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const err = (await newJob(store, server, ['venue', CORL_2021], { values: { limit: '1001' } }).catch((e: unknown) => e)) as AtlasError;
      expect(err.code).toBe('BAD_ARGUMENT');
      expect(server.log).toHaveLength(0);
      // what the recorded API says to 1001
      const res = await fetch(`${server.url}/notes?content.venueid=${CORL_2021}&limit=1001`, { headers: { authorization: 'Bearer tok-replayed-3f9c' } });
      expect([res.status, ((await res.json()) as { message: string }).message]).toEqual([400, 'limit must be <= 1000 (2026-09-27-8520693)']);
      expect(MAX_LIMIT).toBe(1000);
      // the default rate keeps within 500 calls an hour
      expect(DEFAULT_RATE * 3600).toBeLessThanOrEqual(500);
    } finally {
      await store.close();
    }
  });

  it('rejects a bad line of an id file naming the file and line, before any call or job', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const file = idsFile('bad.txt', '~Yang_Liu3\n# fine\nYang Liu\n');
      const err = await newJob(store, server, ['profiles'], { values: { ids: file } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toContain(`${file}:3`);
      expect(server.log).toHaveLength(0);
      expect(await store.query('SELECT * FROM pull_jobs')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('venue paging (HTTP side)', () => {
  it('counts, then pages by offset through 429 and 500 faults, at the configured rate, each page once', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const job = await newJob(store, server, ['venue', CORL_2021], { values: { limit: '50', rate: '10' } });
      expect(job.total).toBe(153);
      server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"name":"RateLimitError","message":"Too many requests"}' }, { match: (r) => r.query.get('offset') === '50' });
      server.inject({ kind: 'status', status: 500 }, { match: (r) => r.query.get('offset') === '100' });
      const dispatched = dispatchLog();
      const ctx = ctxFor(store, server, { values: { limit: '50', rate: '10' }, onHttpEvent: dispatched.onEvent });
      const plan = await openreviewPuller.plan(ctx, job);
      const pages: number[] = [];
      let state = job.state;
      while (state !== null) {
        const page = (await plan.fetchPage(state))!;
        pages.push(page.records.length);
        state = page.next;
      }
      expect(pages).toEqual([50, 50, 50, 3]);
      const notes = server.log.filter((r) => r.path === '/notes');
      expect(notes.map((r) => [r.query.get('limit'), r.query.get('offset'), r.query.get('select')])).toEqual([
        ['1', '0', 'id'], // the count call
        ['50', '0', null],
        ['50', '50', null], // 429, Retry-After 1 s
        ['50', '50', null],
        ['50', '100', null], // 500
        ['50', '100', null],
        ['50', '150', null], // short page: the last
      ]);
      expect(notes.every((r) => Number(r.query.get('limit')) <= 1000)).toBe(true);
      const retried = notes[3]!.at - notes[2]!.at;
      expect(retried).toBeGreaterThanOrEqual(1000);
      // the plan's calls, from its login on (the prepare's login and count call went through its own client)
      expect(server.log.slice(0, 3).map((r) => r.path)).toEqual(['/login', '/notes', '/login']);
      // 10 a second: the plan's client dispatches 100 ms apart (see dispatchLog); each answered call, retries too
      expect(dispatched.times).toHaveLength(7);
      expect(dispatched.spannedAtLeast(100)).toBe(true);
      expect(dispatched.minGap()).toBeGreaterThanOrEqual(20);
      expect(plan.calls()).toBe(7); // login, 4 pages, 2 retries
      expect(plan.rateLimit()?.limit).toBe(500);
    } finally {
      await store.close();
    }
  });

  it('stops on an empty page when the last full page ends the venue', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const job = await newJob(store, server, ['venue', 'ICLR.cc/2024/Conference'], { values: { limit: '1' } });
      expect(job.total).toBe(1);
      const plan = await openreviewPuller.plan(ctxFor(store, server, { values: { limit: '1' } }), { ...job, total: null });
      const first = (await plan.fetchPage(job.state))!;
      expect([first.records.length, first.next]).toEqual([1, { offset: 1 }]);
      const second = (await plan.fetchPage(first.next))!;
      expect([second.records.length, second.next]).toEqual([0, null]);
    } finally {
      await store.close();
    }
  });
});

forEachBackend((newStore) => {
  it('pulls the profiles of the people in the store (seeded from a paper list) in id batches', async () => {
    const store = await newStore();
    await ingestFiles(store, [dataPath('paperlists', 'aistats2025.json.gz')]);
    const asked = Number((await store.query<{ n: number }>(`SELECT COUNT(DISTINCT value) AS n FROM person_identifiers WHERE scheme = 'openreview'`))[0]?.n);
    const server = await serve();
    const job = await newJob(store, server, ['profiles'], { values: { 'from-store': true } });
    expect(job.total).toBe(asked);
    const result = await runJob(store, server, job);
    const batches = requests(server, '/profiles/search').map((r) => (JSON.parse(r.body) as { ids: string[] }).ids.length);
    expect(batches).toEqual([1000, asked - 1000]);
    expect(result.records).toBe(1); // of the bundled profiles, only ~Yang_Liu3 published at AISTATS 2025
    const yang = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM education e JOIN person_identifiers i ON i.person_id = e.person_id WHERE i.scheme = 'openreview' AND i.value = '~Yang_Liu3'`);
    expect(Number(yang[0]?.n)).toBeGreaterThan(0);
  });

  it('pauses when the hour\'s allowance is spent, and a job resumed after a failure lands exactly what a clean pull lands', async () => {
    const file = idsFile('two.txt', '~Yang_Liu3\n~Ada_Example1\n');
    // clean
    const clean = await newStore();
    const s0 = await serve();
    await runJob(clean, s0, await newJob(clean, s0, ['profiles'], { values: { ids: file, batch: '1' } }));
    const expected = await facts(clean);
    expect((expected['identifiers'] as unknown[]).length).toBeGreaterThan(2);

    // a 500 on the second batch that outlasts the retries: the first batch is landed, the job failed
    const store = await newStore();
    const state: OpenReviewServerState = { used: 0, token: 'tok-2', resetEpoch: Math.floor(Date.now() / 1000) + 1800 };
    const server = await serve({ allowance: 3 }, state);
    const job = await newJob(store, server, ['profiles'], { values: { ids: file, batch: '1' } });
    server.inject({ kind: 'status', status: 500 }, { match: (r) => r.body.includes('~Ada_Example1'), times: 2 });
    await expect(runJob(store, server, job, { values: { retries: '1' } })).rejects.toThrow(/HTTP 500.*gave up after 2 attempts/);
    const failed = (await getJob(store, job.id)) as PullJob;
    expect([failed.status, failed.pages, failed.records, failed.state]).toEqual(['failed', 1, 1, { offset: 1 }]);

    // resumed: login (the allowance's 3rd call of 3) — then the window is spent, so the job pauses until its reset
    const paused = await runJob(store, server, failed);
    expect(paused.paused?.resumeAfter).toBe(new Date(state.resetEpoch * 1000).toISOString());
    expect((await getJob(store, job.id))?.status).toBe('paused');

    // the window resets: the job ends, with the clean pull's facts and no page asked twice
    state.used = 0;
    const done = await runJob(store, server, (await getJob(store, job.id)) as PullJob);
    expect(done.paused).toBeNull();
    expect((await getJob(store, job.id))?.status).toBe('done');
    expect(await facts(store)).toEqual(expected);
    const asked = requests(server, '/profiles/search').map((r) => (JSON.parse(r.body) as { ids: string[] }).ids[0]);
    expect(asked).toEqual(['~Yang_Liu3', '~Ada_Example1', '~Ada_Example1', '~Ada_Example1']); // 2 failed attempts, then the landed one
  });
});

describe('venue pulls landing notes', () => {
  forEachBackend((newStore) => {
    it('lands a venue\'s notes page by page, and a job resumed after a failure lands exactly what a clean pull lands', async () => {
      const clean = await newStore();
      const s0 = await serve();
      const done = await runJob(clean, s0, await newJob(clean, s0, ['venue', CORL_2021], { values: { limit: '50' } }));
      expect([done.records, done.job.status]).toEqual([153, 'done']);
      expect(Number((await clean.query<{ n: number }>('SELECT COUNT(*) AS n FROM works'))[0]?.n)).toBe(153);
      expect((await clean.query<{ url: string }>('SELECT url FROM ingest_files ORDER BY url')).map((r) => new URL(r.url).searchParams.get('offset'))).toEqual(['0', '100', '150', '50']);
      const expected = await facts(clean);

      const store = await newStore();
      const server = await serve();
      const job = await newJob(store, server, ['venue', CORL_2021], { values: { limit: '50' } });
      server.inject({ kind: 'status', status: 400, body: '{"name":"Error","message":"injected"}' }, { match: (r) => r.query.get('offset') === '100' });
      await expect(runJob(store, server, job)).rejects.toThrow(/HTTP 400/);
      const failed = (await getJob(store, job.id)) as PullJob;
      expect([failed.status, failed.records, failed.state]).toEqual(['failed', 100, { offset: 100 }]);
      await runJob(store, server, failed);
      expect((await getJob(store, job.id))?.status).toBe('done');
      expect(await facts(store)).toEqual(expected);
      const offsets = requests(server, '/notes').map((r) => r.query.get('offset'));
      expect(offsets).toEqual(['0', '0', '50', '100', '100', '150']); // count call, then each page once (100 again after its failure)
    });
  });
});
