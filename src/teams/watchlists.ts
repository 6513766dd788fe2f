/**
 * Watchlists: a user follows a person, the top people of a search, or a cohort (origin, current institution, venue
 * and year — as `atlas flows` cohorts). Each watch is private to its owner. Who a search or cohort watch follows is
 * worked out again at every sweep (alerts.ts): the people who match then. Facts about the followed are keyed so
 * a sweep can tell what it has not seen: confirmed country moves, institutions, works.
 */
import { randomBytes } from 'node:crypto';
import { AtlasError } from '../core/errors.ts';
import { countryCode } from '../core/countries.ts';
import { cohortCondition, type Cohort } from '../careers/cohort.ts';
import { searchPersonIds, type SearchInput } from '../search/index.ts';
import { resolvePerson } from '../store/repo/people.ts';
import type { Queryable, SqlValue, Store } from '../store/store.ts';

export const WATCH_KINDS = ['person', 'search', 'cohort'] as const;
export type WatchKind = (typeof WATCH_KINDS)[number];

/** The most people one search or cohort watch follows (a larger cohort is refused: narrow it). */
export const MAX_FOLLOWED = 5000;
export const DEFAULT_SEARCH_LIMIT = 50;
/** Search filters a watch keeps (the ranking weights and paging are not part of what is watched). */
export type WatchSearchFilters = Pick<SearchInput, 'origin' | 'country' | 'institutionType' | 'careerAge' | 'minH' | 'abroad' | 'returnee'>;

export type WatchSpec =
  | { kind: 'person'; person: string }
  | { kind: 'search'; query: string; filters: WatchSearchFilters; limit: number }
  | { kind: 'cohort'; cohort: Omit<Cohort, 'ids' | 'idsLabel'> };

export interface WatchRow {
  watch_id: string;
  owner: string;
  kind: WatchKind;
  person_id: string | null;
  spec: string;
  label: string;
  created_at: string;
  swept_at: string | null;
  swept_version: string | null;
  last_error: string | null;
}

export interface WatchSummary extends Omit<WatchRow, 'spec' | 'swept_version'> {
  spec: WatchSpec;
  following: number;
  unread: number;
}

function spec(row: WatchRow): WatchSpec {
  return JSON.parse(row.spec) as WatchSpec;
}

const notFound = (ref: string) => new AtlasError('NOT_FOUND', `no watch "${ref}" of yours (see \`atlas watch list\`)`);

function cohortLabel(c: WatchSpec & { kind: 'cohort' }): string {
  const parts: string[] = [];
  if (c.cohort.origin) parts.push(`origin ${c.cohort.origin}`);
  if (c.cohort.currentInstitution) parts.push(`at ${c.cohort.currentInstitution}`);
  if (c.cohort.venue) parts.push(`${c.cohort.venue.venue} ${c.cohort.venue.year} authors`);
  return `cohort: ${parts.join(', ')}`;
}

/** A checked watch spec from what a user gave (CLI flags or an API body). */
export async function checkedSpec(db: Queryable, raw: WatchSpec): Promise<{ spec: WatchSpec; label: string; person: string | null }> {
  switch (raw.kind) {
    case 'person': {
      const p = await resolvePerson(db, raw.person);
      return { spec: { kind: 'person', person: p.person_id }, label: `person: ${p.display_name ?? p.person_id}`, person: p.person_id };
    }
    case 'search': {
      const query = raw.query.trim();
      if (!query) throw new AtlasError('BAD_ARGUMENT', 'a search watch needs topic words, e.g. atlas watch search "diffusion models"');
      const limit = raw.limit ?? DEFAULT_SEARCH_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new AtlasError('BAD_ARGUMENT', `a search watch follows the top 1–200 people, got ${limit}`);
      const filters: WatchSearchFilters = {};
      for (const [k, v] of Object.entries(raw.filters ?? {})) if (v !== undefined && v !== null && v !== '') (filters as Record<string, unknown>)[k] = v;
      const s: WatchSpec = { kind: 'search', query, filters, limit };
      const shown = Object.entries(filters).map(([k, v]) => `${k}=${String(v)}`).join(' ');
      return { spec: s, label: `search: "${query}" top ${limit}${shown ? ` (${shown})` : ''}`, person: null };
    }
    case 'cohort': {
      const c: Omit<Cohort, 'ids' | 'idsLabel'> = {};
      if (raw.cohort.origin !== undefined) c.origin = countryCode(raw.cohort.origin);
      if (raw.cohort.currentInstitution !== undefined) c.currentInstitution = raw.cohort.currentInstitution;
      if (raw.cohort.venue) c.venue = { venue: raw.cohort.venue.venue.trim(), year: raw.cohort.venue.year };
      if (c.origin === undefined && c.currentInstitution === undefined && !c.venue) throw new AtlasError('BAD_ARGUMENT', 'a cohort watch needs --origin, --institution or --venue with --year');
      const s = { kind: 'cohort' as const, cohort: c };
      return { spec: s, label: cohortLabel(s), person: null };
    }
    default:
      throw new AtlasError('BAD_ARGUMENT', `unknown watch kind: one of ${WATCH_KINDS.join(', ')}`);
  }
}

