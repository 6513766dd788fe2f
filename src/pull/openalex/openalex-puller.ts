/**
 * `atlas pull openalex <works|authors|institutions>`: a filtered list pulled by cursor paging (`cursor=*`, then
 * `meta.next_cursor`, stopping on a null cursor or an empty page), one count call first to say what it will
 * cost, the API key and mailto sent on every call, the priced daily budget watched (`x-ratelimit-remaining-usd`
 * against the last call's cost). `--with-authors` then fetches the authors of the works pulled and the
 * institutions of those authors, by id batches (`filter=openalex:A…|A…`, ≤ 100 a call). The ids are gathered into
 * the job's id lists (pull_job_ids) with the pages that name them, and the job's position is the place in the
 * list, so a resumed job knows them exactly and the position stays small however many authors there are.
 */
import { AtlasError } from '../../core/errors.ts';
import { createHttpClient, type HttpClient } from '../http/http-client.ts';
import { jobIds, type Json, type PullJob } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, stringOption, wholeOption, type PreparedPull, type PullContext, type Puller, type PullPreview } from '../puller.ts';
import type { Page, PullPlan } from '../run-pull.ts';

export const OPENALEX_API = 'https://api.openalex.org';
const ENTITIES = ['works', 'authors', 'institutions'] as const;
type Entity = (typeof ENTITIES)[number];
/** OpenAlex documents per_page ≤ 100 (its server still takes 200); OR-ed filter values ≤ 100. */
export const MAX_PER_PAGE = 100;
export const MAX_IDS_PER_CALL = 100;
/** Above this many calls, or a tenth of the day's budget, a pull needs --yes. */
const CONFIRM_CALLS = 100;
/** OpenAlex's list price per call (2026), used when a response states no cost. */
const LIST_CALL_USD = 0.0001;

type ListState = { phase: 'list'; cursor: string; fetched: number };
/** Position in the job's id list of the phase (pull_job_ids): the `ord` of the last id asked. */
type IdsState = { phase: 'authors' | 'institutions'; after: number };
type State = ListState | IdsState;

interface Query {
  entity: Entity;
  filter: string | null;
  select: string | null;
  perPage: number;
  max: number | null;
  withAuthors: boolean;
  baseUrl: string;
}

