/**
 * The Wikidata puller end to end (without the CLI) against the replay server playing wbgetentities and the SPARQL
 * endpoint from the real entities of data/wikidata-samples: external ids resolved to items, entities asked ≤ 50
 * a call with the institutions and countries they name, each batch once, at the configured rate, with a
 * descriptive User-Agent and maxlag=5; a maxlag answer, a 429 with Retry-After, a 500 and a reset waited out to
 * the same facts as a clean pull; a failed job resumed to exactly the clean facts; a long wait pausing the job;
 * bad id files; an HTML page; and never P27 or P172 — on DuckDB and PostgreSQL.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AtlasError, InputError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import { textCellsContaining } from '../../ingest/orcid/test-store-text.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { forEachBackend, openFreshStore } from '../../store/test-backends.ts';
import type { Store } from '../../store/store.ts';
import type { HttpEvent } from '../http/http-client.ts';
import { createJob, getJob, type PullJob } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, type PullContext, type PullOptionValues } from '../puller.ts';
import { runPull, type PullRunResult } from '../run-pull.ts';
import { dispatchLog, startReplayServer, type ReplayRequest, type ReplayServer } from '../test-replay-server.ts';
import { parseIdLine, wikidataIdsFromStore } from './wikidata-ids.ts';
import { DEFAULT_RATE, MAX_IDS_PER_CALL, MAX_QUERY_CHARS, MAX_VALUES_PER_QUERY, MAXLAG, chunkEnd, wikidataPuller } from './wikidata-puller.ts';
import { ADA, ADA_DBLP, ADA_ORCID, ADA_SCHOLAR, BOB, entityCalls, sampleEntities, sparqlCalls, wikidataRoutes, type WikidataServerOptions, type WikidataServerState } from './test-wikidata-server.ts';

const ORCID_PLACEHOLDER = dataPath('orcid-schema-samples', 'record-full-3.0.json'); // ORCID 0000-0002-7319-2192, Ada's P496
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-wikidata-pull-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: WikidataServerOptions = {}): Promise<ReplayServer> {
  const s = await startReplayServer(wikidataRoutes(options));
  servers.push(s);
  return s;
}

interface Run {
  values?: PullOptionValues;
  env?: NodeJS.ProcessEnv;
  http?: PullContext['http'];
  onHttpEvent?: (e: HttpEvent) => void;
}

/** Tests run fast (the default is one call a second) with a short backoff. */
const ctxFor = (store: Store, server: ReplayServer, run: Run = {}): PullContext => ({
  store,
  env: run.env ?? {},
  values: { 'api-url': `${server.url}/w/api.php`, 'sparql-url': `${server.url}/sparql`, rate: '50', ...run.values },
  http: { minBackoffMs: 5, ...run.http },
  ...(run.onHttpEvent ? { onHttpEvent: run.onHttpEvent } : {}),
});

async function newJob(store: Store, server: ReplayServer, run: Run = {}): Promise<PullJob> {
  const prepared = await wikidataPuller.prepare(ctxFor(store, server, run), []);
  return createJob(store, { source: 'wikidata', kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null });
}

async function runJob(store: Store, server: ReplayServer, job: PullJob, run: Run = {}, options: { batchPages?: number; keepPages?: boolean; pagesDir?: string } = {}): Promise<PullRunResult> {
  return runPull(store, job, await wikidataPuller.plan(ctxFor(store, server, run), job), { pagesDir: options.pagesDir ?? path.join(tmp, 'pages'), batchPages: options.batchPages ?? 2, ...(options.keepPages ? { keepPages: true } : {}) });
}

let files = 0;
function idsFile(text: string): string {
  const f = path.join(tmp, `ids-${++files}.txt`);
  writeFileSync(f, text);
  return f;
}

