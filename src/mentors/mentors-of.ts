/** A person's mentors and mentees, stated and inferred, with kind, confidence, years and evidence (`atlas mentors`, the API). */
import type { Queryable } from '../store/store.ts';
import type { MentorshipKind } from './mentorship-row.ts';

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
  evidence: Record<string, unknown>;
}

export interface MentorsResult {
  person_id: string;
  display_name: string | null;
  mentors: MentorTie[];
  mentees: MentorTie[];
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

export async function mentorsOf(db: Queryable, personId: string): Promise<MentorsResult> {
  const [me] = await db.query<{ display_name: string | null }>('SELECT display_name FROM people WHERE person_id = $1', [personId]);
  const cols = `m.kind, m.relation, m.confidence, m.start_year, m.end_year, m.source, m.evidence, p.display_name, p.source AS person_source`;
  const mentors = await db.query<Row>(`SELECT m.mentor AS other, ${cols} FROM mentorships m LEFT JOIN people p ON p.person_id = m.mentor WHERE m.mentee = $1 ${ORDER}`, [personId]);
  const mentees = await db.query<Row>(`SELECT m.mentee AS other, ${cols} FROM mentorships m LEFT JOIN people p ON p.person_id = m.mentee WHERE m.mentor = $1 ${ORDER}`, [personId]);
  return { person_id: personId, display_name: me?.display_name ?? null, mentors: mentors.map(tie), mentees: mentees.map(tie) };
}
