/**
 * The tie graph of a store, kept between requests. Building it reads every authorship (1M synthetic authors:
 * ~33 s) while a path query takes well under a millisecond, so the API server and any long-lived caller reuse
 * it until the data changes (store/repo/data-version.ts, read on every call); a new process reads the graph the
 * last one built for the same data version from disk (tie-graph-file.ts) instead of building it again.
 */
import type { Queryable, Store } from '../store/store.ts';
import { dataVersion } from '../store/repo/data-version.ts';
import type { TieGraph } from './csr.ts';
import { buildTieGraph, resolveTieParams, type ResolvedTieParams, type TieParams } from './tie-graph.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { purgeTieGraphFiles, readTieGraphFile, writeTieGraphFile } from './tie-graph-file.ts';

type Built = { graph: TieGraph; params: ResolvedTieParams };

/**
 * Graphs kept per store, all of the current data version. Each holds every owner's contact list (paths from one
 * owner are kept off the others' `me:` nodes by PathFinder), so owners share it: one graph per parameter set,
 * the defaults plus one other.
 */
const MAX_GRAPHS_PER_STORE = 2;
const cache = new WeakMap<Queryable, { version: string; graphs: Map<string, Promise<Built>> }>();

/** The tie graph (every owner's contacts included) for these parameters, built once per data version. */
export async function tieGraphFor(db: Queryable, params: TieParams): Promise<Built> {
  const resolved = await resolveTieParams(db, params);
  const version = await dataVersion(db);
  let kept = cache.get(db);
  // Graphs of an older version are dropped at once, not left to age out: each can hold hundreds of MB.
  if (!kept || kept.version !== version) cache.set(db, (kept = { version, graphs: new Map() }));
  const { graphs } = kept;
  const key = JSON.stringify([resolved.halfLife, resolved.maxAuthors, resolved.refYear]);
  let p = graphs.get(key);
  if (p) {
    graphs.delete(key); // most recently used last
  } else {
    p = loadOrBuild(db, resolved, version);
    p.catch(() => graphs.delete(key));
  }
  graphs.set(key, p);
  while (graphs.size > MAX_GRAPHS_PER_STORE) graphs.delete(graphs.keys().next().value as string);
  return p;
}

/** How this process got its graphs: built from the store, or read from a file (for benchmarks and tests). */
export const tieGraphOrigins = { built: 0, read: 0 };

/** The graph from this store's file when it is of this data version, else built and written for the next process. */
async function loadOrBuild(db: Queryable, params: ResolvedTieParams, version: string): Promise<Built> {
  const dir = isStore(db) ? storeCacheDir(db) : null;
  const kept = readTieGraphFile(dir, version, params);
  if (kept) {
    tieGraphOrigins.read++;
    return { graph: kept, params };
  }
  tieGraphOrigins.built++;
  const built = await buildTieGraph(db, params, { owners: 'all' });
  // Written only if the data did not change while it was built: a file names the version it holds exactly.
  if (dir && (await dataVersion(db)) === version) writeTieGraphFile(dir, built.graph, version, params, MAX_GRAPHS_PER_STORE);
  return built;
}

const isStore = (db: Queryable): db is Store => typeof (db as Partial<Store>).location === 'string' && typeof (db as Partial<Store>).backend === 'string';

/** Forget every graph kept for a store, in memory and on disk (after an erasure, or writing to authorships, works, ties or contacts by hand). */
export function invalidateTieGraphs(db: Queryable): void {
  cache.delete(db);
  if (isStore(db)) purgeTieGraphFiles(storeCacheDir(db));
}
