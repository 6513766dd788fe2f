/**
 * The tie graph of a store, kept between requests. Building it reads every authorship (1M synthetic authors:
 * ~33 s) while a path query takes well under a millisecond, so the API server and any long-lived caller reuse
 * it until the data changes (store/repo/data-version.ts, read on every call); a new process reads the graph the
 * last one built for the same data version from disk (tie-graph-file.ts) instead of building it again.
 *
 * The shared graph holds people only (every person of the store, tied or not). Contact lists are kept apart,
 * one small list per owner (owner-ties.ts): a contact import moves the data version but not the version the
 * graph follows (`withoutContacts`), so it only makes its owner's list be read again — a few rows, not the
 * graph's ten million ties.
 */
import type { Queryable, Store } from '../store/store.ts';
import { dataVersions, mayUpdate, updatableSince } from '../store/repo/data-version.ts';
import type { TieGraph } from './csr.ts';
import { noContacts, ownerTiesOf, type OwnerTies } from './owner-ties.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, defaultRefYear, resolveTieParams, validateTieParams, type BuiltTieGraph, type ResolvedTieParams, type TieParams } from './tie-graph.ts';
import { updateTieGraph, type UpdateFigures } from './tie-graph-update.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { deltaWritable, dropTieGraphFile, fileIdOf, keptTieGraphParams, purgeTieGraphFiles, readTieGraphFileOf, sharedWorksFile, tieGraphFileVersion, writeTieGraphFile } from './tie-graph-file.ts';
import { OverlayTieGraph } from './overlay-tie-graph.ts';
import { updateWorksDelta, type WorksOverlay } from './shared-works-delta.ts';
import { readWorksSections, updateWorksSections, type SharedWork, type SharedWorksFile, type WorksSections } from './shared-works.ts';

/**
 * Graphs kept per store, all of the current data version (contacts aside): one per parameter set, the defaults
 * plus one other. Also kept: the default reference year of that version (a MAX over every work), and each
 * owner's list as of the full data version.
 */
const MAX_GRAPHS_PER_STORE = 2;
interface Kept {
  version: string;
  refYear: Promise<number> | null;
  graphs: Map<string, Promise<BuiltTieGraph>>;
  /** The graphs of the version before, kept until the first graph of this one is made: an update starts from them. */
  previous: { version: string; graphs: Map<string, Promise<BuiltTieGraph>> } | null;
  /** Owner lists of this full data version. */
  listsVersion: string;
  lists: Map<string, Promise<Array<{ person_id: string; strength: number }>>>;
  ties: WeakMap<TieGraph, Map<string, OwnerTies>>;
}
const cache = new WeakMap<Queryable, Kept>();

async function keptFor(db: Queryable): Promise<Kept> {
  const v = await dataVersions(db);
  let kept = cache.get(db);
  // Graphs of an older version are dropped at once, not left to age out: each can hold hundreds of MB.
  if (!kept || kept.version !== v.withoutContacts) {
    // kept for an update only when one can follow (after an erasure they may hold the person: they go at once)
    const previous = kept && kept.graphs.size && mayUpdate(kept.version, v.withoutContacts) ? { version: kept.version, graphs: kept.graphs } : null;
    kept = { version: v.withoutContacts, refYear: null, graphs: new Map(), previous, listsVersion: v.full, lists: new Map(), ties: new WeakMap() };
    cache.set(db, kept);
  }
  if (kept.listsVersion !== v.full) {
    kept.listsVersion = v.full;
    kept.lists = new Map();
    kept.ties = new WeakMap();
  }
  return kept;
}

/** The parameters resolved (the default reference year read once per data version). */
function resolved(db: Queryable, kept: Kept, params: TieParams): Promise<ResolvedTieParams> {
  if (params.refYear !== undefined) return resolveTieParams(db, params);
  validateTieParams(params);
  if (!kept.refYear) {
    const y = defaultRefYear(db);
    y.catch(() => (kept.refYear = null));
    kept.refYear = y;
  }
  return kept.refYear.then((refYear) => ({ ...params, refYear }));
}

function graphOf(db: Queryable, kept: Kept, p: ResolvedTieParams): Promise<BuiltTieGraph> {
  const { graphs } = kept;
  const key = JSON.stringify([p.halfLife, p.maxAuthors, p.refYear]);
  let built = graphs.get(key);
  if (built) {
    graphs.delete(key); // most recently used last
  } else {
    const older = kept.previous?.graphs.get(key);
    built = loadOrBuild(db, p, kept.version, older && kept.previous ? { version: kept.previous.version, built: older } : null);
    kept.previous = null; // one graph of the older version at most is updated; the rest of them go
    built.catch(() => graphs.delete(key));
  }
  graphs.set(key, built);
  while (graphs.size > MAX_GRAPHS_PER_STORE) graphs.delete(graphs.keys().next().value as string);
  return built;
}

/** The people's tie graph (no contact list in it) for these parameters, built once per data version. */
export async function tieGraphFor(db: Queryable, params: TieParams): Promise<BuiltTieGraph> {
  const kept = await keptFor(db);
  return graphOf(db, kept, await resolved(db, kept, params));
}

