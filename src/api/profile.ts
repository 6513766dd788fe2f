/** A person's profile for the API and dashboard: identifiers, affiliation timeline with moves, education, works, co-authors. */
import type { Queryable, Row } from '../store/store.ts';

export interface TimelineSpan {
  institution_id: string | null;
  institution: string | null;
  country: string | null;
  from: number;
  to: number;
  years: number[];
}

export interface Move {
  year: number;
  from_country: string;
  to_country: string;
}

export interface Profile {
  person: Row;
  identifiers: Array<{ scheme: string; value: string }>;
  timeline: TimelineSpan[];
  moves: Move[];
  education: Row[];
  works: { total: number; items: Row[] };
  coauthors: Array<{ person_id: string; display_name: string | null; shared_works: number }>;
  career: Row | null;
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = $1`, [table]);
  return (rows[0]?.n ?? 0) > 0;
}

/** Group per-year affiliations into spans of consecutive years at the same institution. */
export function timelineSpans(rows: ReadonlyArray<{ year: number; institution_id: string | null; institution: string | null; country: string | null }>): TimelineSpan[] {
  const byInst = new Map<string, TimelineSpan>();
  for (const r of [...rows].sort((a, b) => a.year - b.year)) {
    const key = `${r.institution_id ?? ''}|${r.country ?? ''}`;
    const span = byInst.get(key);
    if (span) {
      if (!span.years.includes(r.year)) span.years.push(r.year);
      span.to = Math.max(span.to, r.year);
    } else {
      byInst.set(key, { institution_id: r.institution_id, institution: r.institution, country: r.country, from: r.year, to: r.year, years: [r.year] });
    }
  }
  return [...byInst.values()].sort((a, b) => a.from - b.from || a.to - b.to);
}

/** Country moves: a year whose countries share none with the previous observed year's countries. */
export function countryMoves(rows: ReadonlyArray<{ year: number; country: string | null }>): Move[] {
  const perYear = new Map<number, Set<string>>();
  for (const r of rows) if (r.country) (perYear.get(r.year) ?? perYear.set(r.year, new Set()).get(r.year))?.add(r.country);
  const years = [...perYear.keys()].sort((a, b) => a - b);
  const moves: Move[] = [];
  let prev: Set<string> | undefined;
  for (const y of years) {
    const cur = perYear.get(y) as Set<string>;
    if (prev && ![...cur].some((c) => prev?.has(c))) {
      moves.push({ year: y, from_country: [...prev].sort().join('/'), to_country: [...cur].sort().join('/') });
    }
    prev = cur;
  }
  return moves;
}

export async function loadProfile(db: Queryable, personId: string, options: { worksLimit: number; coauthorsLimit: number }): Promise<Profile> {
  const [person] = await db.query(`SELECT person_id, display_name, source_h_index, source_cited_by, source_works_count FROM people WHERE person_id = $1`, [personId]);
  const identifiers = await db.query<{ scheme: string; value: string }>(
    `SELECT scheme, value FROM person_identifiers WHERE person_id = $1 AND scheme <> 'name' ORDER BY scheme, value`,
    [personId],
  );
  const years = await db.query<{ year: number; institution_id: string | null; institution: string | null; country: string | null }>(
    `SELECT c.year, c.institution_id, i.name AS institution, COALESCE(c.country, i.country) AS country
     FROM career_affiliation_years c LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE c.person_id = $1 ORDER BY c.year, c.institution_id`,
    [personId],
  );
  const education = await db.query(
    `SELECT e.degree, e.role_title, e.start_year, e.end_year, e.institution_id, i.name AS institution, COALESCE(e.country, i.country) AS country
     FROM education e LEFT JOIN institutions i ON i.institution_id = e.institution_id
     WHERE e.person_id = $1 ORDER BY e.start_year NULLS LAST, e.end_year NULLS LAST`,
    [personId],
  );
  const [worksTotal] = await db.query<{ n: number }>(`SELECT COUNT(DISTINCT work_id) AS n FROM authorships WHERE person_id = $1`, [personId]);
  const works = await db.query(
    `SELECT w.work_id, w.title, w.year, w.venue, w.cited_by_count, w.doi, w.author_count
     FROM works w WHERE w.work_id IN (SELECT work_id FROM authorships WHERE person_id = $1)
     ORDER BY w.year DESC NULLS LAST, w.cited_by_count DESC NULLS LAST, w.work_id LIMIT ${options.worksLimit}`,
    [personId],
  );
  const coauthors = await db.query<{ person_id: string; display_name: string | null; shared_works: number }>(
    `SELECT b.person_id, p.display_name, COUNT(DISTINCT b.work_id) AS shared_works
     FROM authorships a JOIN authorships b ON b.work_id = a.work_id AND b.person_id <> a.person_id
     LEFT JOIN people p ON p.person_id = b.person_id
     WHERE a.person_id = $1 GROUP BY b.person_id, p.display_name
     ORDER BY shared_works DESC, b.person_id LIMIT ${options.coauthorsLimit}`,
    [personId],
  );
  const career = (await tableExists(db, 'careers')) ? ((await db.query(`SELECT * FROM careers WHERE person_id = $1`, [personId]))[0] ?? null) : null;
  return {
    person: person ?? { person_id: personId },
    identifiers,
    timeline: timelineSpans(years),
    moves: countryMoves(years),
    education,
    works: { total: worksTotal?.n ?? 0, items: works },
    coauthors,
    career,
  };
}

export { tableExists };
