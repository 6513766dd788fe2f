/**
 * Migration 4: education records stated and observed, dated positions, stated relations, expertise keywords, and
 * the derived mentorship ties (docs/mobility.md "Education records", docs/network.md "Mentorship").
 *
 * - `affiliation_years` gains the source's own position text (`position`), the education level that text names
 *   (`level`, the spec's rule, set by the reader) and the affiliation's web domain (`domain`, for relation matching).
 * - `positions`: dated positions (ORCID employments, OpenReview history, Wikidata P108, stated education with years).
 *   An open end (`end_year` NULL) runs to the last year of the data, evaluated when read, so it keeps up as the
 *   data grows; `position_years` expands them to one row a year.
 * - `affiliation_years_all`: every affiliation-year, observed rows and expanded positions alike.
 * - `observed_education`: paper-list rows whose position names a student level, kept only where the row's
 *   (institution, country) survives the per-year reduction; one record per (person, institution, level).
 * - `education_records`: stated (the `education` table) and observed records side by side, with their basis.
 * - `relations`: mentorship relations stated by a profile (never any other kind), resolved to people by
 *   refreshMentorships into the derived table `mentorships`, which also holds the inferred ties.
 */
import type { Migration } from '../schema.ts';

const PROVENANCE = `source TEXT NOT NULL, record_key TEXT NOT NULL, run_id INTEGER NOT NULL`;

/** The last year of the data: the latest year any dated fact names. Open-ended positions run up to it. */
const DATA_LAST_YEAR = `SELECT MAX(y) AS year FROM (
    SELECT MAX(year) AS y FROM affiliation_years
    UNION ALL SELECT MAX(year) AS y FROM works
    UNION ALL SELECT MAX(COALESCE(end_year, start_year)) AS y FROM positions
    UNION ALL SELECT MAX(COALESCE(end_year, start_year)) AS y FROM education
  ) t`;

const POSITION_YEARS = `SELECT p.person_id, CAST(g.y AS INTEGER) AS year, p.institution_id, p.country, p.country_basis, p.role, p.position,
    p.level, p.domain, p.basis, p.source, p.record_key, p.run_id
  FROM positions p
  JOIN generate_series(1800, 2200) AS g(y)
    ON g.y >= COALESCE(p.start_year, p.end_year)
   AND g.y <= COALESCE(p.end_year, GREATEST(p.start_year, (SELECT year FROM data_last_year)))`;

const AFFILIATION_YEARS_ALL = `SELECT person_id, year, institution_id, country, country_basis, role, position, level, domain, basis, source, record_key, run_id
    FROM affiliation_years
  UNION ALL
  SELECT person_id, year, institution_id, country, country_basis, role, position, level, domain, basis, source, record_key, run_id
    FROM position_years`;

/**
 * The paper-list rows that survive the per-year reduction: the person's most frequent (institution, country) of the
 * year, ties kept; `and`: a further condition on the affiliation-years (one on person_id keeps the reduction's
 * per-person result as it is).
 */
const paperTop = (and = ''): string => `SELECT person_id, year, institution_id, country FROM (
      SELECT person_id, year, institution_id, country, RANK() OVER (PARTITION BY person_id, year ORDER BY n DESC) AS r
      FROM (SELECT person_id, year, institution_id, country, COUNT(*) AS n FROM affiliation_years WHERE basis = 'paper'${and}
            GROUP BY person_id, year, institution_id, country) paper
    ) ranked WHERE r = 1`;
const PAPER_TOP = paperTop();

const CAREER_AFFILIATION_YEARS = `SELECT DISTINCT person_id, year, institution_id, country FROM affiliation_years_all WHERE basis <> 'paper'
  UNION
  SELECT person_id, year, institution_id, country FROM (${PAPER_TOP}) top`;