/** The facts of the store, comparable between two stores of one backend (run ids and page paths left out). */
async function facts(store: Store): Promise<Record<string, unknown>> {
  return {
    records: await store.query('SELECT record_key, source, kind, updated_date, content_hash FROM source_records ORDER BY record_key'),
    people: await store.query('SELECT person_id, display_name FROM people ORDER BY person_id'),
    identifiers: await store.query('SELECT scheme, value, person_id FROM person_identifiers ORDER BY scheme, value'),
    institutions: await store.query('SELECT institution_id, name, country, country_basis FROM institutions ORDER BY institution_id'),
    education: await store.query('SELECT person_id, institution_id, country, degree, role_title, start_year, end_year FROM education ORDER BY 1, 2, 3, 4, 5, 6, 7'),
    positions: await store.query('SELECT person_id, institution_id, country, role, position, level, start_year, end_year, basis FROM positions ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9'),
    relations: await store.query('SELECT person_id, direction, relation, other_name, other_scheme, other_value FROM relations ORDER BY 1, 2, 3, 4, 5, 6'),
  };
}

async function jobList(store: Store, job: PullJob, list: string): Promise<string[]> {
  return (await store.query<{ id: string }>('SELECT id FROM pull_job_ids WHERE job_id = $1 AND list = $2 ORDER BY ord', [job.id, list])).map((r) => r.id);
}

const isPeopleCall = (ids: string) => (r: ReplayRequest): boolean => r.path === '/w/api.php' && r.query.get('props') === 'info|labels|claims|sitelinks' && r.query.get('ids') === ids;
const peopleCalls = (log: readonly ReplayRequest[]): string[] => entityCalls(log).filter((c) => c.props.includes('sitelinks')).map((c) => c.ids.join('|'));
const lookupCalls = (log: readonly ReplayRequest[]): string[][] => entityCalls(log).filter((c) => !c.props.includes('sitelinks')).map((c) => c.ids);

/** Ada, Q42, Bob, St John's College (an item, not a human) and an id Wikidata does not have, one entity a page. */
const MIXED = `# people of the fixture, and two that are not
orcid:${ADA_ORCID}
Q42
https://www.wikidata.org/wiki/Q990000002
wd:Q691283   # a college: not a human
Q990009999   # no such item
`;

