/**
 * Alerts: after each ingest or pull (and whenever alerts are read on data newer than the last sweep), every watch
 * is swept — who it follows now is worked out, and each followed person's facts are compared with those the
 * watch has already seen. New confirmed country moves (mobility.md), new institutions and new works become alerts;
 * a person who newly matches a search or cohort watch is one `match` alert, their earlier facts taken as seen.
 * The first sweep of a watch takes everything as seen (no flood of old facts). A sweep compares with what was
 * seen, not with what changed in one run, so a sweep that never ran (an ingest killed before it) is made up
 * by the next, with nothing reported twice.
 */
import { randomBytes } from 'node:crypto';
import { AtlasError } from '../core/errors.ts';
import { dataVersion } from '../store/repo/data-version.ts';
import type { Queryable, SqlValue, Store } from '../store/store.ts';
import { createWatch, followedNow, listWatches, watchSpec, type WatchRow, type WatchSpec, type WatchSummary } from './watchlists.ts';

export const ALERT_KINDS = ['move', 'affiliation', 'work', 'match'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

interface Fact {
  person_id: string;
  kind: Exclude<AlertKind, 'match'>;
  fact: string;
  detail: Record<string, SqlValue>;
}

export interface AlertRow {
  alert_id: string;
  seq: number;
  watch_id: string;
  watch: string;
  person_id: string;
  display_name: string | null;
  kind: AlertKind;
  detail: Record<string, unknown>;
  created_at: string;
  read_at: string | null;
}

export interface SweepResult {
  version: string;
  watches: number;
  swept: number;
  /** New alerts per owner. */
  alerts: Record<string, number>;
  /** The new alerts' ids per owner (for webhook deliveries). */
  alertIds: Record<string, string[]>;
  /** Watches whose followed people could not be worked out this time (e.g. a search on a store without careers). */
  errors: Array<{ watch_id: string; owner: string; message: string }>;
}

const CHUNK = 500;
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function* chunks(ids: readonly string[]): AsyncIterable<string> {
  for (let i = 0; i < ids.length; i += CHUNK) yield ids.slice(i, i + CHUNK).map(quote).join(', ');
}

/** Every fact of these people a watch reports when it is new. */
async function factsOf(db: Queryable, people: readonly string[]): Promise<Fact[]> {
  const out: Fact[] = [];
  for await (const list of chunks(people)) {
    const moves = await db.query<{ person_id: string; from_place: string; to_place: string; year: number }>(
      `SELECT person_id, from_place, to_place, year FROM moves WHERE level = 'country' AND person_id IN (${list})`,
    );
    for (const m of moves) out.push({ person_id: m.person_id, kind: 'move', fact: `move:${m.from_place}>${m.to_place}@${m.year}`, detail: { from: m.from_place, to: m.to_place, year: m.year } });
    const affs = await db.query<{ person_id: string; institution_id: string; name: string | null; country: string | null; first_year: number; last_year: number }>(
      `SELECT a.person_id, a.institution_id, MAX(i.name) AS name, MAX(COALESCE(i.country, a.country)) AS country, MIN(a.year) AS first_year, MAX(a.year) AS last_year
       FROM affiliation_years a LEFT JOIN institutions i ON i.institution_id = a.institution_id
       WHERE a.institution_id IS NOT NULL AND a.person_id IN (${list}) GROUP BY a.person_id, a.institution_id`,
    );
    for (const a of affs) out.push({ person_id: a.person_id, kind: 'affiliation', fact: `aff:${a.institution_id}`, detail: { institution_id: a.institution_id, institution: a.name, country: a.country, first_year: a.first_year, last_year: a.last_year } });
    const works = await db.query<{ person_id: string; work_id: string; title: string | null; year: number | null; venue: string | null }>(
      `SELECT DISTINCT au.person_id, w.work_id, w.title, w.year, w.venue FROM authorships au JOIN works w ON w.work_id = au.work_id WHERE au.person_id IN (${list})`,
    );
    for (const w of works) out.push({ person_id: w.person_id, kind: 'work', fact: `work:${w.work_id}`, detail: { work_id: w.work_id, title: w.title, year: w.year, venue: w.venue } });
  }
  return out;
}

const SEEN_COLS = [
  { name: 'watch_id', type: 'text' },
  { name: 'person_id', type: 'text' },
  { name: 'fact', type: 'text' },
] as const;
const ALERT_COLS = [
  { name: 'alert_id', type: 'text' },
  { name: 'seq', type: 'bigint' },
  { name: 'owner', type: 'text' },
  { name: 'watch_id', type: 'text' },
  { name: 'person_id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'fact', type: 'text' },
  { name: 'detail', type: 'text' },
  { name: 'created_at', type: 'text' },
] as const;

/** One watch: who it follows now against who it followed, facts against what it has seen. Inside the caller's transaction. */
async function sweepOne(tx: Queryable, w: WatchRow, followed: readonly string[], version: string, nextSeq: () => number): Promise<string[]> {
  const now = new Date().toISOString();
  const first = w.swept_at === null;
  const before = new Set((await tx.query<{ person_id: string }>(`SELECT person_id FROM watch_people WHERE watch_id = $1`, [w.watch_id])).map((r) => r.person_id));
  const nowSet = new Set(followed);
  const left = [...before].filter((p) => !nowSet.has(p));
  const joined = followed.filter((p) => !before.has(p));
  for await (const list of chunks(left)) {
    await tx.exec(`DELETE FROM watch_seen WHERE watch_id = $1 AND person_id IN (${list})`, [w.watch_id]);
    await tx.exec(`DELETE FROM watch_people WHERE watch_id = $1 AND person_id IN (${list})`, [w.watch_id]);
  }
  if (joined.length) await tx.bulkInsert('watch_people', [{ name: 'watch_id', type: 'text' }, { name: 'person_id', type: 'text' }, { name: 'since', type: 'text' }], joined.map((p) => [w.watch_id, p, now]));
  const seen = new Set((await tx.query<{ person_id: string; fact: string }>(`SELECT person_id, fact FROM watch_seen WHERE watch_id = $1`, [w.watch_id])).map((r) => `${r.person_id}\u0000${r.fact}`));
  const joinedSet = new Set(joined);
  const newSeen: SqlValue[][] = [];
  const alerts: SqlValue[][] = [];
  const alert = (person: string, kind: AlertKind, fact: string, detail: Record<string, SqlValue>) =>
    alerts.push([`al_${randomBytes(8).toString('hex')}`, nextSeq(), w.owner, w.watch_id, person, kind, fact, JSON.stringify(detail), now]);
  // a person newly matching a search or cohort (not the person a person-watch names, not at the first sweep)
  if (!first && w.kind !== 'person') for (const p of joined) alert(p, 'match', `match:${now}`, { watch: w.label });
  for (const f of await factsOf(tx, followed)) {
    const key = `${f.person_id}\u0000${f.fact}`;
    if (seen.has(key)) continue;
    seen.add(key);
    newSeen.push([w.watch_id, f.person_id, f.fact]);
    if (!first && !joinedSet.has(f.person_id)) alert(f.person_id, f.kind, f.fact, f.detail);
  }
  if (newSeen.length) await tx.bulkInsert('watch_seen', SEEN_COLS, newSeen);
  if (alerts.length) await tx.bulkInsert('alerts', ALERT_COLS, alerts);
  await tx.exec(`UPDATE watches SET swept_at = $2, swept_version = $3, last_error = NULL WHERE watch_id = $1`, [w.watch_id, now, version]);
  return alerts.map((a) => a[0] as string);
}

/**
 * Sweep every watch (or one owner's) not yet swept on the current data, under the writer lock so two sweeps never
 * report the same fact. Each watch lands whole or not at all.
 */
export async function sweepWatches(store: Store, options: { owner?: string; watchId?: string } = {}): Promise<SweepResult> {
  return store.withWriterLock(async () => {
    const version = await dataVersion(store);
    const params: SqlValue[] = [version];
    let where = '';
    if (options.owner !== undefined) where += ` AND owner = $${params.push(options.owner)}`;
    if (options.watchId !== undefined) where += ` AND watch_id = $${params.push(options.watchId)}`;
    const watches = await store.query<WatchRow>(`SELECT * FROM watches WHERE (swept_version IS NULL OR swept_version <> $1)${where} ORDER BY created_at, watch_id`, params);
    const [all] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM watches`);
    const result: SweepResult = { version, watches: Number(all?.n ?? 0), swept: 0, alerts: {}, alertIds: {}, errors: [] };
    const [top] = await store.query<{ n: number | null }>(`SELECT MAX(seq) AS n FROM alerts`);
    let seq = Number(top?.n ?? 0);
    for (const w of watches) {
      let followed: string[];
      try {
        followed = await followedNow(store, watchSpec(w));
      } catch (e) {
        const message = e instanceof AtlasError ? e.message : String(e);
        await store.exec(`UPDATE watches SET last_error = $2 WHERE watch_id = $1`, [w.watch_id, message]);
        result.errors.push({ watch_id: w.watch_id, owner: w.owner, message });
        if (!(e instanceof AtlasError)) throw e;
        continue;
      }
      const start = seq;
      try {
        const ids = await store.transaction((tx) => sweepOne(tx, w, followed, version, () => ++seq));
        result.swept += 1;
        if (ids.length) {
          result.alerts[w.owner] = (result.alerts[w.owner] ?? 0) + ids.length;
          (result.alertIds[w.owner] ??= []).push(...ids);
        }
      } catch (e) {
        seq = start;
        throw e;
      }
    }
    return result;
  });
}

export interface AlertQuery {
  unreadOnly?: boolean;
  afterSeq?: number;
  watch?: string;
  limit?: number;
}

/** The owner's alerts, newest first, with the person's current name and the watch's label. */
export async function listAlerts(db: Queryable, owner: string, q: AlertQuery = {}): Promise<AlertRow[]> {
  const params: SqlValue[] = [owner];
  const cond: string[] = ['a.owner = $1'];
  if (q.unreadOnly) cond.push('a.read_at IS NULL');
  if (q.afterSeq !== undefined) cond.push(`a.seq > $${params.push(q.afterSeq)}`);
  if (q.watch !== undefined) cond.push(`a.watch_id = $${params.push(q.watch)}`);
  const limit = q.limit ?? 100;
  const rows = await db.query<Omit<AlertRow, 'detail'> & { detail: string }>(
    `SELECT a.alert_id, a.seq, a.watch_id, w.label AS watch, a.person_id, p.display_name, a.kind, a.detail, a.created_at, a.read_at
     FROM alerts a JOIN watches w ON w.watch_id = a.watch_id LEFT JOIN people p ON p.person_id = a.person_id
     WHERE ${cond.join(' AND ')} ORDER BY a.seq DESC LIMIT ${Math.max(1, Math.min(limit, 10_000))}`,
    params,
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq), detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

/** Mark the owner's alerts read, up to and including `throughSeq` (default: all). */
export async function markAlertsRead(store: Store, owner: string, throughSeq?: number): Promise<{ marked: number }> {
  const upTo = (n: number) => (throughSeq !== undefined ? `AND seq <= $${n}` : '');
  const extra = throughSeq !== undefined ? [throughSeq] : [];
  return store.transaction(async (tx) => {
    const [n] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts WHERE owner = $1 AND read_at IS NULL ${upTo(2)}`, [owner, ...extra]);
    await tx.exec(`UPDATE alerts SET read_at = $2 WHERE owner = $1 AND read_at IS NULL ${upTo(3)}`, [owner, new Date().toISOString(), ...extra]);
    return { marked: Number(n?.n ?? 0) };
  });
}

/** A new watch, swept at once so that it takes what is known now as seen: the next ingest reports what it brings. */
export async function startWatching(store: Store, owner: string, raw: WatchSpec): Promise<WatchSummary> {
  const w = await createWatch(store, owner, raw);
  await sweepWatches(store, { watchId: w.watch_id });
  const [now] = (await listWatches(store, owner)).filter((x) => x.watch_id === w.watch_id);
  return now ?? w;
}

/** One line per alert, for the CLI and the webhook's text. */
export function describeAlert(a: Pick<AlertRow, 'kind' | 'detail' | 'display_name' | 'person_id'>): string {
  const who = a.display_name ?? a.person_id;
  const d = a.detail as Record<string, string | number | null>;
  switch (a.kind) {
    case 'move':
      return `${who} moved ${d['from']} → ${d['to']} in ${d['year']} (confirmed move)`;
    case 'affiliation':
      return `${who}: new affiliation ${d['institution'] ?? d['institution_id']}${d['country'] ? ` (${d['country']})` : ''}, from ${d['first_year']}`;
    case 'work':
      return `${who}: new work "${d['title'] ?? d['work_id']}"${d['venue'] ? `, ${d['venue']}` : ''}${d['year'] ? ` ${d['year']}` : ''}`;
    case 'match':
      return `${who} now matches ${d['watch']}`;
  }
}
