/**
 * The ORCID puller end to end (without the CLI) against the replay server playing ORCID's public API from real
 * records (the 18 recorded v2.0 full records, ORCID's v3.0 sample): one call per iD at the configured rate, iDs
 * ORCID has no public record for skipped, a deprecated iD followed to its primary, faults retried to the same
 * facts as a clean pull, a failed job resumed to exactly the clean facts, --from-store, bad id files, an HTML
 * page, and no e-mail stored — on DuckDB and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AtlasError, InputError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import { textCellsContaining } from '../../ingest/orcid/test-store-text.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { forEachBackend, openFreshStore } from '../../store/test-backends.ts';
import type { Store } from '../../store/store.ts';
import { createJob, getJob, type PullJob } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, type PullContext, type PullOptionValues } from '../puller.ts';
import { runPull, type PullRunResult } from '../run-pull.ts';
import { dispatchLog, startReplayServer, type ReplayRequest, type ReplayServer } from '../test-replay-server.ts';
import { hasValidChecksum, orcidOfLine } from './orcid-ids.ts';
import { DEFAULT_RATE, MAX_RATE, orcidPuller } from './orcid-puller.ts';
import { bundledV2Records, changedRecord, EMAILED, NOT_FOUND_BODY, orcidRoutes, PARDO, V2_DIR, V3_SAMPLE_ID, v3SampleRecords, type OrcidServerOptions } from './test-orcid-server.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-orcid-pull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: OrcidServerOptions = {}): Promise<ReplayServer> {
  const s = await startReplayServer(orcidRoutes(options));
  servers.push(s);
  return s;
}

const REAL = [...bundledV2Records().keys()];
/** Valid check characters, no record anywhere. */
const UNKNOWN = '0000-0002-1825-0097';
const DEPRECATED = '0009-0000-0000-0009';
const DEACTIVATED = '0009-0000-0000-0017';

interface Run {
  values?: PullOptionValues;
  env?: NodeJS.ProcessEnv;
  http?: PullContext['http'];
  onHttpEvent?: PullContext['onHttpEvent'];
}

/** Tests run at ORCID's limit (the default is a third of it) with a short backoff. */
const ctxFor = (store: Store, server: ReplayServer, run: Run = {}): PullContext => ({
  store,
  env: run.env ?? {},
  values: { 'base-url': server.url, rate: String(MAX_RATE), ...run.values },
  http: { minBackoffMs: 5, ...run.http },
  ...(run.onHttpEvent ? { onHttpEvent: run.onHttpEvent } : {}),
});

async function newJob(store: Store, server: ReplayServer, run: Run = {}): Promise<PullJob> {
  const prepared = await orcidPuller.prepare(ctxFor(store, server, run), []);
  return createJob(store, { source: 'orcid', kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null });
}

async function runJob(store: Store, server: ReplayServer, job: PullJob, run: Run = {}, batchPages = 2): Promise<PullRunResult> {
  return runPull(store, job, await orcidPuller.plan(ctxFor(store, server, run), job), { pagesDir: path.join(tmp, 'pages'), batchPages });
}

function idsFile(name: string, text: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
}

/** The facts of the store, comparable between two stores of one backend (run ids and page paths left out). */
async function facts(store: Store): Promise<Record<string, unknown>> {
  return {
    records: await store.query('SELECT record_key, source, kind, updated_date, content_hash FROM source_records ORDER BY record_key'),
    people: await store.query('SELECT person_id, display_name FROM people ORDER BY person_id'),
    identifiers: await store.query('SELECT scheme, value, person_id FROM person_identifiers ORDER BY scheme, value'),
    institutions: await store.query('SELECT institution_id, name, country, country_basis, ror FROM institutions ORDER BY institution_id'),
    education: await store.query('SELECT person_id, institution_id, country, degree, role_title, start_year, end_year FROM education ORDER BY 1, 2, 3, 4, 5, 6, 7'),
    positions: await store.query('SELECT person_id, institution_id, country, role, position, level, start_year, end_year, basis FROM positions ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9'),
    affiliationYears: await store.query('SELECT COUNT(*) AS n FROM affiliation_years'),
  };
}

