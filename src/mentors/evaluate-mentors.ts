/**
 * `atlas mentors --evaluate`: the raw inference (before stated ties replace inferred ones) held against the stated
 * ties, on the people who have a stated mentor. A stated (mentor, mentee) pair counts as found when the inference
 * names the same mentor for the same mentee. precision = found / inferred ties of those mentees, recall = found /
 * stated ties; both null when their denominator is 0.
 */
import type { Store } from '../store/store.ts';
import { DEFAULT_INFERENCE, inferMentorships, type InferenceParams } from './infer-mentorship.ts';

export interface MentorEvaluation {
  /** Mentees with at least one stated mentor (the people evaluated). */
  people: number;
  /** Stated ties of those people (relation-only mentors included: the inference cannot find them, and recall says so). */
  stated: number;
  /** Inferred ties of those people. */
  inferred: number;
  /** Inferred ties that match a stated one. */
  correct: number;
  precision: number | null;
  recall: number | null;
  /** People evaluated who had a student window at all (the inference only looks at those). */
  withStudentWindow: number;
  params: InferenceParams;
  pairs: Array<{ mentee: string; stated: string[]; inferred: string[] }>;
}

export async function evaluateMentors(db: Store, params: InferenceParams = DEFAULT_INFERENCE): Promise<MentorEvaluation> {
  const stated = await db.query<{ mentor: string; mentee: string }>(`SELECT DISTINCT mentor, mentee FROM mentorships WHERE kind = 'mentorship' ORDER BY mentee, mentor`);
  const byMentee = new Map<string, Set<string>>();
  for (const s of stated) (byMentee.get(s.mentee) ?? byMentee.set(s.mentee, new Set()).get(s.mentee)!).add(s.mentor);
  const { ties } = await inferMentorships(db, params);
  const inferredBy = new Map<string, Set<string>>();
  for (const t of ties) if (byMentee.has(t.mentee)) (inferredBy.get(t.mentee) ?? inferredBy.set(t.mentee, new Set()).get(t.mentee)!).add(t.mentor);
  let correct = 0, inferred = 0, statedN = 0;
  const pairs: MentorEvaluation['pairs'] = [];
  for (const [mentee, mentors] of byMentee) {
    const guess = inferredBy.get(mentee) ?? new Set<string>();
    statedN += mentors.size;
    inferred += guess.size;
    for (const g of guess) if (mentors.has(g)) correct++;
    pairs.push({ mentee, stated: [...mentors].sort(), inferred: [...guess].sort() });
  }
  const windows = byMentee.size
    ? await db.query<{ n: number }>(
        `SELECT COUNT(DISTINCT person_id) AS n FROM (
           SELECT person_id FROM education_records WHERE degree IN ('doctorate', 'master')
           UNION SELECT person_id FROM affiliation_years WHERE basis = 'paper' AND level = 'other') s
         WHERE person_id IN (SELECT mentee FROM mentorships WHERE kind = 'mentorship')`,
      )
    : [{ n: 0 }];
  return {
    people: byMentee.size,
    stated: statedN,
    inferred,
    correct,
    precision: inferred ? correct / inferred : null,
    recall: statedN ? correct / statedN : null,
    withStudentWindow: Number(windows[0]?.n ?? 0),
    params,
    pairs,
  };
}
