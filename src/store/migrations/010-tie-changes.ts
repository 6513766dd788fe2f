/**
 * Migration 10: `tie_changes`, the people whose co-authorships or ties an ingest took away when it replaced a
 * record with a newer copy (the old copy's authorship and tie rows are deleted, so nothing else remembers them).
 * An update of the tie graph (network/tie-graph-update.ts) computes these people's ties again along with those of
 * everyone the run's new rows name. Erasing a person removes their rows here too (PERSON_COLUMNS).
 */
import type { Migration } from '../schema.ts';

export const migration010: Migration = {
  version: 10,
  name: 'tie changes of replaced records',
  statements: [`CREATE TABLE tie_changes (run_id INTEGER NOT NULL, person_id TEXT NOT NULL)`],
};