const recordPath = (id: string, version: '2.0' | '3.0' = '2.0'): string => (version === '2.0' ? `/v2.0/${id}` : `/v3.0/${id}/record`);
const asked = (s: ReplayServer): string[] => s.log.map((r) => r.path);
const countOf = (log: readonly ReplayRequest[], p: string): number => log.filter((r) => r.path === p).length;

describe('iDs and options (no store writes, no calls)', () => {
  it('reads bare and URL forms, normalises the X, checks the check character', () => {
    expect(orcidOfLine('https://orcid.org/0000-0003-0369-424x')).toBe('0000-0003-0369-424X');
    expect(orcidOfLine('http://orcid.org/0000-0003-2111-1319/')).toBe(PARDO);
    expect(orcidOfLine('orcid.org/0000-0003-2111-1319')).toBe(PARDO);
    expect(orcidOfLine('see 0000-0003-2111-1319')).toBeNull();
    expect(orcidOfLine('https://example.org/0000-0003-2111-1319')).toBeNull();
    expect([...REAL, UNKNOWN, DEPRECATED, DEACTIVATED, V3_SAMPLE_ID].every(hasValidChecksum)).toBe(true);
    expect(hasValidChecksum('0000-0002-1825-0098')).toBe(false);
  });

  it('rejects a bad line of an id file naming the file and line, and bad options, before any call or job', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const cases: Array<[string, RegExp]> = [
        ['0000-0003-2111-1319\n# fine\n\nThiago Pardo\n', /:4: "Thiago Pardo" is not an ORCID iD/],
        ['https://orcid.org/0000-0003-2111-1319\n0000-0002-1825-0098   # a digit mistyped\n', /:2: 0000-0002-1825-0098 is not an ORCID iD: its check character is wrong/],
      ];
      for (const [i, [text, why]] of cases.entries()) {
        const file = idsFile(`bad-${i}.txt`, text);
        const err = await newJob(store, server, { values: { ids: file } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).message).toContain(`${file}:`);
        expect((err as InputError).message).toMatch(why);
      }
      const empty = await newJob(store, server, { values: { ids: idsFile('empty.txt', '# nobody\n\n') } }).catch((e: unknown) => e);
      expect((empty as AtlasError).code).toBe('NO_DATA');
      const good = idsFile('good.txt', `${PARDO}\n`);
      const refused: Array<[PullOptionValues, RegExp]> = [
        [{ ids: good, rate: '30' }, /--rate .* at most 24/],
        [{ ids: good, 'api-version': '1.2' }, /--api-version must be 3\.0 or 2\.0/],
        [{ ids: good, retries: '0' }, /--retries must be a whole number/],
        [{ ids: good, 'from-store': true }, /--from-store, or --ids FILE/],
        [{}, /--from-store, or --ids FILE/],
      ];
      for (const [values, why] of refused) {
        const err = (await newJob(store, server, { values }).catch((e: unknown) => e)) as AtlasError;
        expect([err.code, err.message]).toEqual(['BAD_ARGUMENT', expect.stringMatching(why)]);
      }
      await expect(orcidPuller.prepare(ctxFor(store, server, { values: { ids: good } }), ['records'])).rejects.toThrow(/unexpected argument "records"/);
      const noStore = await newJob(store, server, { values: { 'from-store': true } }).catch((e: unknown) => e);
      expect((noStore as AtlasError).code).toBe('NO_DATA');
      expect(server.log).toHaveLength(0);
      expect(await store.query('SELECT * FROM pull_jobs')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('previews the calls and the time, and asks for confirmation above 5,000 calls', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const few = await orcidPuller.prepare(ctxFor(store, server, { values: { ids: idsFile('few.txt', `${PARDO}\n${UNKNOWN}\n${PARDO}\n`), rate: undefined } }), []);
      expect(few.preview).toMatchObject({ results: 2, calls: 2, needsConfirmation: false });
      expect(few.preview?.summary).toMatch(/^2 ORCID iDs \(from the file .*few\.txt\) in 2 calls to API v3\.0, about 1 s at 8 a second; iDs without a public record \(404, 409, 410\) are skipped$/);
      expect(few.query).toMatchObject({ ids: [PARDO, UNKNOWN], apiVersion: '3.0', baseUrl: server.url });
      // 5,001 distinct iDs with valid check characters
      const many: string[] = [];
      for (let n = 0; many.length < 5001; n++) {
        const base = `0009-0001-${String(Math.floor(n / 1000)).padStart(4, '0')}-${String(n % 1000).padStart(3, '0')}`;
        for (const c of '0123456789X') if (hasValidChecksum(base + c)) many.push(base + c);
      }
      const big = await orcidPuller.prepare(ctxFor(store, server, { values: { ids: idsFile('many.txt', many.join('\n')) } }), []);
      expect(big.preview).toMatchObject({ calls: 5001, needsConfirmation: true });
      expect(big.preview?.summary).toMatch(/^5,001 ORCID iDs .* in 5,001 calls to API v3\.0, about 3 min at 24 a second;/);
      expect(server.log).toHaveLength(0);
      expect(DEFAULT_RATE).toBeLessThanOrEqual(MAX_RATE / 3);
    } finally {
      await store.close();
    }
  });
});