describe('ids and options (no calls, no job)', () => {
  it('reads Q-ids and prefixed external ids in their usual forms', () => {
    expect(parseIdLine('q42')).toEqual({ scheme: 'wikidata', value: 'Q42' });
    expect(parseIdLine('http://www.wikidata.org/entity/Q42')).toEqual({ scheme: 'wikidata', value: 'Q42' });
    expect(parseIdLine('wikidata:Q990000001')).toEqual({ scheme: 'wikidata', value: ADA });
    expect(parseIdLine('orcid:https://orcid.org/0000-0002-7319-2192')).toEqual({ scheme: 'orcid', value: ADA_ORCID });
    expect(parseIdLine('ORCID: 0000-0003-0369-424x')).toEqual({ scheme: 'orcid', value: '0000-0003-0369-424X' });
    expect(parseIdLine('dblp:https://dblp.org/pid/f/AdaFixture.html')).toEqual({ scheme: 'dblp', value: ADA_DBLP });
    expect(parseIdLine('dblp:87/1234-1')).toEqual({ scheme: 'dblp', value: '87/1234-1' });
    expect(parseIdLine('scholar:https://scholar.google.com/citations?user=AdaFixture01&hl=en')).toEqual({ scheme: 'scholar', value: ADA_SCHOLAR });
    for (const bad of ['Q0', 'Q42x', 'P31', 'orcid:0000-0002-7319-2193', 'dblp:Ada Fixture', 'scholar:short', 'Ada Fixture']) expect(parseIdLine(bad)).toHaveProperty('error');
  });

  it('chunks resolution queries at 200 values and a bounded query length', () => {
    const orcids = Array.from({ length: 450 }, (_, i) => `0000-0002-${String(1000 + i).padStart(4, '0')}-0000`);
    expect([chunkEnd('P496', orcids, 0), chunkEnd('P496', orcids, 200), chunkEnd('P496', orcids, 400)]).toEqual([200, 400, 450]);
    const long = Array.from({ length: 300 }, (_, i) => `x/${'LongDblpName'.repeat(4)}${i}`);
    const end = chunkEnd('P2456', long, 0);
    expect(end).toBeLessThan(MAX_VALUES_PER_QUERY);
    expect(new URLSearchParams({ query: `SELECT ?item ?v WHERE { VALUES ?v { ${long.slice(0, end).map((v) => `"${v}"`).join(' ')} } ?item wdt:P2456 ?v }` }).toString().length).toBeLessThanOrEqual(MAX_QUERY_CHARS + 10);
  });

  it('rejects a bad line of an id file naming the file and line, and bad options, before any call or job', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const cases: Array<[string, RegExp]> = [
        ['Q42\n# fine\n\nDouglas Adams\n', /:4: "Douglas Adams" is not an id: expected a Q-id/],
        [`orcid:${ADA_ORCID}\norcid:0000-0002-7319-2193   # a digit mistyped\n`, /:2: 0000-0002-7319-2193 is not an ORCID iD: its check character is wrong/],
        ['Q42\nscholar:AdaFixture\n', /:2: "AdaFixture" is not a Google Scholar user id/],
        ['dblp:Ada Fixture\n', /:1: "Ada Fixture" is not a dblp person id/],
      ];
      for (const [text, why] of cases) {
        const file = idsFile(text);
        const err = await newJob(store, server, { values: { ids: file } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).message).toContain(`${file}:`);
        expect((err as InputError).message).toMatch(why);
      }
      const empty = await newJob(store, server, { values: { ids: idsFile('# nobody\n\n') } }).catch((e: unknown) => e);
      expect((empty as AtlasError).code).toBe('NO_DATA');
      const good = idsFile('Q42\n');
      const refused: Array<[PullOptionValues, RegExp]> = [
        [{ ids: good, rate: '0' }, /--rate must be a positive number/],
        [{ ids: good, retries: '0' }, /--retries must be a whole number/],
        [{ ids: good, batch: '51' }, /--batch must be a whole number from 1 to 50/],
        [{ ids: good, 'user-agent': 'my-script/1.0' }, /no contact details: Wikimedia's User-Agent policy/],
        [{ ids: good, 'api-url': 'not a url' }, /--api-url must be a URL/],
        [{ ids: good, 'from-store': true }, /--from-store, or --ids FILE/],
        [{}, /--from-store, or --ids FILE/],
      ];
      for (const [values, why] of refused) {
        const err = (await newJob(store, server, { values }).catch((e: unknown) => e)) as AtlasError;
        expect([err.code, err.message]).toEqual(['BAD_ARGUMENT', expect.stringMatching(why)]);
      }
      const envAgent = (await newJob(store, server, { values: { ids: good }, env: { ATLAS_USER_AGENT: 'curl/8.0' } }).catch((e: unknown) => e)) as AtlasError;
      expect(envAgent.code).toBe('BAD_ARGUMENT');
      await expect(wikidataPuller.prepare(ctxFor(store, server, { values: { ids: good } }), ['entities'])).rejects.toThrow(/unexpected argument "entities"/);
      const noStore = await newJob(store, server, { values: { 'from-store': true } }).catch((e: unknown) => e);
      expect((noStore as AtlasError).code).toBe('NO_DATA');
      expect(server.log).toHaveLength(0);
      expect(await store.query('SELECT * FROM pull_jobs')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('calls (HTTP side)', () => {
  it('resolves ORCID, DBLP and Scholar ids by SPARQL, then asks entities ≤ 50 a call and each lookup once, politely', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const unknown = Array.from({ length: 118 }, (_, i) => `Q${990100001 + i}`);
      const file = idsFile([`orcid:${ADA_ORCID}`, `dblp:${ADA_DBLP}`, `scholar:${ADA_SCHOLAR}`, 'Q42', ...unknown].join('\n'));
      const job = await newJob(store, server, { values: { ids: file, rate: '10' } });
      expect(server.log).toHaveLength(0); // --ids needs no call to prepare
      expect(job.total).toBe(122);
      const dispatched = dispatchLog();
      const result = await runJob(store, server, job, { values: { rate: '10' }, onHttpEvent: dispatched.onEvent }, { batchPages: 5 });
      const done = (await getJob(store, job.id))!;
      // three ids of Ada's resolve to her one item; Q42 and Ada land; the 118 unknown items are skipped, listed
      expect([done.status, done.records, done.total, result.records]).toEqual(['done', 2, 120, 2]);
      expect(await jobList(store, job, 'items')).toEqual([ADA]);
      expect((await jobList(store, job, 'missing')).sort()).toEqual(unknown);
      expect(await jobList(store, job, 'unresolved')).toEqual([]);

      expect(sparqlCalls(server.log)).toEqual([
        { prop: 'P496', values: [ADA_ORCID] },
        { prop: 'P2456', values: [ADA_DBLP] },
        { prop: 'P1960', values: [ADA_SCHOLAR] },
      ]);
      // the ids given first, 50 a call, then the resolved one; each batch once
      expect(peopleCalls(server.log).map((ids) => ids.split('|').length)).toEqual([50, 50, 19, 1]);
      expect(peopleCalls(server.log)[3]).toBe(ADA);
      expect(new Set(peopleCalls(server.log).flatMap((ids) => ids.split('|'))).size).toBe(120);
      // lookups: Q42's institutions (not the undated employer Q9531, not the known degree Q1765120), then St John's
      // country; Ada's institutions, unknown degree, advisor and student, then their countries — each id once
      expect(lookupCalls(server.log)).toEqual([
        ['Q691283', 'Q4961791', 'Q3520623'],
        ['Q145'],
        ['Q990000101', 'Q990000102', 'Q990000301', 'Q990000103', BOB, 'Q990000003'],
        ['Q39', 'Q30'],
      ]);
      const asked = entityCalls(server.log).flatMap((c) => c.ids);
      for (const never of ['Q1033', 'Q990000401', 'Q7994501']) expect(asked).not.toContain(never); // P27 and P172 items of Ada and Q42
      expect(entityCalls(server.log).every((c) => c.ids.length <= MAX_IDS_PER_CALL)).toBe(true);
      const api = server.log.filter((r) => r.path === '/w/api.php');
      expect(api.every((r) => r.query.get('maxlag') === String(MAXLAG) && r.query.get('format') === 'json' && r.query.get('languages') === 'en|mul' && r.query.get('action') === 'wbgetentities')).toBe(true);
      expect(server.log.filter((r) => r.path === '/sparql').every((r) => r.query.get('format') === 'json' && r.headers['accept'] === 'application/sparql-results+json')).toBe(true);
      // the User-Agent names the tool and a contact; one request at a time, 10 a second at most
      expect(server.log.every((r) => r.headers['user-agent'] === DEFAULT_USER_AGENT)).toBe(true);
      expect(DEFAULT_USER_AGENT).toMatch(/^talent-atlas\/[\d.]+ \(.*https:\/\//);
      // 10 a second: the client dispatches 100 ms apart (see dispatchLog)
      expect(dispatched.times).toHaveLength(11);
      expect(dispatched.spannedAtLeast(100)).toBe(true);
      expect(dispatched.minGap()).toBeGreaterThanOrEqual(20);
      expect(server.log).toHaveLength(3 + 4 + 4);
      expect(done.calls).toBe(11);
      expect(DEFAULT_RATE).toBe(1);
      // provenance: the people call of each page with records
      expect((await store.query<{ url: string }>('SELECT url FROM ingest_files ORDER BY run_id, file_no')).map((r) => new URL(r.url).searchParams.get('ids')?.split('|')[0])).toEqual(['Q42', ADA]);
      const pages = await store.query<{ url: string; records: number }>('SELECT url, records FROM pull_pages WHERE job_id = $1 ORDER BY page_no', [job.id]);
      expect(pages.map((p) => [p.url.replace(server.url, ''), Number(p.records)]).slice(0, 3)).toEqual([['/sparql#P496=1-1', 0], ['/sparql#P2456=1-1', 0], ['/sparql#P1960=1-1', 0]]);
    } finally {
      await store.close();
    }
  });

  it('keeps the default rate of one request a second', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const job = await newJob(store, server, { values: { ids: idsFile('Q42\n'), rate: undefined } });
      const dispatched = dispatchLog();
      await runJob(store, server, job, { values: { rate: undefined }, onHttpEvent: dispatched.onEvent });
      expect(server.log).toHaveLength(3); // Q42, its institutions, St John's country
      expect(dispatched.times).toHaveLength(3);
      expect(dispatched.spannedAtLeast(1000)).toBe(true);
      expect(dispatched.minGap()).toBeGreaterThanOrEqual(200);
    } finally {
      await store.close();
    }
  });

  it('sends the User-Agent given by --user-agent or $ATLAS_USER_AGENT; the server refuses one without contact details', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const server = await serve();
      const file = idsFile('Q990009999\n');
      const mine = 'lab-atlas/2.1 (https://lab.example.org/atlas; atlas@lab.example.org)';
      await runJob(store, server, await newJob(store, server, { values: { ids: file } }), { values: { 'user-agent': mine } });
      await runJob(store, server, await newJob(store, server, { values: { ids: file } }), { env: { ATLAS_USER_AGENT: 'env-atlas/1.0 (ops@example.org)' } });
      expect(server.log.map((r) => r.headers['user-agent'])).toEqual([mine, 'env-atlas/1.0 (ops@example.org)']);
      const refused = await fetch(`${server.url}/w/api.php?action=wbgetentities&ids=Q42&format=json`, { headers: { 'user-agent': 'node' } });
      expect([refused.status, await refused.text()]).toEqual([403, expect.stringContaining('User-Agent_policy')]);
    } finally {
      await store.close();
    }
  });

  it('waits out a maxlag answer as Retry-After says; one that outlasts the retries fails naming the URL; one asking too long a wait pauses', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const state: WikidataServerState = { lagCalls: 1, lagSeconds: 7.2, retryAfter: 1 };
      const server = await serve({ state });
      const events: HttpEvent[] = [];
      const job = await newJob(store, server, { values: { ids: idsFile('Q42\n') } });
      await runJob(store, server, job, { onHttpEvent: (e) => events.push(e) });
      expect((await getJob(store, job.id))?.status).toBe('done');
      const [first, second] = server.log;
      expect(first?.query.get('ids')).toBe('Q42');
      expect(second?.query.get('ids')).toBe('Q42');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
      expect(events.filter((e) => e.kind === 'retry').map((e) => [e.kind === 'retry' && e.reason, e.kind === 'retry' && e.waitMs])).toEqual([[expect.stringMatching(/maxlag \(Waiting for .*7\.2 seconds lagged/), 1000]]);
      expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM person_identifiers WHERE scheme = 'wikidata' AND value = 'Q42'`))[0]?.n)).toBe(1);

      // lagging beyond the retries: the job fails naming the call
      state.lagCalls = 10;
      state.retryAfter = 0;
      const lagged = await newJob(store, server, { values: { ids: idsFile('Q691283\n') } });
      const err = await runJob(store, server, lagged, { values: { retries: '2' } }).catch((e: unknown) => e);
      expect((err as AtlasError).message).toMatch(/\/w\/api\.php\?action=wbgetentities&ids=Q691283.*still lagging more than 5 s .* after 3 attempts/);
      expect((await getJob(store, lagged.id))?.status).toBe('failed');

      // a wait longer than the pull accepts: paused with the time to resume
      state.retryAfter = 600;
      const result = await runJob(store, server, (await getJob(store, lagged.id))!);
      expect(result.paused?.message).toMatch(/Wikidata says to wait 600 s .*lagging/);
      expect(Date.parse(result.paused!.resumeAfter!)).toBeGreaterThan(Date.now() + 500_000);
      expect((await getJob(store, lagged.id))?.status).toBe('paused');
    } finally {
      await store.close();
    }
  });

  it('a person the reader would reject (reversed years) is skipped and listed; the others of the page land', async () => {
    const store = await openFreshStore('duckdb');
    try {
      const entities = sampleEntities();
      const bob = structuredClone(entities.get(BOB)!) as { claims: Record<string, Array<{ qualifiers: Record<string, unknown[]> }>> };
      bob.claims['P108']![0]!.qualifiers['P582'] = [{ snaktype: 'value', property: 'P582', datavalue: { value: { time: '+1990-00-00T00:00:00Z', timezone: 0, before: 0, after: 0, precision: 9, calendarmodel: 'http://www.wikidata.org/entity/Q1985727' }, type: 'time' }, datatype: 'time' }];
      entities.set(BOB, bob as unknown as Record<string, unknown>);
      const server = await serve({ entities });
      const job = await newJob(store, server, { values: { ids: idsFile(`${ADA}\n${BOB}\n`) } });
      const result = await runJob(store, server, job);
      expect([result.records, await jobList(store, job, 'rejected')]).toEqual([1, [BOB]]);
      expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'wikidata' ORDER BY value`)).toEqual([{ value: ADA }]);
      // Bob is still Ada's advisor by name: his label came with the page as a lookup
      expect(await store.query(`SELECT other_name FROM relations WHERE direction = 'advisor'`)).toEqual([{ other_name: 'Bob Fixture-Advisor' }]);
    } finally {
      await store.close();
    }
  });
});

