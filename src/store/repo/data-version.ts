/**
 * A fingerprint of the talent graph for in-memory structures built from it (the search index, the tie graph):
 * when it changes, they are rebuilt. Read from the store itself, so a write by another process (a CLI ingest
 * next to a PostgreSQL-backed server) is seen too. Every write path leaves a mark here: ingests and contact
 * imports add an `ingest_runs` row, merges and splits a `merges` row, erasures tombstones (always at least the
 * "an erasure happened" row), a careers or mentorship refresh a new `derived_state` row (and `refreshed_at`).
 * Each part is a MAX or COUNT over a small table or a primary-key end, so the check is cheap on a large store
 * (no count of people). Hand-written SQL leaves none: its author must drop the caches (invalidateSearchIndex,
 * invalidateTieGraphs).
 */
import type { Queryable } from '../store.ts';

const VERSION_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs) AS runs, (SELECT MAX(merge_id) FROM merges) AS merges,
  (SELECT COUNT(*) FROM tombstones) AS tombstones, (SELECT MAX(erased_at) FROM tombstones) AS erased,
  (SELECT MAX(refreshed_at) FROM career_params) AS careers,
  (SELECT STRING_AGG(name || '=' || inputs || '@' || derived_at, ';' ORDER BY name) FROM derived_state) AS derived`;

export async function dataVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<Record<string, unknown>>(VERSION_SQL);
  return JSON.stringify(row ?? {});
}
