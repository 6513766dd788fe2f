/**
 * Inferred mentorship (docs/network.md "Mentorship, inferred"): a simplified, time-constrained reading of AMiner's
 * advisor–advisee model (Wang et al., KDD 2010). Each student window — a doctorate or master education record,
 * stated or observed, from its start to one year after its end, or else the years a person's paper-list positions
 * say "student" — is matched against the co-authors of the student's works in that window who were senior then
 * (the time constraint: a faculty position in the window, their own doctorate finished before it, or active at
 * least `seniorityGap` years before the student) and not students themselves. Candidates come from one set-based
 * SQL query; scoring (scoreCandidate) is pure TypeScript. The best candidate of each window is kept when its
 * confidence reaches `threshold`, and a second one when it comes within `coAdvisorRatio` of the best (co-advisors).
 */
import type { Queryable, Store } from '../store/store.ts';
import type { MentorshipRow } from './mentorship-row.ts';
import { pairKey } from './mentorship-row.ts';

export interface InferenceParams {
  /** A candidate active this many years before the student's first year counts as senior. */
  seniorityGap: number;
  /** Works with more authors are left out (as for co-authorship ties). */
  maxAuthors: number;
  /** Lowest confidence kept. */
  threshold: number;
  /** A second candidate is kept when its confidence is at least this share of the best one's. */
  coAdvisorRatio: number;
}

export const DEFAULT_INFERENCE: InferenceParams = { seniorityGap: 4, maxAuthors: 50, threshold: 0.3, coAdvisorRatio: 0.8 };

/** One (student window, senior co-author) pair with the features the score reads. */
export interface Candidate {
  student: string;
  candidate: string;
  degree: string;
  basis: string;
  windowStart: number;
  windowEnd: number;
  /** Works of the student in the window co-authored with the candidate. */
  shared: number;
  /** Works of the student in the window. */
  studentWorks: number;
  /** Works of the candidate in the window. */
  candidateWorks: number;
  candidateFirstYear: number | null;
  studentFirstYear: number | null;
  /** Faculty position in the window. */
  faculty: boolean;
  /** Last year of the candidate's own doctorate, when known. */
  doctorateEnd: number | null;
  /** A student position of the candidate in the window (a fellow student, not an advisor, unless also faculty). */
  studentInWindow: boolean;
  /** An institution of the student in the window where the candidate also was in the same year. */
  sameInstitution: string | null;
}

export interface Score {
  senior: boolean;
  seniorBy: string[];
  confidence: number;
  share: number;
  kulczynski: number;
  reasons: string[];
}

/**
 * The confidence of one candidate, in (0, 1]:
 *   confidence = share × (1 − 0.6^shared) × institution × imbalance × role
 * share = shared / studentWorks (how much of the student's output in the window is with this person, the
 * student-side half of the Kulczynski measure); 1 − 0.6^shared grows with the number of shared works (1 → 0.4,
 * 2 → 0.64, 3 → 0.78, 5 → 0.92); institution = 1 at the same institution in the same year, else 0.6; imbalance = 1 when the
 * candidate wrote at least as many works in the window as the student (AMiner's imbalance ratio: an advisor
 * publishes more), else 0.8; role = 1 for a faculty position in the window, else 0.85. A candidate who is not
 * senior, or is a student in the window without a faculty position, scores 0.
 */
export function scoreCandidate(c: Candidate, p: InferenceParams = DEFAULT_INFERENCE): Score {
  const seniorBy: string[] = [];
  if (c.faculty) seniorBy.push('faculty position in the window');
  if (c.doctorateEnd !== null && c.doctorateEnd < c.windowStart) seniorBy.push(`own doctorate ended ${c.doctorateEnd}`);
  if (c.candidateFirstYear !== null && c.studentFirstYear !== null && c.studentFirstYear - c.candidateFirstYear >= p.seniorityGap) {
    seniorBy.push(`active since ${c.candidateFirstYear}, ${c.studentFirstYear - c.candidateFirstYear} years before the student`);
  }
  const share = c.studentWorks > 0 ? c.shared / c.studentWorks : 0;
  const kulczynski = c.studentWorks > 0 && c.candidateWorks > 0 ? 0.5 * (c.shared / c.studentWorks + c.shared / c.candidateWorks) : 0;
  const peer = c.studentInWindow && !c.faculty;
  const senior = seniorBy.length > 0 && !peer;
  if (!senior || c.shared <= 0) return { senior, seniorBy, confidence: 0, share, kulczynski, reasons: peer ? ['a student in the same window'] : ['not senior to the student'] };
  const confidence =
    share * (1 - Math.pow(0.6, c.shared)) * (c.sameInstitution ? 1 : 0.6) * (c.candidateWorks >= c.studentWorks ? 1 : 0.8) * (c.faculty ? 1 : 0.85);
  const reasons = [
    `${c.shared} of the student's ${c.studentWorks} works in ${c.windowStart}–${c.windowEnd} co-authored (share ${share.toFixed(2)}, Kulczynski ${kulczynski.toFixed(2)})`,
    `senior: ${seniorBy.join('; ')}`,
    c.sameInstitution ? `same institution ${c.sameInstitution} in the same year` : 'no shared institution-year seen',
    `${c.candidateWorks} works of the candidate in the window`,
  ];
  return { senior, seniorBy, confidence: Math.min(1, confidence), share, kulczynski, reasons };
}

