/** Migration 1: the talent graph — people, identifiers, institutions, affiliation-years, education, works, ties, contacts, provenance. */
import type { Migration } from '../schema.ts';

const PROVENANCE = `source TEXT NOT NULL, record_key TEXT NOT NULL, run_id INTEGER NOT NULL`;

export const migration001: Migration = {
  version: 1,
  name: 'talent graph',
  statements: [
    `CREATE TABLE ingest_runs (
      run_id INTEGER PRIMARY KEY, source TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
      status TEXT NOT NULL, files INTEGER NOT NULL, records INTEGER NOT NULL, inserted INTEGER NOT NULL,
      replaced INTEGER NOT NULL, unchanged INTEGER NOT NULL, stale INTEGER NOT NULL, rejected INTEGER NOT NULL,
      erased INTEGER NOT NULL, command TEXT)`,
    `CREATE TABLE ingest_files (
      run_id INTEGER NOT NULL, file_no INTEGER NOT NULL, path TEXT NOT NULL, bytes BIGINT NOT NULL,
      records INTEGER NOT NULL, format TEXT NOT NULL, PRIMARY KEY (run_id, file_no))`,
    `CREATE TABLE source_records (
      record_key TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, updated_date TEXT,
      content_hash TEXT NOT NULL, run_id INTEGER NOT NULL, file_no INTEGER NOT NULL, line INTEGER NOT NULL)`,
    `CREATE TABLE people (
      person_id TEXT PRIMARY KEY, display_name TEXT, source_h_index INTEGER, source_cited_by INTEGER,
      source_works_count INTEGER, ${PROVENANCE})`,
    `CREATE TABLE person_identifiers (
      scheme TEXT NOT NULL, value TEXT NOT NULL, person_id TEXT NOT NULL, ${PROVENANCE},
      PRIMARY KEY (scheme, value))`,
    `CREATE INDEX person_identifiers_person ON person_identifiers (person_id)`,
    `CREATE TABLE institutions (
      institution_id TEXT PRIMARY KEY, name TEXT, country TEXT, country_basis TEXT, type TEXT, ror TEXT,
      ${PROVENANCE})`,
    `CREATE TABLE affiliation_years (
      person_id TEXT NOT NULL, year INTEGER NOT NULL, institution_id TEXT, country TEXT, country_basis TEXT,
      role TEXT, basis TEXT NOT NULL, ${PROVENANCE})`,
    `CREATE INDEX affiliation_years_person ON affiliation_years (person_id)`,
    `CREATE TABLE education (
      person_id TEXT NOT NULL, institution_id TEXT, country TEXT, degree TEXT NOT NULL, role_title TEXT,
      start_year INTEGER, end_year INTEGER, ${PROVENANCE})`,
    `CREATE INDEX education_person ON education (person_id)`,
    `CREATE TABLE works (
      work_id TEXT PRIMARY KEY, title TEXT, year INTEGER, venue TEXT, cited_by_count INTEGER,
      author_count INTEGER, keywords TEXT, topics TEXT, abstract TEXT, status TEXT, doi TEXT, ${PROVENANCE})`,
    `CREATE TABLE authorships (
      work_id TEXT NOT NULL, person_id TEXT NOT NULL, position INTEGER NOT NULL, institution_ids TEXT,
      ${PROVENANCE})`,
    `CREATE INDEX authorships_person ON authorships (person_id)`,
    `CREATE INDEX authorships_work ON authorships (work_id)`,
    `CREATE TABLE ties (
      a TEXT NOT NULL, b TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER, confidence DOUBLE PRECISION,
      evidence TEXT, ${PROVENANCE})`,
    `CREATE TABLE contacts (
      owner TEXT NOT NULL, person_id TEXT NOT NULL, strength INTEGER NOT NULL, note TEXT, file TEXT NOT NULL,
      line INTEGER NOT NULL, run_id INTEGER NOT NULL, PRIMARY KEY (owner, person_id))`,
    `CREATE TABLE merges (
      merge_id INTEGER PRIMARY KEY, kept TEXT NOT NULL, merged TEXT NOT NULL, kind TEXT NOT NULL,
      reasons TEXT NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE tombstones (
      scheme TEXT NOT NULL, value TEXT NOT NULL, erased_at TEXT NOT NULL, PRIMARY KEY (scheme, value))`,
    // The affiliation-years careers are computed from: every observation, except that paper-list observations
    // (noisy, one per paper) are reduced per person and year to the most frequent (institution, country); ties keep all.
    `CREATE VIEW career_affiliation_years AS
      WITH paper AS (
        SELECT person_id, year, institution_id, country, COUNT(*) AS n
        FROM affiliation_years WHERE basis = 'paper'
        GROUP BY person_id, year, institution_id, country
      ), ranked AS (
        SELECT person_id, year, institution_id, country, RANK() OVER (PARTITION BY person_id, year ORDER BY n DESC) AS r
        FROM paper
      )
      SELECT DISTINCT person_id, year, institution_id, country FROM affiliation_years WHERE basis <> 'paper'
      UNION
      SELECT person_id, year, institution_id, country FROM ranked WHERE r = 1`,
  ],
};