/** Who the watch follows now, in a stable order. */
export async function followedNow(store: Store, s: WatchSpec): Promise<string[]> {
  switch (s.kind) {
    case 'person':
      return (await store.query<{ person_id: string }>('SELECT person_id FROM people WHERE person_id = $1', [s.person])).map((r) => r.person_id);
    case 'search':
      return searchPersonIds(store, s.query, { limit: s.limit, filters: s.filters });
    case 'cohort': {
      const params: SqlValue[] = [];
      const cond = cohortCondition('c.person_id', s.cohort, params);
      const rows = await store.query<{ person_id: string }>(`SELECT c.person_id FROM careers c WHERE ${cond} ORDER BY c.person_id LIMIT ${MAX_FOLLOWED + 1}`, params);
      if (rows.length > MAX_FOLLOWED) throw new AtlasError('TOO_LARGE', `the cohort has more than ${MAX_FOLLOWED.toLocaleString('en-US')} people: narrow it (a venue and year, an institution)`);
      return rows.map((r) => r.person_id);
    }
  }
}

export async function createWatch(store: Store, owner: string, raw: WatchSpec): Promise<WatchSummary> {
  const { spec: s, label, person } = await checkedSpec(store, raw);
  // Refused now rather than at the first sweep: a cohort too large, or a search on a store without careers.
  await followedNow(store, s);
  const row: WatchRow = { watch_id: `wa_${randomBytes(8).toString('hex')}`, owner, kind: s.kind, person_id: person, spec: JSON.stringify(s), label, created_at: new Date().toISOString(), swept_at: null, swept_version: null, last_error: null };
  await store.transaction(async (tx) => {
    const same = await tx.query(`SELECT 1 AS x FROM watches WHERE owner = $1 AND spec = $2`, [owner, row.spec]);
    if (same.length) throw new AtlasError('CONFLICT', `you already watch ${label}`);
    await tx.exec(`INSERT INTO watches (watch_id, owner, kind, person_id, spec, label, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [row.watch_id, owner, row.kind, person, row.spec, label, row.created_at]);
  });
  return { ...summary(row), following: 0, unread: 0 };
}

function summary(row: WatchRow): Omit<WatchSummary, 'following' | 'unread'> {
  const { spec: raw, swept_version: _v, ...rest } = row;
  return { ...rest, spec: JSON.parse(raw) as WatchSpec };
}

export async function listWatches(db: Queryable, owner: string): Promise<WatchSummary[]> {
  const rows = await db.query<WatchRow & { following: number; unread: number }>(
    `SELECT w.*, (SELECT COUNT(*) FROM watch_people p WHERE p.watch_id = w.watch_id) AS following,
       (SELECT COUNT(*) FROM alerts a WHERE a.watch_id = w.watch_id AND a.read_at IS NULL) AS unread
     FROM watches w WHERE w.owner = $1 ORDER BY w.created_at, w.watch_id`,
    [owner],
  );
  return rows.map((r) => ({ ...summary(r), following: Number(r.following), unread: Number(r.unread) }));
}

export async function ownWatch(db: Queryable, owner: string, ref: string): Promise<WatchRow> {
  const [w] = await db.query<WatchRow>(`SELECT * FROM watches WHERE watch_id = $1 AND owner = $2`, [ref.trim(), owner]);
  if (!w) throw notFound(ref);
  return w;
}

/** Stop watching: the watch, who it followed, what it had seen and its alerts go. */
export async function removeWatch(store: Store, owner: string, ref: string): Promise<{ removed: string; alerts: number }> {
  return store.transaction(async (tx) => {
    const w = await ownWatch(tx, owner, ref);
    const [n] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts WHERE watch_id = $1`, [w.watch_id]);
    for (const t of ['alerts', 'watch_seen', 'watch_people', 'watches']) await tx.exec(`DELETE FROM ${t} WHERE watch_id = $1`, [w.watch_id]);
    return { removed: w.label, alerts: Number(n?.n ?? 0) };
  });
}

export function watchSpec(row: WatchRow): WatchSpec {
  return spec(row);
}
