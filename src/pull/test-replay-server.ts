/**
 * Test helper: a local HTTP server on 127.0.0.1 that stands in for a remote API. It answers from routes (real
 * recorded responses, or real records paged as the API pages them), injects faults on chosen requests (a 429
 * with Retry-After, a 500, a connection reset mid-body, a slow answer, an HTML page instead of JSON, a body cut
 * short) and logs every request, so a test can prove a client's politeness: its rate, its parameters, no page
 * asked twice. No test ever reaches the internet.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReplayRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Milliseconds since the server started, when the request arrived. */
  at: number;
}

export interface ReplayResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface ReplayRoute {
  match(req: ReplayRequest): boolean;
  respond(req: ReplayRequest): ReplayResponse | Promise<ReplayResponse>;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Send the headers and part of the body, then destroy the socket. */
  | { kind: 'reset' }
  /** Wait this long before answering (normally). */
  | { kind: 'slow'; ms: number }
  /** Status 200 with an HTML page (default: a browser-check page). */
  | { kind: 'html'; body?: string }
  /** Announce the full length, send half, end: the client sees a body cut short. */
  | { kind: 'truncate' };

interface Injection {
  match: (req: ReplayRequest) => boolean;
  times: number;
  fault: Fault;
}

export interface ReplayServer {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  log: ReplayRequest[];
  /** Apply fault to the next `times` (default 1) requests that match (default: any). */
  inject(fault: Fault, options?: { match?: (req: ReplayRequest) => boolean; times?: number }): void;
  close(): Promise<void>;
}

export const BROWSER_CHECK_HTML = '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><h1>Verifying your browser</h1><p>Please wait while we verify your browser...</p></body></html>';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startReplayServer(routes: readonly ReplayRoute[]): Promise<ReplayServer> {
  const log: ReplayRequest[] = [];
  const injections: Injection[] = [];
  const t0 = Date.now();
  const sockets = new Set<import('node:net').Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const r: ReplayRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() - t0 };
        log.push(r);
        const inj = injections.find((i) => i.times > 0 && i.match(r));
        if (inj) inj.times--;
        const fault = inj?.fault;
        if (fault?.kind === 'status') {
          res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
          res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
          return;
        }
        if (fault?.kind === 'html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(fault.body ?? BROWSER_CHECK_HTML);
          return;
        }
        if (fault?.kind === 'slow') await sleep(fault.ms);
        const route = routes.find((x) => x.match(r));
        const answer: ReplayResponse = route ? await route.respond(r) : { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'no recorded response', path: r.path }) };
        const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
        if (fault?.kind === 'reset' || fault?.kind === 'truncate') {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers, 'content-length': String(body.length) });
          res.write(body.subarray(0, Math.floor(body.length / 2)));
          if (fault.kind === 'reset') setTimeout(() => res.socket?.destroy(), 20);
          else setTimeout(() => res.socket?.end(), 20);
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers, 'content-length': String(body.length) });
        res.end(body);
      })().catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    inject(fault, options = {}) {
      injections.push({ fault, match: options.match ?? (() => true), times: options.times ?? 1 });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A recorded interaction, as the fixtures store them: OpenAlex cassettes (`response.body`) and OpenReview recordings (`response.json`). */
export interface Recorded {
  request: { method?: string; url: string };
  response: { status: number; headers: Record<string, string>; body?: unknown; json?: unknown };
}

export function loadRecorded(file: string): Recorded {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Recorded;
}

/** The recorded body as the server sent it. */
export function recordedBody(r: Recorded): string {
  const b = r.response.body ?? r.response.json;
  return typeof b === 'string' ? b : JSON.stringify(b);
}

/** A route answering one recorded interaction when the request's path and the given query parameters match the recording's. */
export function recordedRoute(r: Recorded, params: readonly string[] = []): ReplayRoute {
  const u = new URL(r.request.url);
  return {
    match: (req) => req.path === u.pathname && params.every((p) => (req.query.get(p) ?? null) === (u.searchParams.get(p) ?? null)),
    respond: () => ({ status: r.response.status, headers: r.response.headers, body: recordedBody(r) }),
  };
}

/**
 * When the client dispatched each call, on its own clock: a response event's time less how long the call took.
 * Rate checks use these, not arrivals at the server, which jitter more on a loaded machine (the first call also
 * opens the connection, so a late first arrival shortened their span). The limiter (bottleneck) reserves call k
 * the slot `first + k × interval`, so the firm check is the span: n calls take at least n − 1 intervals, less the
 * first call's own lateness (hence `spannedAtLeast`'s slack of 20 ms). A single gap may be short by the lateness
 * of the call before it; a fraction of an interval still tells a throttled client from a burst (~1 ms).
 */
export function dispatchLog(): { onEvent: (e: { kind: string; ms?: number }) => void; times: number[]; spannedAtLeast: (intervalMs: number) => boolean; minGap: () => number } {
  const times: number[] = [];
  return {
    times,
    onEvent: (e) => {
      if (e.kind === 'response' && e.ms !== undefined) times.push(Date.now() - e.ms);
    },
    spannedAtLeast: (intervalMs) => times.length > 1 && times[times.length - 1]! - times[0]! >= (times.length - 1) * intervalMs - 20,
    minGap: () => Math.min(...times.slice(1).map((t, i) => t - times[i]!)),
  };
}
