/**
 * `atlas pull orcid (--from-store | --ids FILE)`: ORCID records from the public API (pub.orcid.org), one call per
 * iD: `GET /v3.0/<iD>/record` (or, with `--api-version 2.0`, `GET /v2.0/<iD>`), `Accept: application/json`. The
 * iD list is kept in the job's query and the position in it in the job's state, so a resumed job asks for the
 * iDs after the last landed one and no other. Each record goes to the ORCID reader as one document (the page file
 * holds the record as received), which reads names, the iD, employments and educations — never e-mails.
 * - An iD ORCID does not know (404), or whose record is deactivated, locked or unclaimed (409), or gone (410), is
 *   skipped: an empty page, not a failure. A deprecated iD is answered by a 301 to its primary record, which the
 *   client follows: the record lands under the primary iD.
 * - ORCID allows 24 requests a second (bursts of 40) per IP to the public API: the default is a polite 8 a
 *   second, `--rate` up to 24. 429/503 (with Retry-After), 5xx, resets and cut bodies are retried.
 * - No token is needed for public reads; when `$ORCID_ACCESS_TOKEN` is set (a /read-public token) it is sent as a
 *   Bearer header, and never stored in the job.
 */
import { AtlasError } from '../../core/errors.ts';
import { createHttpClient, type HttpClient, type JsonResponse } from '../http/http-client.ts';
import { redactUrl } from '../http/rate-limit.ts';
import type { Json } from '../jobs/pull-jobs.ts';
import { DEFAULT_USER_AGENT, stringOption, wholeOption, type PreparedPull, type PullContext, type Puller } from '../puller.ts';
import type { Page, PullPlan } from '../run-pull.ts';
import { orcidIdsFromFile, orcidIdsFromStore } from './orcid-ids.ts';

export const ORCID_PUBLIC_API = 'https://pub.orcid.org';
export const API_VERSIONS = ['3.0', '2.0'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
/** ORCID's documented public API limit: 24 requests a second per IP, bursts of 40. */
export const MAX_RATE = 24;
/** A third of the limit: other clients on the same IP keep room. */
export const DEFAULT_RATE = 8;
/** Above this many calls (over ten minutes at the default rate) a pull needs --yes. */
export const CONFIRM_CALLS = 5000;
/** Statuses that say "no public record for this iD" (unknown, deactivated/locked/unclaimed, gone): the iD is skipped. */
export const SKIPPED_STATUSES: readonly number[] = [404, 409, 410];

export interface OrcidQuery {
  ids: string[];
  from: string;
  baseUrl: string;
  apiVersion: ApiVersion;
}
type OffsetState = { offset: number };


function rateOf(ctx: PullContext): number {
  const raw = stringOption(ctx.values, 'rate');
  const rate = Number(raw ?? DEFAULT_RATE);
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE) throw new AtlasError('BAD_ARGUMENT', `--rate must be a positive number of requests per second, at most ${MAX_RATE} (ORCID's public API limit), not "${raw}"`);
  return rate;
}

function apiVersionOf(ctx: PullContext): ApiVersion {
  const v = stringOption(ctx.values, 'api-version') ?? '3.0';
  const known = API_VERSIONS.find((x) => x === v);
  if (!known) throw new AtlasError('BAD_ARGUMENT', `--api-version must be ${API_VERSIONS.join(' or ')} (the ORCID reader reads both), not "${v}"`);
  return known;
}

function client(ctx: PullContext): HttpClient {
  const rate = rateOf(ctx);
  const retries = wholeOption(ctx.values, 'retries', 20);
  const token = ctx.env['ORCID_ACCESS_TOKEN'];
  return createHttpClient({
    source: 'ORCID',
    requestsPerSecond: rate,
    userAgent: DEFAULT_USER_AGENT,
    // Without it ORCID answers XML; the token (when given) only ever travels in this header.
    headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...ctx.http,
    ...(retries === null ? {} : { maxRetries: retries }),
    ...(ctx.onHttpEvent ? { onEvent: ctx.onHttpEvent } : {}),
  });
}

const baseUrlOf = (ctx: PullContext): string => (stringOption(ctx.values, 'base-url') ?? ORCID_PUBLIC_API).replace(/\/+$/, '');

