/**
 * Versioned schema migrations, shared by every backend. Each migration is a list of statements in the
 * SQL both DuckDB and PostgreSQL accept; the migrator records applied versions in schema_migrations.
 */
import { migration001 } from './migrations/001-talent-graph.ts';
import { migration002 } from './migrations/002-careers.ts';
import { migration003 } from './migrations/003-duckdb-bulk-load.ts';
import { migration004 } from './migrations/004-education-mentorship.ts';
import { migration005 } from './migrations/005-pull-jobs.ts';
import { migration006 } from './migrations/006-derived-state.ts';
import { migration007 } from './migrations/007-users-audit.ts';
import { migration008 } from './migrations/008-shortlists.ts';
import { migration009 } from './migrations/009-watchlists.ts';
import { migration010 } from './migrations/010-tie-changes.ts';
import { migration011 } from './migrations/011-work-changes.ts';
import { migration012 } from './migrations/012-career-changes.ts';
import type { Backend } from './store.ts';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Statements for one backend only, run after the shared ones (e.g. physical-design choices such as indexes). */
  backendStatements?: Partial<Record<Backend, string[]>>;
}

/**
 * All migrations in version order. Each capability that needs tables adds its own file under migrations/
 * with the next free version number and one line here.
 */
export const MIGRATIONS: Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Every table that holds a fact about a person, with the column(s) that name the person. Used by erasure and merges. */
export const PERSON_COLUMNS: ReadonlyArray<{ table: string; columns: string[] }> = [
  { table: 'people', columns: ['person_id'] },
  { table: 'person_identifiers', columns: ['person_id'] },
  { table: 'affiliation_years', columns: ['person_id'] },
  { table: 'education', columns: ['person_id'] },
  { table: 'positions', columns: ['person_id'] },
  { table: 'relations', columns: ['person_id'] },
  { table: 'person_keywords', columns: ['person_id'] },
  { table: 'authorships', columns: ['person_id'] },
  { table: 'ties', columns: ['a', 'b'] },
  { table: 'contacts', columns: ['person_id'] },
  { table: 'careers', columns: ['person_id'] },
  { table: 'moves', columns: ['person_id'] },
  { table: 'career_presence', columns: ['person_id'] },
  { table: 'mentorships', columns: ['mentor', 'mentee'] },
  { table: 'shortlist_entries', columns: ['person_id'] },
  { table: 'shortlist_events', columns: ['person_id'] },
  { table: 'watches', columns: ['person_id'] },
  { table: 'watch_people', columns: ['person_id'] },
  { table: 'watch_seen', columns: ['person_id'] },
  { table: 'alerts', columns: ['person_id'] },
  { table: 'tie_changes', columns: ['person_id'] },
  { table: 'career_changes', columns: ['person_id'] },
];

/** Tables whose rows come from one source record and are replaced when that record is re-ingested newer. */
export const FACT_TABLES = ['affiliation_years', 'education', 'positions', 'relations', 'person_keywords', 'works', 'authorships', 'ties'] as const;
