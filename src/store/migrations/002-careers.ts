/**
 * Migration 2: derived careers and confirmed moves (src/careers, docs/mobility.md), recomputed by refreshCareers after
 * every ingest. No indexes here: on DuckDB they made each refresh's commit ~10× slower, and rows are written in
 * person_id order so zone maps serve lookups; refreshCareers adds person indexes on PostgreSQL.
 */
import type { Migration } from '../schema.ts';

export const migration002: Migration = {
  version: 2,
  name: 'careers and moves',
  statements: [
    `CREATE TABLE careers (
      person_id TEXT NOT NULL, origin TEXT, origin_basis TEXT NOT NULL, edu_origin TEXT, academic_origin TEXT,
      current_country TEXT, category TEXT, abroad BOOLEAN, returnee BOOLEAN NOT NULL, return_year INTEGER,
      first_year INTEGER, last_year INTEGER, undergrad_country TEXT, graduate_country TEXT, current_institution TEXT,
      country_moves INTEGER NOT NULL, institution_moves INTEGER NOT NULL, career_age INTEGER, early_career BOOLEAN)`,
    `CREATE TABLE moves (
      person_id TEXT NOT NULL, level TEXT NOT NULL, seq INTEGER NOT NULL, from_place TEXT NOT NULL, to_place TEXT NOT NULL,
      year INTEGER NOT NULL)`,
    // Runs of consecutive years a person is present in a country (level 'country'): the denominators of net rates.
    `CREATE TABLE career_presence (
      person_id TEXT NOT NULL, level TEXT NOT NULL, place TEXT NOT NULL, first_year INTEGER NOT NULL, last_year INTEGER NOT NULL)`,
    `CREATE TABLE career_params (
      id INTEGER PRIMARY KEY, origin_years INTEGER NOT NULL, min_stay INTEGER NOT NULL, early_career INTEGER NOT NULL,
      as_of INTEGER, reference_year INTEGER, people INTEGER NOT NULL, refreshed_at TEXT NOT NULL)`,
  ],
};