forEachBackend((newStore) => {
  let clean: Record<string, unknown> | undefined;
  /** What a clean pull of MIXED (one entity a page) lands, once per backend. */
  async function cleanFacts(): Promise<Record<string, unknown>> {
    if (clean) return clean;
    const store = await newStore();
    const server = await serve();
    const job = await newJob(store, server, { values: { ids: idsFile(MIXED), batch: '1' } });
    await runJob(store, server, job);
    expect((await getJob(store, job.id))?.status).toBe('done');
    clean = await facts(store);
    return clean;
  }

  it('--from-store: the entity of the ORCID in the store lands on the same person, with education, employment and institution countries from the lookups; never P27 or P172', async () => {
    const store = await newStore();
    await ingestFiles(store, [ORCID_PLACEHOLDER]);
    const person = (await store.query<{ person_id: string }>(`SELECT person_id FROM person_identifiers WHERE scheme = 'orcid' AND value = $1`, [ADA_ORCID]))[0]!.person_id;
    expect((await wikidataIdsFromStore(store)).external.orcid).toEqual([ADA_ORCID]);
    const server = await serve();
    const job = await newJob(store, server, { values: { 'from-store': true } });
    const pagesDir = path.join(tmp, 'kept-pages');
    const result = await runJob(store, server, job, {}, { keepPages: true, pagesDir });
    expect([result.records, result.job.status]).toEqual([1, 'done']);
    expect(sparqlCalls(server.log)).toEqual([{ prop: 'P496', values: [ADA_ORCID] }]);
    expect(peopleCalls(server.log)).toEqual([ADA]);

    const ids = await store.query(`SELECT scheme, value FROM person_identifiers WHERE person_id = $1 ORDER BY scheme`, [person]);
    expect(ids).toEqual([
      { scheme: 'dblp', value: ADA_DBLP }, { scheme: 'orcid', value: ADA_ORCID },
      { scheme: 'scholar', value: ADA_SCHOLAR }, { scheme: 'wikidata', value: ADA },
    ]);
    // as the wikidata ingest test reads the fixture: the countries come from the institutions' P17 lookups
    const edu = await store.query(`SELECT institution_id, country, degree, role_title, start_year, end_year FROM education WHERE person_id = $1 AND source = 'wikidata' ORDER BY start_year`, [person]);
    expect(edu).toEqual([
      { institution_id: 'wikidata:Q990000103', country: null, degree: 'bachelor', role_title: "bachelor's degree", start_year: 2004, end_year: 2008 },
      { institution_id: 'name:fixture research labs', country: 'US', degree: 'master', role_title: 'Master of Science', start_year: 2008, end_year: 2010 },
      { institution_id: 'name:fixture institute technology', country: 'CH', degree: 'doctorate', role_title: 'Doctor of Philosophy', start_year: 2010, end_year: 2015 },
    ]);
    const pos = await store.query(`SELECT basis, institution_id, start_year, end_year FROM positions WHERE person_id = $1 AND source = 'wikidata' AND basis = 'employment' ORDER BY start_year`, [person]);
    expect(pos).toEqual([
      { basis: 'employment', institution_id: 'name:fixture institute technology', start_year: 2015, end_year: 2018 },
      { basis: 'employment', institution_id: 'name:fixture research labs', start_year: 2018, end_year: null },
    ]);
    const rel = await store.query(`SELECT direction, relation, other_name, other_value FROM relations WHERE person_id = $1 ORDER BY direction`, [person]);
    expect(rel).toEqual([
      { direction: 'advisee', relation: 'doctoral student (P185)', other_name: null, other_value: 'Q990000003' },
      { direction: 'advisor', relation: 'doctoral advisor (P184)', other_name: 'Bob Fixture-Advisor', other_value: BOB },
    ]);
    const inst = await store.query(`SELECT institution_id, name, country, country_basis FROM institutions WHERE source = 'wikidata' ORDER BY institution_id`);
    expect(inst).toEqual([
      { institution_id: 'name:fixture institute technology', name: 'Fixture Institute of Technology', country: 'CH', country_basis: 'source' },
      { institution_id: 'name:fixture research labs', name: 'Fixture Research Labs', country: 'US', country_basis: 'source' },
      { institution_id: 'wikidata:Q990000103', name: null, country: null, country_basis: null },
    ]);
    // Bob came as a lookup (his label), not as a person
    expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'wikidata'`)).toEqual([{ value: ADA }]);
    // never citizenship or ethnic group: not asked, not in the page, not stored
    const page = readdirSync(path.join(pagesDir, `job-${job.id}`)).map((f) => readFileSync(path.join(pagesDir, `job-${job.id}`, f), 'utf8'));
    expect(page).toHaveLength(1);
    const doc = JSON.parse(page[0]!) as { entities: Record<string, { claims: Record<string, unknown> }> };
    expect(Object.keys(doc.entities)).toEqual([ADA, 'Q990000101', 'Q990000102', 'Q990000301', BOB, 'Q39']);
    expect(Object.keys(doc.entities[BOB]!.claims)).toEqual([]); // no P31: never a person of the page
    for (const needle of ['"P27"', '"P172"', 'Q1033', 'Q990000401']) expect(page[0]).not.toContain(needle);
    for (const needle of ['NG', 'Q1033', 'Nigeria', 'Q990000401', 'Fixture ethnic group']) expect([needle, await textCellsContaining(store, needle)]).toEqual([needle, []]);

    // Pulled again: the store now has her Q-id, DBLP and Scholar ids too; her item is asked once, and nothing changes
    expect(await wikidataIdsFromStore(store)).toEqual({ qids: [ADA], external: { orcid: [ADA_ORCID], dblp: [ADA_DBLP], scholar: [ADA_SCHOLAR] } });
    const before = server.log.length;
    const again = await runJob(store, server, await newJob(store, server, { values: { 'from-store': true } }));
    expect([again.records, again.inserted, again.unchanged]).toEqual([1, 0, 1]);
    expect(sparqlCalls(server.log.slice(before)).map((c) => c.prop)).toEqual(['P496', 'P2456', 'P1960']);
    expect(peopleCalls(server.log.slice(before))).toEqual([ADA]);
  });

  it('an injected 429 (Retry-After), a 500 and a reset are waited out: the same facts as a clean pull, each batch asked once but the faulted ones', async () => {
    const want = await cleanFacts();
    const store = await newStore();
    const server = await serve();
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' }, { match: (r) => r.path === '/sparql' });
    server.inject({ kind: 'status', status: 500 }, { match: isPeopleCall(BOB) });
    server.inject({ kind: 'reset' }, { match: (r) => r.path === '/w/api.php' && r.query.get('props') === 'labels|claims' && r.query.get('ids') === 'Q145' });
    const job = await newJob(store, server, { values: { ids: idsFile(MIXED), batch: '1' } });
    const result = await runJob(store, server, job);
    expect(result.job.status).toBe('done');
    expect(await facts(store)).toEqual(want);
    const sparql = server.log.filter((r) => r.path === '/sparql');
    expect(sparql).toHaveLength(2);
    expect(sparql[1]!.at - sparql[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(peopleCalls(server.log)).toEqual(['Q42', BOB, BOB, 'Q691283', 'Q990009999', ADA]);
    const lookups = lookupCalls(server.log).map((ids) => ids.join('|'));
    expect(lookups.filter((l) => l === 'Q145')).toHaveLength(2);
    expect(new Set(lookups).size).toBe(lookups.length - 1);
    expect([await jobList(store, job, 'missing'), await jobList(store, job, 'not-human'), await jobList(store, job, 'items')]).toEqual([['Q990009999'], ['Q691283'], [ADA]]);
    const done = (await getJob(store, job.id))!;
    expect([done.records, done.total, done.pages]).toEqual([3, 5, 6]);
  });

  it('failures that outlast the retries fail the job after landing what came before; each resume lands exactly the clean facts and asks no landed batch again', async () => {
    const want = await cleanFacts();
    const store = await newStore();
    const server = await serve();
    const job = await newJob(store, server, { values: { ids: idsFile(MIXED), batch: '1' } });
    const run: Run = { values: { retries: '1' } };
    // the resolution fails: nothing landed
    server.inject({ kind: 'status', status: 503 }, { match: (r) => r.path === '/sparql', times: 2 });
    await expect(runJob(store, server, job, run)).rejects.toThrow(/\/sparql\?query=.*HTTP 503.*gave up after 2 attempts/);
    const first = (await getJob(store, job.id))!;
    expect([first.status, first.pages, first.records, first.state]).toEqual(['failed', 0, 0, { phase: 'resolve', scheme: 'orcid', offset: 0 }]);
    // then Bob's batch fails: the resolution and Q42's page landed
    server.inject({ kind: 'status', status: 500 }, { match: isPeopleCall(BOB), times: 2 });
    await expect(runJob(store, server, first, run)).rejects.toThrow(/ids=Q990000002.*HTTP 500.*gave up after 2 attempts/);
    const second = (await getJob(store, job.id))!;
    expect([second.status, second.pages, second.records, second.state]).toEqual(['failed', 2, 1, { phase: 'given', offset: 1 }]);
    expect(await jobList(store, job, 'items')).toEqual([ADA]);
    const done = await runJob(store, server, second, run);
    expect(done.job.status).toBe('done');
    expect(await facts(store)).toEqual(want);
    expect(sparqlCalls(server.log)).toHaveLength(2 + 1 + 0); // two failed attempts, the landed one, none after
    expect(peopleCalls(server.log)).toEqual(['Q42', BOB, BOB, BOB, 'Q691283', 'Q990009999', ADA]);
  });

  it('a 429 asking a longer wait than the pull accepts pauses the job; resumed, it lands the clean facts', async () => {
    const want = await cleanFacts();
    const store = await newStore();
    const server = await serve();
    const job = await newJob(store, server, { values: { ids: idsFile(MIXED), batch: '1' } });
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '3600' }, body: 'Too Many Requests' }, { match: isPeopleCall('Q691283') });
    const paused = await runJob(store, server, job);
    expect(paused.paused?.message).toMatch(/Wikidata says to wait 3600 s/);
    const stopped = (await getJob(store, job.id))!;
    expect([stopped.status, stopped.state]).toEqual(['paused', { phase: 'given', offset: 2 }]);
    expect(Date.parse(stopped.resumeAfter!)).toBeGreaterThan(Date.now() + 3_000_000);
    await runJob(store, server, stopped);
    expect((await getJob(store, job.id))?.status).toBe('done');
    expect(await facts(store)).toEqual(want);
  });

  it('an HTML page instead of JSON fails the job naming the URL; nothing of that page lands', async () => {
    const store = await newStore();
    const server = await serve();
    server.inject({ kind: 'html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }, { match: isPeopleCall(BOB) });
    const job = await newJob(store, server, { values: { ids: idsFile(MIXED), batch: '1' } });
    const err = await runJob(store, server, job, {}, { batchPages: 5 }).catch((e: unknown) => e);
    expect((err as AtlasError).message).toMatch(/\/w\/api\.php\?action=wbgetentities&ids=Q990000002&.*HTML page instead of JSON/);
    const failed = (await getJob(store, job.id))!;
    expect([failed.status, failed.records, failed.state]).toEqual(['failed', 1, { phase: 'given', offset: 1 }]);
    // Q42 (before it) landed; Bob, and the lookups only his page asked, did not
    expect(await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'wikidata' ORDER BY value`)).toEqual([{ value: 'Q42' }]);
    expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM institutions WHERE name = 'Fixture Institute of Technology'`))[0]?.n)).toBe(0);
  });
});