const OBSERVED_EDUCATION = `SELECT a.person_id, a.institution_id, MAX(a.country) AS country, a.level AS degree, MIN(a.position) AS role_title,
    MIN(a.year) AS start_year, MAX(a.year) AS end_year, COUNT(*) AS observations
  FROM affiliation_years a
  JOIN (${PAPER_TOP}) t ON t.person_id = a.person_id AND t.year = a.year
    AND (t.institution_id = a.institution_id OR (t.institution_id IS NULL AND a.institution_id IS NULL))
    AND (t.country = a.country OR (t.country IS NULL AND a.country IS NULL))
  WHERE a.basis = 'paper' AND a.level IS NOT NULL
  GROUP BY a.person_id, a.institution_id, a.level`;

const EDUCATION_RECORDS = `SELECT person_id, institution_id, country, degree, role_title, start_year, end_year, 'stated' AS basis, source, record_key
    FROM education
  UNION ALL
  SELECT person_id, institution_id, country, degree, role_title, start_year, end_year, 'observed' AS basis, 'paperlist' AS source, NULL AS record_key
    FROM observed_education`;

export const migration004: Migration = {
  version: 4,
  name: 'education records, positions, relations, mentorships',
  statements: [
    `ALTER TABLE affiliation_years ADD COLUMN position TEXT`,
    `ALTER TABLE affiliation_years ADD COLUMN level TEXT`,
    `ALTER TABLE affiliation_years ADD COLUMN domain TEXT`,
    `CREATE TABLE positions (
      person_id TEXT NOT NULL, institution_id TEXT, country TEXT, country_basis TEXT, role TEXT, position TEXT, level TEXT,
      domain TEXT, start_year INTEGER, end_year INTEGER, basis TEXT NOT NULL, ${PROVENANCE})`,
    `CREATE TABLE relations (
      person_id TEXT NOT NULL, direction TEXT NOT NULL, relation TEXT NOT NULL, other_name TEXT, other_scheme TEXT, other_value TEXT,
      email_domain TEXT, start_year INTEGER, end_year INTEGER, ${PROVENANCE})`,
    `CREATE TABLE person_keywords (
      person_id TEXT NOT NULL, keyword TEXT NOT NULL, start_year INTEGER, end_year INTEGER, ${PROVENANCE})`,
    `CREATE TABLE mentorships (
      mentor TEXT NOT NULL, mentee TEXT NOT NULL, kind TEXT NOT NULL, relation TEXT, confidence DOUBLE PRECISION NOT NULL,
      start_year INTEGER, end_year INTEGER, source TEXT NOT NULL, record_key TEXT, evidence TEXT NOT NULL)`,
    `CREATE VIEW data_last_year AS ${DATA_LAST_YEAR}`,
    `CREATE VIEW position_years AS ${POSITION_YEARS}`,
    `CREATE VIEW affiliation_years_all AS ${AFFILIATION_YEARS_ALL}`,
    `DROP VIEW career_affiliation_years`,
    `CREATE VIEW career_affiliation_years AS ${CAREER_AFFILIATION_YEARS}`,
    `CREATE VIEW observed_education AS ${OBSERVED_EDUCATION}`,
    `CREATE VIEW education_records AS ${EDUCATION_RECORDS}`,
  ],
  backendStatements: {
    postgres: [
      'CREATE INDEX positions_person ON positions (person_id)',
      'CREATE INDEX relations_person ON relations (person_id)',
      'CREATE INDEX person_keywords_person ON person_keywords (person_id)',
    ],
  },
};

/**
 * The rows of career_affiliation_years without its duplicate elimination (see refresh-careers.ts), of everyone or
 * of the people a condition on person_id names (applied before the per-year reduction, so its cost is theirs).
 */
export const careerYearsAllRowsOf = (personCondition?: string): string => {
  const and = personCondition ? ` AND ${personCondition}` : '';
  return `(
  SELECT person_id, year, institution_id, country FROM affiliation_years_all WHERE basis <> 'paper'${and}
  UNION ALL
  SELECT person_id, year, institution_id, country FROM (${paperTop(and)}) top
)`;
};
export const CAREER_YEARS_ALL_ROWS_SQL = careerYearsAllRowsOf();
