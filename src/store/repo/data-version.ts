/**
 * A fingerprint of the talent graph for in-memory structures built from it (the search index, the tie graph):
 * when it changes, they are rebuilt. Read from the store itself, so a write by another process (a CLI ingest
 * next to a PostgreSQL-backed server) is seen too. Every write path leaves a mark here: ingests and contact
 * imports add an `ingest_runs` row, merges and splits a `merges` row, erasures tombstones (always at least the
 * "an erasure happened" row), a careers or mentorship refresh a new `derived_state` row (and `refreshed_at`).
 * Each part is a MAX or COUNT over a small table or a primary-key end, so the check is cheap on a large store
 * (no count of people). Hand-written SQL leaves none: its author must drop the caches (invalidateSearchIndex,
 * invalidateTieGraphs).
 *
 * Two fingerprints come from the same row: `full` moves with every write, `withoutContacts` with every write
 * but a contact import (whose `ingest_runs` row has source 'contacts' and which writes nothing but one owner's
 * contact list). The search index and the shared tie graph read no contact list, so they follow the second and
 * a contact import leaves them as they are; each owner's list is kept apart (network/owner-ties.ts).
 */
import type { Queryable, Store } from '../store.ts';

const PARTS = `(SELECT MAX(merge_id) FROM merges) AS merges,
  (SELECT COUNT(*) FROM tombstones) AS tombstones, (SELECT MAX(erased_at) FROM tombstones) AS erased,
  (SELECT MAX(refreshed_at) FROM career_params) AS careers, (SELECT MAX(refresh_id) FROM career_params) AS career_refresh,
  (SELECT STRING_AGG(name || '=' || inputs || '@' || derived_at, ';' ORDER BY name) FROM derived_state) AS derived`;

const VERSIONS_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs) AS runs,
  (SELECT MAX(run_id) FROM ingest_runs WHERE source <> 'contacts') AS scholarly_runs, ${PARTS}`;

export interface DataVersions {
  /** Moves with every write. */
  full: string;
  /** Moves with every write but a contact import. */
  withoutContacts: string;
}

export async function dataVersions(db: Queryable): Promise<DataVersions> {
  const [row] = await db.query<Record<string, unknown>>(VERSIONS_SQL);
  const { runs, scholarly_runs, ...rest } = row ?? {};
  return { full: JSON.stringify({ runs, ...rest }), withoutContacts: JSON.stringify({ runs: scholarly_runs, ...rest }) };
}

export async function dataVersion(db: Queryable): Promise<string> {
  return (await dataVersions(db)).full;
}

/** The fingerprint of everything a contact import does not write (see above). */
export async function dataVersionWithoutContacts(db: Queryable): Promise<string> {
  return (await dataVersions(db)).withoutContacts;
}

interface SharedRead {
  running: Promise<string> | null;
  next: Promise<string> | null;
  /** The version read when the store's write count was `writes` (stores no other process writes to). */
  known: { writes: number; version: string } | null;
}
const shared = new WeakMap<Queryable, SharedRead>();

const writeCountOf = (db: Queryable): number | null => (typeof (db as Partial<Store>).writeCount === 'function' ? (db as Store).writeCount() : null);

/**
 * The data version as of now — what dataVersion(db) gives when called after every write that has finished — for
 * callers that ask on every request (serve-flows.ts). A store no other process writes to (DuckDB) says how many
 * writes it has finished (Store.writeCount): while that count stands, the version last read stands too, and
 * nothing is read. Otherwise the read is shared: calls made while one is under way (it may have started before
 * them) wait for it and share the next one, so a server checks with one read at a time. Not for use inside a
 * transaction: a shared read must see only what is committed.
 */
export async function dataVersionNow(db: Queryable): Promise<string> {
  let s = shared.get(db);
  if (!s) shared.set(db, (s = { running: null, next: null, known: null }));
  const writes = writeCountOf(db);
  if (writes !== null && s.known?.writes === writes) return s.known.version;
  const version = await sharedRead(db, s);
  // Read after the count was taken: a write finishing meanwhile moved the count, so this is never kept past it.
  if (writes !== null) s.known = { writes, version };
  return version;
}

function sharedRead(db: Queryable, state: SharedRead): Promise<string> {
  const start = (): Promise<string> => {
    const p: Promise<string> = dataVersion(db).finally(() => {
      if (state.running === p) state.running = null;
    });
    state.running = p;
    return p;
  };
  if (!state.running) return start();
  // The read under way may have started before this call: wait for it to end, then share the one after it.
  state.next ??= state.running
    .then(
      () => undefined,
      () => undefined,
    )
    .then(() => {
      state.next = null;
      return start();
    });
  return state.next;
}

/**
 * The careers refresh a structure of version `version` was made after (career_params.refresh_id, migration 12):
 * careers rows of later refreshes are what changed since (search/index-update.ts). Null when unknown.
 */
export function careersRefreshOf(version: string): number | null {
  try {
    const r = (JSON.parse(version) as { career_refresh?: unknown }).career_refresh;
    return r === null || r === undefined ? null : Number(r);
  } catch {
    return null;
  }
}

/** Parts of a data version an update depends on. */
interface VersionParts {
  runs: number | null;
  merges: unknown;
  tombstones: unknown;
  erased: unknown;
}

/**
 * Whether a graph or index of version `from` may be brought to `to` at all, from the versions alone: no erasure and no merge
 * in between, and no fewer runs. (An older one is not even kept in memory otherwise: it may hold an erased person.)
 */
export function mayUpdate(from: string, to: string): boolean {
  let a: VersionParts, b: VersionParts;
  try {
    a = JSON.parse(from) as VersionParts;
    b = JSON.parse(to) as VersionParts;
  } catch {
    return false;
  }
  if (JSON.stringify([a.merges, a.tombstones, a.erased]) !== JSON.stringify([b.merges, b.tombstones, b.erased])) return false;
  return a.runs !== null && a.runs !== undefined && b.runs !== null && b.runs !== undefined && Number(b.runs) >= Number(a.runs);
}

/**
 * The last ingest run a graph or index of version `from` holds, when the store at version `to` differs from it only by
 * ingests (so an update can bring it there: network/tie-graph-update.ts, search/index-update.ts); null when it cannot.
 */
export async function updatableSince(db: Queryable, from: string, to: string): Promise<number | null> {
  if (!mayUpdate(from, to)) return null;
  const since = Number((JSON.parse(from) as VersionParts).runs);
  const [row] = await db.query<{ erased: number | null }>(`SELECT SUM(erased) AS erased FROM ingest_runs WHERE run_id > $1 AND source <> 'contacts'`, [since]);
  if (Number(row?.erased ?? 0) > 0) return null;
  return since;
}