/**
 * The student windows (with their works' count) and their (window, co-author) pairs, built once into temporary
 * tables; the feature queries below read them and are joined in TypeScript by (window, candidate). (One query
 * joining everything left PostgreSQL with row estimates of 1 per CTE and nested loops that ran for minutes; a shared
 * CTE prefix recomputed the education views for every feature.)
 */
const WK = `SELECT w.work_id, w.year FROM works w
  WHERE w.year IS NOT NULL AND COALESCE(w.author_count, 2) <= CAST($1 AS INTEGER) AND COALESCE(w.author_count, 2) >= 2`;

const WINDOWS_SQL = `CREATE TEMP TABLE mentor_win AS
WITH edu AS (
  SELECT person_id, degree, basis, institution_id, COALESCE(start_year, end_year) AS s, COALESCE(end_year, start_year) + 1 AS e
  FROM education_records WHERE degree IN ('doctorate', 'master') AND COALESCE(start_year, end_year) IS NOT NULL
), student_only AS (
  SELECT person_id, 'student' AS degree, 'observed' AS basis, MIN(institution_id) AS institution_id, MIN(year) AS s, MAX(year) + 1 AS e
  FROM affiliation_years
  WHERE basis = 'paper' AND level = 'other' AND person_id NOT IN (SELECT person_id FROM edu)
  GROUP BY person_id
), win0 AS (
  SELECT * FROM edu UNION ALL SELECT * FROM student_only
)
SELECT CAST(ROW_NUMBER() OVER (ORDER BY person_id, s, e, degree, institution_id) AS INTEGER) AS wid, person_id AS student, degree, basis, s, e FROM win0`;

const PAIRS_SQL = `CREATE TEMP TABLE mentor_pw AS
WITH wk AS (${WK}), sw AS (
  SELECT DISTINCT win.wid, a.work_id FROM mentor_win win JOIN authorships a ON a.person_id = win.student JOIN wk ON wk.work_id = a.work_id
  WHERE wk.year BETWEEN win.s AND win.e
), ns AS (
  SELECT wid, COUNT(*) AS n FROM sw GROUP BY wid
), pairs AS (
  SELECT sw.wid, b.person_id AS cand, COUNT(DISTINCT sw.work_id) AS shared
  FROM sw JOIN mentor_win win ON win.wid = sw.wid JOIN authorships b ON b.work_id = sw.work_id AND b.person_id <> win.student
  GROUP BY sw.wid, b.person_id
)
SELECT p.wid, p.cand, win.student, win.degree, win.basis, win.s, win.e, p.shared, ns.n AS student_works
FROM pairs p JOIN mentor_win win ON win.wid = p.wid JOIN ns ON ns.wid = p.wid`;

const FEATURE_SQL = {
  pairs: `SELECT wid, student, degree, basis, s, e, cand, shared, student_works FROM mentor_pw`,
  candidateWorks: `WITH wk AS (${WK}) SELECT pw.wid, pw.cand, COUNT(DISTINCT a.work_id) AS n
    FROM mentor_pw pw JOIN authorships a ON a.person_id = pw.cand JOIN wk ON wk.work_id = a.work_id AND wk.year BETWEEN pw.s AND pw.e
    GROUP BY pw.wid, pw.cand`,
  firstSeen: `WITH wk AS (${WK}), involved AS (SELECT cand AS person_id FROM mentor_pw UNION SELECT student FROM mentor_win)
    SELECT i.person_id, MIN(y) AS y FROM involved i JOIN (
      SELECT a.person_id, wk.year AS y FROM authorships a JOIN wk ON wk.work_id = a.work_id
      UNION ALL SELECT person_id, year AS y FROM affiliation_years
    ) t ON t.person_id = i.person_id GROUP BY i.person_id`,
  roles: `SELECT pw.wid, pw.cand, MAX(CASE WHEN ay.role = 'faculty' THEN 1 ELSE 0 END) AS faculty,
      MAX(CASE WHEN ay.role = 'student' THEN 1 ELSE 0 END) AS student_role
    FROM mentor_pw pw JOIN affiliation_years_all ay ON ay.person_id = pw.cand AND ay.year BETWEEN pw.s AND pw.e
    GROUP BY pw.wid, pw.cand`,
  sameInstitution: `SELECT pw.wid, pw.cand, MIN(cy.institution_id) AS institution_id
    FROM mentor_pw pw JOIN affiliation_years_all cy ON cy.person_id = pw.cand AND cy.year BETWEEN pw.s AND pw.e
    JOIN affiliation_years_all sy ON sy.person_id = pw.student AND sy.year = cy.year AND sy.institution_id = cy.institution_id
    GROUP BY pw.wid, pw.cand`,
  doctorateEnd: `SELECT person_id, MIN(COALESCE(end_year, start_year)) AS y FROM education_records WHERE degree = 'doctorate' GROUP BY person_id`,
} as const;