/** The record's URL for one iD: `/v3.0/<iD>/record`, or `/v2.0/<iD>` (the full record as v2.0 gives it). */
export function recordUrl(baseUrl: string, apiVersion: ApiVersion, id: string): string {
  return apiVersion === '2.0' ? `${baseUrl}/v2.0/${id}` : `${baseUrl}/v3.0/${id}/record`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function recordsPage(http: HttpClient, q: OrcidQuery) {
  return async (s: OffsetState): Promise<Page<OffsetState>> => {
    const id = q.ids[s.offset];
    if (id === undefined) throw new AtlasError('BAD_ARGUMENT', `the job's position ${s.offset} is past its ${q.ids.length} iDs`);
    const url = recordUrl(q.baseUrl, q.apiVersion, id);
    const next = s.offset + 1 < q.ids.length ? { offset: s.offset + 1 } : null;
    let r: JsonResponse<unknown>;
    try {
      r = await http.getJson(url);
    } catch (e) {
      // No public record for this iD: an empty page (its URL still listed with the job), and on to the next.
      if (e instanceof AtlasError && e.code === 'REMOTE_ERROR' && SKIPPED_STATUSES.includes(Number(e.details?.['status']))) return { records: [], url: redactUrl(url), next };
      throw e;
    }
    const record = r.body;
    if (!isObj(record) || !('orcid-identifier' in record)) {
      throw new AtlasError('REMOTE_ERROR', `ORCID ${r.url}: the answer is not an ORCID record (no orcid-identifier)`, { details: { url: r.url } });
    }
    // The record as received, one document a file; a deprecated iD's primary record lands under its own iD.
    return { records: [record], document: record, url: r.url, next };
  };
}

export const orcidPuller: Puller = {
  source: 'orcid',
  batchPages: 50,
  usage: `atlas pull orcid (--from-store | --ids FILE) [--api-version 3.0|2.0]      ORCID records by iD (one a line, bare or https://orcid.org/…)
      [--base-url URL] [--rate N] [--retries N]; $ORCID_ACCESS_TOKEN (optional) is sent as a Bearer token
    one call per iD (GET /v3.0/<iD>/record, or /v2.0/<iD>); iDs ORCID has no public record for (404, 409, 410) are skipped;
    ORCID allows ${MAX_RATE} calls a second: default rate ${DEFAULT_RATE} a second; above ${CONFIRM_CALLS.toLocaleString('en-US')} calls --yes is needed`,
  options: {
    ids: { type: 'string' },
    'from-store': { type: 'boolean' },
    'api-version': { type: 'string' },
    'base-url': { type: 'string' },
    rate: { type: 'string' },
    retries: { type: 'string' },
  },

  async prepare(ctx, args): Promise<PreparedPull> {
    if (args.length > 0) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${args[0]}"; say whose records with --from-store or --ids FILE`);
    const file = stringOption(ctx.values, 'ids');
    const fromStore = ctx.values['from-store'] === true;
    if (fromStore === (file !== undefined)) throw new AtlasError('BAD_ARGUMENT', 'say whose records: atlas pull orcid --from-store, or --ids FILE (one ORCID iD a line)');
    // Options are checked before the file or the store is read.
    const apiVersion = apiVersionOf(ctx);
    const rate = rateOf(ctx);
    wholeOption(ctx.values, 'retries', 20);
    const ids = file !== undefined ? await orcidIdsFromFile(file) : await orcidIdsFromStore(ctx.store);
    const q: OrcidQuery = { ids, from: file !== undefined ? `file ${file}` : 'store', baseUrl: baseUrlOf(ctx), apiVersion };
    const calls = ids.length;
    const state: OffsetState = { offset: 0 };
    return {
      kind: 'records',
      query: q as unknown as Record<string, Json>,
      state,
      total: ids.length,
      preview: {
        results: ids.length,
        calls,
        costUsd: null,
        remainingUsd: null,
        needsConfirmation: calls > CONFIRM_CALLS,
        summary: `${ids.length.toLocaleString('en-US')} ORCID iDs (from the ${q.from}) in ${calls.toLocaleString('en-US')} calls to API v${apiVersion}, about ${duration(calls / rate)} at ${rate} a second; iDs without a public record (404, 409, 410) are skipped`,
      },
    };
  },

  async plan(ctx, job): Promise<PullPlan<Json>> {
    if (job.kind !== 'records') throw new AtlasError('BAD_ARGUMENT', `pull job ${job.id} is an ORCID "${job.kind}" job, which this version cannot continue`);
    const http = client(ctx);
    const stored = job.query as unknown as OrcidQuery;
    // A resumed job keeps the API it started on unless this run names another (a test's replay server); its
    // API version is the job's, whatever this run says.
    const baseUrl = stringOption(ctx.values, 'base-url') ? baseUrlOf(ctx) : String(stored.baseUrl ?? ORCID_PUBLIC_API);
    const pageAt = recordsPage(http, { ...stored, apiVersion: stored.apiVersion === '2.0' ? '2.0' : '3.0', baseUrl });
    return {
      ingestSource: 'orcid',
      calls: () => http.stats.requests,
      rateLimit: () => http.stats.lastRateLimit,
      async fetchPage(state) {
        return (await pageAt(state as unknown as OffsetState)) as unknown as Page<Json>;
      },
    };
  },
};
