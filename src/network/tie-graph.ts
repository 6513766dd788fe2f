/**
 * Builds the tie graph from the store (through the Store contract only): co-authorship weights computed in
 * SQL from authorships × works, CSRankings-style `ties` rows, the derived `mentorships` (stated and inferred), and contact lists as edges from
 * each owner's `me:<owner>` node. Only numbers are kept in memory; evidence is fetched per hop on demand.
 */
import { AtlasError } from '../core/errors.ts';
import type { Queryable } from '../store/store.ts';
import type { SharedWork } from './shared-works.ts';
import { buildCsrInIdOrder, EdgeList, Interner, KIND_COAUTHOR, KIND_CONTACT, KIND_MENTOR, type TieGraph } from './csr.ts';

export interface TieParams {
  /** Years after which a shared work counts half. */
  halfLife: number;
  /** Works with more authors than this make no ties. */
  maxAuthors: number;
  /** Year the recency decay is measured from; defaults to the last year in the data. */
  refYear?: number | undefined;
}

export interface ResolvedTieParams extends TieParams {
  refYear: number;
}

export const DEFAULT_TIE_PARAMS: TieParams = { halfLife: 5, maxAuthors: 50 };

/** Mentorship weight per unit of confidence (spec: w = 3 × confidence). */
export const MENTOR_WEIGHT = 3;

/** The node standing for a contact list's owner. */
export const meNode = (owner: string): string => `me:${owner}`;

export function validateTieParams(p: TieParams): void {
  if (!(p.halfLife > 0) || !Number.isFinite(p.halfLife)) throw new AtlasError('BAD_ARGUMENT', `half-life must be a positive number of years (got ${p.halfLife})`);
  if (!Number.isInteger(p.maxAuthors) || p.maxAuthors < 2) throw new AtlasError('BAD_ARGUMENT', `max authors must be an integer ≥ 2 (got ${p.maxAuthors})`);
  if (p.refYear !== undefined && !(Number.isInteger(p.refYear) && p.refYear >= 1900 && p.refYear <= 2200)) {
    throw new AtlasError('BAD_ARGUMENT', `reference year must be a year such as 2024 (got ${p.refYear})`);
  }
}

/** The spec's refYear: the given one, else the last year of any work or dated tie, else the current year. */
export async function resolveTieParams(db: Queryable, p: TieParams): Promise<ResolvedTieParams> {
  validateTieParams(p);
  return { ...p, refYear: p.refYear ?? (await defaultRefYear(db)) };
}

/** The last year of any work or dated tie, else the current year. */
export async function defaultRefYear(db: Queryable): Promise<number> {
  const [row] = await db.query<{ y: number | null }>(
    `SELECT MAX(y) AS y FROM (SELECT MAX(year) AS y FROM works UNION ALL SELECT MAX(year) AS y FROM ties) t`,
  );
  return row?.y ?? new Date().getUTCFullYear();
}

/**
 * Per-pair co-authorship weight Σ 1/(k−1)·0.5^((refYear−year)/halfLife) over shared works with 2 ≤ k ≤ maxAuthors:
 * for every pair, or (`aff`: a query of person_id, its parameters from $4 on) for the pairs with at least one
 * person of it — each pair's weight over all its shared works, as the full query gives it: every shared work of a
 * pair holds both, so the works of those people are all that is read.
 */
function coauthorPairs(aff: string | null): string {
  const scoped = aff !== null;
  return `
  WITH ${scoped ? `aff AS MATERIALIZED (${aff}),` : ''}
  aw AS (SELECT DISTINCT work_id, person_id FROM authorships${scoped ? ' WHERE work_id IN (SELECT work_id FROM authorships WHERE person_id IN (SELECT person_id FROM aff))' : ''}),
  wk AS (
    SELECT w.work_id, COALESCE(w.year, CAST($1 AS INTEGER)) AS year, COALESCE(w.author_count, c.n) AS k
    FROM works w JOIN (SELECT work_id, COUNT(*) AS n FROM aw GROUP BY work_id) c ON c.work_id = w.work_id
  )
  SELECT x.person_id AS a, y.person_id AS b,
    SUM(POWER(0.5, CAST(CAST($1 AS INTEGER) - wk.year AS DOUBLE PRECISION) / CAST($2 AS DOUBLE PRECISION)) / (wk.k - 1)) AS w
  FROM wk JOIN aw x ON x.work_id = wk.work_id JOIN aw y ON y.work_id = wk.work_id AND x.person_id < y.person_id
  WHERE wk.k >= 2 AND wk.k <= CAST($3 AS INTEGER) AND wk.year <= CAST($1 AS INTEGER)${scoped ? '\n    AND (x.person_id IN (SELECT person_id FROM aff) OR y.person_id IN (SELECT person_id FROM aff))' : ''}
  GROUP BY x.person_id, y.person_id`;
}

export const COAUTHOR_PAIRS_SQL = coauthorPairs(null);

/** COAUTHOR_PAIRS_SQL for the pairs with a person of `aff` (see coauthorPairs). */
export const coauthorPairsOfSql = (aff: string): string => coauthorPairs(aff);

/** Weight of one `ties` row: a dated co-authorship counts as one shared paper with k = 2; a mentorship 3 × confidence. */
export function tieRowWeight(kind: string, year: number | null, confidence: number | null, p: ResolvedTieParams): number {
  if (kind === 'mentor') return MENTOR_WEIGHT * (confidence ?? 1);
  if (kind === 'coauthor') {
    const y = year ?? p.refYear;
    return y > p.refYear ? 0 : Math.pow(0.5, (p.refYear - y) / p.halfLife);
  }
  return 0;
}

