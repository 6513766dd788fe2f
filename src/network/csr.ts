/**
 * The compact tie graph: an undirected graph in compressed-sparse-row form over interned node ids.
 * Parallel ties between the same two nodes are merged (weights added, kind bits OR-ed) at build time.
 */
import { sourceOf, type LineSource } from '../core/line-source.ts';

/** Tie kinds as bits, so that a merged edge remembers every kind of evidence behind it. */
export const KIND_COAUTHOR = 1;
export const KIND_MENTOR = 2;
export const KIND_CONTACT = 4;
export const KIND_NAMES: ReadonlyArray<[number, string]> = [
  [KIND_COAUTHOR, 'coauthor'],
  [KIND_MENTOR, 'mentor'],
  [KIND_CONTACT, 'contact'],
];

export function kindNames(bits: number): string[] {
  return KIND_NAMES.filter(([b]) => (bits & b) !== 0).map(([, n]) => n);
}

export interface TieGraph {
  /** Node ids by index (person ids, and `me:<owner>` for contact owners). */
  readonly ids: readonly string[];
  /** Node index by id (a Map when built; a sorted-order index when read from a file, see SortedIdIndex). */
  readonly index: NodeIndex;
  /** Neighbours of node u are targets[offsets[u] .. offsets[u+1]), sorted ascending by index. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  /** Tie weight w > 0 (summed over parallel ties). */
  readonly weights: Float64Array;
  /** −ln(1 − exp(−w)): the cost of crossing the tie. */
  readonly costs: Float64Array;
  readonly kinds: Uint8Array;
  /**
   * A graph read from its file (file-tie-graph.ts) brings the arrays above in whole on first use (an update, an
   * export), and offers its rows as a search reaches them instead: what a path query reads.
   */
  readonly lazy?: LazyRows | undefined;
}

/** A graph's four entry columns (whole, or being filled). */
export interface RowArrays {
  targets: Int32Array;
  weights: Float64Array;
  costs: Float64Array;
  kinds: Uint8Array;
}

/**
 * The ties of a graph read from its file, read as they are needed: row u of `targets` and `costs` holds its values
 * once `need(u)` was called (the other rows hold zeros until then), and `weight(e)` reads one tie's weight.
 */
export interface LazyRows {
  need(u: number): void;
  readonly targets: Int32Array;
  readonly costs: Float64Array;
  weight(e: number): number;
}

/** The weight of entry e, without bringing in every weight of a graph read from its file. */
export const tieWeight = (g: TieGraph, e: number): number => (g.lazy ? g.lazy.weight(e) : (g.weights[e] as number));

/** Edge cost from weight: p = 1 − e^(−w) computed as −expm1(−w) to keep precision for small w. */
export function tieCost(w: number): number {
  const c = -Math.log(-Math.expm1(-w));
  return c > 0 ? c : 0;
}

/** A growable list of undirected edges (a, b, w, kind) over node indices. */
export class EdgeList {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  w = new Float64Array(1024);
  k = new Uint8Array(1024);
  length = 0;

  push(a: number, b: number, w: number, kind: number): void {
    if (this.length === this.a.length) this.grow();
    const i = this.length++;
    this.a[i] = a;
    this.b[i] = b;
    this.w[i] = w;
    this.k[i] = kind;
  }

  private grow(): void {
    const n = this.a.length * 2;
    const a = new Int32Array(n), b = new Int32Array(n), w = new Float64Array(n), k = new Uint8Array(n);
    a.set(this.a);
    b.set(this.b);
    w.set(this.w);
    k.set(this.k);
    this.a = a;
    this.b = b;
    this.w = w;
    this.k = k;
  }
}

/**
 * Build the CSR from m undirected edges given as parallel arrays. Two stable counting sorts (by target, then
 * by source) order each adjacency list by neighbour, so duplicates are adjacent and merge in one pass. O(n + m).
 * Self-loops and non-positive weights are dropped.
 */
