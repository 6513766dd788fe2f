/**
 * A person's profile for the API and dashboard: identifiers, the affiliation timeline (every year careers use,
 * expanded positions included, with the source's own position texts) with its country moves, education records
 * (stated and observed, each with its basis), mentors and mentees (stated and inferred, with their evidence), the
 * origin with what it rests on, works and co-authors.
 */
import { mentorsOf, type MentorTie as MentorsTie } from '../mentors/index.ts';
import type { Queryable, Row } from '../store/store.ts';
import { CAREER_COLUMNS } from '../careers/refresh-careers.ts';

/** A position text a source gave for the years of a span (e.g. "Intern+PhD student", "Associate Professor"). */
export interface SpanPosition {
  position: string;
  from: number;
  to: number;
}

export interface TimelineSpan {
  institution_id: string | null;
  institution: string | null;
  country: string | null;
  from: number;
  to: number;
  years: number[];
  /** The source's position texts within this span, earliest first (empty when no source gave one). */
  positions: SpanPosition[];
  /** The bases of the span's affiliation-years: 'paper', 'openalex', a dated position's basis, … */
  bases: string[];
}

/** One education record, stated by a source or observed from paper-list positions (docs/mobility.md). */
export interface EducationRecord {
  degree: string;
  /** The source's own title of the record ("PhD student", "BSc Computer Science"), when it gives one. */
  role_title: string | null;
  institution_id: string | null;
  institution: string | null;
  /** The record's own country, the one careers use (the institution's country is not substituted). */
  country: string | null;
  start_year: number | null;
  end_year: number | null;
  basis: 'stated' | 'observed';
  source: string;
}

/** A mentorship tie from this person's side (mentors' MentorTie), with its evidence in one line: the reasons of an inference, or the stating source's relation, file and line. */
export type MentorTie = Omit<MentorsTie, 'evidence'> & { evidence: string };

/**
 * The origin (docs/mobility.md "Origin country") and what it rests on: the deciding education record when the basis
 * is education, else the first affiliations (the country most present in the first `originYears` active years).
 * An origin is where a career starts; it is never a nationality.
 */
