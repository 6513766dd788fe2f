import { afterEach, describe, expect, it } from 'vitest';
import { AtlasError } from '../../core/errors.ts';
import { dispatchLog, startReplayServer, type ReplayServer } from '../test-replay-server.ts';
import { createHttpClient, type HttpEvent } from './http-client.ts';
import { readRateLimit, redactUrl, retryAfterMs } from './rate-limit.ts';

const OK = { match: () => true, respond: () => ({ status: 200, headers: { 'x-ratelimit-remaining-usd': '0.9', 'x-ratelimit-cost-usd': '0.0001', 'x-ratelimit-reset': '3600' }, body: JSON.stringify({ results: [1, 2, 3] }) }) };

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (events: HttpEvent[] = [], extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({ source: 'Test', requestsPerSecond: 50, minBackoffMs: 20, maxRetries: 3, timeoutMs: 2000, userAgent: 'talent-atlas-test', onEvent: (e) => events.push(e), ...extra });

const errorOf = async (p: Promise<unknown>): Promise<AtlasError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AtlasError) return e;
    throw e;
  }
  throw new Error('expected an AtlasError');
};

describe('http client', () => {
  it('waits out a 429 with Retry-After, then gets the page; reads the rate-limit headers', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ error: 'Rate limit exceeded', retryAfter: 1 }) });
    const events: HttpEvent[] = [];
    const c = client(events);
    const r = await c.getJson<{ results: number[] }>(`${server.url}/works?api_key=secret`);
    expect(r.body.results).toEqual([1, 2, 3]);
    expect(r.url).toBe(`${server.url}/works?api_key=REDACTED`);
    expect(server.log).toHaveLength(2);
    expect(server.log[1]!.at - server.log[0]!.at).toBeGreaterThanOrEqual(1000); // the Retry-After was honoured
    expect(events.filter((e) => e.kind === 'retry')).toHaveLength(1);
    expect(r.rateLimit?.remainingUsd).toBe(0.9);
    expect(c.stats).toMatchObject({ requests: 2, retries: 1 });
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('retries a 500, a connection reset mid-body, a body cut short and a slow answer', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'status', status: 500 });
    server.inject({ kind: 'reset' });
    server.inject({ kind: 'truncate' });
    server.inject({ kind: 'slow', ms: 2500 });
    const c = client([], { maxRetries: 5, timeoutMs: 1000 });
    const r = await c.getJson<{ results: number[] }>(`${server.url}/works`);
    expect(r.body.results).toEqual([1, 2, 3]);
    expect(server.log).toHaveLength(5);
  });

  it('gives up after its retries with an error naming the URL', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'status', status: 503, body: '{"error":"down"}' }, { times: 10 });
    const e = await errorOf(client([], { maxRetries: 2 }).getJson(`${server.url}/works?api_key=k`));
    expect(e.code).toBe('REMOTE_ERROR');
    expect(e.message).toContain('/works?api_key=REDACTED');
    expect(e.message).toContain('gave up after 3 attempts');
    expect(server.log).toHaveLength(3);
  });

  it('an HTML browser check is a login error, other HTML a remote error, neither retried', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'html' });
    const e = await errorOf(client().getJson(`${server.url}/notes`));
    expect(e.code).toBe('LOGIN_REQUIRED');
    expect(e.message).toMatch(/browser-check page instead of JSON; this API needs a login/);
    server.inject({ kind: 'html', body: '<html><body>Service moved</body></html>' });
    const e2 = await errorOf(client().getJson(`${server.url}/notes`));
    expect(e2.code).toBe('REMOTE_ERROR');
    expect(server.log).toHaveLength(2);
  });

  it('a 4xx is not retried and carries the API message; 401 says to check the key', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'status', status: 400, body: JSON.stringify({ error: 'Invalid query parameters error.', message: 'DOESNTEXIST is not a valid field' }) });
    const e = await errorOf(client().getJson(`${server.url}/works?filter=DOESNTEXIST:1`));
    expect(e.message).toContain('HTTP 400 Invalid query parameters error.: DOESNTEXIST is not a valid field');
    server.inject({ kind: 'status', status: 401, body: JSON.stringify({ error: 'Invalid or missing API key' }) });
    const e2 = await errorOf(client().getJson(`${server.url}/rate-limit`));
    expect(e2.code).toBe('LOGIN_REQUIRED');
    expect(server.log).toHaveLength(2);
  });

  it('a 429 asking for a wait longer than the client accepts stops with the time to resume', async () => {
    server = await startReplayServer([OK]);
    server.inject({ kind: 'status', status: 429, headers: { 'retry-after': '7200' }, body: JSON.stringify({ error: 'Rate limit exceeded', message: 'daily budget exhausted', retryAfter: 7200 }) });
    const before = Date.now();
    const e = await errorOf(client([], { maxWaitSeconds: 60 }).getJson(`${server.url}/works`));
    expect(e.code).toBe('BUDGET_EXHAUSTED');
    const at = Date.parse(String(e.details?.['resumeAfter']));
    expect(at - before).toBeGreaterThanOrEqual(7_199_000);
    expect(e.message).toMatch(/resume after 20\d\d-/);
    expect(server.log).toHaveLength(1);
  });

  it('keeps to its rate: requests spaced 1/rate apart, however many are asked at once', async () => {
    server = await startReplayServer([OK]);
    const dispatched = dispatchLog();
    const c = client([], { requestsPerSecond: 10, onEvent: dispatched.onEvent });
    await Promise.all(Array.from({ length: 8 }, () => c.getJson(`${server!.url}/x`)));
    // The limiter dispatches 100 ms apart, on the client's clock (see dispatchLog); all 8 reached the server.
    expect(dispatched.times).toHaveLength(8);
    expect(dispatched.spannedAtLeast(100)).toBe(true);
    expect(dispatched.minGap()).toBeGreaterThanOrEqual(20);
    expect(server.log).toHaveLength(8);
    expect(server.log.every((r) => r.headers['user-agent'] === 'talent-atlas-test')).toBe(true);
  });
});

describe('rate-limit headers', () => {
  it('reads OpenAlex seconds-from-now and OpenReview epoch resets, Retry-After as seconds or a date', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    expect(readRateLimit(new Headers({ 'x-ratelimit-reset': '60', 'x-ratelimit-remaining': '99' }), now)?.resetAt?.toISOString()).toBe('2026-05-01T00:01:00.000Z');
    expect(readRateLimit(new Headers({ 'x-ratelimit-reset': '1790543172' }), now)?.resetAt?.getTime()).toBe(1790543172000);
    expect(readRateLimit(new Headers({ 'content-type': 'application/json' }))).toBeNull();
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), '')).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Fri, 01 May 2026 00:00:10 GMT' }), '', now)).toBe(10_000);
    expect(retryAfterMs(new Headers(), '{"retryAfter": 5}')).toBe(5000);
    expect(redactUrl('https://x/works?filter=a&api_key=abc&mailto=me')).toBe('https://x/works?filter=a&api_key=REDACTED&mailto=REDACTED');
  });
});
