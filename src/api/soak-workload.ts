/**
 * The soak test's request mix (soak.ts): concurrent workers that call a running server over real HTTP as a
 * recruiter (reads, intro and broker queries, shortlist writes), as a viewer (aggregates, and routes above the
 * role, which must answer 403), without a key (401) and for people who do not exist (404). Every answer is
 * counted by kind and status in constant memory, so a long soak does not grow the process it measures.
 */
import { STAGES } from '../teams/shortlists.ts';
import { prng } from '../core/prng.ts';

export const KINDS = [
  'stats',
  'flows',
  'profile',
  'search',
  'intro',
  'brokers',
  'shortlist-create',
  'shortlist-add',
  'shortlist-stage',
  'shortlist-board',
  'viewer-read',
  'viewer-denied',
  'no-key',
  'not-found',
] as const;
export type Kind = (typeof KINDS)[number];

/** The status each kind is meant to get; anything else is unexpected (a 5xx is a failure whatever the kind). */
export const EXPECTED_STATUS: Record<Kind, number> = {
  stats: 200,
  flows: 200,
  profile: 200,
  search: 200,
  intro: 200,
  brokers: 200,
  'shortlist-create': 200,
  'shortlist-add': 200,
  'shortlist-stage': 200,
  'shortlist-board': 200,
  'viewer-read': 200,
  'viewer-denied': 403,
  'no-key': 401,
  'not-found': 404,
};

/** What the workers pick from: people, intro targets and search words found in the store before the run. */
export interface WorkloadTargets {
  profiles: readonly string[];
  introTargets: readonly string[];
  searchWords: readonly string[];
  /** Flows URLs the consistency check reads too: the load keeps them in the response cache. */
  checkedUrls: readonly string[];
}

export interface Credentials {
  recruiter: string;
  viewer: string;
}

/** Latencies in logarithmic buckets 1 % apart, from 0.01 ms to ~2 h: percentiles without keeping every sample. */
export class LatencyHistogram {
  private static readonly STEP = Math.log(1.01);
  private readonly buckets = new Uint32Array(2400);
  count = 0;
  max = 0;

  add(ms: number): void {
    const i = Math.min(this.buckets.length - 1, Math.max(0, Math.ceil(Math.log(Math.max(ms, 0.01) / 0.01) / LatencyHistogram.STEP)));
    this.buckets[i]! += 1;
    this.count += 1;
    if (ms > this.max) this.max = ms;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i]! += other.buckets[i]!;
    this.count += other.count;
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile (0–1) in ms, to 1 % (the bucket's upper edge, never above the largest sample). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return Math.min(this.max, 0.01 * Math.exp(i * LatencyHistogram.STEP));
    }
    return this.max;
  }

  summary(): LatencySummary {
    const r = (x: number) => Math.round(x * 100) / 100;
    return { p50: r(this.quantile(0.5)), p95: r(this.quantile(0.95)), p99: r(this.quantile(0.99)), max: r(this.max) };
  }
}

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** A request that went wrong, kept for the report (at most MAX_KEPT of each sort). */
export interface BadAnswer {
  kind: Kind;
  method: string;
  url: string;
  status: number | null;
  body: string;
  atMs: number;
}

const MAX_KEPT = 50;

/** Counts of one run, shared by all workers. */
export class WorkloadTally {
  readonly byKind = new Map<Kind, { statuses: Map<number, number>; latency: LatencyHistogram }>(KINDS.map((k) => [k, { statuses: new Map(), latency: new LatencyHistogram() }]));
  readonly serverErrors: BadAnswer[] = [];
  readonly unexpected: BadAnswer[] = [];
  readonly networkErrors: BadAnswer[] = [];
  serverErrorCount = 0;
  unexpectedCount = 0;
  networkErrorCount = 0;

  record(kind: Kind, status: number, ms: number): void {
    const k = this.byKind.get(kind)!;
    k.statuses.set(status, (k.statuses.get(status) ?? 0) + 1);
    k.latency.add(ms);
  }

