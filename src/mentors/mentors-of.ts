/** A person's mentors and mentees, stated and inferred, with kind, confidence, years and evidence (`atlas mentors`, the API). */
import type { Queryable } from '../store/store.ts';
import { mentorshipTies, type MentorTie } from '../store/repo/mentorship-ties.ts';

export type { MentorTie };

export interface MentorsResult {
  person_id: string;
  display_name: string | null;
  mentors: MentorTie[];
  mentees: MentorTie[];
}

export async function mentorsOf(db: Queryable, personId: string): Promise<MentorsResult> {
  const [me] = await db.query<{ display_name: string | null }>('SELECT display_name FROM people WHERE person_id = $1', [personId]);
  return { person_id: personId, display_name: me?.display_name ?? null, ...(await mentorshipTies(db, personId)) };
}