describe('calls (HTTP side)', () => {
  it('asks each iD once, in order, at the configured rate, with the User-Agent and Accept: application/json; the token only when set, never stored', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const ids = [REAL[0]!, UNKNOWN, REAL[1]!, REAL[2]!, REAL[3]!];
      const file = idsFile('polite.txt', ids.join('\n'));
      const job = await newJob(store, server, { values: { ids: file, 'api-version': '2.0', rate: '10' } });
      expect(server.log).toHaveLength(0); // --ids needs no call to prepare
      const dispatched = dispatchLog();
      await runJob(store, server, job, { values: { rate: '10' }, onHttpEvent: dispatched.onEvent });
      expect(asked(server)).toEqual(ids.map((id) => recordPath(id)));
      // 10 a second: the client dispatches 100 ms apart (see dispatchLog)
      expect(dispatched.times).toHaveLength(5);
      expect(dispatched.spannedAtLeast(100)).toBe(true);
      expect(dispatched.minGap()).toBeGreaterThanOrEqual(20);
      for (const r of server.log) {
        expect(r.method).toBe('GET');
        expect(r.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
        expect(r.headers['accept']).toBe('application/json');
        expect(r.headers['authorization']).toBeUndefined();
      }
      // a /read-public token from the environment: a Bearer header on every call, in no URL, job or table
      const token = 'a1b2c3d4-0000-4000-8000-tok3n5ecret';
      const withToken = await newJob(store, server, { values: { ids: idsFile('one.txt', `${PARDO}\n`), 'api-version': '2.0' }, env: { ORCID_ACCESS_TOKEN: token } });
      await runJob(store, server, withToken, { env: { ORCID_ACCESS_TOKEN: token } });
      expect(server.log.at(-1)?.headers['authorization']).toBe(`Bearer ${token}`);
      const rows = JSON.stringify([await store.query('SELECT * FROM pull_jobs'), await store.query('SELECT * FROM pull_pages'), await store.query('SELECT * FROM ingest_files')]);
      expect(rows).not.toContain(token);
      expect(await textCellsContaining(store, token)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('API v3.0 (the default): GET /v3.0/<iD>/record; deactivated (409) and unknown (404) skipped; a deprecated iD followed to its primary, which lands under its own iD; no e-mail stored', async () => {
    const store = await openFreshStore('duckdb');
    try {
      // ORCID's sample carries no e-mail: a copy with one (fictional), as a public e-mail appears in a record
      const email = 'three.rc1@example.org';
      const sample = changedRecord(v3SampleRecords().get(V3_SAMPLE_ID)!, (d) => {
        d['person']['emails']['email'] = [{ 'created-date': { value: 1540896558250 }, 'last-modified-date': { value: 1540896558250 }, source: null, email, path: null, visibility: 'public', verified: true, primary: true, 'put-code': null }];
      });
      const server = await serve({ v3: new Map([[V3_SAMPLE_ID, sample]]), deprecated: { [DEPRECATED]: V3_SAMPLE_ID }, deactivated: [DEACTIVATED] });
      const file = idsFile('v3.txt', `https://orcid.org/${DEPRECATED}\n${DEACTIVATED}\n${UNKNOWN}\n`);
      const job = await newJob(store, server, { values: { ids: file } });
      expect(job.query['apiVersion']).toBe('3.0');
      const result = await runJob(store, server, job);
      // the deprecated iD: a 301 to the primary's record, which the client follows
      expect(asked(server)).toEqual([recordPath(DEPRECATED, '3.0'), recordPath(V3_SAMPLE_ID, '3.0'), recordPath(DEACTIVATED, '3.0'), recordPath(UNKNOWN, '3.0')]);
      const done = (await getJob(store, job.id)) as PullJob;
      expect([done.status, done.total, done.pages, done.records, result.records]).toEqual(['done', 3, 3, 1, 1]);
      expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'orcid'`)).toEqual([{ value: V3_SAMPLE_ID }]);
      expect(await store.query(`SELECT display_name FROM people`)).toEqual([{ display_name: 'Three releasecandidate1' }]);
      expect(Number((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM education'))[0]?.n)).toBe(3);
      // provenance: the URL asked (the deprecated iD's), the skipped pages listed with no records
      expect(await store.query('SELECT url FROM ingest_files')).toEqual([{ url: `${server.url}${recordPath(DEPRECATED, '3.0')}` }]);
      expect(await store.query('SELECT url, records FROM pull_pages ORDER BY page_no')).toEqual([
        { url: `${server.url}${recordPath(DEPRECATED, '3.0')}`, records: 1 },
        { url: `${server.url}${recordPath(DEACTIVATED, '3.0')}`, records: 0 },
        { url: `${server.url}${recordPath(UNKNOWN, '3.0')}`, records: 0 },
      ]);
      expect(await textCellsContaining(store, email)).toEqual([]);
      expect(await textCellsContaining(store, '@')).toEqual([]);
      // what the server said to the unknown iD: ORCID's 404 body
      const res = await fetch(`${server.url}${recordPath(UNKNOWN, '3.0')}`, { headers: { accept: 'application/json' } });
      expect([res.status, await res.json()]).toEqual([404, NOT_FOUND_BODY]);
    } finally {
      await store.close();
    }
  });

  it('a 429 asking to wait an hour pauses the job with the time to resume; resumed, it ends', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const job = await newJob(store, server, { values: { ids: idsFile('pause.txt', `${REAL[0]}\n${REAL[1]}\n`), 'api-version': '2.0' } });
      server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: '{"error":"Too Many Requests"}' }, { match: (r) => r.path === recordPath(REAL[1]!) });
      const paused = await runJob(store, server, job);
      expect(paused.paused?.resumeAfter).toMatch(/^20\d\d-/);
      const p = (await getJob(store, job.id)) as PullJob;
      expect([p.status, p.records, p.state]).toEqual(['paused', 1, { offset: 1 }]);
      const done = await runJob(store, server, p);
      expect([done.job.status, done.records]).toEqual(['done', 1]);
      expect(asked(server)).toEqual([recordPath(REAL[0]!), recordPath(REAL[1]!), recordPath(REAL[1]!)]);
    } finally {
      await store.close();
    }
  });
});

forEachBackend((newStore) => {
  it('pulls the iDs of a file: the real records land as their direct ingest lands them; an unknown iD is skipped; provenance is the request URL; no e-mail stored', async () => {
    const direct = await newStore();
    await ingestFiles(direct, REAL.map((id) => path.join(V2_DIR, `${id}.json`)), { source: 'orcid' });
    const expected = await facts(direct);

    const store = await newStore();
    const server = await serve();
    const lines = ['# the recorded records, in several forms', ...REAL.map((id, i) => (i % 3 === 0 ? `https://orcid.org/${id}` : i % 3 === 1 ? id : `${id}   # recorded`)), '', UNKNOWN, REAL[0]!];
    const job = await newJob(store, server, { values: { ids: idsFile('real.txt', lines.join('\n')), 'api-version': '2.0' } });
    expect(job.total).toBe(REAL.length + 1); // the repeated iD once
    const result = await runJob(store, server, job, {}, 5);
    const done = (await getJob(store, job.id)) as PullJob;
    expect([done.status, done.pages, done.records, result.records, result.inserted]).toEqual(['done', 19, 18, 18, 18]);
    expect(await facts(store)).toEqual(expected);
    expect(asked(server)).toEqual([...REAL, UNKNOWN].map((id) => recordPath(id)));
    // each landed record's provenance is the URL it was asked at
    const prov = await store.query<{ record_key: string; url: string }>('SELECT r.record_key, f.url FROM source_records r JOIN ingest_files f ON f.run_id = r.run_id AND f.file_no = r.file_no ORDER BY r.record_key');
    expect(prov).toEqual(REAL.map((id) => ({ record_key: `orcid:record:${id}`, url: `${server.url}/v2.0/${id}` })));
    expect(await store.query('SELECT url, records FROM pull_pages WHERE records = 0')).toEqual([{ url: `${server.url}/v2.0/${UNKNOWN}`, records: 0 }]);
    // as the ORCID ingest tests expect: Thiago Pardo's degrees, and his open-ended employment from 2006
    const pardo = await store.query<{ degree: string; start_year: number; end_year: number }>(
      `SELECT e.degree, e.start_year, e.end_year FROM education e JOIN person_identifiers i ON i.person_id = e.person_id WHERE i.scheme = 'orcid' AND i.value = $1 ORDER BY e.start_year, e.degree`,
      [PARDO],
    );
    expect(pardo.map((p) => [p.degree, Number(p.start_year), Number(p.end_year)])).toEqual([['bachelor', 1996, 1999], ['master', 2000, 2002], ['doctorate', 2002, 2005], ['other', 2005, 2005]]);
    const job2006 = await store.query<{ position: string; start_year: number; end_year: number | null }>(
      `SELECT p.position, p.start_year, p.end_year FROM positions p JOIN person_identifiers i ON i.person_id = p.person_id WHERE i.scheme = 'orcid' AND i.value = $1 AND p.basis = 'employment'`,
      [PARDO],
    );
    expect(job2006.map((p) => [p.position, Number(p.start_year), p.end_year])).toEqual([['Associate Professor', 2006, null]]);
    // three of the records carry e-mails: none is stored, nor anything with an @
    for (const email of Object.values(EMAILED)) expect(await textCellsContaining(store, email)).toEqual([]);
    expect(await textCellsContaining(store, '@')).toEqual([]);
  });

  it('an injected 429 (Retry-After), a 500 and a reset are waited out: the same facts as a clean pull, each faulted iD asked twice, the others once', async () => {
    const ids = REAL.slice(0, 6);
    const file = idsFile('faults.txt', ids.join('\n'));
    const clean = await newStore();
    const s0 = await serve();
    await runJob(clean, s0, await newJob(clean, s0, { values: { ids: file, 'api-version': '2.0' } }));
    const expected = await facts(clean);

    const store = await newStore();
    const server = await serve();
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"error":"Too Many Requests"}' }, { match: (r) => r.path === recordPath(ids[1]!) });
    server.inject({ kind: 'status', status: 500 }, { match: (r) => r.path === recordPath(ids[3]!) });
    server.inject({ kind: 'reset' }, { match: (r) => r.path === recordPath(ids[4]!) });
    const job = await newJob(store, server, { values: { ids: file, 'api-version': '2.0' } });
    await runJob(store, server, job);
    expect((await getJob(store, job.id))?.status).toBe('done');
    expect(await facts(store)).toEqual(expected);
    expect(ids.map((id) => countOf(server.log, recordPath(id)))).toEqual([1, 2, 1, 2, 2, 1]);
    const retried = server.log.filter((r) => r.path === recordPath(ids[1]!));
    expect(retried[1]!.at - retried[0]!.at).toBeGreaterThanOrEqual(1000); // Retry-After: 1
    expect(Number((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM pull_pages WHERE job_id = $1', [job.id]))[0]?.n)).toBe(6);
  });

  it('a failure that outlasts the retries fails the job after landing what came before; the resumed job lands exactly the clean facts and asks no landed iD again', async () => {
    const ids = REAL.slice(6, 12);
    const file = idsFile('resume.txt', ids.join('\n'));
    const clean = await newStore();
    const s0 = await serve();
    await runJob(clean, s0, await newJob(clean, s0, { values: { ids: file, 'api-version': '2.0' } }));
    const expected = await facts(clean);

    const store = await newStore();
    const server = await serve();
    const job = await newJob(store, server, { values: { ids: file, 'api-version': '2.0' } });
    server.inject({ kind: 'status', status: 503 }, { match: (r) => r.path === recordPath(ids[3]!), times: 2 });
    const err = await runJob(store, server, job, { http: { maxRetries: 1 } }).catch((e: unknown) => e);
    expect((err as AtlasError).message).toMatch(new RegExp(`ORCID .*/v2\\.0/${ids[3]}: HTTP 503 .*gave up after 2 attempts`));
    const failed = (await getJob(store, job.id)) as PullJob;
    // a batch of two landed, then the third before the failure
    expect([failed.status, failed.pages, failed.records, failed.state]).toEqual(['failed', 3, 3, { offset: 3 }]);
    const before = server.log.length;
    const resumed = await runJob(store, server, failed);
    expect(resumed.job.status).toBe('done');
    expect((await getJob(store, job.id))?.status).toBe('done');
    expect(await facts(store)).toEqual(expected);
    expect(server.log.slice(before).map((r) => r.path)).toEqual(ids.slice(3).map((id) => recordPath(id)));
    expect(ids.map((id) => countOf(server.log, recordPath(id)))).toEqual([1, 1, 1, 3, 1, 1]); // two failed attempts, then the landed one
  });

  it('--from-store asks for the ORCID iDs in the store (OpenAlex authors and ORCID records), in order, each once', async () => {
    const store = await newStore();
    await ingestFiles(store, [dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json')], { source: 'openalex' });
    const fromOpenAlex = (await store.query<{ value: string }>(`SELECT value FROM person_identifiers WHERE scheme = 'orcid' ORDER BY value`)).map((r) => r.value);
    expect(fromOpenAlex.length).toBe(26);
    const seeded = [REAL[2]!, PARDO];
    await ingestFiles(store, seeded.map((id) => path.join(V2_DIR, `${id}.json`)), { source: 'orcid' });
    const before = await facts(store);
    const server = await serve();
    const job = await newJob(store, server, { values: { 'from-store': true, 'api-version': '2.0' } });
    const all = [...fromOpenAlex, ...seeded].sort();
    expect([job.total, job.query['ids'], job.query['from']]).toEqual([28, all, 'store']);
    const result = await runJob(store, server, job, {}, 10);
    expect(asked(server)).toEqual(all.map((id) => recordPath(id)));
    // the two known records come back unchanged; the OpenAlex authors' iDs are unknown to this server: skipped
    expect([result.records, result.unchanged, result.job.status]).toEqual([2, 2, 'done']);
    expect(await facts(store)).toEqual(before);
  });

  it('an HTML page instead of JSON fails the job naming the URL; nothing of that page lands; a JSON answer that is no record fails too', async () => {
    const ids = REAL.slice(12, 15);
    const file = idsFile('html.txt', ids.join('\n'));
    const store = await newStore();
    const server = await serve();
    server.inject({ kind: 'html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }, { match: (r) => r.path === recordPath(ids[1]!) });
    const job = await newJob(store, server, { values: { ids: file, 'api-version': '2.0' } });
    const err = await runJob(store, server, job, {}, 5).catch((e: unknown) => e);
    expect((err as AtlasError).message).toContain(`ORCID ${server.url}/v2.0/${ids[1]}: answered with an HTML page instead of JSON`);
    const failed = (await getJob(store, job.id)) as PullJob;
    expect([failed.status, failed.records, failed.state]).toEqual(['failed', 1, { offset: 1 }]);
    expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'orcid'`)).toEqual([{ value: ids[0] }]);
    expect(await store.query('SELECT url FROM ingest_files')).toEqual([{ url: `${server.url}/v2.0/${ids[0]}` }]);

    // a 200 whose JSON is not a record: the job fails naming the URL, nothing of it lands
    server.inject({ kind: 'status', status: 200, body: '{"message":"maintenance"}' }, { match: (r) => r.path === recordPath(ids[1]!) });
    const again = await runJob(store, server, failed).catch((e: unknown) => e);
    expect((again as AtlasError).message).toBe(`ORCID ${server.url}/v2.0/${ids[1]}: the answer is not an ORCID record (no orcid-identifier)`);
    expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM source_records`))[0]?.n)).toBe(1);
    // the page answers again: the job ends with all three
    const done = await runJob(store, server, (await getJob(store, job.id)) as PullJob);
    expect([done.job.status, done.records]).toEqual(['done', 2]);
  });
});
