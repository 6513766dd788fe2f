/**
 * One polite HTTP client per source: a rate limiter (bottleneck: at most N requests a second, one at a time),
 * bounded retries of 429, 5xx, timeouts, resets and truncated bodies (p-retry: Retry-After when the server
 * gives one, else exponential backoff with jitter), and JSON bodies checked before anyone sees them — an HTML
 * page, a truncated or non-JSON body is an error naming the URL, never data. A wait longer than the caller
 * accepts (an exhausted daily budget) stops with BUDGET_EXHAUSTED and the time to resume.
 */
import Bottleneck from 'bottleneck';
import pRetry, { AbortError } from 'p-retry';
import { AtlasError } from '../../core/errors.ts';
import { readRateLimit, redactUrl, retryAfterMs, type RateLimit } from './rate-limit.ts';

export interface HttpClientOptions {
  /** The source's name, for messages ("OpenAlex"). */
  source: string;
  requestsPerSecond: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Per attempt, headers to end of body (default 30 s). */
  timeoutMs?: number;
  /** First backoff step (default 1 s); doubled each retry, times a random factor in [1, 2). */
  minBackoffMs?: number;
  /** A 429 asking for a longer wait than this stops the pull (BUDGET_EXHAUSTED) instead of sleeping (default 120 s). */
  maxWaitSeconds?: number;
  userAgent: string;
  headers?: Record<string, string>;
  onEvent?: (e: HttpEvent) => void;
}

export type HttpEvent =
  | { kind: 'response'; url: string; status: number; ms: number; rateLimit: RateLimit | null }
  | { kind: 'retry'; url: string; attempt: number; reason: string; waitMs: number };

