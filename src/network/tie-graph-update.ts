/**
 * Bringing the people's tie graph up to date after ingests, instead of building it again from every authorship.
 *
 * Ingests since the graph's data version (with no erasure and no merge in between) change the ties of a known set
 * of people A: the authors of every work that gained authorship rows or a newer work row, the people whose rows a
 * replaced record took away (`tie_changes`, kept by the ingest), the people of the new `ties` rows, the new
 * people, and both ends of every mentorship that differs from the ones the graph was built with (mentorships are
 * re-derived after an ingest; the graph keeps the list it took). Every tie with an end in A is computed again
 * from the store — each pair's weight over all its shared works, as the full build does — and every other tie is
 * copied from the old graph: a person outside A shares no new or changed work with anyone, and no row of theirs
 * changed. Reading costs what A's works cost; the arrays are merged in one pass (O(nodes + ties) of copying, no
 * sort). A node whose last tie went (a person known only from a relation that now resolves to someone else) stays,
 * tieless, until the next full build: it answers no path, exactly as an absent node. An erasure, a merge or
 * another reference year is answered by a full build (tie-graph-cache.ts decides).
 */
import type { Queryable, SqlValue } from '../store/store.ts';
import { buildCsr, EdgeList, GrownIndex, KIND_COAUTHOR, KIND_MENTOR, type NodeIndex, type TieGraph } from './csr.ts';
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
  constructor(
    private readonly base: NodeIndex,
    private readonly n: number,
  ) {}
  of(id: string): number {
    const i = this.base.get(id) ?? this.added.get(id);
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
export async function updateTieGraph(db: Queryable, old: BuiltTieGraph, since: number): Promise<BuiltTieGraph & { figures: UpdateFigures }> {
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
  const n = ids.size;
  const allIds = ids.extra.length ? (g.ids as string[]).concat(ids.extra) : g.ids;
  const index = ids.extra.length ? grown(g.index, ids.added) : g.index;
  const delta = buildCsr(allIds, index, edges.length, edges.a, edges.b, edges.w, edges.k);
  const inA = new Uint8Array(n);
  for (const v of batchOf.keys()) inA[v] = 1;
  const graph = mergeRows(g, delta, inA);
  lap('merge');
  return {
    graph,
    params: p,
    mentors: mentorLayerOf(mentors),
    figures: { changedPeople: batchOf.size, recomputedTies: delta.targets.length / 2, addedNodes: ids.extra.length, ms },
  };
}

const idOf = (g: TieGraph, ids: GrowingIds, v: number): string => (v < g.ids.length ? (g.ids[v] as string) : (ids.extra[v - g.ids.length] as string));

function grown(index: NodeIndex, added: ReadonlyMap<string, number>): NodeIndex {
  if (index instanceof GrownIndex) return new GrownIndex(index.base, new Map([...index.added, ...added]));
  return new GrownIndex(index, added);
}

/**
 * The new CSR: a changed node's row is its row in `delta`; any other node keeps its old row without the entries
 * to changed nodes, merged in target order with its `delta` row (which holds exactly its ties to changed nodes).
 * Which rows lose entries is found from the changed nodes' own old rows (ties are symmetric), so untouched rows —
 * nearly all of them — are copied in blocks, and only the touched ones are looked at entry by entry.
 */
function mergeRows(oldGraph: TieGraph, deltaGraph: TieGraph, inA: Uint8Array): TieGraph {
  // every array taken once: a graph read from its file brings each in whole on first use (file-tie-graph.ts)
  const old = arraysOf(oldGraph), delta = arraysOf(deltaGraph);
  const n = deltaGraph.ids.length, n0 = oldGraph.ids.length;
  const dropped = new Int32Array(n);
  for (let a = 0; a < n0; a++) {
    if (!inA[a]) continue;
    for (let e = old.offsets[a] as number; e < (old.offsets[a + 1] as number); e++) {
      const t = old.targets[e] as number;
      if (!inA[t]) dropped[t]!++;
    }
  }
  const deltaLen = (u: number): number => (delta.offsets[u + 1] as number) - (delta.offsets[u] as number);
  const oldLen = (u: number): number => (u < n0 ? (old.offsets[u + 1] as number) - (old.offsets[u] as number) : 0);
  const offsets = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) offsets[u + 1] = (offsets[u] as number) + (inA[u] ? deltaLen(u) : oldLen(u) - (dropped[u] as number) + deltaLen(u));
  const m = offsets[n] as number;
  const targets = new Int32Array(m), weights = new Float64Array(m), costs = new Float64Array(m), kinds = new Uint8Array(m);
  const put = (o: number, src: Arrays, e: number): void => {
    targets[o] = src.targets[e] as number;
    weights[o] = src.weights[e] as number;
    costs[o] = src.costs[e] as number;
    kinds[o] = src.kinds[e] as number;
  };
  const untouched = (u: number): boolean => u < n0 && !inA[u] && dropped[u] === 0 && deltaLen(u) === 0;
  for (let u = 0; u < n; ) {
    if (untouched(u)) {
      // a block of untouched rows: the same entries, at a constant shift
      let v = u + 1;
      while (v < n && untouched(v)) v++;
      const from = old.offsets[u] as number, to = old.offsets[v] as number, at = offsets[u] as number;
      targets.set(old.targets.subarray(from, to), at);
      weights.set(old.weights.subarray(from, to), at);
      costs.set(old.costs.subarray(from, to), at);
      kinds.set(old.kinds.subarray(from, to), at);
      u = v;
      continue;
    }
    let o = offsets[u] as number;
    let d = delta.offsets[u] as number;
    const dEnd = delta.offsets[u + 1] as number;
    if (!inA[u] && u < n0) {
      for (let e = old.offsets[u] as number; e < (old.offsets[u + 1] as number); e++) {
        const t = old.targets[e] as number;
        if (inA[t]) continue;
        while (d < dEnd && (delta.targets[d] as number) < t) put(o++, delta, d++);
        put(o++, old, e);
      }
    }
    while (d < dEnd) put(o++, delta, d++);
    u++;
  }
  return { ids: deltaGraph.ids, index: deltaGraph.index, offsets, targets, weights, costs, kinds };
}

type Arrays = Pick<TieGraph, 'offsets' | 'targets' | 'weights' | 'costs' | 'kinds'>;

const arraysOf = ({ offsets, targets, weights, costs, kinds }: TieGraph): Arrays => ({ offsets, targets, weights, costs, kinds });
