/** A person's profile: identifiers, institution-years timeline (observed rows and dated positions, one row a year), education (stated and observed), mentors and mentees, works with citations. */
import type { Queryable } from '../store.ts';
import { resolvePerson } from './people.ts';
import { mentorshipTies, type MentorTie } from './mentorship-ties.ts';

export interface PersonProfile {
  person_id: string;
  display_name: string | null;
  source_h_index: number | null;
  identifiers: Array<{ scheme: string; value: string }>;
  timeline: Array<{ year: number; institution_id: string | null; institution: string | null; country: string | null; role: string | null; sources: string }>;
  /** Education records, stated and observed (view education_records), earliest first; records without years last. */
  education: Array<{
    degree: string;
    role_title: string | null;
    start_year: number | null;
    end_year: number | null;
    institution_id: string | null;
    institution: string | null;
    country: string | null;
    basis: 'stated' | 'observed';
    source: string;
  }>;
  /** Mentorship ties (table mentorships), stated first, then by confidence. */
  mentors: MentorTie[];
  mentees: MentorTie[];
  works: Array<{ work_id: string; title: string | null; year: number | null; venue: string | null; cited_by_count: number | null; status: string | null }>;
  citations: number;
}

export async function personProfile(db: Queryable, query: string, worksLimit = 50): Promise<PersonProfile> {
  const match = await resolvePerson(db, query);
  const id = match.person_id;
  const [person] = await db.query<{ source_h_index: number | null }>('SELECT source_h_index FROM people WHERE person_id = $1', [id]);
  const identifiers = await db.query<{ scheme: string; value: string }>('SELECT scheme, value FROM person_identifiers WHERE person_id = $1 ORDER BY scheme, value', [id]);
  const timeline = await db.query<PersonProfile['timeline'][number]>(
    `SELECT a.year, a.institution_id, MAX(i.name) AS institution, a.country, MAX(a.role) AS role, STRING_AGG(DISTINCT a.basis, ',') AS sources
     FROM affiliation_years_all a LEFT JOIN institutions i ON i.institution_id = a.institution_id
     WHERE a.person_id = $1 GROUP BY a.year, a.institution_id, a.country ORDER BY a.year, a.institution_id`,
    [id],
  );
  const education = await db.query<PersonProfile['education'][number]>(
    `SELECT e.degree, e.role_title, e.start_year, e.end_year, e.institution_id, i.name AS institution, e.country, e.basis, e.source
     FROM education_records e LEFT JOIN institutions i ON i.institution_id = e.institution_id WHERE e.person_id = $1
     ORDER BY e.start_year NULLS LAST, e.end_year NULLS LAST, e.degree, e.institution_id, e.basis`,
    [id],
  );
  const works = await db.query<PersonProfile['works'][number]>(
    `SELECT DISTINCT w.work_id, w.title, w.year, w.venue, w.cited_by_count, w.status FROM authorships a JOIN works w ON w.work_id = a.work_id
     WHERE a.person_id = $1 ORDER BY w.year DESC, w.work_id LIMIT ${worksLimit}`,
    [id],
  );
  const [c] = await db.query<{ n: number | null }>(
    `SELECT SUM(GREATEST(w.cited_by_count, 0)) AS n FROM works w WHERE w.work_id IN (SELECT work_id FROM authorships WHERE person_id = $1)`,
    [id],
  );
  return {
    person_id: id,
    display_name: match.display_name,
    source_h_index: person?.source_h_index ?? null,
    identifiers,
    timeline,
    education,
    ...(await mentorshipTies(db, id)),
    works,
    citations: Number(c?.n ?? 0),
  };
}
