/**
 * Bringing the people's tie graph up to date after ingests, instead of building it again from every authorship.
 *
 * Ingests since the graph's data version (with no erasure and no merge in between) change the ties of a known set
 * of people A: the authors of every work that gained authorship rows or a newer work row, the people whose rows a
 * replaced record took away (`tie_changes`, kept by the ingest), the people of the new `ties` rows, the new
 * people, and both ends of every mentorship that differs from the ones the graph was built with (mentorships are
 * re-derived after an ingest; the graph keeps the list it took). Every tie with an end in A is computed again
 * from the store — each pair's weight over all its shared works, as the full build does — and every other tie
 * stays as the old graph has it: a person outside A shares no new or changed work with anyone, and no row of theirs
 * changed. The result is the old graph's base with a delta over it (overlay-tie-graph.ts): the ties with an end in
 * A, now and in the old graph's delta; no tie outside them is copied. Reading costs what A's works cost, and the
 * delta what A's ties and the base rows of the nodes new in A cost, plus one pass over the nodes. A node whose
 * last tie went (a person known only from a relation that now resolves to someone else) stays, tieless, until the
 * next full build: it answers no path, exactly as an absent node. An erasure, a merge or
 * another reference year is answered by a full build (tie-graph-cache.ts decides).
 */
import type { Queryable, SqlValue } from '../store/store.ts';
import { buildCsr, EdgeList, KIND_COAUTHOR, KIND_MENTOR, memoIndex, type NodeIndex, type TieGraph } from './csr.ts';
import { deltaRow, OverlayTieGraph, overlayIds } from './overlay-tie-graph.ts';
import { coauthorPairsOfSql, mentorLayerOf, mentorRows, pushTieRow, type BuiltTieGraph, type MentorLayer, type TieRow } from './tie-graph.ts';

/**
 * People whose ties runs after `since` may have changed (see the module's note), mentorship changes aside; `since`
 * is the statement's parameter `$<at>`.
 */
export const changedPeopleSql = (at: number): string => `
  SELECT person_id FROM authorships WHERE work_id IN (SELECT work_id FROM authorships WHERE run_id > $${at} UNION SELECT work_id FROM works WHERE run_id > $${at})
  UNION SELECT person_id FROM tie_changes WHERE run_id > $${at}
  UNION SELECT a AS person_id FROM ties WHERE run_id > $${at}
  UNION SELECT b AS person_id FROM ties WHERE run_id > $${at}
  UNION SELECT person_id FROM people WHERE run_id > $${at}`;

/** A set of changed people as a query whose parameters are numbered from `$<first>`, with their values. */
interface Batch {
  sql: (first: number) => string;
  params: SqlValue[];
}

/** Ids grown onto an existing graph's. */
class GrowingIds {
  readonly added = new Map<string, number>();
  readonly extra: string[] = [];
  /** The base's look-up, remembering each id (a pair's ends come back in many rows; a look-up bisects the base's ids). */
  private readonly inBase: (id: string) => number | undefined;
  constructor(
    base: NodeIndex,
    private readonly n: number,
  ) {
    this.inBase = memoIndex(base);
  }

  of(id: string): number {
    const i = this.inBase(id) ?? this.added.get(id);
    if (i !== undefined) return i;
    const j = this.n + this.extra.length;
    this.extra.push(id);
    this.added.set(id, j);
    return j;
  }
  get size(): number {
    return this.n + this.extra.length;
  }
}

const pairOf = (a: number, b: number): string => (a < b ? `${a},${b}` : `${b},${a}`);

/** Mentorship weight per unordered pair, summed in row order. */
function mentorWeights(m: MentorLayer): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < m.a.length; i++) {
    const k = pairOf(m.a[i] as number, m.b[i] as number);
    out.set(k, (out.get(k) ?? 0) + (m.w[i] as number));
  }
  return out;
}

export interface UpdateFigures {
  /** People whose ties were computed again. */
  changedPeople: number;
  /** Ties (undirected) computed again. */
  recomputedTies: number;
  addedNodes: number;
  /** Milliseconds per step: finding the changed people, the mentorship diff, reading their ties, merging the arrays. */
  ms: { people: number; mentorships: number; ties: number; merge: number };
}