/**
 * The tie graph and one owner's list as the root of that owner's paths; NOT_FOUND when the owner has no
 * contacts (checked before any graph is built).
 */
export async function ownerGraphFor(db: Queryable, params: TieParams, owner: string): Promise<BuiltTieGraph & { root: OwnerTies }> {
  const kept = await keptFor(db);
  let list = kept.lists.get(owner);
  if (!list) {
    const rows = db.query<{ person_id: string; strength: number }>(`SELECT person_id, strength FROM contacts WHERE owner = $1`, [owner]);
    const lists = kept.lists;
    rows.catch(() => lists.get(owner) === rows && lists.delete(owner));
    kept.lists.set(owner, (list = rows));
  }
  const contacts = await list;
  if (contacts.length === 0) throw noContacts(owner);
  const built = await graphOf(db, kept, await resolved(db, kept, params));
  let byOwner = kept.ties.get(built.graph);
  if (!byOwner) kept.ties.set(built.graph, (byOwner = new Map()));
  let root = byOwner.get(owner);
  if (!root) byOwner.set(owner, (root = ownerTiesOf(built.graph, owner, contacts)));
  return { ...built, root };
}

/**
 * After an ingest: the graph of the default parameters, when the store keeps one (in this process, or its file for
 * the reference year the data has now), brought up to date now — so the next `atlas intro` reads it ready instead of
 * paying the update. When none is kept, it is built and kept now with `build` (`first`), when the store has a place
 * for its file; else nothing is built (null). One that cannot be updated is built again, as the
 * next intro would. When the data's last year moved on (a new default reference year weighs every tie anew) and
 * the store kept the default parameters' graph of the year before, the graph of the new year is built now
 * (`newRefYear`): the next intro would build it, and the old one is of no use to it.
 */
export async function updateKeptTieGraph(store: Store, options: { build?: boolean } = {}): Promise<{ how: 'updated' | 'built' | 'current'; ms: number; newRefYear?: number; first?: boolean } | null> {
  const kept = await keptFor(store);
  const p = await resolved(store, kept, DEFAULT_TIE_PARAMS);
  const key = JSON.stringify([p.halfLife, p.maxAuthors, p.refYear]);
  const dir = storeCacheDir(store);
  const keptNow = kept.graphs.has(key) || kept.previous?.graphs.has(key) || tieGraphFileVersion(dir, p) !== null;
  const ofOtherYear = (params: readonly number[]): boolean => params[0] === p.halfLife && params[1] === p.maxAuthors && params[2] !== p.refYear;
  const heldKeys = [...kept.graphs.keys(), ...(kept.previous?.graphs.keys() ?? [])].map((k) => JSON.parse(k) as number[]);
  const yearBefore = !keptNow && (heldKeys.some(ofOtherYear) || keptTieGraphParams(dir).some(ofOtherYear));
  const first = !keptNow && !yearBefore;
  if (first && !(options.build && dir)) return null;
  const before = { ...tieGraphOrigins };
  const t = performance.now();
  await graphOf(store, kept, p);
  const how = tieGraphOrigins.updated > before.updated ? 'updated' : tieGraphOrigins.built > before.built ? 'built' : 'current';
  return { how, ms: performance.now() - t, ...(yearBefore ? { newRefYear: p.refYear } : {}), ...(first ? { first } : {}) };
}

/** How this process got its graphs: built from the store, read from a file, or an older one updated (for benchmarks and tests). */
export const tieGraphOrigins = { built: 0, read: 0, updated: 0 };

/** What the last update of this process did (for benchmarks). */
export let lastTieGraphUpdate: (UpdateFigures & { worksMs: number; writeMs: number; written: 'delta' | 'whole' | null }) | null = null;

/**
 * The graph of this data version: from this store's file when it is of this version; else an older graph (the
 * one this process held, or the file's) brought up to date when only ingests that added records came since
 * (tie-graph-update.ts); else built. Written for the next process in the last two cases.
 */