export interface RequestInit {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface JsonResponse<T> {
  /** The URL asked, secrets redacted: what provenance stores. */
  url: string;
  status: number;
  headers: Headers;
  body: T;
  rateLimit: RateLimit | null;
}

export interface HttpStats {
  requests: number;
  retries: number;
  lastRateLimit: RateLimit | null;
}

export interface HttpClient {
  getJson<T = unknown>(url: string, init?: RequestInit): Promise<JsonResponse<T>>;
  /** A response whose status is 2xx, for streaming downloads; statuses are retried as getJson does, the body is the caller's. */
  fetchOk(url: string, init?: RequestInit & { signal?: AbortSignal }): Promise<Response>;
  readonly stats: HttpStats;
}

/** A failure worth another attempt (429, 5xx, a reset, a timeout, a truncated body); waitMs is the server's Retry-After. */
class Transient extends Error {
  constructor(message: string, readonly waitMs: number | null = null) {
    super(message);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** OpenReview's (Cloudflare-style) challenge page, served with status 200 to a client without a login. */
const BROWSER_CHECK = /verifying (that )?you|verify(ing)? your browser|challenge-platform|cf-chl|just a moment/i;

function errorText(body: string): string {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    const parts = [j['error'], j['message'], j['name'], j['developer-message']].filter((x): x is string => typeof x === 'string');
    if (parts.length) return parts.join(': ');
  } catch {
    // fall through to the raw text
  }
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / options.requestsPerSecond) });
  const stats: HttpStats = { requests: 0, retries: 0, lastRateLimit: null };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWaitMs = (options.maxWaitSeconds ?? 120) * 1000;
  const name = options.source;

  /** One attempt, through the limiter: the response with its status checked (2xx), or a thrown Transient / AbortError. */
  async function attempt(url: string, shown: string, init: RequestInit & { signal?: AbortSignal }, readBody: boolean): Promise<{ res: Response; text: string }> {
    return limiter.schedule(async () => {
      stats.requests++;
      const started = Date.now();
      // The timeout covers the headers and, for JSON, the whole body; a streamed download's body is the caller's to time.
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timer.signal]) : timer.signal;
      let res: Response;
      let text = '';
      try {
        res = await fetch(url, {
          method: init.method ?? 'GET',
          headers: { 'user-agent': options.userAgent, accept: 'application/json', ...options.headers, ...init.headers },
          ...(init.body === undefined ? {} : { body: init.body }),
          signal,
        });
        if (readBody || !res.ok) text = await res.text();
      } catch (e) {
        const why = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError') ? `no complete answer within ${timeoutMs / 1000} s` : `connection failed (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`;
        throw new Transient(`${name} ${shown}: ${why}`);
      } finally {
        clearTimeout(timeout);
      }
      const rateLimit = readRateLimit(res.headers);
      if (rateLimit) stats.lastRateLimit = rateLimit;
      options.onEvent?.({ kind: 'response', url: shown, status: res.status, ms: Date.now() - started, rateLimit });
      if (res.status === 429 || res.status === 503) {
        const wait = retryAfterMs(res.headers, text);
        if (wait !== null && wait > maxWaitMs) {
          const at = new Date(Date.now() + wait);
          throw new AbortError(
            new AtlasError('BUDGET_EXHAUSTED', `${name} says to wait ${Math.round(wait / 1000)} s (${errorText(text)}): the pull stops here; resume after ${at.toISOString()} with \`atlas pull --resume\``, { details: { resumeAfter: at.toISOString(), url: shown } }),
          );
        }
        throw new Transient(`${name} ${shown}: HTTP ${res.status} ${errorText(text)}`, wait);
      }
      if (res.status >= 500) throw new Transient(`${name} ${shown}: HTTP ${res.status} ${errorText(text)}`);
      if (res.status === 401 || res.status === 403) {
        throw new AbortError(new AtlasError('LOGIN_REQUIRED', `${name} ${shown}: HTTP ${res.status} ${errorText(text)} — check the API key or login`, { details: { url: shown, status: res.status } }));
      }
      if (!res.ok) throw new AbortError(new AtlasError('REMOTE_ERROR', `${name} ${shown}: HTTP ${res.status} ${errorText(text)}`, { details: { url: shown, status: res.status } }));
      return { res, text };
    });
  }

  async function withRetries<T>(url: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await pRetry(fn, {
        retries: options.maxRetries ?? 5,
        minTimeout: options.minBackoffMs ?? 1000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof Transient,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (!(error instanceof Transient) || retriesLeft === 0) return;
          stats.retries++;
          options.onEvent?.({ kind: 'retry', url, attempt: attemptNumber, reason: error.message, waitMs: error.waitMs ?? 0 });
          // The server's own Retry-After first; the backoff p-retry adds after it keeps clients from retrying in step.
          if (error.waitMs) await sleep(error.waitMs);
        },
      });
    } catch (e) {
      if (e instanceof Transient) throw new AtlasError('REMOTE_ERROR', `${e.message} (gave up after ${(options.maxRetries ?? 5) + 1} attempts)`, { details: { url } });
      throw e;
    }
  }

  return {
    stats,
    async getJson<T>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
      const shown = redactUrl(url);
      return withRetries(shown, async () => {
        const { res, text } = await attempt(url, shown, init, true);
        const type = res.headers.get('content-type') ?? '';
        const head = text.trimStart().slice(0, 1);
        if (/html/i.test(type) || head === '<') {
          if (BROWSER_CHECK.test(text)) {
            throw new AbortError(new AtlasError('LOGIN_REQUIRED', `${name} ${shown}: answered with a browser-check page instead of JSON; this API needs a login (set the username and password, see docs/pull.md)`, { details: { url: shown } }));
          }
          throw new AbortError(new AtlasError('REMOTE_ERROR', `${name} ${shown}: answered with an HTML page instead of JSON (${errorText(text).slice(0, 80)})`, { details: { url: shown } }));
        }
        let body: T;
        try {
          body = JSON.parse(text) as T;
        } catch (e) {
          // A body cut short (or garbled in transit) may be whole on the next attempt; if not, nothing of it is used.
          throw new Transient(`${name} ${shown}: the body is not complete JSON (${text.length} bytes: ${(e as Error).message})`);
        }
        return { url: shown, status: res.status, headers: res.headers, body, rateLimit: readRateLimit(res.headers) };
      });
    },
    async fetchOk(url, init = {}) {
      const shown = redactUrl(url);
      return withRetries(shown, async () => (await attempt(url, shown, init, false)).res);
    },
  };
}
