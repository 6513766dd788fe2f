/** The evidence behind one tie, read from the store only for the hops of the paths being shown. */
import type { Queryable } from '../store/store.ts';
import { byNewest, type SharedWork } from './shared-works.ts';
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
  return (await tiesEvidence(db, [[a, b]], p)).get(pairKey(a, b)) ?? [];
}

/** The key of a pair in tiesEvidence's answer: the two ids in order, whichever way the hop runs. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** At most this many pairs per statement (two parameters each). */
const PAIRS_PER_QUERY = 200;

/**
 * Evidence for many ties at once, by pairKey: one statement per kind of evidence for all the pairs (a path's
 * hops), not three per hop — on DuckDB, which keeps no person index, each statement is a scan of its table.
 * Each pair's evidence is in the order tieEvidence always gave: shared works newest first, then ties, then
 * mentorships — each order total (rows alike in the named columns came in any order before, so two calls could
 * differ). `sharedWorks`, when given (the tie graph's file: shared-works.ts), answers the shared works of the pairs
 * it can; the store is asked for the rest.
 */
export async function tiesEvidence(
  db: Queryable,
  pairs: ReadonlyArray<readonly [string, string]>,
  p: ResolvedTieParams,
  sharedWorks?: ((a: string, b: string) => SharedWork[] | null) | null,
): Promise<Map<string, Evidence[]>> {
  const out = new Map<string, Evidence[]>();
  const contacts: Array<[string, string]> = [];
  const people: Array<[string, string]> = [];
  for (const [a, b] of pairs) {
    const key = pairKey(a, b);
    if (out.has(key)) continue;
    out.set(key, []);
    const me = a.startsWith('me:') ? a : b.startsWith('me:') ? b : null;
    if (me) contacts.push([me.slice(3), me === a ? b : a]);
    else people.push(a < b ? [a, b] : [b, a]);
  }
  const push = (a: string, b: string, e: Evidence): void => void (out.get(pairKey(a, b)) as Evidence[]).push(e);
  for (let i = 0; i < contacts.length; i += PAIRS_PER_QUERY) {
    const chunk = contacts.slice(i, i + PAIRS_PER_QUERY);
    const rows = await db.query<{ owner: string; person_id: string; strength: number; note: string | null; file: string; line: number }>(
      `SELECT owner, person_id, strength, note, file, line FROM contacts WHERE ${chunk.map((_, j) => `(owner = $${2 * j + 1} AND person_id = $${2 * j + 2})`).join(' OR ')}
       ORDER BY owner, person_id`,
      chunk.flat(),
    );
    for (const { person_id, ...r } of rows) push(`me:${r.owner}`, person_id, { kind: 'contact', ...r, weight: r.strength });
  }
  for (let i = 0; i < people.length; i += PAIRS_PER_QUERY) {
    const chunk = people.slice(i, i + PAIRS_PER_QUERY);
    const params = chunk.flat();
    for (const [a, b, works] of await sharedWorksOf(db, chunk, sharedWorks ?? null)) {
      for (const w of works) {
        const year = w.year ?? p.refYear;
        if (w.authors < 2 || w.authors > p.maxAuthors || year > p.refYear) continue;
        push(a, b, { kind: 'work', ...w, weight: Math.pow(0.5, (p.refYear - year) / p.halfLife) / (w.authors - 1) });
      }
    }
    const either = (x: string, y: string): string => chunk.map((_, j) => `((${x} = $${2 * j + 1} AND ${y} = $${2 * j + 2}) OR (${x} = $${2 * j + 2} AND ${y} = $${2 * j + 1}))`).join(' OR ');
    const ties = await db.query<{ a: string; b: string; kind: string; year: number | null; confidence: number | null; evidence: string | null; source: string }>(
      `SELECT a, b, kind, year, confidence, evidence, source FROM ties
       WHERE (${either('a', 'b')}) AND kind IN ('coauthor', 'mentor')
       ORDER BY kind, year, source, confidence, evidence, a, b`,
      params,
    );
    for (const t of ties) {
      const weight = tieRowWeight(t.kind, t.year, t.confidence, p);
      if (weight > 0) push(t.a, t.b, { kind: t.kind as 'coauthor' | 'mentor', source: t.source, year: t.year, confidence: t.confidence, detail: t.evidence, weight });
    }
    const mentorships = await db.query<{ mentor: string; mentee: string; kind: string; relation: string | null; confidence: number; start_year: number | null; end_year: number | null; source: string; evidence: string }>(
      `SELECT mentor, mentee, kind, relation, confidence, start_year, end_year, source, evidence FROM mentorships
       WHERE ${either('mentor', 'mentee')}
       ORDER BY kind, confidence DESC, start_year, relation, end_year, source, evidence, mentor, mentee`,
      params,
    );
    for (const m of mentorships) {
      const confidence = Number(m.confidence);
      push(m.mentor, m.mentee, {
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
  }
  return out;
}

/** The works each pair shares, newest first: from the graph's file where it can tell, from the store for the rest. */
async function sharedWorksOf(
  db: Queryable,
  pairs: ReadonlyArray<readonly [string, string]>,
  fromFile: ((a: string, b: string) => SharedWork[] | null) | null,
): Promise<Array<[string, string, SharedWork[]]>> {
  const out: Array<[string, string, SharedWork[]]> = [];
  const ask: Array<readonly [string, string]> = [];
  for (const [a, b] of pairs) {
    const works = fromFile?.(a, b) ?? null;
    if (works) out.push([a, b, works]);
    else ask.push([a, b]);
  }
  if (!ask.length) return out;
  const values = ask.map((_, j) => `(CAST($${2 * j + 1} AS TEXT), CAST($${2 * j + 2} AS TEXT))`).join(', ');
  const rows = await db.query<{ a: string; b: string; work_id: string; title: string | null; year: number | null; k: number }>(
    `WITH pairs(a, b) AS (VALUES ${values}),
     shared AS (
       SELECT DISTINCT pr.a, pr.b, x.work_id FROM pairs pr
       JOIN authorships x ON x.person_id = pr.a JOIN authorships y ON y.work_id = x.work_id AND y.person_id = pr.b),
     -- authors counted for the shared works only: as a correlated subquery DuckDB counted every work's (1.3 s at 5M authorships)
     counted AS (
       SELECT z.work_id, COUNT(DISTINCT z.person_id) AS n FROM authorships z
       WHERE z.work_id IN (SELECT work_id FROM shared) GROUP BY z.work_id)
     SELECT s.a, s.b, w.work_id, w.title, w.year, COALESCE(w.author_count, c.n) AS k
     FROM works w JOIN shared s ON s.work_id = w.work_id LEFT JOIN counted c ON c.work_id = w.work_id`,
    ask.flat(),
  );
  const byPair = new Map<string, SharedWork[]>(ask.map(([a, b]) => [pairKey(a, b), []]));
  for (const r of rows) byPair.get(pairKey(r.a, r.b))?.push({ work_id: r.work_id, title: r.title, year: r.year, authors: Number(r.k) });
  for (const [a, b] of ask) out.push([a, b, (byPair.get(pairKey(a, b)) as SharedWork[]).sort(byNewest)]);
  return out;
}