export interface OriginEvidence {
  country: string | null;
  basis: string;
  record: EducationRecord | null;
  originYears: number | null;
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
  education: EducationRecord[];
  mentors: MentorTie[];
  mentees: MentorTie[];
  origin: OriginEvidence | null;
  works: { total: number; items: Row[] };
  coauthors: Array<{ person_id: string; display_name: string | null; shared_works: number }>;
  career: Row | null;
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = $1`, [table]);
  return (rows[0]?.n ?? 0) > 0;
}

/** A year's position text (and basis) at an institution, as affiliation_years_all holds it. */
export interface PositionYear {
  year: number;
  institution_id: string | null;
  position: string | null;
  basis: string;
}

/**
 * Group per-year affiliations into spans at the same institution and country, and give each span the position
 * texts the sources stated for its years (consecutive years with the same text make one entry).
 */
export function timelineSpans(
  rows: ReadonlyArray<{ year: number; institution_id: string | null; institution: string | null; country: string | null }>,
  positionYears: readonly PositionYear[] = [],
): TimelineSpan[] {
  const byInst = new Map<string, TimelineSpan>();
  for (const r of [...rows].sort((a, b) => a.year - b.year)) {
    const key = `${r.institution_id ?? ''}|${r.country ?? ''}`;
    const span = byInst.get(key);
    if (span) {
      if (!span.years.includes(r.year)) span.years.push(r.year);
      span.to = Math.max(span.to, r.year);
    } else {
      byInst.set(key, { institution_id: r.institution_id, institution: r.institution, country: r.country, from: r.year, to: r.year, years: [r.year], positions: [], bases: [] });
    }
  }
  const spans = [...byInst.values()].sort((a, b) => a.from - b.from || a.to - b.to);
  const sorted = [...positionYears].sort((a, b) => a.year - b.year || (a.position ?? '').localeCompare(b.position ?? ''));
  for (const span of spans) {
    const mine = sorted.filter((p) => p.institution_id === span.institution_id && span.years.includes(p.year));
    span.bases = [...new Set(mine.map((p) => p.basis))].sort();
    for (const p of mine) {
      if (!p.position) continue;
      const open = span.positions.findLast((x) => x.position === p.position);
      if (open && p.year <= open.to + 1) open.to = Math.max(open.to, p.year);
      else span.positions.push({ position: p.position, from: p.year, to: p.year });
    }
    span.positions.sort((a, b) => a.from - b.from || a.to - b.to || a.position.localeCompare(b.position));
  }
  return spans;
}

/** Earliest by (start year, end year), records without years last, then by country: the spec's order. */
function byStart(a: EducationRecord, b: EducationRecord): number {
  const k = (v: number | null) => v ?? Number.POSITIVE_INFINITY;
  return k(a.start_year) - k(b.start_year) || k(a.end_year) - k(b.end_year) || (a.country ?? '').localeCompare(b.country ?? '') || (a.basis === 'stated' ? -1 : 1);
}

/**
 * The education record an education origin rests on: the earliest bachelor record with a country, else the earliest
 * record with a country (docs/mobility.md "Education origin"); a stated record wins a tie with an observed one.
 */
export function decidingEducation(records: readonly EducationRecord[]): EducationRecord | null {
  const withCountry = records.filter((r) => r.country);
  const bachelor = withCountry.filter((r) => r.degree === 'bachelor').sort(byStart);
  return bachelor[0] ?? [...withCountry].sort(byStart)[0] ?? null;
}

/**
 * One line from a tie's evidence: an inference's reasons; a stated tie's relation text, where it was read (file and
 * line) and how its other end was found (docs/network.md "Mentorship").
 */
export function evidenceSummary(kind: string, e: Record<string, unknown>): string {
  const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);
  if (kind === 'mentorship-inferred') {
    const reasons = Array.isArray(e['reasons']) ? e['reasons'].map(str).filter((x): x is string => x !== null) : [];
    return reasons.length ? reasons.join('; ') : str(e['model']) ?? 'inferred';
  }
  const file = str(e['file'])?.split(/[\\/]/).pop();
  const where = file ? `${file}${str(e['line']) ? `:${str(e['line'])}` : ''}` : null;
  const how = str(e['how']);
  const reason = str(e['reason']);
  return [
    str(e['relation']) ? `“${str(e['relation'])}”${str(e['name']) ? ` ${str(e['name'])}` : ''}` : null,
    where ? `read at ${where}` : null,
    how === 'new' ? reason ?? 'known only from this relation' : how ? `matched by ${how}${reason ? ` (${reason})` : ''}` : reason,
  ].filter((x): x is string => x !== null).join('; ');
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
  const positionYears = await db.query<PositionYear>(
    `SELECT DISTINCT year, institution_id, position, basis FROM affiliation_years_all WHERE person_id = $1`,
    [personId],
  );
  const education = await db.query<EducationRecord>(
    `SELECT e.degree, e.role_title, e.institution_id, i.name AS institution, e.country,
       e.start_year, e.end_year, e.basis, e.source
     FROM education_records e LEFT JOIN institutions i ON i.institution_id = e.institution_id
     WHERE e.person_id = $1 ORDER BY e.start_year NULLS LAST, e.end_year NULLS LAST, e.degree, e.basis, e.institution_id`,
    [personId],
  );
  const ties = await mentorsOf(db, personId);
  const summarised = (list: readonly MentorsTie[]): MentorTie[] => list.map((t) => ({ ...t, evidence: evidenceSummary(t.kind, t.evidence) }));
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
  const career = (await tableExists(db, 'careers')) ? ((await db.query(`SELECT ${CAREER_COLUMNS.map((c) => c.name).join(', ')} FROM careers WHERE person_id = $1`, [personId]))[0] ?? null) : null;
  const [params] = career ? await db.query<{ origin_years: number }>(`SELECT origin_years FROM career_params WHERE id = 1`) : [];
  const origin: OriginEvidence | null = career
    ? {
        country: (career['origin'] as string | null) ?? null,
        basis: String(career['origin_basis'] ?? 'none'),
        record: career['origin_basis'] === 'education' ? decidingEducation(education) : null,
        originYears: params?.origin_years ?? null,
      }
    : null;
  return {
    person: person ?? { person_id: personId },
    identifiers,
    timeline: timelineSpans(years, positionYears),
    moves: countryMoves(years),
    education,
    mentors: summarised(ties.mentors),
    mentees: summarised(ties.mentees),
    origin,
    works: { total: worksTotal?.n ?? 0, items: works },
    coauthors,
    career,
  };
}

export { tableExists };