  keep(list: BadAnswer[], a: BadAnswer): void {
    if (list.length < MAX_KEPT) list.push(a);
  }
}

interface Call {
  kind: Kind;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  key: string | null;
  body?: object;
  /** Called with the parsed JSON of a 2xx answer. */
  onOk?: (json: unknown) => void;
}


const MIX: Array<[Exclude<Kind, `shortlist-${string}`> | 'pipeline', number]> = [
  ['stats', 8], ['flows', 14], ['profile', 16], ['search', 10], ['intro', 12], ['brokers', 5],
  ['pipeline', 14], ['viewer-read', 10], ['viewer-denied', 5], ['no-key', 3], ['not-found', 3],
];
const MIX_TOTAL = MIX.reduce((t, [, w]) => t + w, 0);
const LIST_SIZE = 12;
const enc = encodeURIComponent;

/** One worker's shortlist: its own, so that its writes never conflict with another worker's. */
interface PipelineState {
  list: string | null;
  lists: number;
  members: Map<string, number>;
}

export interface WorkerOptions {
  base: string;
  id: number;
  targets: WorkloadTargets;
  creds: Credentials;
  tally: WorkloadTally;
  /** performance.now() when the run began, for the times of bad answers. */
  t0: number;
  seed: number;
  /** The worker ends after the request in flight once this says so. */
  stop: () => boolean;
  /**
   * While this says so, pipeline calls only read (every write clears the server's response cache, so a check of
   * the cache against the data must be made while nothing but the data version can clear it).
   */
  writesPaused: () => boolean;
}

