/**
 * Whose careers the ingests after a run changed: the people with rows of a later run among the facts a career is
 * derived from (affiliation-years, positions, education; and new people rows, who get a career of their own),
 * and those the ingests recorded in `career_changes` (migration 12: facts a replaced record took away, and
 * institutions whose type changed), and the people no refresh has derived yet (withoutCareerSql). Nothing else feeds a career but the last year of the data (open-ended
 * positions run to it: see openEndedSql) and the reference year, which refresh-careers.ts checks itself.
 */

/** People whose career inputs ingests after run `$<at>` wrote or took away. */
export const careerInputsChangedSql = (at: number): string => `
  SELECT person_id FROM affiliation_years WHERE run_id > $${at}
  UNION SELECT person_id FROM positions WHERE run_id > $${at}
  UNION SELECT person_id FROM education WHERE run_id > $${at}
  UNION SELECT person_id FROM people WHERE run_id > $${at}
  UNION SELECT person_id FROM career_changes WHERE run_id > $${at}`;

/**
 * People without a career: those a careers refresh has not met (people known only from a relation are created by
 * the mentorship refresh that follows it, mentors/refresh-mentorships.ts, with the run of the record naming them).
 */
export const withoutCareerSql = `SELECT person_id FROM people p WHERE NOT EXISTS (SELECT 1 FROM careers c WHERE c.person_id = p.person_id)`;

/** People with an open-ended position: their affiliation-years move with the last year of the data. */
export const openEndedSql = `SELECT person_id FROM positions WHERE end_year IS NULL`;

/** The run a derivation's facts fingerprint names ("runs:R;merges:M", store/repo/derived-state.ts), with its merges. */
export function parseFactsVersion(inputs: string | null | undefined): { runs: number; merges: number } | null {
  const m = /^runs:(\d+);merges:(\d+)$/.exec(inputs ?? '');
  return m ? { runs: Number(m[1]), merges: Number(m[2]) } : null;
}
