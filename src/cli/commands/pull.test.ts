import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../core/paths.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { freshPostgresUrl } from '../../store/test-backends.ts';
import { bundledOpenAlexData, openAlexDataRoutes } from '../../pull/openalex/test-openalex-server.ts';
import { startReplayServer, type ReplayServer } from '../../pull/test-replay-server.ts';
import { bundledV2Records, EMAILED, orcidRoutes } from '../../pull/orcid/test-orcid-server.ts';
import { runCaptured } from '../run-captured.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-pull-cli-'));
let server: ReplayServer;

beforeAll(async () => {
  server = await startReplayServer(openAlexDataRoutes(bundledOpenAlexData(), { apiKey: 'k-9' }));
  // Every answer a little slow, so that a pull lasts long enough to be killed at many points.
  server.inject({ kind: 'slow', ms: 25 }, { times: 1_000_000 });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const pullArgs = (db: string): string[] => ['pull', 'openalex', 'works', '--filter', 'title.search:rag', '--with-authors', '--per-page', '10', '--batch-pages', '1', '--rate', '100', '--mailto', 'ada@example.org', '--base-url', server.url, '--db', db, '--pages-dir', path.join(dir, 'pages')];

function atlas(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OPENALEX_API_KEY: 'k-9', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.resume();
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
}

/** Start a pull (or a resume) and kill -9 it once the server has seen `requests` more requests, or after `ms`. */
async function killDuring(args: readonly string[], when: { requests?: number; ms?: number }): Promise<void> {
  const seen = server.log.length;
  const child = atlas(args);
  const done = exited(child);
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const reached = when.requests !== undefined ? server.log.length - seen >= when.requests : Date.now() - started >= (when.ms ?? 0);
      if (reached || child.exitCode !== null) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  child.kill('SIGKILL');
  await done;
}

async function resumeToEnd(db: string): Promise<void> {
  const r = await exited(atlas(['pull', '--resume', '--base-url', server.url, '--rate', '100', '--mailto', 'ada@example.org', '--db', db, '--pages-dir', path.join(dir, 'pages')]));
  // A kill before the job row was committed leaves nothing to resume: start the pull again, as a user would.
  if (r.code !== 0 && /no unfinished pull job/.test(r.err)) {
    const again = await exited(atlas(pullArgs(db)));
    expect(again.code, again.err).toBe(0);
    return;
  }
  expect(r.code, r.err).toBe(0);
}

async function landed(db: string): Promise<{ keys: string[]; pages: string[]; counts: number[]; jobs: string[] }> {
  const store: Store = await openStore(db);
  try {
    const keys = (await store.query<{ k: string }>('SELECT record_key AS k FROM source_records ORDER BY 1')).map((r) => r.k);
    const pages = (await store.query<{ u: string }>("SELECT p.url AS u FROM pull_pages p JOIN pull_jobs j ON j.job_id = p.job_id WHERE j.status = 'done' ORDER BY p.url")).map((r) => r.u.replace(/127\.0\.0\.1:\d+/, 'HOST'));
    const counts: number[] = [];
    for (const t of ['people', 'person_identifiers', 'works', 'authorships', 'institutions', 'affiliation_years', 'ties', 'careers']) counts.push(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n));
    const jobs = (await store.query<{ s: string }>('SELECT status AS s FROM pull_jobs ORDER BY job_id')).map((r) => r.s);
    return { keys, pages, counts, jobs };
  } finally {
    await store.close();
  }
}

describe('atlas pull, killed with SIGKILL and resumed', () => {
  let clean: Awaited<ReturnType<typeof landed>>;

  it('a clean pull: 195 works, 30 authors, 30 institutions; --list shows the job done', async () => {
    const db = path.join(dir, 'clean.duckdb');
    const r = await exited(atlas(pullArgs(db)));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/195 works in about 21 calls/);
    clean = await landed(db);
    expect(clean.keys).toHaveLength(255);
    expect(clean.jobs).toEqual(['done']);
    const list = await runCaptured(['pull', '--list', '--db', db, '--json']);
    expect(JSON.parse(list.out).jobs[0]).toMatchObject({ source: 'openalex', kind: 'works', status: 'done', records: 255 });
    // The e-mail given as --mailto went to the API on every call, and nowhere into the store.
    expect(server.log.every((q) => q.query.get('mailto') === 'ada@example.org')).toBe(true);
    const store = await openStore(db);
    try {
      const commands = [...(await store.query<{ c: string }>('SELECT command AS c FROM pull_jobs')), ...(await store.query<{ c: string }>('SELECT command AS c FROM ingest_runs'))].map((x) => x.c);
      expect(commands.length).toBeGreaterThan(1);
      for (const c of commands) expect(c).toContain('--mailto REDACTED');
      for (const t of ['pull_jobs', 'pull_pages', 'ingest_files', 'source_records']) expect(JSON.stringify(await store.query(`SELECT * FROM ${t}`)), t).not.toContain('example.org');
    } finally {
      await store.close();
    }
  }, 120_000);

  // Kill points by requests seen (during fetches, between batches) and by time (anywhere, commits included).
  // (Six points: each is a real process start, kill and resume, some 10 s of the suite's time.)
  const points: Array<{ requests?: number; ms?: number }> = [{ requests: 1 }, { requests: 11 }, { requests: 27 }, { requests: 36 }, { ms: 1800 }, { ms: 3000 }];
  for (const [i, when] of points.entries()) {
    it(`killed at ${when.requests !== undefined ? `request ${when.requests}` : `${when.ms} ms`}, then --resume: exactly the clean pull's records, pages and careers`, async () => {
      const db = path.join(dir, `killed-${i}.duckdb`);
      await killDuring(pullArgs(db), when);
      // A second kill, during the resume, for every other point.
      if (i % 2 === 1) await killDuring(['pull', '--resume', '--base-url', server.url, '--rate', '100', '--mailto', 'ada@example.org', '--db', db, '--pages-dir', path.join(dir, 'pages')], { requests: 3 });
      await resumeToEnd(db);
      const got = await landed(db);
      expect(got.keys).toEqual(clean.keys);
      expect(got.counts).toEqual(clean.counts);
      expect(got.pages).toEqual(clean.pages); // every page landed once
    }, 120_000);
  }

  it('on PostgreSQL too: killed twice, resumed, the same records', async () => {
    const db = await freshPostgresUrl();
    await killDuring(pullArgs(db), { requests: 9 });
    // The killed run's job says so; a second resume while one runs is refused, not run twice.
    const after = JSON.parse((await runCaptured(['pull', '--list', '--db', db, '--json'])).out) as { jobs: Array<{ status: string; interrupted: boolean }> };
    expect(after.jobs.map((j) => [j.status, j.interrupted])).toEqual([['running', true]]);
    const seen = server.log.length;
    const running = atlas(['pull', '--resume', '--base-url', server.url, '--rate', '100', '--mailto', 'ada@example.org', '--db', db, '--pages-dir', path.join(dir, 'pages-pg')]);
    const runningDone = exited(running);
    while (server.log.length - seen < 2) await new Promise((r) => setTimeout(r, 5));
    const second = await runCaptured(['pull', '--resume', '--base-url', server.url, '--db', db, '--pages-dir', path.join(dir, 'pages-pg2')]);
    expect(second.code).not.toBe(0);
    expect(second.err).toMatch(/pull job 1 is being run by process \d+ on this machine/);
    running.kill('SIGKILL');
    await runningDone;
    await killDuring(['pull', '--resume', '--base-url', server.url, '--rate', '100', '--mailto', 'ada@example.org', '--db', db, '--pages-dir', path.join(dir, 'pages-pg')], { ms: 2500 });
    await resumeToEnd(db);
    const got = await landed(db);
    expect(got.keys).toEqual(clean.keys);
    expect(got.counts).toEqual(clean.counts);
    expect(got.pages).toEqual(clean.pages);
  }, 120_000);

  it('--no-refresh leaves the job pending; the next pull\'s refresh settles it too', async () => {
    const db = path.join(dir, 'no-refresh.duckdb');
    const common = ['--base-url', server.url, '--api-key', 'k-9', '--rate', '100', '--db', db, '--pages-dir', path.join(dir, 'pages-nr')];
    const first = await runCaptured(['pull', 'openalex', 'institutions', ...common, '--no-refresh']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/not refreshed \(--no-refresh\)/);
    const pending = async (): Promise<boolean[]> => (JSON.parse((await runCaptured(['pull', '--list', '--db', db, '--json'])).out) as { jobs: Array<{ refreshPending: boolean }> }).jobs.map((j) => j.refreshPending);
    expect(await pending()).toEqual([true]);
    expect(first.err).not.toMatch(/search index|tie graph/); // nothing derived: nothing built, nothing suggested
    const second = await runCaptured(['pull', 'openalex', 'authors', ...common]);
    expect(second.code, second.err).toBe(0);
    expect(await pending()).toEqual([false, false]);
    // the refresh done, the search index and the tie graph the store kept none of are built and kept
    expect(second.err).toMatch(/search index built and kept for the next ones in \d+\.\d s/);
    expect(second.err).toMatch(/tie graph built and kept for the next ones in \d+\.\d s/);
    // Nothing left to resume: both jobs done and refreshed.
    const resume = await runCaptured(['pull', '--resume', ...common]);
    expect(resume.err).toMatch(/no unfinished pull job/);
  });

  it('a large pull needs --yes: nothing is created without it', async () => {
    const db = path.join(dir, 'confirm.duckdb');
    const r = await runCaptured(['pull', 'openalex', 'works', '--per-page', '1', '--base-url', server.url, '--api-key', 'k-9', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/195 works in about 196 calls .* run it again with --yes/);
    const list = await runCaptured(['pull', '--list', '--db', db, '--json']);
    expect(JSON.parse(list.out).jobs).toEqual([]);
  });
});

describe('atlas pull orcid through the CLI', () => {
  it('pulls the records of an id file (18 real records and one unknown iD), lists the job with its id count, stores no e-mail', async () => {
    const orcid = await startReplayServer(orcidRoutes());
    try {
      const ids = [...bundledV2Records().keys()];
      const file = path.join(dir, 'orcids.txt');
      writeFileSync(file, ['# people to look up', ...ids.map((id) => `https://orcid.org/${id}`), '0000-0002-1825-0097'].join('\n'));
      const db = path.join(dir, 'orcid.duckdb');
      const r = await runCaptured(['pull', 'orcid', '--ids', file, '--api-version', '2.0', '--rate', '24', '--base-url', orcid.url, '--db', db, '--json']);
      expect(r.code, r.err).toBe(0);
      const out = JSON.parse(r.out) as { records: number; job: { status: string; query: { ids: { count: number } } } };
      expect([out.records, out.job.status, out.job.query.ids.count]).toEqual([18, 'done', 19]);
      const list = JSON.parse((await runCaptured(['pull', '--list', '--db', db, '--json'])).out) as { jobs: Array<{ pages: number; records: number; total: number }> };
      expect(list.jobs.map((j) => [j.pages, j.records, j.total])).toEqual([[19, 18, 19]]);
      const store = await openStore(db);
      try {
        const everything = JSON.stringify(await Promise.all(['people', 'person_identifiers', 'positions', 'education', 'source_records', 'pull_jobs', 'pull_pages', 'ingest_files'].map((t) => store.query(`SELECT * FROM ${t}`))));
        for (const email of Object.values(EMAILED)) expect(everything).not.toContain(email);
      } finally {
        await store.close();
      }
    } finally {
      await orcid.close();
    }
  });
});