/** One client: calls the server one request at a time until `stop()` says so. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const { base, id, targets, creds, tally, t0 } = o;
  const rnd = prng(o.seed * 7919 + id);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const state: PipelineState = { list: null, lists: 0, members: new Map() };
  const flowUrls = [...targets.checkedUrls, '/api/flows?from=2020&to=2024', '/api/flows?level=institution&limit=20', '/api/flows?origin=US', '/api/flows?from=2015&to=2025&limit=5&offset=5'];
  const viewerUrls = ['/api/stats', ...targets.checkedUrls, '/api/net-rates', '/api/cohort', '/api/ingest-runs', '/api/countries', '/api/me'];

  const pipelineCall = (force?: 'add' | 'stage' | 'board'): Call => {
    if (o.writesPaused()) return { kind: 'shortlist-board', method: 'GET', url: state.list ? `/api/shortlists/${enc(state.list)}` : '/api/shortlists', key: creds.recruiter };
    if (state.list === null || state.members.size >= LIST_SIZE) {
      const name = `soak ${id}-${++state.lists}`;
      return { kind: 'shortlist-create', method: 'POST', url: '/api/shortlists', key: creds.recruiter, body: { name }, onOk: (j) => {
        state.list = (j as { shortlist_id: string }).shortlist_id;
        state.members.clear();
      } };
    }
    const list = enc(state.list);
    const r = force === 'add' ? 0 : force === 'stage' ? 0.5 : force === 'board' ? 1 : rnd();
    const free = targets.profiles.filter((p) => !state.members.has(p));
    if (r < 0.4 && free.length) {
      const person = pick(free);
      return { kind: 'shortlist-add', method: 'POST', url: `/api/shortlists/${list}/people`, key: creds.recruiter, body: { person, note: `soak worker ${id}` }, onOk: () => state.members.set(person, 0) };
    }
    if (r < 0.85 && state.members.size) {
      const person = pick([...state.members.keys()]);
      const next = ((state.members.get(person) ?? 0) + 1) % STAGES.length;
      return { kind: 'shortlist-stage', method: 'PATCH', url: `/api/shortlists/${list}/people/${enc(person)}`, key: creds.recruiter, body: { stage: STAGES[next] }, onOk: () => state.members.set(person, next) };
    }
    return { kind: 'shortlist-board', method: 'GET', url: `/api/shortlists/${list}`, key: creds.recruiter };
  };

  const randomKind = (): (typeof MIX)[number][0] => {
    let x = rnd() * MIX_TOTAL;
    return (MIX.find(([, w]) => (x -= w) < 0) ?? MIX[0]!)[0];
  };
  // Each worker opens with one call of every kind (the pipeline's create, add, move and board in turn), so a short
  // run on a slow machine still exercises them all; then the weighted mix.
  const opening: Array<() => Call> = MIX.flatMap(([kind]) =>
    kind === 'pipeline' ? [() => pipelineCall(), () => pipelineCall('add'), () => pipelineCall('stage'), () => pipelineCall('board')] : [() => nextCall(kind)],
  );
  const nextCall = (kind = randomKind()): Call => {
    const who = rnd() < 0.5 ? creds.recruiter : creds.viewer;
    switch (kind) {
      case 'stats': return { kind, method: 'GET', url: '/api/stats', key: who };
      case 'flows': return { kind, method: 'GET', url: pick(flowUrls), key: who };
      case 'profile': return { kind, method: 'GET', url: `/api/people/${enc(pick(targets.profiles))}`, key: creds.recruiter };
      case 'search': return { kind, method: 'GET', url: `/api/search?q=${enc(pick(targets.searchWords))}${rnd() < 0.3 ? '&limit=5' : ''}`, key: creds.recruiter };
      case 'intro': return { kind, method: 'GET', url: `/api/intro?target=${enc(pick(targets.introTargets))}${rnd() < 0.3 ? '&k=3' : ''}`, key: creds.recruiter };
      case 'brokers': {
        const ids = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(targets.introTargets));
        return { kind, method: 'GET', url: `/api/brokers?ids=${enc([...new Set(ids)].join(','))}`, key: creds.recruiter };
      }
      case 'pipeline': return pipelineCall();
      case 'viewer-read': return { kind, method: 'GET', url: pick(viewerUrls), key: creds.viewer };
      case 'viewer-denied': {
        const urls = [`/api/people/${enc(pick(targets.profiles))}`, `/api/intro?target=${enc(pick(targets.introTargets))}`, '/api/shortlists', `/api/search?q=${enc(pick(targets.searchWords))}`];
        return { kind, method: 'GET', url: pick(urls), key: creds.viewer };
      }
      case 'no-key': return { kind, method: 'GET', url: pick(['/api/stats', targets.checkedUrls[0] ?? '/api/flows']), key: null };
      default: return { kind: 'not-found', method: 'GET', url: `/api/people/${enc(`openreview:~Nobody_Soak${Math.floor(rnd() * 1000)}`)}`, key: creds.recruiter };
    }
  };

  while (!o.stop()) {
    const call = (opening.shift() ?? nextCall)();
    const started = performance.now();
    try {
      const res = await fetch(base + call.url, {
        method: call.method,
        headers: { ...(call.key ? { authorization: `Bearer ${call.key}` } : {}), ...(call.body ? { 'content-type': 'application/json' } : {}) },
        ...(call.body ? { body: JSON.stringify(call.body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      const ms = performance.now() - started;
      tally.record(call.kind, res.status, ms);
      const bad = (): BadAnswer => ({ kind: call.kind, method: call.method, url: call.url, status: res.status, body: text.slice(0, 300), atMs: Math.round(performance.now() - t0) });
      if (res.status >= 500) {
        tally.serverErrorCount++;
        tally.keep(tally.serverErrors, bad());
      } else if (res.status !== EXPECTED_STATUS[call.kind]) {
        tally.unexpectedCount++;
        tally.keep(tally.unexpected, bad());
      } else if (res.ok && call.onOk) call.onOk(JSON.parse(text));
    } catch (e) {
      tally.networkErrorCount++;
      tally.keep(tally.networkErrors, { kind: call.kind, method: call.method, url: call.url, status: null, body: e instanceof Error ? `${e.name}: ${e.message}` : String(e), atMs: Math.round(performance.now() - t0) });
    }
  }
}