interface PairRow {
  wid: number;
  student: string;
  degree: string;
  basis: string;
  s: number;
  e: number;
  cand: string;
  shared: number;
  student_works: number;
}

const wc = (wid: unknown, cand: string): string => `${Number(wid)}\u0000${cand}`;

/** Every (student window, co-author) pair with its features, read set-based and joined here. */
export async function loadCandidates(store: Store, p: InferenceParams = DEFAULT_INFERENCE): Promise<Array<{ wid: number; c: Candidate }>> {
  // temporary tables live within one transaction on PostgreSQL (one pinned connection)
  return store.transaction(async (db) => {
    await db.exec('DROP TABLE IF EXISTS mentor_pw');
    await db.exec('DROP TABLE IF EXISTS mentor_win');
    await db.exec(WINDOWS_SQL);
    await db.exec(PAIRS_SQL.replace('$1', String(Math.trunc(p.maxAuthors))));
    if (store.backend === 'postgres') await db.exec('ANALYZE mentor_win; ANALYZE mentor_pw');
    try {
      return await readCandidates(db, p);
    } finally {
      await db.exec('DROP TABLE IF EXISTS mentor_pw');
      await db.exec('DROP TABLE IF EXISTS mentor_win');
    }
  });
}

async function readCandidates(db: Queryable, p: InferenceParams): Promise<Array<{ wid: number; c: Candidate }>> {
  const args = [p.maxAuthors];
  const cw = new Map<string, number>();
  for (const r of await db.query<{ wid: number; cand: string; n: number }>(FEATURE_SQL.candidateWorks, args)) cw.set(wc(r.wid, r.cand), Number(r.n));
  const first = new Map<string, number>();
  for (const r of await db.query<{ person_id: string; y: number | null }>(FEATURE_SQL.firstSeen, args)) if (r.y !== null) first.set(r.person_id, Number(r.y));
  const roles = new Map<string, { faculty: boolean; student: boolean }>();
  for (const r of await db.query<{ wid: number; cand: string; faculty: number; student_role: number }>(FEATURE_SQL.roles)) {
    roles.set(wc(r.wid, r.cand), { faculty: Number(r.faculty) === 1, student: Number(r.student_role) === 1 });
  }
  const same = new Map<string, string>();
  for (const r of await db.query<{ wid: number; cand: string; institution_id: string }>(FEATURE_SQL.sameInstitution)) same.set(wc(r.wid, r.cand), r.institution_id);
  const phd = new Map<string, number>();
  for (const r of await db.query<{ person_id: string; y: number | null }>(FEATURE_SQL.doctorateEnd)) if (r.y !== null) phd.set(r.person_id, Number(r.y));
  const out: Array<{ wid: number; c: Candidate }> = [];
  for await (const batch of db.iterate<PairRow>(FEATURE_SQL.pairs, [], 50_000)) {
    for (const r of batch) {
      const k = wc(r.wid, r.cand);
      const role = roles.get(k);
      out.push({
        wid: Number(r.wid),
        c: {
          student: r.student,
          candidate: r.cand,
          degree: r.degree,
          basis: r.basis,
          windowStart: Number(r.s),
          windowEnd: Number(r.e),
          shared: Number(r.shared),
          studentWorks: Number(r.student_works),
          candidateWorks: cw.get(k) ?? 0,
          candidateFirstYear: first.get(r.cand) ?? null,
          studentFirstYear: first.get(r.student) ?? null,
          faculty: role?.faculty ?? false,
          doctorateEnd: phd.get(r.cand) ?? null,
          studentInWindow: role?.student ?? false,
          sameInstitution: same.get(k) ?? null,
        },
      });
    }
  }
  return out;
}

