/**
 * `atlas pull openreview venue <venue id>` and `atlas pull openreview profiles (--from-store | --ids FILE)`, from
 * OpenReview API v2 (api2.openreview.net), as openreview-py's client calls it:
 * - venue: `GET /notes?content.venueid=<id>&limit=<≤1000>&offset=<n>` (the accepted papers of a venue carry its
 *   venue id), one count call first (`limit=1&offset=0&select=id` → `count`), offset paging until a page is short
 *   or empty (or the count is reached); the notes go to the OpenReview reader.
 * - profiles: `POST /profiles/search {ids: [...]}` in batches of ≤ 1000 ids (openreview-py's batch), the id list
 *   kept in the job's query and the position in it in the job's state; ids OpenReview does not know are simply
 *   absent from the answer, so a job's records are the profiles found of its total asked.
 * OpenReview allows 500 calls an hour (`ratelimit-policy: 500;w=3600`): the default rate stays under it, and when
 * `x-ratelimit-remaining` reaches 0 the pull pauses until the window's reset.
 */
import { AtlasError } from '../../core/errors.ts';
import { createHttpClient, type HttpClient } from '../http/http-client.ts';
import type { Json, PullJob } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, stringOption, wholeOption, type PreparedPull, type PullContext, type Puller } from '../puller.ts';
import type { Page, PullPlan } from '../run-pull.ts';
import { credentialsFrom, openReviewSession, type OpenReviewSession } from './openreview-login.ts';
import { profileIdsFromFile, profileIdsFromStore } from './openreview-ids.ts';

export const OPENREVIEW_API = 'https://api2.openreview.net';
/** API v2 answers `limit` > 1000 with a 400 ValidationError ("limit must be <= 1000"). */
export const MAX_LIMIT = 1000;
/** openreview-py's search_profiles sends ids in batches of 1000. */
export const MAX_IDS_PER_CALL = 1000;
/** 500 calls per 3600 s window: one call every 8 s is 450 an hour, logins and count calls included. */
export const DEFAULT_RATE = 1 / 8;
/** Above this many calls (half an hour's allowance) a pull needs --yes. */
const CONFIRM_CALLS = 250;

interface VenueQuery {
  venueId: string;
  limit: number;
  baseUrl: string;
}
interface ProfilesQuery {
  ids: string[];
  batch: number;
  from: string;
  baseUrl: string;
}
type OffsetState = { offset: number };


function client(ctx: PullContext): HttpClient {
  const rate = Number(stringOption(ctx.values, 'rate') ?? DEFAULT_RATE);
  if (!Number.isFinite(rate) || rate <= 0) throw new AtlasError('BAD_ARGUMENT', '--rate must be a positive number of requests per second');
  const retries = wholeOption(ctx.values, 'retries', 20);
  return createHttpClient({
    source: 'OpenReview',
    requestsPerSecond: rate,
    userAgent: DEFAULT_USER_AGENT,
    ...(retries === null ? {} : { maxRetries: retries }),
    ...(ctx.onHttpEvent ? { onEvent: ctx.onHttpEvent } : {}),
  });
}

const baseUrlOf = (ctx: PullContext): string => (stringOption(ctx.values, 'base-url') ?? OPENREVIEW_API).replace(/\/+$/, '');

function notesUrl(q: VenueQuery, params: Record<string, string>): string {
  const u = new URL(`${q.baseUrl}/notes`);
  u.searchParams.set('content.venueid', q.venueId);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

interface NotesBody {
  notes?: unknown[];
  count?: number;
}

function listOf(body: unknown, key: 'notes' | 'profiles', url: string): unknown[] {
  const list = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) throw new AtlasError('REMOTE_ERROR', `OpenReview ${url}: the answer has no \`${key}\` list`);
  return list;
}

/** Stop before a call when the window's allowance is spent: the job pauses until the reset OpenReview stated. */
function budgetCheck(http: HttpClient, job: PullJob): void {
  const rl = http.stats.lastRateLimit;
  if (rl?.remaining === null || rl?.remaining === undefined || rl.remaining > 0) return;
  const at = rl.resetAt?.toISOString() ?? null;
  throw new AtlasError('BUDGET_EXHAUSTED', `OpenReview's allowance of ${rl.limit ?? '?'} calls an hour is spent: the pull stops here; resume after ${at ?? 'the window resets'} with \`atlas pull --resume ${job.id}\``, { details: { resumeAfter: at } });
}