const shortId = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v.replace(/^https?:\/\/openalex\.org\//, '') : null);


function client(ctx: PullContext): HttpClient {
  const rate = Number(stringOption(ctx.values, 'rate') ?? 5);
  if (!Number.isFinite(rate) || rate <= 0) throw new AtlasError('BAD_ARGUMENT', '--rate must be a positive number of requests per second');
  return createHttpClient({ source: 'OpenAlex', requestsPerSecond: rate, userAgent: DEFAULT_USER_AGENT, ...ctx.http, ...(ctx.onHttpEvent ? { onEvent: ctx.onHttpEvent } : {}) });
}

/** The secret and the contact e-mail, added to every URL; neither is stored (a job, a provenance URL: both redacted). */
function credentials(ctx: PullContext): URLSearchParams {
  const p = new URLSearchParams();
  const key = stringOption(ctx.values, 'api-key') ?? ctx.env['OPENALEX_API_KEY'];
  if (key) p.set('api_key', key);
  const mailto = stringOption(ctx.values, 'mailto') ?? ctx.env['OPENALEX_MAILTO'];
  if (mailto) p.set('mailto', mailto);
  return p;
}

function listUrl(q: Query, params: Record<string, string>, auth: URLSearchParams): string {
  const u = new URL(`${q.baseUrl.replace(/\/$/, '')}/${q.entity}`);
  if (q.filter) u.searchParams.set('filter', q.filter);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  for (const [k, v] of auth) u.searchParams.set(k, v);
  return u.toString();
}

interface ListBody {
  meta?: { count?: number; next_cursor?: string | null; cost_usd?: number };
  results?: unknown[];
}

function resultsOf(body: ListBody, url: string): unknown[] {
  if (!body || typeof body !== 'object' || !Array.isArray(body.results)) throw new AtlasError('REMOTE_ERROR', `OpenAlex ${url}: the answer has no \`results\` list`);
  return body.results;
}

/** The select list must keep the fields the reader keys records by. */
function withRequiredFields(select: string | null): string | null {
  if (!select) return null;
  const fields = new Set(select.split(',').map((s) => s.trim()).filter(Boolean));
  for (const f of ['id', 'updated_date']) fields.add(f);
  return [...fields].join(',');
}

function readQuery(job: PullJob): Query {
  return job.query as unknown as Query;
}

export const openalexPuller: Puller = {
  source: 'openalex',
  usage: `atlas pull openalex <works|authors|institutions> [--filter F] [--select FIELDS] [--max N] [--per-page N] [--with-authors]
      [--api-key KEY | $OPENALEX_API_KEY] [--mailto ADDRESS | $OPENALEX_MAILTO] [--base-url URL] [--rate N]
    cursor paging through the whole result; a count call first (above ${CONFIRM_CALLS} calls or a tenth of the day's budget, --yes is needed);
    --with-authors: then the authors of the works pulled, and their institutions (id batches of ${MAX_IDS_PER_CALL})`,
  options: {
    filter: { type: 'string' },
    select: { type: 'string' },
    max: { type: 'string' },
    'per-page': { type: 'string' },
    'with-authors': { type: 'boolean' },
    'api-key': { type: 'string' },
    mailto: { type: 'string' },
    'base-url': { type: 'string' },
    rate: { type: 'string' },
  },

  async prepare(ctx, args): Promise<PreparedPull> {
    const entity = args[0];
    if (!entity || !(ENTITIES as readonly string[]).includes(entity)) throw new AtlasError('BAD_ARGUMENT', `say what to pull: atlas pull openalex works|authors|institutions --filter …${entity ? ` (not "${entity}")` : ''}`);
    if (args.length > 1) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${args[1]}"; give the filter with --filter`);
    const withAuthors = ctx.values['with-authors'] === true;
    if (withAuthors && entity !== 'works') throw new AtlasError('BAD_ARGUMENT', '--with-authors goes with `atlas pull openalex works`');
    const q: Query = {
      entity: entity as Entity,
      filter: stringOption(ctx.values, 'filter') ?? null,
      select: withRequiredFields(stringOption(ctx.values, 'select') ?? null),
      perPage: wholeOption(ctx.values, 'per-page', MAX_PER_PAGE) ?? MAX_PER_PAGE,
      max: wholeOption(ctx.values, 'max'),
      withAuthors,
      baseUrl: stringOption(ctx.values, 'base-url') ?? OPENALEX_API,
    };
    if (withAuthors && q.select && !q.select.split(',').includes('authorships')) throw new AtlasError('BAD_ARGUMENT', '--with-authors needs the works\' authorships: add authorships to --select');
    // One count call: how many results, so how many calls and how much of the day's budget.
    const http = client(ctx);
    const count = await http.getJson<ListBody>(listUrl(q, { per_page: '1', select: 'id' }, credentials(ctx)));
    const total = Number(count.body.meta?.count ?? NaN);
    if (!Number.isFinite(total)) throw new AtlasError('REMOTE_ERROR', `OpenAlex ${count.url}: the answer has no meta.count`);
    const results = q.max === null ? total : Math.min(total, q.max);
    const calls = Math.ceil(results / q.perPage) + 1;
    const perCall = count.rateLimit?.costUsd ?? count.body.meta?.cost_usd ?? LIST_CALL_USD;
    const costUsd = calls * perCall;
    const remainingUsd = count.rateLimit?.remainingUsd ?? null;
    const preview: PullPreview = {
      results,
      calls,
      costUsd,
      remainingUsd,
      needsConfirmation: calls > CONFIRM_CALLS || (remainingUsd !== null && costUsd > remainingUsd / 10),
      summary: `${results.toLocaleString('en-US')} ${q.entity}${q.max !== null && total > q.max ? ` (of ${total.toLocaleString('en-US')})` : ''} in about ${calls.toLocaleString('en-US')} calls ≈ $${costUsd.toFixed(4)}${remainingUsd === null ? '' : ` of $${remainingUsd.toFixed(4)} left today`}${withAuthors ? ', then their authors and institutions' : ''}`,
    };
    const state: ListState = { phase: 'list', cursor: '*', fetched: 0 };
    return { kind: q.entity, query: q as unknown as Record<string, Json>, state: state as unknown as Json, total: results, preview };
  },

  async plan(ctx, job): Promise<PullPlan<Json>> {
    const q = readQuery(job);
    const http = client(ctx);
    const auth = credentials(ctx);
    const budgetCheck = (): void => {
      const rl = http.stats.lastRateLimit;
      if (rl?.remainingUsd !== null && rl?.remainingUsd !== undefined && rl.remainingUsd < (rl.costUsd ?? LIST_CALL_USD)) {
        const at = rl.resetAt?.toISOString() ?? null;
        throw new AtlasError('BUDGET_EXHAUSTED', `OpenAlex's daily budget is spent ($${rl.remainingUsd.toFixed(4)} left): the pull stops here; resume after ${at ?? 'the daily reset'} with \`atlas pull --resume ${job.id}\``, { details: { resumeAfter: at } });
      }
    };

    async function listPage(s: ListState): Promise<Page<State>> {
      const params: Record<string, string> = { per_page: String(q.perPage), cursor: s.cursor };
      if (q.select) params['select'] = q.select;
      const r = await http.getJson<ListBody>(listUrl(q, params, auth));
      let records = resultsOf(r.body, r.url);
      if (q.max !== null && s.fetched + records.length > q.max) records = records.slice(0, q.max - s.fetched);
      const fetched = s.fetched + records.length;
      const cursor = r.body.meta?.next_cursor ?? null;
      const more = cursor !== null && records.length > 0 && (q.max === null || fetched < q.max);
      const next: State | null = more ? { phase: 'list', cursor, fetched } : q.withAuthors ? { phase: 'authors', after: 0 } : null;
      // The last list page lands before the authors phase reads the list it completes.
      return { records, url: r.url, next, total: job.total, ...(q.withAuthors ? { ids: { authors: authorIds(records) }, flush: !more } : {}) };
    }

    async function idsPage(s: IdsState): Promise<Page<State> | null> {
      const { ids, last } = await jobIds(ctx.store, job.id, s.phase, s.after, MAX_IDS_PER_CALL);
      if (ids.length === 0) return s.phase === 'authors' ? idsPage({ phase: 'institutions', after: 0 }) : null;
      const u = new URL(`${q.baseUrl.replace(/\/$/, '')}/${s.phase}`);
      u.searchParams.set('filter', `openalex:${ids.join('|')}`);
      u.searchParams.set('per_page', String(MAX_IDS_PER_CALL));
      for (const [k, v] of auth) u.searchParams.set(k, v);
      const r = await http.getJson<ListBody>(u.toString());
      const records = resultsOf(r.body, r.url);
      const full = ids.length === MAX_IDS_PER_CALL;
      const next: State | null = full ? { phase: s.phase, after: last } : s.phase === 'authors' ? { phase: 'institutions', after: 0 } : null;
      return { records, url: r.url, next, ...(s.phase === 'authors' ? { ids: { institutions: institutionIds(records) }, flush: !full } : {}) };
    }

    return {
      ingestSource: 'openalex',
      calls: () => http.stats.requests,
      rateLimit: () => http.stats.lastRateLimit,
      async fetchPage(state) {
        budgetCheck();
        const s = state as unknown as State;
        const page = s.phase === 'list' ? await listPage(s) : await idsPage(s);
        return page as unknown as Page<Json>;
      },
    };
  },
};

function authorIds(works: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const w of works) {
    const authorships = (w as { authorships?: Array<{ author?: { id?: unknown } }> }).authorships;
    for (const a of Array.isArray(authorships) ? authorships : []) {
      const id = shortId(a?.author?.id);
      if (id?.startsWith('A')) out.push(id);
    }
  }
  return out;
}

function institutionIds(authors: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const a of authors) {
    const o = a as { last_known_institutions?: Array<{ id?: unknown }>; affiliations?: Array<{ institution?: { id?: unknown } }> };
    for (const i of Array.isArray(o.last_known_institutions) ? o.last_known_institutions : []) {
      const id = shortId(i?.id);
      if (id?.startsWith('I')) out.push(id);
    }
    for (const x of Array.isArray(o.affiliations) ? o.affiliations : []) {
      const id = shortId(x?.institution?.id);
      if (id?.startsWith('I')) out.push(id);
    }
  }
  return out;
}
