/**
 * The tie graph kept on disk, so a new process (every CLI call, a server's first request) reads it in one
 * sequential read instead of rebuilding it from every authorship. A file holds one graph for one parameter set
 * and names the data version it was built from (store/repo/data-version.ts), or a delta file beside it names the
 * version it brings it to (tie-graph-delta-file.ts: what an update writes instead of the whole graph); a file of
 * another version is never used, and is deleted as soon as it is found (an erased person's id must not linger in it).
 *
 * The file is a bundle (core/array-bundle.ts): the CSR arrays as they are in memory (weights and costs f64,
 * offsets and targets i32, kinds u8), the node indices in order of their ids (i32: the look-up by id bisects it,
 * SortedIdIndex) and the node ids as lines; meta: the data version, the resolved parameters and the id of this
 * write (what a delta names as its base). A graph is read back without its ties, which it reads from the file kept
 * open as they are needed (file-tie-graph.ts), and with its delta over it when there is one (overlay-tie-graph.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { BundleFile, decodeBundle, encodeBundle, readBundleMeta, writeBundle, type Bundle } from '../core/array-bundle.ts';
import { idOrder, rising, SortedIdIndex, type TieGraph } from './csr.ts';
import { OverlayTieGraph } from './overlay-tie-graph.ts';
import { deltaBundle, deltaFileOf, DELTA_SUFFIX, readDeltaFile, type DeltaMeta } from './tie-graph-delta-file.ts';
import type { WorksOverlay } from './shared-works-delta.ts';
import { FileTieGraph } from './file-tie-graph.ts';
import { SharedWorksFile, type WorksSections } from './shared-works.ts';
import { mentorLayerFits, type MentorLayer, type ResolvedTieParams } from './tie-graph.ts';

const SUFFIX = '.tiegraph';

interface Meta {
  version: string;
  params: [number, number, number];
  /** What the graph holds: 'people' (every person, no contact list: tie-graph-cache.ts). Older files, without it, held every list. */
  holds?: string;
  /** A random id of this write of the file: what a delta file names as its base (tie-graph-delta-file.ts). Older files have none. */
  id?: string;
}

/** The id of the file each graph was read from or written to (the base a delta over it can name). */
const fileIds = new WeakMap<TieGraph, string>();

/** The id of the file a graph was read from or last written to by this process; undefined for any other graph. */
export const fileIdOf = (g: TieGraph): string | undefined => fileIds.get(g);

const HOLDS = 'people';

const paramsKey = (p: ResolvedTieParams): [number, number, number] => [p.halfLife, p.maxAuthors, p.refYear];

function fileFor(dir: string, p: ResolvedTieParams): string {
  const key = createHash('sha1').update(JSON.stringify(paramsKey(p))).digest('hex').slice(0, 16);
  return path.join(dir, `tie-graph-${key}${SUFFIX}`);
}

const NO_MENTORS: MentorLayer = { a: new Int32Array(0), b: new Int32Array(0), w: new Float64Array(0) };

function bundleOf(graph: TieGraph, version: string, p: ResolvedTieParams, mentors: MentorLayer = NO_MENTORS, works?: WorksSections, id?: string): Bundle<Meta> {
  const { weights, costs, offsets, targets, kinds } = graph;
  const arrays = { weights, costs, offsets, targets, kinds, order: idOrder(graph), mentorA: mentors.a, mentorB: mentors.b, mentorW: mentors.w };
  const meta: Meta = { version, params: paramsKey(p), holds: HOLDS, ...(id ? { id } : {}) };
  if (!works) return { meta, arrays, lines: { ids: graph.ids } };
  // with the works each person can share (shared-works.ts), the ids indexed so that one is read alone
  return {
    meta,
    arrays: { ...arrays, personWorksAt: works.personWorksAt, personWorks: works.personWorks },
    lines: { ids: graph.ids, workIds: works.workIds.map((id) => JSON.stringify(id)), works: works.works },
    indexed: ['ids', 'workIds', 'works'],
  };
}

