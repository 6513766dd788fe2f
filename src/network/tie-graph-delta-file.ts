/**
 * The delta file beside a tie graph's file (tie-graph-file.ts): what updates changed since the graph of that file
 * (overlay-tie-graph.ts), with the works the changed people can share now (shared-works-delta.ts). An update
 * writes this file, a few MB, instead of the whole graph again (hundreds of MB at a million people); a reader reads
 * the base file as it always did and this file whole over it.
 *
 * The delta names the base it was made over by the id the base file was written with (a random one per write):
 * a base written again since (a full build, by this process or another) has another id, and its delta is
 * ignored and deleted. Meta: the data version the base plus the delta hold, the parameters, the node and entry
 * counts of the base, and the number of work ordinals. Sections: the TieDelta arrays, the mentor layer as it is
 * now, the added nodes' ids, and the works overlay (WorksOverlay).
 */
import { BundleFile, listView, type Bundle } from '../core/array-bundle.ts';
import { FileLines } from '../core/file-lines.ts';
import { deltaRow, type OverlayTieGraph, type TieDelta } from './overlay-tie-graph.ts';
import { overlayFits, type WorksOverlay } from './shared-works-delta.ts';
import { mentorLayerFits, type MentorLayer } from './tie-graph.ts';
import { ascendingIn, findSorted, rising } from './csr.ts';

export const DELTA_SUFFIX = '.tiedelta';

export interface DeltaMeta {
  version: string;
  params: [number, number, number];
  holds: 'delta';
  /** The id of the base file it was made over. */
  base: string;
  baseNodes: number;
  baseEntries: number;
  /** Work ordinals in all (base and delta); absent when the delta holds no works. */
  workCount?: number;
}

/** The delta file of a graph file. */
export const deltaFileOf = (graphFile: string): string => graphFile.replace(/\.tiegraph$/, DELTA_SUFFIX);

/** The bundle of a delta file. */
export function deltaBundle(graph: OverlayTieGraph, meta: Omit<DeltaMeta, 'holds' | 'baseNodes' | 'baseEntries' | 'workCount'>, mentors: MentorLayer, works: WorksOverlay | null): Bundle<DeltaMeta> {
  const d = graph.delta;
  const base = graph.base;
  const full: DeltaMeta = { ...meta, holds: 'delta', baseNodes: base.ids.length, baseEntries: base.offsets[base.ids.length] as number, ...(works ? { workCount: works.count } : {}) };
  const arrays = { changed: d.changed, rows: d.rows, rowAt: d.rowAt, targets: d.targets, weights: d.weights, costs: d.costs, kinds: d.kinds, resized: d.resized, sizes: d.sizes, mentorA: mentors.a, mentorB: mentors.b, mentorW: mentors.w };
  if (!works) return { meta: full, arrays, lines: { added: d.added } };
  return {
    meta: full,
    arrays: { ...arrays, workRows: works.rows, workRowAt: works.rowAt, personWorks: works.personWorks, workOrds: works.ords },
    lines: { added: d.added, workIds: works.workIds.map((id) => JSON.stringify(id)), works: works.works },
    // the works' lines and the added ids are read one at a time when a look-up needs them (file-lines.ts)
    indexed: ['added', 'workIds', 'works'],
  };
}

export interface ReadDelta {
  meta: DeltaMeta;
  delta: TieDelta;
  mentors: MentorLayer;
}

/** The delta file at `file`, opened, if it is a delta over the base file of id `baseId` (of `baseNodes` nodes); else null. */
function openDelta(file: string, baseId: string | undefined, baseNodes: number): BundleFile<DeltaMeta> | null {
  if (!baseId) return null;
  const f = BundleFile.open<DeltaMeta>(file);
  if (f && f.meta.holds === 'delta' && f.meta.base === baseId && f.meta.baseNodes === baseNodes && f.section('added')?.kind === 'lines') return f;
  f?.close();
  return null;
}

/**
 * The ties of the delta file at `file` if it was made over the base file of id `baseId` (of `baseNodes` nodes and
 * `baseEntries` entries, row u of `baseLen(u)`) with these parameters, and they hold together; else null. Its
 * works are left in the file (readDeltaWorks).
 */
