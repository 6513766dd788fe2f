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
import { BundleFile, type Bundle } from '../core/array-bundle.ts';
import type { OverlayTieGraph, TieDelta } from './overlay-tie-graph.ts';
import { overlayFits, type WorksOverlay } from './shared-works-delta.ts';
import type { MentorLayer } from './tie-graph.ts';

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
  const arrays = { changed: d.changed, offsets: d.offsets, dOffsets: d.dOffsets, targets: d.targets, weights: d.weights, costs: d.costs, kinds: d.kinds, mentorA: mentors.a, mentorB: mentors.b, mentorW: mentors.w };
  if (!works) return { meta: full, arrays, lines: { added: d.added } };
  return {
    meta: full,
    arrays: { ...arrays, workRows: works.rows, workRowAt: works.rowAt, personWorks: works.personWorks, workOrds: works.ords },
    lines: { added: d.added, workIds: works.workIds.map((id) => JSON.stringify(id)), works: works.works },
  };
}

export interface ReadDelta {
  meta: DeltaMeta;
  delta: TieDelta;
  mentors: MentorLayer;
}

const rising = (a: Int32Array, from: number, to: number): boolean => {
  if (a[0] !== from || a[a.length - 1] !== to) return false;
  for (let i = 1; i < a.length; i++) if (!((a[i - 1] as number) <= (a[i] as number))) return false;
  return true;
};

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
    const [changed, offsets, dOffsets, targets, weights, costs, kinds, mentorA, mentorB, mentorW] = ['changed', 'offsets', 'dOffsets', 'targets', 'weights', 'costs', 'kinds', 'mentorA', 'mentorB', 'mentorW'].map((name) => f.array(name));
    const added = f.lines('added')?.list;
    if (!(changed instanceof Int32Array && offsets instanceof Int32Array && dOffsets instanceof Int32Array && targets instanceof Int32Array)) return null;
    if (!(weights instanceof Float64Array && costs instanceof Float64Array && kinds instanceof Uint8Array && added)) return null;
    if (!(mentorA instanceof Int32Array && mentorB instanceof Int32Array && mentorW instanceof Float64Array)) return null;
    const n = baseNodes + added.length, m = targets.length;
    if (offsets.length !== n + 1 || dOffsets.length !== n + 1 || !rising(offsets, 0, offsets[n] as number) || !rising(dOffsets, 0, m)) return null;
    if (weights.length !== m || costs.length !== m || kinds.length !== m) return null;
    for (let e = 0; e < m; e++) if (!((targets[e] as number) >= 0 && (targets[e] as number) < n)) return null;
    // A ascending, holding every added node; a row outside A no longer than its base row and delta row together
    const inA = new Uint8Array(n);
    for (let i = 0; i < changed.length; i++) {
      const v = changed[i] as number;
      if (!(v >= 0 && v < n && (i === 0 || v > (changed[i - 1] as number)))) return null;
      inA[v] = 1;
    }
    for (let v = baseNodes; v < n; v++) if (!inA[v]) return null;
    for (let v = 0; v < n; v++) {
      const len = (offsets[v + 1] as number) - (offsets[v] as number), dLen = (dOffsets[v + 1] as number) - (dOffsets[v] as number);
      if (inA[v] ? len !== dLen : len > baseLen(v) + dLen) return null;
    }
    if (mentorB.length !== mentorA.length || mentorW.length !== mentorA.length) return null;
    for (let i = 0; i < mentorA.length; i++) if (!((mentorA[i] as number) >= 0 && (mentorA[i] as number) < n && (mentorB[i] as number) >= 0 && (mentorB[i] as number) < n)) return null;
    return { meta, delta: { changed, offsets, dOffsets, targets, weights, costs, kinds, added }, mentors: { a: mentorA, b: mentorB, w: mentorW } };
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

/** The works overlay of a delta's sections for n nodes; null when it holds none (or they do not hold together). */
function worksOf(arrays: (name: string) => unknown, lines: (name: string) => readonly string[] | null | undefined, count: number | undefined, n: number): WorksOverlay | null {
  const rows = arrays('workRows'), rowAt = arrays('workRowAt'), personWorks = arrays('personWorks'), ords = arrays('workOrds');
  const workIds = lines('workIds'), works = lines('works');
  if (!(rows instanceof Int32Array && rowAt instanceof Int32Array && personWorks instanceof Int32Array && ords instanceof Int32Array && workIds && works && Number.isInteger(count))) return null;
  let ids: unknown[];
  try {
    ids = workIds.map((l) => JSON.parse(l) as unknown);
  } catch {
    return null;
  }
  if (!ids.every((id) => typeof id === 'string')) return null;
  const w: WorksOverlay = { rows, rowAt, personWorks, ords, workIds: ids as string[], works: [...works], count: count as number };
  return overlayFits(w, n) ? w : null;
}

/**
 * The works overlay and the added nodes' ids of the delta file at `file`, when it holds `version` over the base
 * of id `baseId` (of `baseNodes` nodes); null otherwise. Only these sections are read.
 */
export function readDeltaWorks(file: string, baseId: string | undefined, baseNodes: number, version: string): { works: WorksOverlay; added: string[] } | null {
  const f = openDelta(file, baseId, baseNodes);
  if (!f) return null;
  try {
    const { meta } = f;
    if (meta.version !== version) return null;
    const added = f.lines('added')?.list;
    if (!added) return null;
    const works = worksOf((name) => f.array(name), (name) => f.lines(name)?.list, meta.workCount, baseNodes + added.length);
    return works && { works, added };
  } catch {
    return null;
  } finally {
    f.close();
  }
}
