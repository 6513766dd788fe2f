/** One person's mentorship ties from the derived table `mentorships` (stated and inferred), read for `atlas person`, `atlas mentors` and the API. */
import type { Queryable } from '../store.ts';

export type MentorshipKind = 'mentorship' | 'mentorship-inferred';

export interface MentorTie {
  person_id: string;
  display_name: string | null;
  /** True when the other person is known only from the relation (no identifier, no works). */
  relation_only: boolean;
  kind: MentorshipKind;
  relation: string | null;
  confidence: number;
  start_year: number | null;
  end_year: number | null;
  source: string;
  /** The tie's evidence as the mentorship refresh recorded it (JSON). */
  evidence: Record<string, unknown>;
}

interface Row {
  other: string;
  display_name: string | null;
  person_source: string | null;
  kind: MentorshipKind;
  relation: string | null;
  confidence: number;
  start_year: number | null;
  end_year: number | null;
  source: string;
  evidence: string;
}

const tie = (r: Row): MentorTie => ({
  person_id: r.other,
  display_name: r.display_name,
  relation_only: r.person_source === 'relation',
  kind: r.kind,
  relation: r.relation,
  confidence: Number(r.confidence),
  start_year: r.start_year,
  end_year: r.end_year,
  source: r.source,
  evidence: JSON.parse(r.evidence) as Record<string, unknown>,
});

// stated before inferred, then by confidence and years
const ORDER = `ORDER BY CASE WHEN m.kind = 'mentorship' THEN 0 ELSE 1 END, m.confidence DESC, m.start_year, other`;
const COLS = `m.kind, m.relation, m.confidence, m.start_year, m.end_year, m.source, m.evidence, p.display_name, p.source AS person_source`;

/** The person's mentors (ties where they are the mentee) and mentees, stated first, then by confidence. */
export async function mentorshipTies(db: Queryable, personId: string): Promise<{ mentors: MentorTie[]; mentees: MentorTie[] }> {
  const mentors = await db.query<Row>(`SELECT m.mentor AS other, ${COLS} FROM mentorships m LEFT JOIN people p ON p.person_id = m.mentor WHERE m.mentee = $1 ${ORDER}`, [personId]);
  const mentees = await db.query<Row>(`SELECT m.mentee AS other, ${COLS} FROM mentorships m LEFT JOIN people p ON p.person_id = m.mentee WHERE m.mentor = $1 ${ORDER}`, [personId]);
  return { mentors: mentors.map(tie), mentees: mentees.map(tie) };
}
