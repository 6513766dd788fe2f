/**
 * The tie graph of a store, kept between requests. Building it reads every authorship (at 1M people and 10M
 * ties: ~20 s for the CSR alone) while a path query takes well under a millisecond, so the API server and
 * any long-lived caller reuse it until the data changes.
 *
 * "The data changes" is read from the store on every call, so a write from another process (a CLI ingest
 * next to a PostgreSQL-backed server) is seen too: every write path that can change the graph leaves a
 * mark — ingests and contact imports add an `ingest_runs` row, merges and splits a `merges` row, erasure
 * `tombstones` rows and one person fewer (a person without identifiers leaves no tombstone). A write outside
 * those paths (hand-written SQL) must call invalidateTieGraphs.
 */
import type { Queryable } from '../store/store.ts';
import type { TieGraph } from './csr.ts';
import { buildTieGraph, resolveTieParams, type BuildOptions, type ResolvedTieParams, type TieParams } from './tie-graph.ts';

type Built = { graph: TieGraph; params: ResolvedTieParams };

/** Graphs kept per store: a recruiter's own (one owner, default parameters) plus one other. */
const MAX_GRAPHS_PER_STORE = 2;
const cache = new WeakMap<Queryable, Map<string, Promise<Built>>>();

const VERSION_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs) AS runs, (SELECT MAX(merge_id) FROM merges) AS merges,
  (SELECT COUNT(*) FROM tombstones) AS tombstones, (SELECT MAX(erased_at) FROM tombstones) AS erased, (SELECT COUNT(*) FROM people) AS people`;

/** What identifies the graph's data: changes with every ingest, contact import, merge, split and erasure. */
async function dataVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<Record<string, unknown>>(VERSION_SQL);
  return JSON.stringify(row ?? {});
}

/** The tie graph for these parameters and owners, built once per data version. */
export async function tieGraphFor(db: Queryable, params: TieParams, options: BuildOptions): Promise<Built> {
  const resolved = await resolveTieParams(db, params);
  const key = JSON.stringify([options.owners, resolved.halfLife, resolved.maxAuthors, resolved.refYear, await dataVersion(db)]);
  let graphs = cache.get(db);
  if (!graphs) cache.set(db, (graphs = new Map()));
  let p = graphs.get(key);
  if (p) {
    graphs.delete(key); // most recently used last
  } else {
    p = buildTieGraph(db, resolved, options);
    p.catch(() => graphs.delete(key));
  }
  graphs.set(key, p);
  while (graphs.size > MAX_GRAPHS_PER_STORE) graphs.delete(graphs.keys().next().value as string);
  return p;
}

/** Forget every graph kept for a store (after writing to authorships, works, ties or contacts by hand). */
export function invalidateTieGraphs(db: Queryable): void {
  cache.delete(db);
}
