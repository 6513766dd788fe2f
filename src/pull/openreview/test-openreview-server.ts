/**
 * Test helper: OpenReview API v2 as the replay server plays it, from real recordings (data/openreview-samples/
 * v2-recorded: the notes page, the count call and its rate-limit headers, the 400 ValidationError for limit > 1000,
 * the browser-check page an unauthenticated call gets) and real records: the recorded ICLR 2024 note, the bundled
 * profiles, and the CoRL 2021 papers of the bundled Paper Copilot list put into the recorded note's v2 shape (so
 * a venue has enough notes to page). `POST /login` checks an account and hands out a token; calls without it get
 * the browser check. `x-ratelimit-remaining` counts down from a chosen allowance.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dataPath } from '../../core/paths.ts';
import type { ReplayRequest, ReplayResponse, ReplayRoute } from '../test-replay-server.ts';

interface Recording {
  request: { url: string };
  response: { status: number; headers: Record<string, string>; json?: unknown; text?: string };
}

export const recording = (name: string): Recording => JSON.parse(readFileSync(dataPath('openreview-samples', 'v2-recorded', `${name}.json`), 'utf8')) as Recording;

type Obj = Record<string, unknown>;

/** The one note of the recorded ICLR 2024 page. */
export function recordedIclrNotes(): unknown[] {
  return (recording('iclr-2024-notes-accepted').response.json as { notes: unknown[] }).notes;
}

export const CORL_2021 = 'robot-learning.org/CoRL/2021/Conference';

/** The 153 accepted CoRL 2021 papers of the bundled Paper Copilot list (real ids, titles, authors, profile ids, keywords) in API v2 note shape. */
export function corl2021Notes(): unknown[] {
  const rows = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', 'corl2021.json.gz'))).toString('utf8')) as Obj[];
  const split = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(';').map((s) => s.trim()) : []);
  return rows.map((r, i) => ({
    content: {
      title: { value: r['title'] },
      authors: { value: split(r['author']) },
      authorids: { value: split(r['authorids']) },
      keywords: { value: split(r['keywords']) },
      abstract: { value: r['abstract'] },
      venue: { value: `CoRL 2021 ${String(r['status'])}` },
      venueid: { value: CORL_2021 },
    },
    id: r['id'],
    forum: r['id'],
    number: i + 1,
    invitations: [`${CORL_2021}/-/Submission`],
    domain: CORL_2021,
    version: 2,
  }));
}

export function bundledProfiles(): Obj[] {
  const page = JSON.parse(readFileSync(dataPath('openreview-samples', 'profiles-v2-page.json'), 'utf8')) as { profiles: Obj[] };
  return page.profiles;
}

export interface OpenReviewServerOptions {
  venues: Record<string, unknown[]>;
  profiles?: Obj[];
  /** When set, /login accepts only this account, and every other call needs its token. */
  account?: { username: string; password: string };
  /** Calls allowed in the window before x-ratelimit-remaining reaches 0 (default 500). */
  allowance?: number;
}

export interface OpenReviewServerState {
  used: number;
  token: string;
  /** Epoch seconds of the window's reset, as x-ratelimit-reset states it. */
  resetEpoch: number;
}

const json = (status: number, body: unknown, headers: Record<string, string>): ReplayResponse => ({ status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });

/** The 400 OpenReview gives a limit above 1000: the recorded body, with the value asked. */
function limitError(limit: number, headers: Record<string, string>): ReplayResponse {
  const body = structuredClone(recording('error-limit-over-1000').response.json) as { details: { invalidValue: number } };
  body.details.invalidValue = limit;
  return json(400, body, headers);
}

export function openReviewRoutes(options: OpenReviewServerOptions, state: OpenReviewServerState = { used: 0, token: 'tok-replayed-3f9c', resetEpoch: Math.floor(Date.now() / 1000) + 2261 }): ReplayRoute[] {
  const allowance = options.allowance ?? 500;
  const recorded = recording('iclr-2024-notes-count').response.headers;
  const challenge = recording('error-anonymous-challenge').response;
  const limits = (): Record<string, string> => {
    state.used++;
    const remaining = String(Math.max(0, allowance - state.used));
    const reset = String(Math.max(0, state.resetEpoch - Math.floor(Date.now() / 1000)));
    return { ...recorded, 'x-ratelimit-limit': String(allowance), 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': String(state.resetEpoch), 'ratelimit-policy': `${allowance};w=3600`, 'ratelimit-limit': String(allowance), 'ratelimit-remaining': remaining, 'ratelimit-reset': reset };
  };
  /** Past the allowance: a 429 until the window resets (Retry-After in seconds). */
  const spent = (h: Record<string, string>): ReplayResponse | null =>
    state.used > allowance ? json(429, { name: 'RateLimitError', message: 'Too many requests', status: 429 }, { ...h, 'retry-after': h['ratelimit-reset'] ?? '3600' }) : null;
  const authorised = (req: ReplayRequest): boolean => !options.account || req.headers['authorization'] === `Bearer ${state.token}`;
  const browserCheck: ReplayResponse = { status: challenge.status, headers: challenge.headers, body: challenge.text ?? '' };

  return [
    {
      match: (req) => req.method === 'POST' && req.path === '/login',
      respond: (req) => {
        const h = limits();
        let body: Obj = {};
        try {
          body = JSON.parse(req.body) as Obj;
        } catch {
          return json(400, { name: 'ValidationError', message: 'id cannot be empty or missing', status: 400 }, h);
        }
        const a = options.account;
        if (!a || body['id'] !== a.username || body['password'] !== a.password) return json(400, { name: 'Error', message: 'Invalid username or password (2026-09-27-1733)', status: 400 }, h);
        return json(200, { token: state.token, user: { id: a.username, profile: { id: '~Pull_Tester1' } } }, h);
      },
    },
    {
      match: (req) => req.method === 'GET' && req.path === '/notes',
      respond: (req) => {
        if (!authorised(req)) return browserCheck;
        const h = limits();
        const over = spent(h);
        if (over) return over;
        const limit = Number(req.query.get('limit') ?? 1000);
        if (limit > 1000) return limitError(limit, h);
        const offset = Number(req.query.get('offset') ?? 0);
        const all = options.venues[req.query.get('content.venueid') ?? ''] ?? [];
        let notes = all.slice(offset, offset + limit);
        if (req.query.get('select') === 'id') notes = notes.map((n) => ({ id: (n as Obj)['id'] }));
        // As recorded: a call with an offset carries the count of all, one without does not.
        return json(200, req.query.has('offset') ? { notes, count: all.length } : { notes }, h);
      },
    },
    {
      match: (req) => req.method === 'POST' && req.path === '/profiles/search',
      respond: (req) => {
        if (!authorised(req)) return browserCheck;
        const h = limits();
        const over = spent(h);
        if (over) return over;
        const ids = (JSON.parse(req.body) as { ids?: string[] }).ids ?? [];
        if (ids.length > 1000) return json(400, { name: 'ValidationError', message: 'ids must NOT have more than 1000 items', status: 400 }, h);
        const asked = new Set(ids);
        const profiles = (options.profiles ?? []).filter((p) => asked.has(String(p['id'])));
        return json(200, { profiles, count: profiles.length }, h);
      },
    },
  ];
}