const RELATION: Record<string, string> = { doctorate: 'inferred doctoral advisor', master: 'inferred master advisor', student: 'inferred advisor' };

/** The kept candidates of one window: the best above the threshold, and a close second (a co-advisor). */
export function pickAdvisors(scored: ReadonlyArray<{ c: Candidate; s: Score }>, p: InferenceParams = DEFAULT_INFERENCE): Array<{ c: Candidate; s: Score }> {
  const ranked = scored.filter((x) => x.s.confidence >= p.threshold).sort((x, y) => y.s.confidence - x.s.confidence || (x.c.candidate < y.c.candidate ? -1 : 1));
  const best = ranked[0];
  if (!best) return [];
  const second = ranked[1];
  return second && second.s.confidence >= p.coAdvisorRatio * best.s.confidence ? [best, second] : [best];
}

function inferredRow(c: Candidate, s: Score): MentorshipRow {
  return {
    mentor: c.candidate,
    mentee: c.student,
    kind: 'mentorship-inferred',
    relation: RELATION[c.degree] ?? 'inferred advisor',
    confidence: Math.round(s.confidence * 1e6) / 1e6,
    startYear: c.windowStart,
    endYear: c.windowEnd - 1,
    source: 'inferred',
    recordKey: null,
    evidence: JSON.stringify({
      model: 'student-window co-authorship (time-constrained, after AMiner TPFG)',
      degree: c.degree,
      education_basis: c.basis,
      window: [c.windowStart, c.windowEnd],
      shared_works: c.shared,
      student_works: c.studentWorks,
      candidate_works: c.candidateWorks,
      share: Math.round(s.share * 1000) / 1000,
      kulczynski: Math.round(s.kulczynski * 1000) / 1000,
      same_institution: c.sameInstitution,
      senior_by: s.seniorBy,
      reasons: s.reasons,
    }),
  };
}

export interface InferenceResult {
  ties: MentorshipRow[];
  windows: number;
  candidates: number;
  ms: { sql: number; score: number };
}

/**
 * Whether row a wins over row b for one pair: the higher confidence; at equal confidence a fixed order (earlier
 * window, then mentor, mentee and evidence text), so that the kept row never depends on the order rows were read in
 * (DuckDB returns them in another order from run to run).
 */
function stronger(a: MentorshipRow, b: MentorshipRow): boolean {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  const order: Array<[string | number | null, string | number | null]> = [[a.startYear, b.startYear], [a.endYear, b.endYear], [a.mentor, b.mentor], [a.mentee, b.mentee], [a.evidence, b.evidence]];
  for (const [x, y] of order) if (x !== y) return x !== null && (y === null || x < y);
  return false;
}

/** The raw inference over the whole store: every kept (advisor, student) pair, stated ties not yet applied. */
export async function inferMentorships(db: Store, p: InferenceParams = DEFAULT_INFERENCE): Promise<InferenceResult> {
  const t0 = performance.now();
  const byWindow = new Map<number, Array<{ c: Candidate; s: Score }>>();
  const all = await loadCandidates(db, p);
  const tSql = performance.now();
  for (const { wid, c } of all) {
    const s = scoreCandidate(c, p);
    if (s.confidence <= 0) continue;
    const list = byWindow.get(wid) ?? byWindow.set(wid, []).get(wid)!;
    list.push({ c, s });
  }
  const candidates = all.length;
  const t1 = performance.now();
  // one tie per (mentor, mentee): the window with the highest confidence speaks for it
  const best = new Map<string, MentorshipRow>();
  for (const list of byWindow.values()) {
    for (const { c, s } of pickAdvisors(list, p)) {
      const row = inferredRow(c, s);
      const key = `${row.mentor}\u0000${row.mentee}`;
      const had = best.get(key);
      if (!had || stronger(row, had)) best.set(key, row);
    }
  }
  // a pair inferred both ways (two students of each other's windows) keeps only its stronger direction
  const byPair = new Map<string, MentorshipRow>();
  for (const row of best.values()) {
    const k = pairKey(row.mentor, row.mentee);
    const had = byPair.get(k);
    if (!had || stronger(row, had)) byPair.set(k, row);
  }
  const ties = [...byPair.values()].sort((a, b) => (a.mentee < b.mentee ? -1 : a.mentee > b.mentee ? 1 : a.mentor < b.mentor ? -1 : 1));
  const t2 = performance.now();
  return { ties, windows: byWindow.size, candidates, ms: { sql: Math.round(tSql - t0), score: Math.round(t2 - tSql) } };
}
