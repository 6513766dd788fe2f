/**
 * A bounded soak of the team server on loopback: two users (a recruiter with a contact list, a viewer), the real
 * server on 127.0.0.1, concurrent clients over HTTP for a fixed time (soak-workload.ts), an ingest into the same
 * store in the middle (with the careers and mentorship refresh an `atlas ingest` does), and the figures checked
 * against the store before and after it (soak-figures.ts). Reports statuses, 5xx with their URLs, latencies and
 * the process's RSS at start, after warm-up and at the end. Used by src/api/soak.test.ts and bench/soak.ts.
 */
import { readFileSync } from 'node:fs';
import { refreshDerived } from '../derived/refresh-derived.ts';
import { dataPath } from '../core/paths.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { importContactsText } from '../network/index.ts';
import type { Store } from '../store/store.ts';
import { cliActor } from '../teams/audit.ts';
import { addUser } from '../teams/users.ts';
import { checkFigures, countedTables, differences, directFigures, type FiguresCheck } from './soak-figures.ts';
import { EXPECTED_STATUS, KINDS, LatencyHistogram, runWorker, WorkloadTally, type BadAnswer, type Kind, type LatencySummary, type WorkloadTargets } from './soak-workload.ts';
import { startServer } from './server.ts';

export interface SoakOptions {
  /** How long the clients run, in ms (longer if the ingest and the check after it need it). */
  durationMs: number;
  /** Files ingested in the middle of the run: data the store does not hold yet. */
  ingest: readonly string[];
  /** When the ingest starts, ms after the clients do (default: 40 % of the duration). */
  ingestAtMs?: number;
  /** When the warm-up RSS is taken (default: 15 % of the duration, at most 30 s; before the ingest). */
  warmupMs?: number;
  /** Concurrent clients (default 8). */
  workers?: number;
  /** Wait after the ingest's refresh before the figures are checked (default 1,500 ms; the server looks at the data version at most once a second). */
  settleMs?: number;
  /** Alice's contact list (default data/demo/contacts.csv; rows that match nobody are skipped). */
  contactsCsv?: string;
  seed?: number;
  /** Progress lines (and the server's own notes, e.g. a re-derivation). */
  log?: (line: string) => void;
}

export interface KindFigures {
  requests: number;
  expectedStatus: number;
  byStatus: Record<string, number>;
  latencyMs: LatencySummary;
}

export interface SoakResult {
  backend: string;
  workers: number;
  /** Milliseconds the clients ran. */
  ms: number;
  requests: number;
  perSecond: number;
  byStatus: Record<string, number>;
  kinds: Record<Kind, KindFigures>;
  latencyMs: LatencySummary;
  /** Answers with a 5xx (the first 50 of `serverErrorCount`), with method and URL. */
  serverErrors: BadAnswer[];
  serverErrorCount: number;
  /** Answers below 500 that are not the status their kind expects (e.g. a 409 on a shortlist write). */
  unexpected: BadAnswer[];
  unexpectedCount: number;
  /** Requests that got no answer (reset, timeout). */
  networkErrors: BadAnswer[];
  networkErrorCount: number;
  /** Resident set size in MB: as runSoak began, after warm-up, at the end, and the largest seen (sampled each second). */
  rssMb: { start: number; warm: number; end: number; max: number; endOverWarm: number };
  ingest: { atMs: number; ms: number; runId: number | null; records: number; inserted: number; error: string | null };
  consistency: {
    /** Just before the ingest, with the clients running. */
    before: FiguresCheck | null;
    /** `settleMs` after the ingest's refresh, with the clients running. */
    after: FiguresCheck | null;
    /** After the clients stopped. */
    atEnd: FiguresCheck | null;
    /**
     * With the clients stopped, careers and mentorships derived again on the quiet store: the figures must not
     * move (a derivation that read a truncated or half-written table while requests ran would).
     */
    cleanRun: { equal: boolean; differences: string[]; errors: string[] } | null;
    /** Paths where the store's figures after the ingest differ from those before it (empty: the ingest proved nothing). */
    changedByIngest: string[];
  };
  serverNotes: string[];
  contacts: number;
  /** Everything that makes the run a failure, one line each; empty when it passed. */
  problems: string[];
}

const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const SEARCH_WORDS = ['robot', 'learning', 'language model', 'manipulation', 'reinforcement learning', 'vision', 'policy', 'graph', 'diffusion', 'planning', 'grasping', 'transformer'];
const CHECKED_FLOWS = ['/api/flows?from=2015&to=2025&limit=200', '/api/flows?limit=200'];