async function loadOrBuild(db: Queryable, params: ResolvedTieParams, version: string, older: { version: string; built: Promise<BuiltTieGraph> } | null): Promise<BuiltTieGraph> {
  const dir = isStore(db) ? storeCacheDir(db) : null;
  // the file is read whole only when it is of this version, or when no older graph is in memory to start from
  const inMemory = (await older?.built.then((b) => ({ version: older.version, ...b })).catch(() => null)) ?? null;
  const file = !inMemory || tieGraphFileVersion(dir, params) === version ? readTieGraphFileOf(dir, params) : null;
  if (file?.version === version) {
    tieGraphOrigins.read++;
    let sharedWorks = sharedWorksOf(dir, version, params, file.graph);
    if (!sharedWorks && dir) {
      // a file written before it kept the works its people can share: they are added once (the file is
      // written again with them), so that every later intro reads its evidence from the file; if that fails, the
      // evidence comes from the store as before and the next process tries again
      try {
        const works = await readWorksSections(db, file.graph, params);
        if ((await dataVersions(db)).withoutContacts === version) writeTieGraphFile(dir, file.graph, version, params, MAX_GRAPHS_PER_STORE, file.mentors, works);
        sharedWorks = sharedWorksOf(dir, version, params, file.graph);
      } catch {
        sharedWorks = null;
      }
    }
    return { graph: file.graph, params, mentors: file.mentors, sharedWorks };
  }
  const base = inMemory ?? file;
  const since = base ? await updatableSince(db, base.version, version) : null;
  let built: BuiltTieGraph;
  let figures: UpdateFigures | null = null;
  let changed: ReadonlySet<number> | undefined;
  if (base && since !== null) {
    tieGraphOrigins.updated++;
    const u = await updateTieGraph(db, { graph: base.graph, params, mentors: base.mentors }, since);
    figures = u.figures;
    changed = u.changedByIngests;
    built = { graph: u.graph, params: u.params, mentors: u.mentors };
  } else {
    // an older file that cannot be updated may name an erased person: it goes now (and the graph read from it)
    file?.release();
    dropTieGraphFile(dir, params);
    tieGraphOrigins.built++;
    built = await buildTieGraph(db, params, { owners: 'none', allPeople: true });
  }
  // Written only if the data did not change while it was made: a file names the version it holds exactly; with
  // the works its people can share (an update reads those of the changed people only, when the older file has them).
  const t = performance.now();
  let worksMs = 0;
  let written: 'delta' | 'whole' | null = null;
  if (dir && (await dataVersions(db)).withoutContacts === version) {
    // the works as the older file (and its delta) hold them, when they are of the graph updated
    const before = base && since !== null ? sharedWorksFile(dir, base.version, params) : null;
    try {
      let graph = built.graph;
      const overDelta = before !== null && graph instanceof OverlayTieGraph && worksFit(before, base!.graph) && deltaWritable(dir, graph, params) && !overgrown(graph);
      // a works overlay that cannot be made (the older delta's works damaged) is made whole from the store
      let works: WorksSections | WorksOverlay | null = overDelta ? await updateWorksDelta(db, graph.index, params, before, since as number, changed).catch(() => null) : null;
      if (!works) {
        if (graph instanceof OverlayTieGraph) built = { ...built, graph: (graph = graph.materialized()) };
        const old = before && since !== null ? before.whole(base!.graph.ids) : null;
        works = old && since !== null ? await updateWorksSections(db, graph, params, old, since, changed) : await readWorksSections(db, graph, params);
      }
      worksMs = performance.now() - t;
      if ((await dataVersions(db)).withoutContacts === version) {
        writeTieGraphFile(dir, graph, version, params, MAX_GRAPHS_PER_STORE, built.mentors, works);
        written = 'ords' in works ? 'delta' : 'whole';
      }
    } finally {
      before?.close();
    }
  }
  if (figures) lastTieGraphUpdate = { ...figures, worksMs, writeMs: performance.now() - t - worksMs, written };
  return { graph: built.graph, params: built.params, mentors: built.mentors, sharedWorks: sharedWorksOf(dir, version, params, built.graph) };
}

/**
 * A delta is written whole into a new base file once it holds more than a quarter of the base's entries (or
 * nodes): each reader reads the delta whole, and a row outside it costs a merge.
 */
const overgrown = (g: OverlayTieGraph): boolean => g.deltaEntries > (g.base.offsets[g.base.ids.length] as number) / 4 || g.delta.changed.length > g.base.ids.length / 4;

/** Whether works sections read from a file are those of graph `g`'s nodes: the same base file, and the same nodes added over it. */
function worksFit(works: SharedWorksFile, g: TieGraph): boolean {
  const root = g instanceof OverlayTieGraph ? g.base : g;
  const added = g instanceof OverlayTieGraph ? g.delta.added : [];
  return works.baseId !== undefined && works.baseId === fileIdOf(root) && works.nodes === g.ids.length && works.added.length === added.length && works.added.every((id, i) => id === added[i]);
}

/** The shared works of a graph's people, from its file of this version (shared-works.ts); null when there is none. */
function sharedWorksOf(dir: string | null, version: string, p: ResolvedTieParams, graph: TieGraph): ((a: string, b: string) => SharedWork[] | null) | null {
  const file = sharedWorksFile(dir, version, p);
  if (!file) return null;
  return (a, b) => {
    const ua = graph.index.get(a), ub = graph.index.get(b);
    return ua === undefined || ub === undefined ? null : file.shared(a, ua, b, ub);
  };
}

const isStore = (db: Queryable): db is Store => typeof (db as Partial<Store>).location === 'string' && typeof (db as Partial<Store>).backend === 'string';

/** Forget every graph kept for a store, in memory and on disk (after an erasure, or writing to authorships, works, ties or contacts by hand). */
export function invalidateTieGraphs(db: Queryable): void {
  cache.delete(db);
  if (isStore(db)) purgeTieGraphFiles(storeCacheDir(db));
}
