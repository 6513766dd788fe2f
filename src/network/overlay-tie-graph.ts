/**
 * A tie graph as a base graph plus the ties an update changed, read over it: what lets an update after an ingest
 * cost what changed instead of copying and writing every tie (tie-graph-update.ts, tie-graph-file.ts).
 *
 * The delta names a set A of nodes (every node whose ties were computed again since the base, and every node the
 * base does not have) and holds every current tie with an end in A, as rows of the nodes that have any (`rows`,
 * `rowAt`: a sparse CSR). Row u of the graph is then: for u in A, its delta row; for any other node, its base row
 * without the entries to nodes of A, merged in target order with its delta row (which holds exactly its ties to
 * A). The length of each row outside A that differs from its base row's is kept with the delta (`resized`, `sizes`:
 * counting the entries a row loses needs the base rows of A), so the offsets are one pass over the base's, and a
 * row is made when a search first reaches it, from one base row and one delta row: a path query reads a few
 * hundred rows of the base, as it would without the delta. Everything the delta holds is proportional to what
 * changed. The whole arrays (an export, a file written whole) are made on first use.
 */
import { listView } from '../core/array-bundle.ts';
import { findSorted, GrownIndex, tieWeight, type LazyRows, type NodeIndex, type RowArrays, type TieGraph } from './csr.ts';

/** What an update changed over a base graph of `baseNodes` nodes (see the module's note). */
export interface TieDelta {
  /** The nodes of A, ascending; every node from `baseNodes` on is one. */
  changed: Int32Array;
  /** The nodes whose delta row is not empty, ascending, and where each row starts in the tie arrays (rows + 1). */
  rows: Int32Array;
  rowAt: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  costs: Float64Array;
  kinds: Uint8Array;
  /** The nodes outside A whose row is not as long as their base row, ascending, and the length of each. */
  resized: Int32Array;
  sizes: Int32Array;
  /** Ids of the nodes from `baseNodes` on, in order. */
  added: readonly string[];
}

/** Where node u's delta row is in the delta's tie arrays. */
export function deltaRow(d: TieDelta, u: number): [number, number] {
  const i = findSorted(d.rows, u);
  return i < 0 ? [0, 0] : [d.rowAt[i] as number, d.rowAt[i + 1] as number];
}

/** The merged graph's offsets over a base with these offsets (n nodes in all), and the nodes of A marked. */
export function mergedOffsets(baseOffsets: Int32Array, baseNodes: number, d: TieDelta, n: number): { offsets: Int32Array; inA: Uint8Array } {
  const inA = new Uint8Array(n);
  for (const v of d.changed) inA[v] = 1;
  const offsets = new Int32Array(n + 1);
  let r = 0, z = 0;
  for (let u = 0; u < n; u++) {
    let dLen = 0;
    if (r < d.rows.length && d.rows[r] === u) dLen = (d.rowAt[r + 1] as number) - (d.rowAt[r++] as number);
    let len: number;
    if (inA[u]) len = dLen;
    else if (z < d.resized.length && d.resized[z] === u) len = d.sizes[z++] as number;
    else len = u < baseNodes ? (baseOffsets[u + 1] as number) - (baseOffsets[u] as number) : 0;
    offsets[u + 1] = (offsets[u] as number) + len;
  }
  return { offsets, inA };
}

/** The ids of a graph over `base` that adds the nodes `added`: the base's, then those. */
export const overlayIds = (base: TieGraph, added: readonly string[]): readonly string[] =>
  added.length ? listView(base.ids.length + added.length, (i) => (i < base.ids.length ? base.ids[i] : added[i - base.ids.length])) : base.ids;

export class OverlayTieGraph implements TieGraph {
  /** The base's ids, then the added ones; the base's index grown by them. */
  readonly ids: readonly string[];
  readonly index: NodeIndex;
  readonly offsets: Int32Array;
  readonly lazy: LazyRows;
  private readonly n0: number;
  private readonly inA: Uint8Array;
  /** Rows as a search makes them: targets and costs. */
  private readonly rows: { targets: Int32Array; costs: Float64Array };
  private readonly made: Uint8Array;
  private whole: RowArrays | null = null;

  constructor(
    readonly base: TieGraph,
    readonly delta: TieDelta,
  ) {
    const n0 = (this.n0 = base.ids.length);
    const { added } = delta;
    const n = n0 + added.length;
    this.ids = overlayIds(base, added);
    this.index = added.length ? new GrownIndex(base.index, new Map(added.map((id, i) => [id, n0 + i]))) : base.index;
    ({ offsets: this.offsets, inA: this.inA } = mergedOffsets(base.offsets, this.n0, delta, n));
    const m = this.offsets[n] as number;
    // full-length arrays filled row by row: a page never written takes no memory
    this.rows = { targets: new Int32Array(m), costs: new Float64Array(m) };
    this.made = new Uint8Array(n);
    const { targets, costs } = this.rows;
    this.lazy = {
      targets,
      costs,
      need: (u) => this.make(u),
      weight: (e) => (this.whole ? (this.whole.weights[e] as number) : this.weightOf(e)),
    };
  }

  /** The number of entries the delta holds (what decides when a graph is written whole again). */
  get deltaEntries(): number {
    return this.delta.targets.length;
  }