async function prepareVenue(ctx: PullContext, args: readonly string[]): Promise<PreparedPull> {
  const venueId = args[1];
  if (!venueId) throw new AtlasError('BAD_ARGUMENT', 'say which venue: atlas pull openreview venue <venue id>, e.g. ICLR.cc/2024/Conference');
  if (args.length > 2) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${args[2]}" after the venue id`);
  if (/\s/.test(venueId) || !venueId.includes('/')) throw new AtlasError('BAD_ARGUMENT', `"${venueId}" is not an OpenReview venue id (like ICLR.cc/2024/Conference)`);
  const q: VenueQuery = { venueId, limit: wholeOption(ctx.values, 'limit', MAX_LIMIT) ?? MAX_LIMIT, baseUrl: baseUrlOf(ctx) };
  // One count call, as openreview-py makes it: a one-note page with the count of all.
  const session = openReviewSession(client(ctx), q.baseUrl, credentialsFrom(ctx));
  const r = await session.getJson<NotesBody>(notesUrl(q, { limit: '1', offset: '0', select: 'id' }));
  const total = r.body?.count;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) throw new AtlasError('REMOTE_ERROR', `OpenReview ${r.url}: the answer has no count`);
  if (total === 0) throw new AtlasError('NO_DATA', `OpenReview has no notes with venue id "${venueId}" (accepted papers carry the venue's id, e.g. ICLR.cc/2024/Conference; rejected ones …/Rejected_Submission)`);
  const calls = Math.ceil(total / q.limit);
  const state: OffsetState = { offset: 0 };
  return {
    kind: 'venue',
    query: q as unknown as Record<string, Json>,
    state,
    total,
    preview: {
      results: total,
      calls,
      costUsd: null,
      remainingUsd: null,
      needsConfirmation: calls > CONFIRM_CALLS,
      summary: `${total.toLocaleString('en-US')} notes of ${venueId} in about ${calls.toLocaleString('en-US')} calls${r.rateLimit?.remaining !== null && r.rateLimit?.remaining !== undefined ? ` (${r.rateLimit.remaining} of ${r.rateLimit.limit ?? '?'} calls left this hour)` : ''}`,
    },
  };
}

async function prepareProfiles(ctx: PullContext, args: readonly string[]): Promise<PreparedPull> {
  if (args.length > 1) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${args[1]}"; say whose profiles with --from-store or --ids FILE`);
  const file = stringOption(ctx.values, 'ids');
  const fromStore = ctx.values['from-store'] === true;
  if (fromStore === (file !== undefined)) throw new AtlasError('BAD_ARGUMENT', 'say whose profiles: atlas pull openreview profiles --from-store, or --ids FILE (one profile id a line)');
  const ids = file !== undefined ? await profileIdsFromFile(file) : await profileIdsFromStore(ctx.store);
  const batch = wholeOption(ctx.values, 'batch', MAX_IDS_PER_CALL) ?? MAX_IDS_PER_CALL;
  const q: ProfilesQuery = { ids, batch, from: file !== undefined ? `file ${file}` : 'store', baseUrl: baseUrlOf(ctx) };
  const calls = Math.ceil(ids.length / batch);
  const state: OffsetState = { offset: 0 };
  return {
    kind: 'profiles',
    query: q as unknown as Record<string, Json>,
    state,
    total: ids.length,
    preview: {
      results: ids.length,
      calls,
      costUsd: null,
      remainingUsd: null,
      needsConfirmation: calls > CONFIRM_CALLS,
      summary: `${ids.length.toLocaleString('en-US')} profile ids (from the ${q.from}) asked in ${calls.toLocaleString('en-US')} calls of ≤ ${batch}; ids OpenReview does not know are skipped`,
    },
  };
}

