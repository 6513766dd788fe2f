/** The evidence behind one tie, read from the store only for the hops of the paths being shown. */
import type { Queryable } from '../store/store.ts';
import { MENTOR_WEIGHT, tieRowWeight, type ResolvedTieParams } from './tie-graph.ts';

export type Evidence =
  | { kind: 'work'; work_id: string; title: string | null; year: number | null; authors: number; weight: number }
  | { kind: 'coauthor' | 'mentor'; source: string; year: number | null; confidence: number | null; detail: string | null; weight: number }
  | { kind: 'contact'; owner: string; strength: number; note: string | null; file: string; line: number; weight: number }
  | {
      kind: 'mentorship' | 'mentorship-inferred';
      mentor: string;
      mentee: string;
      relation: string | null;
      confidence: number;
      start_year: number | null;
      end_year: number | null;
      source: string;
      /** Stated: source, file, line, relation text, years, how resolved. Inferred: the model's features and reasons. */
      detail: Record<string, unknown>;
      weight: number;
    };

/** Evidence for the tie between a and b (either may be an owner's `me:<owner>` node). */
export async function tieEvidence(db: Queryable, a: string, b: string, p: ResolvedTieParams): Promise<Evidence[]> {
  const me = a.startsWith('me:') ? a : b.startsWith('me:') ? b : null;
  if (me) {
    const person = me === a ? b : a;
    const rows = await db.query<{ owner: string; strength: number; note: string | null; file: string; line: number }>(
      `SELECT owner, strength, note, file, line FROM contacts WHERE owner = $1 AND person_id = $2`,
      [me.slice(3), person],
    );
    return rows.map((r) => ({ kind: 'contact' as const, ...r, weight: r.strength }));
  }
  const works = await db.query<{ work_id: string; title: string | null; year: number | null; k: number }>(
    `WITH shared AS (
       SELECT DISTINCT x.work_id FROM authorships x JOIN authorships y ON y.work_id = x.work_id
       WHERE x.person_id = $1 AND y.person_id = $2)
     SELECT w.work_id, w.title, w.year,
       COALESCE(w.author_count, (SELECT COUNT(DISTINCT z.person_id) FROM authorships z WHERE z.work_id = w.work_id)) AS k
     FROM works w JOIN shared s ON s.work_id = w.work_id
     ORDER BY w.year DESC, w.work_id`,
    [a, b],
  );
  const out: Evidence[] = [];
  for (const w of works) {
    const year = w.year ?? p.refYear;
    if (w.k < 2 || w.k > p.maxAuthors || year > p.refYear) continue;
    out.push({ kind: 'work', work_id: w.work_id, title: w.title, year: w.year, authors: w.k, weight: Math.pow(0.5, (p.refYear - year) / p.halfLife) / (w.k - 1) });
  }
  const ties = await db.query<{ kind: string; year: number | null; confidence: number | null; evidence: string | null; source: string }>(
    `SELECT kind, year, confidence, evidence, source FROM ties
     WHERE ((a = $1 AND b = $2) OR (a = $2 AND b = $1)) AND kind IN ('coauthor', 'mentor')
     ORDER BY kind, year, source`,
    [a, b],
  );
  for (const t of ties) {
    const weight = tieRowWeight(t.kind, t.year, t.confidence, p);
    if (weight > 0) out.push({ kind: t.kind as 'coauthor' | 'mentor', source: t.source, year: t.year, confidence: t.confidence, detail: t.evidence, weight });
  }
  const mentorships = await db.query<{ mentor: string; mentee: string; kind: string; relation: string | null; confidence: number; start_year: number | null; end_year: number | null; source: string; evidence: string }>(
    `SELECT mentor, mentee, kind, relation, confidence, start_year, end_year, source, evidence FROM mentorships
     WHERE (mentor = $1 AND mentee = $2) OR (mentor = $2 AND mentee = $1)
     ORDER BY kind, confidence DESC, start_year, relation`,
    [a, b],
  );
  for (const m of mentorships) {
    const confidence = Number(m.confidence);
    out.push({
      kind: m.kind === 'mentorship' ? 'mentorship' : 'mentorship-inferred',
      mentor: m.mentor,
      mentee: m.mentee,
      relation: m.relation,
      confidence,
      start_year: m.start_year,
      end_year: m.end_year,
      source: m.source,
      detail: JSON.parse(m.evidence) as Record<string, unknown>,
      weight: MENTOR_WEIGHT * confidence,
    });
  }
  return out;
}