/** The graph as the bytes of its file, in parts; null when an id holds a line break (ids are stored one per line). */
export function encodeTieGraph(graph: TieGraph, version: string, p: ResolvedTieParams, mentors?: MentorLayer): Buffer[] | null {
  return encodeBundle(bundleOf(graph, version, p, mentors));
}

/** A graph with what its file says of it. */
export interface GraphFile {
  graph: TieGraph;
  version: string;
  params: [number, number, number];
  mentors: MentorLayer;
  /** Let go of the file behind the graph (one no caller holds any more: see FileTieGraph); nothing for bytes decoded whole. */
  release(): void;
}

/** Whether these arrays are a graph of n nodes and m directed entries: offsets rising from 0 to m, the id order and the mentor layer in range. */
function consistent(n: number, m: number, offsets: Int32Array, order: Int32Array, mentors: MentorLayer): boolean {
  if (offsets.length !== n + 1 || !rising(offsets, 0, m) || order.length !== n) return false;
  for (let i = 0; i < n; i++) if (!((order[i] as number) >= 0 && (order[i] as number) < n)) return false;
  return mentorLayerFits(mentors, n);
}

/** Whether the ids at `order` ascend strictly (JavaScript string order), as SortedIdIndex needs. */
const ascending = (ids: readonly string[], order: Int32Array): boolean => order.every((j, k) => k === 0 || (ids[order[k - 1] as number] as string) < (ids[j] as string));

/** The graph of a bundle written by encodeTieGraph, decoded whole; null when it is not one (or not whole). */
function graphOf(b: Bundle<Meta> | null): GraphFile | null {
  if (!b || b.meta.holds !== HOLDS) return null;
  const { weights, costs, offsets, targets, kinds, order, mentorA, mentorB, mentorW } = b.arrays;
  const ids = b.lines['ids'] as string[] | undefined;
  if (!(weights instanceof Float64Array && costs instanceof Float64Array && offsets instanceof Int32Array && targets instanceof Int32Array && kinds instanceof Uint8Array && order instanceof Int32Array) || !ids) return null;
  if (!(mentorA instanceof Int32Array && mentorB instanceof Int32Array && mentorW instanceof Float64Array)) return null;
  const n = ids.length, m = targets.length;
  const mentors = { a: mentorA, b: mentorB, w: mentorW };
  if (weights.length !== m || costs.length !== m || kinds.length !== m || !consistent(n, m, offsets, order, mentors) || !ascending(ids, order)) return null;
  const graph: TieGraph = { ids, index: new SortedIdIndex(ids, order), offsets, targets, weights, costs, kinds };
  return { graph, version: b.meta.version, params: b.meta.params, mentors, release: () => {} };
}

/** Read a graph from bytes written by encodeTieGraph; null when they are not one (or not whole). */
export function decodeTieGraph(bytes: Buffer): GraphFile | null {
  return graphOf(decodeBundle<Meta>(bytes));
}

/** The element type and length of each array section of a graph of n nodes, m entries and `mentors` mentorships. */
const shapeOf = (n: number, m: number, mentors: number) =>
  ({ weights: ['f64', m], costs: ['f64', m], targets: ['i32', m], kinds: ['u8', m], offsets: ['i32', n + 1], order: ['i32', n], mentorA: ['i32', mentors], mentorB: ['i32', mentors], mentorW: ['f64', mentors] }) as const;

/**
 * The graph of an open bundle written by encodeTieGraph, its ties left in the file (FileTieGraph); null when it is
 * not one. What is read here is checked as a whole read is (decodeTieGraph); the ties are checked by their sections'
 * types and lengths.
 */
