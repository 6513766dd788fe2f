/** What the atlas knows of education and mentorship: records by basis, stage coverage, ties by kind, one example tie. */
import type { Queryable } from '../store.ts';

export interface EducationSummary {
  records: { stated: number; observed: number };
  people: { withEducation: number; undergradKnown: number; graduateKnown: number; originByEducation: number; originByFirstAffiliation: number };
  ties: { stated: number; inferred: number };
  /** A stated tie, for the reader to try: mentor and mentee with their names and the relation text. */
  example: { mentor: string; mentorName: string | null; mentee: string; menteeName: string | null; relation: string | null } | null;
}

const n = (v: unknown): number => Number(v ?? 0);

export async function educationSummary(db: Queryable): Promise<EducationSummary> {
  const [rec] = await db.query<{ stated: number; observed: number; people: number }>(
    `SELECT SUM(CASE WHEN basis = 'stated' THEN 1 ELSE 0 END) AS stated, SUM(CASE WHEN basis = 'observed' THEN 1 ELSE 0 END) AS observed,
            COUNT(DISTINCT person_id) AS people FROM education_records`,
  );
  const [car] = await db.query<{ u: number; g: number; e: number; f: number }>(
    `SELECT COUNT(undergrad_country) AS u, COUNT(graduate_country) AS g, SUM(CASE WHEN origin_basis = 'education' THEN 1 ELSE 0 END) AS e,
            SUM(CASE WHEN origin_basis = 'first_affiliation' THEN 1 ELSE 0 END) AS f FROM careers`,
  );
  const [ties] = await db.query<{ stated: number; inferred: number }>(
    `SELECT SUM(CASE WHEN kind = 'mentorship' THEN 1 ELSE 0 END) AS stated, SUM(CASE WHEN kind = 'mentorship-inferred' THEN 1 ELSE 0 END) AS inferred FROM mentorships`,
  );
  const ex = await db.query<{ mentor: string; mentor_name: string | null; mentee: string; mentee_name: string | null; relation: string | null }>(
    `SELECT m.mentor, a.display_name AS mentor_name, m.mentee, b.display_name AS mentee_name, m.relation
     FROM mentorships m LEFT JOIN people a ON a.person_id = m.mentor LEFT JOIN people b ON b.person_id = m.mentee
     WHERE m.kind = 'mentorship' ORDER BY m.mentee, m.mentor LIMIT 1`,
  );
  const e = ex[0];
  return {
    records: { stated: n(rec?.stated), observed: n(rec?.observed) },
    people: { withEducation: n(rec?.people), undergradKnown: n(car?.u), graduateKnown: n(car?.g), originByEducation: n(car?.e), originByFirstAffiliation: n(car?.f) },
    ties: { stated: n(ties?.stated), inferred: n(ties?.inferred) },
    example: e ? { mentor: e.mentor, mentorName: e.mentor_name, mentee: e.mentee, menteeName: e.mentee_name, relation: e.relation } : null,
  };
}