/** The graph of the store as it is now, from `old` (built as of run `since`): see the module's note. */
export async function updateTieGraph(db: Queryable, old: BuiltTieGraph, since: number): Promise<BuiltTieGraph & { figures: UpdateFigures; changedByIngests: ReadonlySet<number> }> {
  const { graph: g, params: p } = old;
  const n0 = g.ids.length;
  const ids = new GrowingIds(g.index, n0);
  // A: from the runs since, then the mentorships that differ from the graph's
  let t = performance.now();
  const ms = { people: 0, mentorships: 0, ties: 0, merge: 0 };
  const lap = (k: keyof typeof ms): void => {
    const now = performance.now();
    ms[k] = now - t;
    t = now;
  };
  const changed = new Set<number>();
  for await (const batch of db.iterate<{ person_id: string }>(changedPeopleSql(1), [since], 50_000)) for (const r of batch) changed.add(ids.of(r.person_id));
  lap('people');
  const fresh = await mentorRows(db);
  const mentors = new EdgeList();
  for (const r of fresh) mentors.push(ids.of(r.mentor), ids.of(r.mentee), r.w, KIND_MENTOR);
  const before = mentorWeights(old.mentors);
  const now = mentorWeights(mentors);
  const byMentorship: number[] = [];
  for (const [k, w] of now) if (before.get(k) !== w) byMentorship.push(...k.split(',').map(Number));
  for (const [k] of before) if (!now.has(k)) byMentorship.push(...k.split(',').map(Number));
  // each changed person's batch: 0 for those found by SQL, then chunks of the ones only a mentorship names
  const batchOf = new Map<number, number>();
  for (const v of changed) batchOf.set(v, 0);
  const batches: Batch[] = [{ sql: changedPeopleSql, params: [since] }];
  const extra = [...new Set(byMentorship)].filter((v) => !batchOf.has(v));
  for (let i = 0; i < extra.length; i += 500) {
    const chunk = extra.slice(i, i + 500);
    chunk.forEach((v) => batchOf.set(v, batches.length));
    batches.push({
      sql: (first) => `SELECT CAST(person_id AS TEXT) AS person_id FROM (VALUES ${chunk.map((_, j) => `($${j + first})`).join(', ')}) AS t(person_id)`,
      params: chunk.map((v) => idOf(g, ids, v)),
    });
  }
  lap('mentorships');
  // a pair is taken from the first batch that holds one of its ends: never twice
  const firstBatch = (a: number, b: number): number => Math.min(batchOf.get(a) ?? Infinity, batchOf.get(b) ?? Infinity);
  const edges = new EdgeList();
  for (const [k, batch] of batches.entries()) {
    for await (const rows of db.iterate<{ a: string; b: string; w: number }>(coauthorPairsOfSql(batch.sql(4)), [p.refYear, p.halfLife, p.maxAuthors, ...batch.params], 50_000)) {
      for (const r of rows) {
        const a = ids.of(r.a), b = ids.of(r.b);
        if (firstBatch(a, b) === k) edges.push(a, b, r.w, KIND_COAUTHOR);
      }
    }
  }
  for (const [k, batch] of batches.entries()) {
    for await (const rows of db.iterate<TieRow>(
      `WITH aff AS (${batch.sql(1)}) SELECT a, b, kind, year, confidence FROM ties
       WHERE kind IN ('coauthor', 'mentor') AND (a IN (SELECT person_id FROM aff) OR b IN (SELECT person_id FROM aff))`,
      batch.params,
    )) {
      for (const r of rows) {
        const a = ids.of(r.a), b = ids.of(r.b);
        if (firstBatch(a, b) === k) pushTieRow(edges, ids, r, p);
      }
    }
  }
  for (let i = 0; i < mentors.length; i++) {
    const a = mentors.a[i] as number, b = mentors.b[i] as number;
    if (batchOf.has(a) || batchOf.has(b)) edges.push(a, b, mentors.w[i] as number, KIND_MENTOR);
  }
  lap('ties');
  const graph = overlayOf(g, ids, edges, batchOf);
  const { targets } = graph.delta;
  let recomputedTies = 0;
  for (const u of batchOf.keys()) {
    const [from, to] = deltaRow(graph.delta, u);
    for (let e = from; e < to; e++) if (u < (targets[e] as number) || !batchOf.has(targets[e] as number)) recomputedTies++;
  }
  lap('merge');
  return {
    graph,
    params: p,
    mentors: mentorLayerOf(mentors),
    figures: { changedPeople: batchOf.size, recomputedTies, addedNodes: ids.extra.length, ms },
    // the people the ingests changed (changedPeopleSql), as nodes of the graph after the update: what the shared
    // works update reads again, without asking the store a second time
    changedByIngests: changed,
  };
}