function fileGraphOf(file: BundleFile<Meta>): GraphFile | null {
  const { meta } = file;
  const idsAt = file.section('ids'), targetsAt = file.section('targets'), mentorsAt = file.section('mentorA');
  if (meta.holds !== HOLDS || !idsAt || !targetsAt || !mentorsAt) return null;
  const shape = shapeOf(idsAt.length, targetsAt.length, mentorsAt.length);
  for (const [name, [kind, length]] of Object.entries(shape)) {
    const s = file.section(name);
    if (s?.kind !== kind || s.length !== length) return null;
  }
  const [offsets, order, a, b, w] = (['offsets', 'order', 'mentorA', 'mentorB', 'mentorW'] as const).map((name) => file.array(name));
  const ids = file.lines('ids', true);
  if (!(offsets instanceof Int32Array && order instanceof Int32Array && a instanceof Int32Array && b instanceof Int32Array && w instanceof Float64Array) || !ids) return null;
  const mentors = { a, b, w };
  if (!consistent(ids.list.length, targetsAt.length, offsets, order, mentors) || !ids.ascending(order)) return null;
  const graph = new FileTieGraph(file, ids.list, order, offsets);
  if (meta.id) fileIds.set(graph, meta.id);
  return { graph, version: meta.version, params: meta.params, mentors, release: () => graph.close() };
}

/** The graph on disk for these parameters if it was built from this data version; a file of another is deleted. */
export function readTieGraphFile(dir: string | null, version: string, p: ResolvedTieParams): TieGraph | null {
  const got = readTieGraphFileOf(dir, p);
  if (got && got.version === version) return got.graph;
  got?.release();
  dropTieGraphFile(dir, p);
  return null;
}

/**
 * The graph on disk for these parameters, of whichever data version it names (an older one can be brought up to
 * date: tie-graph-update.ts); a file that is not a whole graph of these parameters is deleted. Its ties stay in the
 * file, read as they are needed (FileTieGraph): `release()` the graph when no caller will use it.
 */
export function readTieGraphFileOf(dir: string | null, p: ResolvedTieParams): GraphFile | null {
  if (!dir) return null;
  const at = fileFor(dir, p);
  const file = BundleFile.open<Meta>(at);
  let got: GraphFile | null = null;
  try {
    got = file && fileGraphOf(file);
  } catch {
    // unreadable: as if damaged
  }
  if (got && file && JSON.stringify(got.params) === JSON.stringify(paramsKey(p))) return withDelta(got, file.meta.id, at);
  file?.close();
  rmSync(at, { force: true });
  rmSync(deltaFileOf(at), { force: true });
  return null;
}

/** The graph of a base file with its delta file read over it, when there is one made over this base; else the base (and a delta over another goes). */
function withDelta(base: GraphFile, id: string | undefined, at: string): GraphFile {
  const g = base.graph;
  const n0 = g.ids.length;
  const baseLen = (u: number): number => (u < n0 ? (g.offsets[u + 1] as number) - (g.offsets[u] as number) : 0);
  const read = readDeltaFile(deltaFileOf(at), id, n0, g.offsets[n0] as number, base.params, baseLen);
  if (!read) {
    rmSync(deltaFileOf(at), { force: true });
    return base;
  }
  return { graph: new OverlayTieGraph(g, read.delta), version: read.meta.version, params: base.params, mentors: read.mentors, release: base.release };
}

/** The data version the file of these parameters names (from its header only); null when there is none. */
export function tieGraphFileVersion(dir: string | null, p: ResolvedTieParams): string | null {
  return dir ? versionAt(fileFor(dir, p)) : null;
}

/** The version a graph file holds: its delta's when the delta was made over it, else its own (headers only). */
function versionAt(file: string): string | null {
  const base = readBundleMeta<Meta>(file);
  if (!base) return null;
  const delta = base.id ? readBundleMeta<DeltaMeta>(deltaFileOf(file)) : null;
  return delta?.holds === 'delta' && delta.base === base.id ? delta.version : base.version;
}