function venuePage(session: OpenReviewSession, q: VenueQuery, total: number | null) {
  return async (s: OffsetState): Promise<Page<OffsetState>> => {
    const r = await session.getJson<NotesBody>(notesUrl(q, { limit: String(q.limit), offset: String(s.offset) }));
    const notes = listOf(r.body, 'notes', r.url);
    const offset = s.offset + notes.length;
    const more = notes.length >= q.limit && (total === null || offset < total);
    return { records: notes, url: r.url, next: more ? { offset } : null };
  };
}

function profilesPage(session: OpenReviewSession, q: ProfilesQuery) {
  return async (s: OffsetState): Promise<Page<OffsetState>> => {
    const ids = q.ids.slice(s.offset, s.offset + q.batch);
    const r = await session.getJson(`${q.baseUrl}/profiles/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
    // One profile once, even when two of the ids asked are names of it.
    const seen = new Set<unknown>();
    const profiles = listOf(r.body, 'profiles', r.url).filter((p) => {
      const id = (p as { id?: unknown } | null)?.id;
      if (id !== undefined && seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const offset = s.offset + ids.length;
    // The same URL serves every batch: the fragment (never sent) says which ids this page asked for.
    return { records: profiles, url: `${r.url}#ids=${s.offset + 1}-${offset}`, next: offset < q.ids.length ? { offset } : null };
  };
}

export const openreviewPuller: Puller = {
  source: 'openreview',
  usage: `atlas pull openreview venue <venue id> [--limit N]      the notes (papers) of a venue, e.g. ICLR.cc/2024/Conference
  atlas pull openreview profiles (--from-store | --ids FILE) [--batch N]      profiles by id (~First_Last1)
      [--username NAME | $OPENREVIEW_USERNAME] with $OPENREVIEW_PASSWORD (API v2 answers only logged-in clients) [--base-url URL] [--rate N] [--retries N]
    notes by offset paging (limit ≤ ${MAX_LIMIT}); profiles in batches of ≤ ${MAX_IDS_PER_CALL} ids; 500 calls an hour: default rate one call every ${1 / DEFAULT_RATE} s`,
  options: {
    limit: { type: 'string' },
    batch: { type: 'string' },
    ids: { type: 'string' },
    'from-store': { type: 'boolean' },
    username: { type: 'string' },
    'base-url': { type: 'string' },
    rate: { type: 'string' },
    retries: { type: 'string' },
  },

  async prepare(ctx, args): Promise<PreparedPull> {
    if (args[0] === 'venue') return prepareVenue(ctx, args);
    if (args[0] === 'profiles') return prepareProfiles(ctx, args);
    throw new AtlasError('BAD_ARGUMENT', `say what to pull: atlas pull openreview venue <venue id> | profiles (--from-store | --ids FILE)${args[0] ? ` (not "${args[0]}")` : ''}`);
  },

  async plan(ctx, job): Promise<PullPlan<Json>> {
    const http = client(ctx);
    const credentials = credentialsFrom(ctx);
    // A resumed job keeps the API it started on unless this run names another (a test's replay server).
    const baseUrl = stringOption(ctx.values, 'base-url') ? baseUrlOf(ctx) : String(job.query['baseUrl'] ?? OPENREVIEW_API);
    const session = openReviewSession(http, baseUrl, credentials, () => budgetCheck(http, job));
    let pageAt: (s: OffsetState) => Promise<Page<OffsetState>>;
    if (job.kind === 'venue') pageAt = venuePage(session, { ...(job.query as unknown as VenueQuery), baseUrl }, job.total);
    else if (job.kind === 'profiles') pageAt = profilesPage(session, { ...(job.query as unknown as ProfilesQuery), baseUrl });
    else throw new AtlasError('BAD_ARGUMENT', `pull job ${job.id} is an OpenReview "${job.kind}" job, which this version cannot continue`);
    return {
      ingestSource: 'openreview',
      calls: () => http.stats.requests,
      rateLimit: () => http.stats.lastRateLimit,
      async fetchPage(state) {
        return (await pageAt(state as unknown as OffsetState)) as unknown as Page<Json>;
      },
    };
  },
};
