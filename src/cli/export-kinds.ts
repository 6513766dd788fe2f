/** What `atlas export <kind>` can write: each kind names its columns and streams its rows from the store. */
import type { Row, Store } from '../store/store.ts';
import { edgeRows } from '../network/edge-rows.ts';

export interface ExportKind {
  description: string;
  columns: string[];
  rows(store: Store): AsyncIterable<Row[]>;
}

/** Capabilities add their kinds here (one entry each). */
export const EXPORT_KINDS: Record<string, ExportKind> = {
  people: {
    description: 'one row per person: id, name, identifiers',
    columns: ['person_id', 'display_name', 'identifiers'],
    rows: (s) =>
      s.iterate(
        `SELECT p.person_id, p.display_name,
           (SELECT STRING_AGG(i.scheme || ':' || i.value, ' ' ORDER BY i.scheme, i.value) FROM person_identifiers i WHERE i.person_id = p.person_id) AS identifiers
         FROM people p ORDER BY p.person_id`,
      ),
  },
  'affiliation-years': {
    description:
      'one row per affiliation-year, observed and from dated positions (role = category, position = the source\'s own text, basis = where it comes from); in_careers = careers count this row (every row with a country except paper-list rows dropped by the per-year reduction)',
    columns: ['person_id', 'year', 'institution_id', 'institution_name', 'country', 'role', 'position', 'basis', 'source', 'in_careers'],
    rows: (s) =>
      s.iterate(
        `SELECT a.person_id, a.year, a.institution_id, i.name AS institution_name, a.country, a.role, a.position, a.basis, a.source,
           (c.person_id IS NOT NULL) AS in_careers
         FROM affiliation_years_all a
         LEFT JOIN institutions i ON i.institution_id = a.institution_id
         LEFT JOIN career_affiliation_years c ON c.person_id = a.person_id AND c.year = a.year AND c.country = a.country
           AND COALESCE(c.institution_id, '') = COALESCE(a.institution_id, '')
         ORDER BY a.person_id, a.year, a.institution_id, a.source, a.basis, a.country, a.position`,
      ),
  },
  education: {
    description: 'one row per education record, stated (a source says so) and observed (paper-list positions), see docs/mobility.md',
    columns: ['person_id', 'institution_id', 'institution_name', 'country', 'degree', 'start_year', 'end_year', 'basis', 'source'],
    rows: (s) =>
      s.iterate(
        `SELECT e.person_id, e.institution_id, i.name AS institution_name, e.country, e.degree, e.start_year, e.end_year, e.basis, e.source
         FROM education_records e LEFT JOIN institutions i ON i.institution_id = e.institution_id
         ORDER BY e.person_id, e.start_year NULLS LAST, e.end_year NULLS LAST, e.institution_id, e.degree, e.basis, e.source`,
      ),
  },
  works: {
    description: 'one row per work',
    columns: ['work_id', 'title', 'year', 'venue', 'cited_by_count', 'author_count', 'keywords', 'topics', 'status', 'doi', 'source'],
    rows: (s) =>
      s.iterate(
        `SELECT work_id, title, year, venue, cited_by_count, author_count, keywords, topics, status, doi, source FROM works ORDER BY work_id`,
      ),
  },
  authorships: {
    description: 'one row per (work, author)',
    columns: ['work_id', 'person_id', 'position', 'institution_ids', 'source'],
    rows: (s) => s.iterate(`SELECT work_id, person_id, position, institution_ids, source FROM authorships ORDER BY work_id, position, person_id`),
  },
  moves: {
    description: 'one row per confirmed move (country and institution level), see docs/mobility.md',
    columns: ['person_id', 'level', 'from', 'to', 'year'],
    rows: (s) => s.iterate(`SELECT person_id, level, from_place AS "from", to_place AS "to", year FROM moves ORDER BY person_id, level, seq`),
  },
  careers: {
    description:
      'one row per person: origins, current country, category, returnee, and the cohort stages (graduate_country = the earliest master/doctorate country, else the origin with graduate_proxy = true) (docs/mobility.md)',
    columns: [
      'person_id', 'origin', 'origin_basis', 'edu_origin', 'academic_origin', 'current_country', 'category', 'abroad', 'returnee', 'return_year', 'first_year', 'last_year',
      'undergrad_country', 'graduate_country', 'graduate_proxy',
    ],
    rows: (s) =>
      s.iterate(
        `SELECT person_id, origin, origin_basis, edu_origin, academic_origin, current_country, category, abroad, returnee, return_year, first_year, last_year,
           undergrad_country, COALESCE(graduate_country, origin) AS graduate_country, (graduate_country IS NULL AND origin IS NOT NULL) AS graduate_proxy
         FROM careers ORDER BY person_id`,
      ),
  },
  ties: {
    description: 'one row per mentorship tie, stated and inferred: a = mentor, b = mentee (person ids), kind mentorship | mentorship-inferred (docs/network.md)',
    columns: ['a', 'b', 'kind', 'confidence', 'start_year', 'end_year', 'source'],
    rows: (s) =>
      s.iterate(
        `SELECT mentor AS a, mentee AS b, kind, confidence, start_year, end_year, source FROM mentorships
         ORDER BY mentor, mentee, kind, start_year NULLS LAST, end_year NULLS LAST, source`,
      ),
  },
  edges: {
    description: 'one row per tie of the warm-introduction graph (default parameters; contacts as me:<owner>): a, b, weight, kinds',
    columns: ['a', 'b', 'weight', 'kinds'],
    rows: (s) => edgeRows(s),
  },
};