/**
 * The graph after the update as the base of `g` (g itself, or the base of the delta g already is) with the ties
 * of every node changed since that base (overlay-tie-graph.ts): `edges` are the current ties with an end in the
 * nodes changed now (`now`); the older delta's ties with no end among them are kept as they are.
 */
function overlayOf(g: TieGraph, ids: GrowingIds, edges: EdgeList, now: ReadonlyMap<number, number>): OverlayTieGraph {
  const older = g instanceof OverlayTieGraph ? g : null;
  const prev = older?.delta ?? null;
  const base = older ? older.base : g;
  const n = ids.size, n0 = base.ids.length;
  if (prev) {
    for (let r = 0; r < prev.rows.length; r++) {
      const u = prev.rows[r] as number;
      if (now.has(u)) continue;
      for (let e = prev.rowAt[r] as number; e < (prev.rowAt[r + 1] as number); e++) {
        const t = prev.targets[e] as number;
        if (u < t && !now.has(t)) edges.push(u, t, prev.weights[e] as number, prev.kinds[e] as number);
      }
    }
  }
  const added = prev ? [...prev.added, ...ids.extra] : ids.extra.slice();
  // the delta's CSR over every node (its rows are what is kept)
  const d = buildCsr(overlayIds(base, added), g.index, edges.length, edges.a, edges.b, edges.w, edges.k);
  const dLen = (u: number): number => (d.offsets[u + 1] as number) - (d.offsets[u] as number);
  // A: the older delta's nodes, the ones changed now, and every node the base does not have
  const inA = new Uint8Array(n);
  if (prev) for (const v of prev.changed) inA[v] = 1;
  const baseLen = (u: number): number => (u < n0 ? (base.offsets[u + 1] as number) - (base.offsets[u] as number) : 0);
  // entries of each row outside A to nodes of A: the older delta's count (its rows' lengths against the base's and
  // their delta rows), and those to nodes new in A (their base rows: ties are symmetric)
  const dropped = new Int32Array(n);
  if (older && prev) {
    for (let v = 0; v < n0; v++) if (!inA[v]) dropped[v] = baseLen(v) - ((older.offsets[v + 1] as number) - (older.offsets[v] as number));
    for (let r = 0; r < prev.rows.length; r++) {
      const v = prev.rows[r] as number;
      if (v < n0 && !inA[v]) dropped[v]! += (prev.rowAt[r + 1] as number) - (prev.rowAt[r] as number);
    }
  }
  const newInA: number[] = [];
  for (const v of now.keys()) if (!inA[v]) newInA.push(v);
  for (let v = n0; v < n; v++) if (!inA[v] && !now.has(v)) newInA.push(v);
  for (const v of newInA) inA[v] = 1;
  for (const v of newInA) {
    if (v >= n0) continue;
    for (const t of baseTargets(base, v)) dropped[t]!++;
  }
  const changed: number[] = [], rows: number[] = [], rowAt = [0], resized: number[] = [], sizes: number[] = [];
  for (let u = 0; u < n; u++) {
    if (inA[u]) changed.push(u);
    if (dLen(u) > 0) {
      rows.push(u);
      rowAt.push(d.offsets[u + 1] as number);
    }
    const len = baseLen(u) - (dropped[u] as number) + dLen(u);
    if (!inA[u] && len !== baseLen(u)) {
      resized.push(u);
      sizes.push(len);
    }
  }
  const delta = { changed: Int32Array.from(changed), rows: Int32Array.from(rows), rowAt: Int32Array.from(rowAt), targets: d.targets, weights: d.weights, costs: d.costs, kinds: d.kinds, resized: Int32Array.from(resized), sizes: Int32Array.from(sizes), added };
  return new OverlayTieGraph(base, delta);
}

/** Row v's targets in a base graph (only that row read, of a graph read from its file). */
function baseTargets(base: TieGraph, v: number): Int32Array {
  const from = base.offsets[v] as number, to = base.offsets[v + 1] as number;
  if (!base.lazy) return base.targets.subarray(from, to);
  base.lazy.need(v);
  return base.lazy.targets.subarray(from, to);
}

const idOf = (g: TieGraph, ids: GrowingIds, v: number): string => (v < g.ids.length ? (g.ids[v] as string) : (ids.extra[v - g.ids.length] as string));