/** People, intro targets (co-authors of the recruiter's contacts' co-authors) and search words from the store. */
async function findTargets(store: Store, owner: string): Promise<WorkloadTargets> {
  const profiles = (await store.query<{ p: string }>(`SELECT person_id AS p FROM authorships GROUP BY person_id ORDER BY COUNT(*) DESC, person_id LIMIT 60`)).map((r) => r.p);
  const near = (await store.query<{ p: string }>(
    `SELECT DISTINCT c.person_id AS p FROM contacts k JOIN authorships a ON a.person_id = k.person_id JOIN authorships b ON b.work_id = a.work_id
     JOIN authorships b2 ON b2.person_id = b.person_id JOIN authorships c ON c.work_id = b2.work_id
     WHERE k.owner = $1 AND c.person_id <> k.person_id ORDER BY c.person_id LIMIT 40`,
    [owner],
  )).map((r) => r.p);
  if (profiles.length === 0) throw new Error('soak: the store holds no authorships; ingest data and derive careers first');
  return { profiles, introTargets: near.length ? [...near, ...profiles.slice(0, 10)] : profiles, searchWords: SEARCH_WORDS, checkedUrls: CHECKED_FLOWS };
}

function kindFigures(tally: WorkloadTally): { kinds: Record<Kind, KindFigures>; byStatus: Record<string, number>; all: LatencyHistogram; requests: number } {
  const all = new LatencyHistogram();
  const byStatus: Record<string, number> = {};
  const kinds = {} as Record<Kind, KindFigures>;
  for (const kind of KINDS) {
    const k = tally.byKind.get(kind)!;
    all.merge(k.latency);
    const statuses = Object.fromEntries([...k.statuses].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
    for (const [s, n] of Object.entries(statuses)) byStatus[s] = (byStatus[s] ?? 0) + n;
    kinds[kind] = { requests: k.latency.count, expectedStatus: EXPECTED_STATUS[kind], byStatus: statuses, latencyMs: k.latency.summary() };
  }
  return { kinds, byStatus, all, requests: all.count };
}

const TIMESTAMPS = ['refreshedAt', 'refreshed_at', 'derived_at'];

/** Derive careers and mentorships again with nothing else running and compare the store's figures with `atEnd`'s. */
async function cleanRun(store: Store, atEnd: FiguresCheck): Promise<SoakResult['consistency']['cleanRun']> {
  const errors: string[] = [];
  try {
    await refreshDerived(store);
  } catch (e) {
    errors.push(`re-derivation: ${e instanceof Error ? e.message : String(e)}`);
  }
  const again = await directFigures(store, countedTables(atEnd.api.stats), CHECKED_FLOWS, errors);
  const diff = differences(atEnd.direct, again, { ignore: TIMESTAMPS });
  return { equal: diff.length === 0 && errors.length === 0, differences: diff, errors };
}

/** The two users of the run and alice's contact list. */
async function setUpTeam(store: Store, contactsCsv: string): Promise<{ alice: string; vera: string; contacts: number }> {
  const alice = (await addUser(store, 'alice', 'recruiter', cliActor())).key;
  const vera = (await addUser(store, 'vera', 'viewer', cliActor())).key;
  const r = await importContactsText(store, readFileSync(contactsCsv, 'utf8'), 'contacts.csv', { owner: 'alice', skipUnmatched: true });
  return { alice, vera, contacts: r.imported };
}

/** The ingest as `atlas ingest` does it: the files in one run, then careers and mentorships, then the search index. */
async function ingestLikeTheCli(store: Store, files: readonly string[], into: SoakResult['ingest']): Promise<void> {
  const started = performance.now();
  try {
    const r = await ingestFiles(store, files, { command: 'soak ingest' });
    Object.assign(into, { runId: r.runId, records: r.records, inserted: r.inserted });
    await refreshDerived(store);
  } catch (e) {
    into.error = e instanceof Error ? e.message : String(e);
  }
  into.ms = Math.round(performance.now() - started);
}

/** Everything that makes the run a failure, one line each. */
function problemsOf(tally: WorkloadTally, kinds: Record<Kind, KindFigures>, ingest: SoakResult['ingest'], consistency: SoakResult['consistency']): string[] {
  const problems: string[] = [];
  if (tally.serverErrorCount) problems.push(`${tally.serverErrorCount} answers with a 5xx, first: ${tally.serverErrors.map((e) => `${e.status} ${e.method} ${e.url}`).slice(0, 3).join('; ')}`);
  if (tally.networkErrorCount) problems.push(`${tally.networkErrorCount} requests without an answer, first: ${tally.networkErrors[0]?.body}`);
  if (tally.unexpectedCount) problems.push(`${tally.unexpectedCount} answers with an unexpected status, first: ${tally.unexpected.map((e) => `${e.status} ${e.method} ${e.url}`).slice(0, 3).join('; ')}`);
  if (ingest.error) problems.push(`the ingest failed: ${ingest.error}`);
  for (const [name, c] of [['before the ingest', consistency.before], ['after the ingest', consistency.after], ['at the end', consistency.atEnd]] as const) {
    if (!c) problems.push(`no check of the figures ${name}`);
    else if (!c.equal) problems.push(`the API's figures ${name} differ from the store's: ${[...c.errors, ...c.differences].slice(0, 3).join('; ')}`);
  }
  if (consistency.cleanRun && !consistency.cleanRun.equal) problems.push(`a clean re-derivation on the quiet store changes the figures: ${[...consistency.cleanRun.errors, ...consistency.cleanRun.differences].slice(0, 3).join('; ')}`);
  if (consistency.changedByIngest.length === 0) problems.push('the ingest changed no checked figure, so the check proves nothing');
  for (const kind of KINDS) if (!kinds[kind].byStatus[String(EXPECTED_STATUS[kind])]) problems.push(`no ${kind} request got its expected ${EXPECTED_STATUS[kind]}`);
  return problems;
}

/** The store's figures that the ingest moved (before it vs at the end), ignoring timestamps and the runs list. */
function changedByIngest(c: SoakResult['consistency']): string[] {
  if (!c.before || !c.atEnd) return [];
  const [a, b] = [c.before.direct, c.atEnd.direct];
  const ignore = [...TIMESTAMPS, 'ingest_runs'];
  return [...differences(a.stats, b.stats, { path: 'stats', max: 10, ignore }), ...differences(a.flows, b.flows, { path: 'flows', max: 10, ignore })];
}

function badAnswers(t: WorkloadTally): Pick<SoakResult, 'serverErrors' | 'serverErrorCount' | 'unexpected' | 'unexpectedCount' | 'networkErrors' | 'networkErrorCount'> {
  return { serverErrors: t.serverErrors, serverErrorCount: t.serverErrorCount, unexpected: t.unexpected, unexpectedCount: t.unexpectedCount, networkErrors: t.networkErrors, networkErrorCount: t.networkErrorCount };
}

/** Run the soak on an opened store that holds data with careers derived; it adds the users `alice` and `vera`. */
export async function runSoak(store: Store, o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => undefined);
  const rssStart = process.memoryUsage().rss;
  const workers = o.workers ?? 8;
  const ingestAt = o.ingestAtMs ?? Math.round(o.durationMs * 0.4);
  const warmupAt = Math.min(o.warmupMs ?? Math.min(Math.round(o.durationMs * 0.15), 30_000), ingestAt);
  const settle = o.settleMs ?? 1500;

  const { alice, vera, contacts } = await setUpTeam(store, o.contactsCsv ?? dataPath('demo', 'contacts.csv'));
  const targets = await findTargets(store, 'alice');
  const serverNotes: string[] = [];
  const { app, url } = await startServer(store, { host: '127.0.0.1', port: 0, web: false, rateLimit: false, log: (line) => (serverNotes.length < 50 && serverNotes.push(line), log(line)) });
  const base = url.replace(/\/$/, '');
  log(`soak on ${store.backend}: ${base}, ${workers} clients, ${(o.durationMs / 1000).toFixed(0)} s, ingest at ${(ingestAt / 1000).toFixed(0)} s; alice has ${contacts} contacts`);

  const tally = new WorkloadTally();
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  let stopped = false;
  let writesPaused = false;
  let rssMax = rssStart;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 1000);
  const clients = Array.from({ length: workers }, (_, id) =>
    runWorker({ base, id, targets, creds: { recruiter: alice, viewer: vera }, tally, t0, seed: o.seed ?? 1, stop: () => stopped, writesPaused: () => writesPaused }),
  );

  const ingest: SoakResult['ingest'] = { atMs: ingestAt, ms: 0, runId: null, records: 0, inserted: 0, error: null };
  const consistency: SoakResult['consistency'] = { before: null, after: null, atEnd: null, cleanRun: null, changedByIngest: [] };
  let rssWarm = rssStart;
  try {
    await sleep(warmupAt - elapsed());
    rssWarm = process.memoryUsage().rss;
    log(`warm-up done at ${(elapsed() / 1000).toFixed(1)} s: RSS ${mb(rssWarm)} MB, ${tally.byKind.get('stats')!.latency.count} stats calls so far`);
    await sleep(ingestAt - elapsed());
    consistency.before = await checkFigures(store, base, vera, CHECKED_FLOWS, elapsed());
    ingest.atMs = elapsed();
    await ingestLikeTheCli(store, o.ingest, ingest);
    // From here to the check only the data version may clear the response cache (a write would clear it too).
    writesPaused = true;
    log(`ingest of ${o.ingest.length} file(s) at ${(ingest.atMs / 1000).toFixed(1)} s took ${(ingest.ms / 1000).toFixed(1)} s${ingest.error ? `: FAILED ${ingest.error}` : `: run ${ingest.runId}, ${ingest.records} records`}`);
    await sleep(settle);
    consistency.after = await checkFigures(store, base, vera, CHECKED_FLOWS, elapsed());
    writesPaused = false;
    await sleep(o.durationMs - elapsed());
  } finally {
    stopped = true;
    await Promise.all(clients);
    clearInterval(sampler);
  }
  const ms = elapsed();
  let rssEnd: number;
  try {
    consistency.atEnd = await checkFigures(store, base, vera, CHECKED_FLOWS, ms);
    rssEnd = process.memoryUsage().rss;
  } finally {
    await app.close();
  }
  rssMax = Math.max(rssMax, rssEnd);
  consistency.cleanRun = await cleanRun(store, consistency.atEnd);
  consistency.changedByIngest = changedByIngest(consistency);

  const { kinds, byStatus, all, requests } = kindFigures(tally);
  const problems = problemsOf(tally, kinds, ingest, consistency);
  return {
    backend: store.backend,
    workers,
    ms,
    requests,
    perSecond: Math.round((requests / ms) * 1000),
    byStatus,
    kinds,
    latencyMs: all.summary(),
    ...badAnswers(tally),
    rssMb: { start: mb(rssStart), warm: mb(rssWarm), end: mb(rssEnd), max: mb(rssMax), endOverWarm: Math.round((rssEnd / rssWarm) * 100) / 100 },
    ingest,
    consistency,
    serverNotes,
    contacts,
    problems,
  };
}

