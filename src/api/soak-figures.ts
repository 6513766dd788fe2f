/**
 * The soak test's consistency check (soak.ts): what the running server answers for /api/stats and the flows
 * URLs, beside what the same functions give when called on the store directly, shaped as the routes shape them.
 * Equal means the server's cached answers follow the data; a difference is listed by its JSON path.
 */
import { flows } from '../careers/index.ts';
import { peopleByLatestCountry } from '../store/repo/stats.ts';
import type { Store } from '../store/store.ts';
import { withoutServerPaths } from './no-server-paths.ts';
import { page } from './schemas.ts';

/** The figures a check compares: the stats answer and one flows answer per URL. */
export interface Figures {
  stats: unknown;
  flows: Record<string, unknown>;
}

export interface FiguresCheck {
  /** Milliseconds since the soak started. */
  atMs: number;
  equal: boolean;
  /** JSON paths where the API and the store differ (at most 20), e.g. `stats.counts.people: 2121 ≠ 2802`. */
  differences: string[];
  /** A status other than 200 from the API, with the URL. */
  errors: string[];
  api: Figures;
  direct: Figures;
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(withoutServerPaths(v)));

/** /api/stats as its route computes it, for the tables the API answer counts. */
async function directStats(store: Store, tables: readonly string[]): Promise<unknown> {
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = (await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n ?? 0;
  const runs = await store.query(`SELECT * FROM ingest_runs ORDER BY run_id DESC LIMIT 20`);
  return json({ backend: store.backend, counts, people_by_country: await peopleByLatestCountry(store), ingest_runs: runs });
}

/** One /api/flows URL (country or institution level, a year window, paging; no cohort) as its route computes it. */
async function directFlows(store: Store, url: string): Promise<unknown> {
  const q = new URL(url, 'http://x').searchParams;
  const num = (name: string, fallback?: number) => (q.has(name) ? Number(q.get(name)) : fallback);
  for (const name of q.keys()) if (!['level', 'from', 'to', 'limit', 'offset'].includes(name)) throw new Error(`soak: the checked flows URL ${url} has a parameter the check cannot replay: ${name}`);
  const level = q.get('level') === 'institution' ? 'institution' : 'country';
  const limit = num('limit', 50) as number;
  const offset = num('offset', 0) as number;
  const report = await flows(store, { level, from: num('from'), to: num('to'), cohort: undefined, top: 20 });
  return json({ ...report, top: undefined, pairs: page(report.pairs, limit, offset), net: page(report.net, limit, offset) });
}

/** Where two JSON values differ: up to `max` paths with both values; keys in `ignore` are not compared. */
export function differences(a: unknown, b: unknown, o: { path?: string; out?: string[]; max?: number; ignore?: readonly string[] } = {}): string[] {
  const { path = '', out = [], max = 20, ignore = [] } = o;
  if (out.length >= max) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      if (!ignore.includes(k)) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], { path: path ? `${path}.${k}` : k, out, max, ignore });
    }
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${String(JSON.stringify(a)).slice(0, 80)} ≠ ${String(JSON.stringify(b)).slice(0, 80)}`);
  return out;
}

/** The figures computed on the store itself; a failure is reported in `errors`, not thrown. */
export async function directFigures(store: Store, tables: readonly string[], flowUrls: readonly string[], errors: string[]): Promise<Figures> {
  const ask = async (what: string, fn: () => Promise<unknown>): Promise<unknown> => {
    try {
      return await fn();
    } catch (e) {
      errors.push(`store ${what}: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  const direct: Figures = { stats: await ask('stats', () => directStats(store, tables)), flows: {} };
  for (const url of flowUrls) direct.flows[url] = await ask(url, () => directFlows(store, url));
  return direct;
}

/** The tables an /api/stats answer counts. */
export function countedTables(stats: unknown): string[] {
  return Object.keys((stats as { counts?: Record<string, number> } | null)?.counts ?? {});
}

/** Ask the server (as `key`) and the store, and compare. */
export async function checkFigures(store: Store, base: string, key: string, flowUrls: readonly string[], atMs: number): Promise<FiguresCheck> {
  const errors: string[] = [];
  const get = async (url: string): Promise<unknown> => {
    try {
      const res = await fetch(base + url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      if (res.status !== 200) errors.push(`API ${url}: ${res.status} ${text.slice(0, 200)}`);
      return res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    } catch (e) {
      errors.push(`API ${url}: no answer: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  const apiStats = await get('/api/stats');
  const api: Figures = { stats: apiStats, flows: {} };
  for (const url of flowUrls) api.flows[url] = await get(url);
  const direct = await directFigures(store, countedTables(apiStats), flowUrls, errors);
  const diff = differences(api, direct);
  return { atMs, equal: diff.length === 0 && errors.length === 0, differences: diff, errors, api, direct };
}
