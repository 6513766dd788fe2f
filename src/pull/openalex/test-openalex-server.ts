/**
 * Test helper: OpenAlex as the replay server plays it. Two kinds of routes: recorded interactions replayed
 * verbatim (real cursor chains from data/openalex-api/recorded), and real bundled records (the research-rag
 * sample's works, authors, institutions) paged as the API pages them — cursor=* then meta.next_cursor, the last
 * page ending with next_cursor null (since 2026-04-26) or with one more empty page (before), `openalex:` id
 * filters, per_page ≤ 200, a priced budget in the x-ratelimit-* headers, an API key checked.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dataPath } from '../../core/paths.ts';
import type { ReplayRequest, ReplayResponse, ReplayRoute } from '../test-replay-server.ts';

export interface OpenAlexData {
  works: unknown[];
  authors: unknown[];
  institutions: unknown[];
}

const readJson = (file: string): unknown => {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
};

/** The bundled research-rag sample: 195 works, 30 authors (some of the works' authors), 30 institutions (theirs). */
export function bundledOpenAlexData(): OpenAlexData {
  const dir = ['openalex-samples', 'openalex-research-rag'];
  return {
    works: readJson(dataPath(...dir, 'works_sample.json.gz')) as unknown[],
    authors: readJson(dataPath(...dir, 'authors_sample.json')) as unknown[],
    institutions: readJson(dataPath(...dir, 'institutions_sample.json.gz')) as unknown[],
  };
}

export interface OpenAlexServerOptions {
  /** How a cursor chain ends: next_cursor null on the last page (today) or a cursor and then an empty page (before 2026-04-26). */
  ending?: 'null-cursor' | 'empty-page';
  /** Budget in USD at the start; each call costs costUsd. */
  budgetUsd?: number;
  costUsd?: number;
  /** When set, calls without this api_key get OpenAlex's 401. */
  apiKey?: string;
}

export interface OpenAlexServerState {
  spentUsd: number;
}

const shortId = (r: unknown): string => String((r as { id?: unknown }).id ?? '').replace(/^https?:\/\/openalex\.org\//, '');
export const cursorFor = (offset: number): string => Buffer.from(JSON.stringify([offset])).toString('base64');
const offsetOf = (cursor: string): number => (cursor === '*' ? 0 : (JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as number[])[0] ?? 0);

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ReplayResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Routes for /works, /authors, /institutions over real records. */
export function openAlexDataRoutes(data: OpenAlexData, options: OpenAlexServerOptions = {}, state: OpenAlexServerState = { spentUsd: 0 }): ReplayRoute[] {
  const cost = options.costUsd ?? 0.0001;
  const budget = options.budgetUsd ?? 1;
  return (['works', 'authors', 'institutions'] as const).map((entity) => ({
    match: (req: ReplayRequest) => req.path === `/${entity}`,
    respond: (req: ReplayRequest): ReplayResponse => {
      if (options.apiKey !== undefined && req.query.get('api_key') !== options.apiKey) return json(401, { error: 'Invalid or missing API key', message: 'Get a free API key at https://openalex.org/settings/api' });
      const left = budget - state.spentUsd;
      if (left < cost) return json(429, { error: 'Rate limit exceeded', message: 'Daily budget exhausted', retryAfter: 36_000 }, { 'retry-after': '36000' });
      state.spentUsd += cost;
      const limits = { 'x-ratelimit-limit': '100000', 'x-ratelimit-remaining-usd': (left - cost).toFixed(4), 'x-ratelimit-cost-usd': String(cost), 'x-ratelimit-reset': '36000' };
      const perPage = Number(req.query.get('per_page') ?? 25);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) return json(400, { error: 'Invalid query parameters error.', message: `per_page is ${perPage}; it must be between 1 and 200` }, limits);
      const filter = req.query.get('filter') ?? '';
      const ids = filter.startsWith('openalex:') ? new Set(filter.slice('openalex:'.length).split('|')) : null;
      if (ids && ids.size > 100) return json(400, { error: 'Invalid query parameters error.', message: 'Maximum of 100 OR-ed values in a filter' }, limits);
      const all = ids ? data[entity].filter((r) => ids.has(shortId(r))) : data[entity];
      const cursor = req.query.get('cursor');
      const offset = cursor === null ? (Number(req.query.get('page') ?? 1) - 1) * perPage : offsetOf(cursor);
      const results = all.slice(offset, offset + perPage);
      const end = offset + perPage >= all.length;
      const next = cursor === null ? undefined : !end ? cursorFor(offset + perPage) : options.ending === 'empty-page' && results.length > 0 ? cursorFor(all.length) : null;
      const meta = { count: all.length, db_response_time_ms: 30, page: cursor === null ? Number(req.query.get('page') ?? 1) : null, per_page: perPage, ...(next === undefined ? {} : { next_cursor: next }), groups_count: null, cost_usd: cost };
      return json(200, { meta, results, group_by: [] }, limits);
    },
  }));
}