/** A few lines for a person: throughput, latency, statuses, RSS, the ingest and the checks. */
export function soakSummary(r: SoakResult): string {
  const check = (c: FiguresCheck | null) => (c ? (c.equal ? 'equal' : `DIFFERENT (${[...c.errors, ...c.differences].slice(0, 2).join('; ')})`) : 'not run');
  return [
    `${r.backend}: ${r.requests.toLocaleString('en-US')} requests in ${(r.ms / 1000).toFixed(1)} s by ${r.workers} clients = ${r.perSecond} req/s; latency p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `statuses ${JSON.stringify(r.byStatus)}; 5xx ${r.serverErrorCount}, unexpected ${r.unexpectedCount}, no answer ${r.networkErrorCount}`,
    `RSS start ${r.rssMb.start} MB, after warm-up ${r.rssMb.warm} MB, end ${r.rssMb.end} MB (end/warm-up ${r.rssMb.endOverWarm}), max ${r.rssMb.max} MB`,
    `ingest at ${(r.ingest.atMs / 1000).toFixed(1)} s: ${r.ingest.error ? `FAILED ${r.ingest.error}` : `run ${r.ingest.runId}, ${r.ingest.records} records, ${r.ingest.inserted} new, ${(r.ingest.ms / 1000).toFixed(1)} s with refresh`}`,
    `API figures vs the store's: before the ingest ${check(r.consistency.before)}; after it ${check(r.consistency.after)}; at the end ${check(r.consistency.atEnd)}`,
    `a clean re-derivation at the end ${r.consistency.cleanRun ? (r.consistency.cleanRun.equal ? 'changes nothing' : `CHANGES ${[...r.consistency.cleanRun.errors, ...r.consistency.cleanRun.differences].slice(0, 2).join('; ')}`) : 'not run'}; the ingest changed ${r.consistency.changedByIngest.length} figures (${r.consistency.changedByIngest.slice(0, 3).map((d) => d.split(':')[0]).join(', ')}${r.consistency.changedByIngest.length > 3 ? ', …' : ''})`,
    r.problems.length ? `PROBLEMS:\n  ${r.problems.join('\n  ')}` : 'no problems',
  ].join('\n');
}
