/**
 * Migration 3: DuckDB keeps no secondary indexes on the fact tables. Its ART indexes are maintained row by row on
 * insert and written out at every checkpoint, which made a 1M-author ingest spend most of its merge and commit on
 * them; DuckDB answers person and work lookups by scanning with zone maps instead (tens of milliseconds at ten
 * million rows). PostgreSQL keeps them: its B-trees are what make its lookups fast. Primary keys stay everywhere.
 */
import type { Migration } from '../schema.ts';

export const migration003: Migration = {
  version: 3,
  name: 'no secondary fact indexes on DuckDB',
  statements: [],
  backendStatements: {
    duckdb: ['person_identifiers_person', 'affiliation_years_person', 'education_person', 'authorships_person', 'authorships_work'].map((i) => `DROP INDEX IF EXISTS ${i}`),
  },
};