  get targets(): Int32Array {
    return this.all().targets;
  }

  get weights(): Float64Array {
    return this.all().weights;
  }

  get costs(): Float64Array {
    return this.all().costs;
  }

  get kinds(): Uint8Array {
    return this.all().kinds;
  }

  /** The merged graph with whole arrays of its own (nothing read through the base any more). */
  materialized(): TieGraph {
    const { targets, weights, costs, kinds } = this.all();
    return { ids: this.ids, index: this.index, offsets: this.offsets, targets, weights, costs, kinds };
  }

  /** The row holding entry e. */
  private rowAt(e: number): number {
    const { offsets } = this;
    let lo = 0, hi = offsets.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((offsets[mid] as number) <= e) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The weight of entry e, from where it came: its row is merged again, the entry's source kept (a hop's weight is
   * asked for the few hops an answer shows, so no array of sources is kept for every entry).
   */
  private weightOf(e: number): number {
    const u = this.rowAt(e);
    const start = this.offsets[u] as number;
    const from = new Int32Array((this.offsets[u + 1] as number) - start);
    this.mergeRow(u, this.baseRow(u), { targets: new Int32Array(from.length), costs: new Float64Array(from.length), from }, -start);
    const f = from[e - start] as number;
    return f >= 0 ? tieWeight(this.base, f) : (this.delta.weights[-1 - f] as number);
  }

  /** Row u's targets and costs, from its base row (its two columns only) and delta row. */
  private make(u: number): void {
    if (this.made[u] || this.whole) return;
    this.mergeRow(u, this.baseRow(u), this.rows);
    this.made[u] = 1;
  }

  /** The base's columns holding row u's targets and costs (that row read, of a base read from its file). */
  private baseRow(u: number): Pick<RowArrays, 'targets' | 'costs'> {
    const { base } = this;
    if (!this.inA[u] && u < this.n0) base.lazy?.need(u);
    return base.lazy ?? base;
  }

  /**
   * Row u into `out`: for a node outside A, its base row (in the base's columns `b`) without the entries to A,
   * merged with its delta row; for a node of A, its delta row (see the module's note). Written at the row's place
   * shifted by `shift`; `out.from` (when given) gets each entry's base index, or −1 − its delta index.
   */
  private mergeRow(u: number, b: Partial<RowArrays>, out: Partial<RowArrays> & { from?: Int32Array }, shift = 0): void {
    const { delta: d, inA } = this;
    let o = (this.offsets[u] as number) + shift;
    const [k0, kEnd] = deltaRow(d, u);
    let k = k0;
    const fromDelta = (): void => {
      out.targets![o] = d.targets[k] as number;
      out.costs![o] = d.costs[k] as number;
      if (out.weights) out.weights[o] = d.weights[k] as number;
      if (out.kinds) out.kinds[o] = d.kinds[k] as number;
      if (out.from) out.from[o] = -1 - k;
      o++, k++;
    };
    if (!inA[u] && u < this.n0) {
      for (let e = this.base.offsets[u] as number; e < (this.base.offsets[u + 1] as number); e++) {
        const t = b.targets![e] as number;
        if (inA[t]) continue;
        while (k < kEnd && (d.targets[k] as number) < t) fromDelta();
        out.targets![o] = t;
        out.costs![o] = b.costs![e] as number;
        if (out.weights) out.weights[o] = b.weights![e] as number;
        if (out.kinds) out.kinds[o] = b.kinds![e] as number;
        if (out.from) out.from[o] = e;
        o++;
      }
    }
    while (k < kEnd) fromDelta();
    if (o - shift !== this.offsets[u + 1]) throw new Error(`tie graph delta does not fit its base at node ${u}`);
  }

  /** Every row made whole: rows the delta does not touch are copied from the base's whole arrays in blocks. */
  private all(): RowArrays {
    if (this.whole) return this.whole;
    const { base, n0, inA, offsets } = this;
    const m = offsets[this.ids.length] as number;
    // the targets and costs of rows made so far are made again, identically, into the same arrays
    const c: RowArrays = { targets: this.rows.targets, costs: this.rows.costs, weights: new Float64Array(m), kinds: new Uint8Array(m) };
    const b: RowArrays = { targets: base.targets, weights: base.weights, costs: base.costs, kinds: base.kinds };
    const bo = base.offsets;
    const n = this.ids.length;
    const untouched = (u: number): boolean =>
      u < n0 && !inA[u] && findSorted(this.delta.rows, u) < 0 && (offsets[u + 1] as number) - (offsets[u] as number) === (bo[u + 1] as number) - (bo[u] as number);
    for (let u = 0; u < n; ) {
      if (!untouched(u)) {
        this.mergeRow(u, b, c);
        u++;
        continue;
      }
      let v = u + 1;
      while (v < n && untouched(v)) v++;
      const from = bo[u] as number, to = bo[v] as number, at = offsets[u] as number;
      c.targets.set(b.targets.subarray(from, to), at);
      c.weights.set(b.weights.subarray(from, to), at);
      c.costs.set(b.costs.subarray(from, to), at);
      c.kinds.set(b.kinds.subarray(from, to), at);
      u = v;
    }
    this.whole = c;
    return c;
  }
}