/** The parameter sets (half-life, max authors, reference year) of the graphs kept in a folder, whatever their version (headers only). */
export function keptTieGraphParams(dir: string | null): Array<[number, number, number]> {
  if (!dir) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Array<[number, number, number]> = [];
  for (const f of names) {
    if (!f.endsWith(SUFFIX)) continue;
    const params = readBundleMeta<Meta>(path.join(dir, f))?.params;
    if (Array.isArray(params) && params.length === 3 && params.every((x) => typeof x === 'number')) out.push(params);
  }
  return out;
}

/** Delete the file of these parameters (an older graph that could not be updated: it may name an erased person). */
export function dropTieGraphFile(dir: string | null, p: ResolvedTieParams): void {
  if (!dir) return;
  rmSync(fileFor(dir, p), { force: true });
  rmSync(deltaFileOf(fileFor(dir, p)), { force: true });
}

/** The shared works kept in the file of these parameters, when it is of this version and holds them (shared-works.ts). */
export function sharedWorksFile(dir: string | null, version: string, p: ResolvedTieParams): SharedWorksFile | null {
  return dir ? SharedWorksFile.open(fileFor(dir, p), version) : null;
}

/**
 * Whether a graph made over a base (overlay-tie-graph.ts) can be kept as a delta file over the file of these
 * parameters: that file is still the one its base was read from or written to.
 */
export function deltaWritable(dir: string | null, graph: TieGraph, p: ResolvedTieParams): graph is OverlayTieGraph {
  if (!dir || !(graph instanceof OverlayTieGraph)) return false;
  const id = fileIds.get(graph.base);
  return id !== undefined && readBundleMeta<Meta>(fileFor(dir, p))?.id === id;
}

/**
 * Keep the graph on disk for the next process, with the works its people can share when given: a graph made over
 * the base in the file (deltaWritable) as a delta file beside it, with the works as an overlay; any other whole
 * (a graph made over a base is made whole first). Files of other parameter sets beyond `keep` go, oldest first.
 */
export function writeTieGraphFile(dir: string | null, graph: TieGraph, version: string, p: ResolvedTieParams, keep = 2, mentors?: MentorLayer, works?: WorksSections | WorksOverlay): void {
  if (!dir) return;
  const file = fileFor(dir, p);
  const overlay = works && 'ords' in works ? works : null;
  if (deltaWritable(dir, graph, p) && (!works || overlay)) {
    const id = fileIds.get(graph.base) as string;
    if (!writeBundle(deltaFileOf(file), deltaBundle(graph, { version, params: paramsKey(p), base: id }, mentors ?? NO_MENTORS, overlay))) return;
  } else {
    if (overlay) throw new Error('a works overlay is written with a delta over its base only');
    const id = randomBytes(8).toString('hex');
    const whole = graph instanceof OverlayTieGraph ? graph.materialized() : graph;
    if (!writeBundle(file, bundleOf(whole, version, p, mentors, works as WorksSections | undefined, id))) return; // a full disk, or an id with a line break: rebuilt next time
    fileIds.set(graph, id);
    rmSync(deltaFileOf(file), { force: true });
  }
  // Files of another data version are of no use to anyone (and may name an erased person): they go; of the
  // rest, the newest `keep` stay.
  const others = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX) && path.join(dir, f) !== file)
    .map((f) => path.join(dir, f))
    .filter((f) => (versionAt(f) === version ? true : (rmSync(f, { force: true }), rmSync(deltaFileOf(f), { force: true }), false)))
    .map((f) => ({ f, at: Math.max(statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0, statSync(deltaFileOf(f), { throwIfNoEntry: false })?.mtimeMs ?? 0) }))
    .sort((a, b) => a.at - b.at);
  for (const { f } of others.slice(0, Math.max(0, others.length - (keep - 1)))) {
    rmSync(f, { force: true });
    rmSync(deltaFileOf(f), { force: true });
  }
}

/** Delete every graph file of a store (after an erasure: no file may still hold the person). */
export function purgeTieGraphFiles(dir: string | null): void {
  if (!dir) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (f.endsWith(SUFFIX) || f.endsWith(DELTA_SUFFIX) || f.endsWith('.tmp')) rmSync(path.join(dir, f), { force: true });
}
