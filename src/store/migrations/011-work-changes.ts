/**
 * Migration 11: `work_changes`, the works whose rows or authorships an ingest took away when it replaced a record
 * with a newer copy (the old copy's rows are deleted, so nothing else remembers them). An update of the search
 * index (search/index-update.ts) reads these works again along with every work the run's new rows name. The rows
 * name no person (an erasure rebuilds the index anyway).
 */
import type { Migration } from '../schema.ts';

export const migration011: Migration = {
  version: 11,
  name: 'work changes of replaced records',
  statements: [`CREATE TABLE work_changes (run_id INTEGER NOT NULL, work_id TEXT NOT NULL)`],
};