export function readDeltaFile(file: string, baseId: string | undefined, baseNodes: number, baseEntries: number, params: [number, number, number], baseLen: (u: number) => number): ReadDelta | null {
  const f = openDelta(file, baseId, baseNodes);
  if (!f) return null;
  try {
    const { meta } = f;
    if (meta.baseEntries !== baseEntries || JSON.stringify(meta.params) !== JSON.stringify(params)) return null;
    const names = ['changed', 'rows', 'rowAt', 'targets', 'weights', 'costs', 'kinds', 'resized', 'sizes', 'mentorA', 'mentorB', 'mentorW'];
    const [changed, rows, rowAt, targets, weights, costs, kinds, resized, sizes, mentorA, mentorB, mentorW] = names.map((name) => f.array(name));
    const added = f.lines('added')?.list;
    if (!(changed instanceof Int32Array && rows instanceof Int32Array && rowAt instanceof Int32Array && targets instanceof Int32Array && resized instanceof Int32Array && sizes instanceof Int32Array)) return null;
    if (!(weights instanceof Float64Array && costs instanceof Float64Array && kinds instanceof Uint8Array && added)) return null;
    if (!(mentorA instanceof Int32Array && mentorB instanceof Int32Array && mentorW instanceof Float64Array)) return null;
    const n = baseNodes + added.length, m = targets.length;
    if (rowAt.length !== rows.length + 1 || !rising(rowAt, 0, m) || weights.length !== m || costs.length !== m || kinds.length !== m || sizes.length !== resized.length) return null;
    for (let e = 0; e < m; e++) if (!((targets[e] as number) >= 0 && (targets[e] as number) < n)) return null;
    // A, the rows and the resized nodes ascending and in range; A holds every added node (strictly ascending below
    // n, its last `added` are those); no resized node is in A, nor longer than its base row and delta row together
    if (!(ascendingIn(changed, n) && ascendingIn(rows, n) && ascendingIn(resized, n))) return null;
    if (added.length > changed.length || (added.length > 0 && changed[changed.length - added.length] !== baseNodes)) return null;
    const delta: TieDelta = { changed, rows, rowAt, targets, weights, costs, kinds, resized, sizes, added };
    for (let i = 0; i < resized.length; i++) {
      const v = resized[i] as number, [from, to] = deltaRow(delta, v);
      if (findSorted(changed, v) >= 0 || !((sizes[i] as number) >= 0 && (sizes[i] as number) <= baseLen(v) + to - from)) return null;
    }
    const mentors = { a: mentorA, b: mentorB, w: mentorW };
    return mentorLayerFits(mentors, n) ? { meta, delta, mentors } : null;
  } catch {
    return null;
  } finally {
    f.close();
  }
}

/** The number of nodes a delta file adds, when it holds `version` over the base file of id `baseId` (header only); else null. */
export function deltaAdds(file: string, baseId: string | undefined, baseNodes: number, version: string): number | null {
  const f = openDelta(file, baseId, baseNodes);
  const added = f && f.meta.version === version ? (f.section('added')?.length ?? null) : null;
  f?.close();
  return added;
}

/**
 * The works overlay and the added nodes' ids of the delta file at `file`, when it holds `version` over the base
 * of id `baseId` (of `baseNodes` nodes); null otherwise. The arrays are read now; the lines (work ids, works,
 * added ids) one at a time when asked for, from the file kept open (`file`: close it when done).
 */
export function readDeltaWorks(file: string, baseId: string | undefined, baseNodes: number, version: string): { works: WorksOverlay; added: readonly string[]; file: BundleFile<DeltaMeta> } | null {
  const f = openDelta(file, baseId, baseNodes);
  if (!f) return null;
  let got: { works: WorksOverlay; added: readonly string[]; file: BundleFile<DeltaMeta> } | null = null;
  try {
    const { meta } = f;
    const [rows, rowAt, personWorks, ords] = ['workRows', 'workRowAt', 'personWorks', 'workOrds'].map((name) => f.array(name));
    const [added, workIds, works] = ['added', 'workIds', 'works'].map((name) => FileLines.of(f, name));
    const count = meta.workCount;
    if (meta.version !== version || !(rows instanceof Int32Array && rowAt instanceof Int32Array && personWorks instanceof Int32Array && ords instanceof Int32Array)) return null;
    if (!(added && workIds && works && Number.isInteger(count))) return null;
    // a work id is a JSON string on its line: anything else reads as no id (the look-up then answers nothing)
    const idAt = (i: number): string | undefined => {
      const line = workIds.line(i);
      const id = line === undefined ? undefined : (JSON.parse(line) as unknown);
      return typeof id === 'string' ? id : undefined;
    };
    const w: WorksOverlay = { rows, rowAt, personWorks, ords, workIds: listView(workIds.length, idAt), works: works.toArray(), count: count as number };
    if (overlayFits(w, baseNodes + added.length)) got = { works: w, added: added.toArray(), file: f };
    return got;
  } catch {
    return null;
  } finally {
    if (!got) f.close();
  }
}
