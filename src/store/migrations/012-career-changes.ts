/**
 * Migration 12: careers derived again only for the people whose facts changed (careers/refresh-careers.ts).
 *
 * - `career_changes`: the people whose career inputs an ingest took away or changed without a row of its own run:
 *   the affiliation-years, positions and education of a record replaced by a newer copy (the old rows are deleted,
 *   so nothing else remembers whose they were), and everyone affiliated with an institution whose type the run set
 *   or changed (the search index's filter reads the types of each person's latest institutions).
 * - `careers.refresh_id` and `career_params.refresh_id`: the refresh that last wrote a careers row, and the latest
 *   refresh (counted up by each). A search index made after refresh R reads again only the rows of later refreshes.
 * - `career_params.data_last_year`: the last year of the data when careers were derived (open-ended positions
 *   run to it, so when it moves, the careers of everyone with an open-ended position move too).
 */
import type { Migration } from '../schema.ts';

export const migration012: Migration = {
  version: 12,
  name: 'incremental careers',
  statements: [
    `CREATE TABLE career_changes (run_id INTEGER NOT NULL, person_id TEXT NOT NULL)`,
    `ALTER TABLE careers ADD COLUMN refresh_id INTEGER`,
    `ALTER TABLE career_params ADD COLUMN refresh_id INTEGER`,
    `ALTER TABLE career_params ADD COLUMN data_last_year INTEGER`,
  ],
};
