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
    description: 'one row per observed (person, year, institution)',
    columns: ['person_id', 'year', 'institution_id', 'institution_name', 'country', 'source'],
    rows: (s) =>
      s.iterate(
        `SELECT a.person_id, a.year, a.institution_id, i.name AS institution_name, a.country, a.source
         FROM affiliation_years a LEFT JOIN institutions i ON i.institution_id = a.institution_id
         ORDER BY a.person_id, a.year, a.institution_id, a.source`,
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
    description: 'one row per person: origins, current country, category, returnee (docs/mobility.md)',
    columns: ['person_id', 'origin', 'origin_basis', 'edu_origin', 'academic_origin', 'current_country', 'category', 'abroad', 'returnee', 'return_year', 'first_year', 'last_year'],
    rows: (s) =>
      s.iterate(
        `SELECT person_id, origin, origin_basis, edu_origin, academic_origin, current_country, category, abroad, returnee, return_year, first_year, last_year
         FROM careers ORDER BY person_id`,
      ),
  },
  edges: {
    description: 'one row per tie of the warm-introduction graph (default parameters; contacts as me:<owner>): a, b, weight, kinds',
    columns: ['a', 'b', 'weight', 'kinds'],
    rows: (s) => edgeRows(s),
  },
};