export function buildCsr(
  ids: readonly string[],
  index: NodeIndex,
  m: number,
  ea: Int32Array,
  eb: Int32Array,
  ew: Float64Array,
  ek: Uint8Array,
): TieGraph {
  const n = ids.length;
  const twoM = 2 * m;
  // each edge is read as (min, max), so both directions of a pair sum their parallel weights in the same order
  // and the merged weight — hence the cost — is bitwise the same both ways
  const lo = (i: number): number => Math.min(ea[i] as number, eb[i] as number);
  const hi = (i: number): number => Math.max(ea[i] as number, eb[i] as number);
  const src = (e: number): number => (e < m ? lo(e) : hi(e - m));
  const dst = (e: number): number => (e < m ? hi(e) : lo(e - m));
  // pass 1: counting sort of directed entries by destination
  const count = new Int32Array(n + 1);
  for (let e = 0; e < twoM; e++) count[dst(e) + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const byDst = new Int32Array(twoM);
  for (let e = 0; e < twoM; e++) byDst[count[dst(e)]!++] = e;
  // pass 2: stable counting sort by source, scattering the values themselves so the merge pass reads sequentially
  count.fill(0);
  for (let e = 0; e < twoM; e++) count[src(e) + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const offsets = new Int32Array(n + 1);
  offsets.set(count);
  const targets = new Int32Array(twoM);
  const weights = new Float64Array(twoM);
  const kinds = new Uint8Array(twoM);
  for (let j = 0; j < twoM; j++) {
    const e = byDst[j] as number;
    const base = e < m ? e : e - m;
    const pos = count[src(e)]!++;
    targets[pos] = dst(e);
    weights[pos] = ew[base] as number;
    kinds[pos] = ek[base] as number;
  }
  // merge in place: each source's entries are contiguous and sorted by target; drop self-loops and w ≤ 0
  let out = 0;
  for (let u = 0; u < n; u++) {
    const from = offsets[u] as number, to = offsets[u + 1] as number;
    offsets[u] = out;
    const first = out;
    for (let j = from; j < to; j++) {
      const d = targets[j] as number, w = weights[j] as number;
      if (d === u || !(w > 0)) continue;
      if (out > first && targets[out - 1] === d) {
        weights[out - 1]! += w;
        kinds[out - 1]! |= kinds[j] as number;
      } else {
        targets[out] = d;
        weights[out] = w;
        kinds[out] = kinds[j] as number;
        out++;
      }
    }
  }
  offsets[n] = out;
  const costs = new Float64Array(out);
  for (let i = 0; i < out; i++) costs[i] = tieCost(weights[i] as number);
  return {
    ids,
    index,
    offsets,
    targets: targets.slice(0, out),
    weights: weights.slice(0, out),
    costs,
    kinds: kinds.slice(0, out),
  };
}

/** Index of `v` in the ascending array `a`, or −1. */
export function findSorted(a: Int32Array, v: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = a[mid] as number;
    if (x === v) return mid;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether the values of `a` ascend strictly within [0, n). */
export const ascendingIn = (a: Int32Array, n: number): boolean => a.every((v, i) => v >= 0 && v < n && (i === 0 || v > (a[i - 1] as number)));

/** Whether `a` rises (not strictly) from `from` at its first element to `to` at its last: offsets into a list of `to` entries. */
export function rising(a: Int32Array, from: number, to: number): boolean {
  if (a[0] !== from || a[a.length - 1] !== to) return false;
  for (let i = 1; i < a.length; i++) if (!((a[i - 1] as number) <= (a[i] as number))) return false;
  return true;
}

/** Entry index of the tie u→v in the CSR arrays, or −1 when there is none (binary search in u's sorted adjacency). */
export function edgeIndex(g: TieGraph, u: number, v: number): number {
  let lo = g.offsets[u] as number, hi = (g.offsets[u + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = g.targets[mid] as number;
    if (t === v) return mid;
    if (t < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Look-up of a node's index by id: all a graph's users need (a Map is one). */
export interface NodeIndex {
  get(id: string): number | undefined;
  has(id: string): boolean;
  readonly size: number;
}

/**
 * The node indices ordered by id, searched by bisection: what a graph read from disk uses instead of a Map of a
 * million entries (building that took longer than reading the whole file).
 */
export class SortedIdIndex implements NodeIndex {
  /** What stands behind the ids (line-source.ts): ids read from a file find an id by comparing its bytes. */
  private readonly source: LineSource;
  constructor(
    private readonly ids: readonly string[],
    /** Node indices in ascending order of their ids (JavaScript string order). */
    readonly order: Int32Array,
  ) {
    this.source = sourceOf(ids);
  }

  /** The order for these ids (what a file stores). */
  static orderOf(ids: readonly string[]): Int32Array {
    const order = Int32Array.from({ length: ids.length }, (_, i) => i);
    order.sort((a, b) => {
      const x = ids[a] as string, y = ids[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return order;
  }

  get size(): number {
    return this.order.length;
  }

  get(id: string): number | undefined {
    let lo = 0, hi = this.order.length - 1;
    // ids read from a file: compared as bytes, without making a string of each line the bisection visits
    const src = this.source;
    if (src.find && src.length === this.ids.length) {
      const found = src.find(id, this.order);
      if (found !== null) return found;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const i = this.order[mid] as number;
      const x = this.ids[i] as string;
      if (x === id) return i;
      if (x < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

/** `index.get`, remembering the ids looked up (rows that name a few people many times each). */
export function memoIndex(index: NodeIndex): (id: string) => number | undefined {
  const seen = new Map<string, number | undefined>();
  return (id) => {
    if (seen.has(id)) return seen.get(id);
    const u = index.get(id);
    seen.set(id, u);
    return u;
  };
}

/** A graph's index grown by the nodes an update added (tie-graph-update.ts), without copying the base. */
export class GrownIndex implements NodeIndex {
  constructor(
    readonly base: NodeIndex,
    readonly added: ReadonlyMap<string, number>,
  ) {}

  get size(): number {
    return this.base.size + this.added.size;
  }

  get(id: string): number | undefined {
    return this.base.get(id) ?? this.added.get(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

/** The node indices of a graph in ascending order of their ids: kept from a file's index when there is one, else sorted. */
export function idOrder(g: Pick<TieGraph, 'ids' | 'index'>): Int32Array {
  const { index, ids } = g;
  if (index instanceof SortedIdIndex && index.order.length === ids.length) return index.order;
  if (index instanceof GrownIndex && index.base instanceof SortedIdIndex) {
    const base = index.base.order;
    const added = [...index.added.values()].sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : 1));
    const out = new Int32Array(base.length + added.length);
    let i = 0, j = 0, o = 0;
    while (i < base.length || j < added.length) {
      if (j >= added.length || (i < base.length && (ids[base[i] as number] as string) < (ids[added[j] as number] as string))) out[o++] = base[i++] as number;
      else out[o++] = added[j++] as number;
    }
    return out;
  }
  return SortedIdIndex.orderOf(ids);
}

/**
 * The CSR of buildCsr with its nodes numbered in the order of their ids (JavaScript string order): node u is the
 * u-th id. Edge ends in `ea`/`eb`, and in each of `alsoRemap` (e.g. a mentorship layer), are renumbered in place.
 * A graph numbered so reads its file fastest: the check that the file's ids ascend (tie-graph-file.ts) then
 * compares each id with the next one in memory, not two ids at random places (at a million ids the random
 * order cost ~0.25 s of a cold `atlas intro`, each compare a cache miss).
 */
export function buildCsrInIdOrder(ids: readonly string[], m: number, ea: Int32Array, eb: Int32Array, ew: Float64Array, ek: Uint8Array, alsoRemap: Int32Array[] = []): TieGraph {
  const n = ids.length;
  const order = SortedIdIndex.orderOf(ids);
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k] as number] = k;
  for (const a of [ea.subarray(0, m), eb.subarray(0, m), ...alsoRemap]) for (let i = 0; i < a.length; i++) a[i] = rank[a[i] as number] as number;
  const sorted = Array.from(order, (u) => ids[u] as string);
  return buildCsr(sorted, new SortedIdIndex(sorted, Int32Array.from({ length: n }, (_, i) => i)), m, ea, eb, ew, ek);
}

/** Intern string ids to dense indices. */
export class Interner {
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();
  of(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }
}
