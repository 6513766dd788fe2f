/**
 * A fingerprint of the talent graph for in-memory structures built from it (the search index, the tie graph):
 * when it changes, they are rebuilt. Read from the store itself, so a write by another process (a CLI ingest
 * next to a PostgreSQL-backed server) is seen too. Every write path leaves a mark here: ingests and contact
 * imports add an `ingest_runs` row, merges and splits a `merges` row, erasure tombstones and one person fewer
 * (a person without identifiers leaves no tombstone), a careers refresh a new `refreshed_at`, a mentorship refresh
 * a new count / confidence sum / fingerprint of the `mentorships` rows (cheap: the table is small). Hand-written SQL
 * leaves none: its author must drop the caches (invalidateSearchIndex, invalidateTieGraphs).
 */
import type { Queryable } from '../store.ts';

const VERSION_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs) AS runs, (SELECT MAX(merge_id) FROM merges) AS merges,
  (SELECT COUNT(*) FROM tombstones) AS tombstones, (SELECT MAX(erased_at) FROM tombstones) AS erased,
  (SELECT COUNT(*) FROM people) AS people, (SELECT MAX(refreshed_at) FROM career_params) AS careers,
  (SELECT CAST(COUNT(*) AS VARCHAR) || ':' || CAST(COALESCE(ROUND(SUM(confidence) * 1000000), 0) AS VARCHAR) || ':' || CAST(COALESCE(SUM(LENGTH(mentor) * LENGTH(mentee) * (CASE WHEN kind = 'mentorship' THEN 3 ELSE 1 END)), 0) AS VARCHAR) FROM mentorships) AS mentorships`;

export async function dataVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<Record<string, unknown>>(VERSION_SQL);
  return JSON.stringify(row ?? {});
}
