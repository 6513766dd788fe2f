/** What the store holds: counts per table, people per country of latest affiliation, ingest runs. */
import type { Queryable } from '../store.ts';

export const COUNTED_TABLES = ['people', 'person_identifiers', 'institutions', 'affiliation_years', 'education', 'works', 'authorships', 'ties', 'contacts', 'source_records', 'ingest_runs'] as const;

export interface StoreStats {
  tables: Record<string, number>;
  peopleByLatestCountry: Array<{ country: string | null; people: number }>;
  ingestRuns: Array<Record<string, unknown>>;
}

export async function storeStats(db: Queryable, topCountries = 15): Promise<StoreStats> {
  const tables: Record<string, number> = {};
  for (const t of COUNTED_TABLES) tables[t] = Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n ?? 0);
  const peopleByLatestCountry = await db.query<{ country: string | null; people: number }>(
    `WITH latest AS (SELECT person_id, MAX(year) AS y FROM affiliation_years WHERE country IS NOT NULL GROUP BY person_id),
          pc AS (SELECT DISTINCT a.person_id, a.country FROM affiliation_years a JOIN latest l ON l.person_id = a.person_id AND l.y = a.year WHERE a.country IS NOT NULL)
     SELECT country, COUNT(*) AS people FROM pc GROUP BY country ORDER BY people DESC, country LIMIT ${topCountries}`,
  );
  const ingestRuns = await db.query(
    `SELECT run_id, source, started_at, status, files, records, inserted, replaced, unchanged, stale, rejected FROM ingest_runs ORDER BY run_id`,
  );
  return { tables, peopleByLatestCountry, ingestRuns };
}