export interface BuildOptions {
  /** Whose contact lists become `me:<owner>` edges: one owner, every owner ('all'), or none. */
  owners: string | 'all' | 'none';
  /** Every person a node, tied or not (so that every contact of any list is one: owner-ties.ts). */
  allPeople?: boolean;
}

/** The mentorship ties a graph was built with (node indices, w = 3 × confidence): what an update diffs against. */
export interface MentorLayer {
  a: Int32Array;
  b: Int32Array;
  w: Float64Array;
}

/** Whether a mentor layer's three arrays are of one length and name only nodes below n. */
export function mentorLayerFits({ a, b, w }: MentorLayer, n: number): boolean {
  if (b.length !== a.length || w.length !== a.length) return false;
  for (let i = 0; i < a.length; i++) if (!((a[i] as number) >= 0 && (a[i] as number) < n && (b[i] as number) >= 0 && (b[i] as number) < n)) return false;
  return true;
}

export interface BuiltTieGraph {
  graph: TieGraph;
  params: ResolvedTieParams;
  mentors: MentorLayer;
  /**
   * The works two people share, as the graph's file keeps them (shared-works.ts), newest first; null (or no
   * function: a graph kept in memory only) when the file cannot tell, and the store is asked.
   */
  sharedWorks?: ((a: string, b: string) => SharedWork[] | null) | null;
}

/** Mentorship rows as the graph takes them: mentor ≠ mentee, w = 3 × confidence > 0. */
export async function mentorRows(db: Queryable): Promise<Array<{ mentor: string; mentee: string; w: number }>> {
  const out: Array<{ mentor: string; mentee: string; w: number }> = [];
  for await (const batch of db.iterate<{ mentor: string; mentee: string; confidence: number }>(`SELECT mentor, mentee, confidence FROM mentorships`)) {
    for (const r of batch) {
      const w = MENTOR_WEIGHT * Number(r.confidence);
      if (w > 0 && r.mentor !== r.mentee) out.push({ mentor: r.mentor, mentee: r.mentee, w });
    }
  }
  return out;
}

export async function buildTieGraph(db: Queryable, params: TieParams, options: BuildOptions): Promise<BuiltTieGraph> {
  const p = await resolveTieParams(db, params);
  const intern = new Interner();
  const edges = new EdgeList();
  for await (const batch of db.iterate<{ a: string; b: string; w: number }>(COAUTHOR_PAIRS_SQL, [p.refYear, p.halfLife, p.maxAuthors], 50_000)) {
    for (const r of batch) edges.push(intern.of(r.a), intern.of(r.b), r.w, KIND_COAUTHOR);
  }
  for await (const batch of db.iterate<TieRow>(`SELECT a, b, kind, year, confidence FROM ties WHERE kind IN ('coauthor', 'mentor')`)) {
    for (const r of batch) pushTieRow(edges, intern, r, p);
  }
  // mentorships, stated and inferred (src/mentors): w = 3 × confidence
  const mentors = new EdgeList();
  for (const r of await mentorRows(db)) {
    const a = intern.of(r.mentor), b = intern.of(r.mentee);
    edges.push(a, b, r.w, KIND_MENTOR);
    mentors.push(a, b, r.w, KIND_MENTOR);
  }
  if (options.allPeople) {
    for await (const batch of db.iterate<{ person_id: string }>(`SELECT person_id FROM people`, [], 100_000)) for (const r of batch) intern.of(r.person_id);
  }
  if (options.owners !== 'none') {
    const rows =
      options.owners === 'all'
        ? await db.query<{ owner: string; person_id: string; strength: number }>(`SELECT owner, person_id, strength FROM contacts`)
        : await db.query<{ owner: string; person_id: string; strength: number }>(`SELECT owner, person_id, strength FROM contacts WHERE owner = $1`, [options.owners]);
    for (const r of rows) edges.push(intern.of(meNode(r.owner)), intern.of(r.person_id), r.strength, KIND_CONTACT);
  }
  // numbered in id order: what its file is read fastest in (csr.ts)
  const graph = buildCsrInIdOrder(intern.ids, edges.length, edges.a, edges.b, edges.w, edges.k, [mentors.a.subarray(0, mentors.length), mentors.b.subarray(0, mentors.length)]);
  return { graph, params: p, mentors: mentorLayerOf(mentors) };
}

/** The mentorship edges pushed to a list, as the layer a graph keeps. */
export function mentorLayerOf(list: EdgeList): MentorLayer {
  const n = list.length;
  return { a: list.a.slice(0, n), b: list.b.slice(0, n), w: list.w.slice(0, n) };
}

export interface TieRow {
  a: string;
  b: string;
  kind: string;
  year: number | null;
  confidence: number | null;
}

/** A `ties` row as an edge (none when its weight is 0). */
export function pushTieRow(edges: EdgeList, intern: { of(id: string): number }, r: TieRow, p: ResolvedTieParams): void {
  const w = tieRowWeight(r.kind, r.year, r.confidence, p);
  if (w > 0) edges.push(intern.of(r.a), intern.of(r.b), w, r.kind === 'mentor' ? KIND_MENTOR : KIND_COAUTHOR);
}
