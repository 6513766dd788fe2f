/**
 * A tie graph as a base graph plus the ties an update changed, read over it: what lets an update after an ingest
 * cost what changed instead of copying and writing every tie (tie-graph-update.ts, tie-graph-file.ts).
 *
 * The delta names a set A of nodes (every node whose ties were computed again since the base, and every node the
 * base does not have) and holds every current tie with an end in A, as a CSR over all nodes (`dOffsets`). Row u of
 * the graph is then: for u in A, its delta row; for any other node, its base row without the entries to nodes of
 * A, merged in target order with its delta row (which holds exactly its ties to A). The merged graph's offsets are
 * kept with the delta (computing them needs the base rows of A), so a row is made when a search first reaches it,
 * from one base row and one delta row: a path query reads a few hundred rows of the base, as it would without the
 * delta. The whole arrays (an export, a file written whole) are made on first use.
 */
import { tieWeight, type LazyRows, type NodeIndex, type RowArrays, type TieGraph } from './csr.ts';

/** What an update changed over a base graph of `baseNodes` nodes (see the module's note). */
export interface TieDelta {
  /** The nodes of A, ascending; every node from `baseNodes` on is one. */
  changed: Int32Array;
  /** The merged graph's row offsets (nodes + 1). */
  offsets: Int32Array;
  /** The delta's row offsets (nodes + 1) into its tie arrays. */
  dOffsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  costs: Float64Array;
  kinds: Uint8Array;
  /** Ids of the nodes from `baseNodes` on, in order. */
  added: readonly string[];
}

export class OverlayTieGraph implements TieGraph {
  readonly offsets: Int32Array;
  readonly lazy: LazyRows;
  private readonly n0: number;
  private readonly inA: Uint8Array;
  /** Rows as a search makes them: targets and costs, and where each entry came from (`from`). */
  private readonly rows: { targets: Int32Array; costs: Float64Array; from: Int32Array };
  private readonly made: Uint8Array;
  private whole: RowArrays | null = null;

  constructor(
    readonly base: TieGraph,
    readonly delta: TieDelta,
    readonly ids: readonly string[],
    readonly index: NodeIndex,
  ) {
    const n = ids.length;
    this.n0 = base.ids.length;
    this.offsets = delta.offsets;
    this.inA = new Uint8Array(n);
    for (const v of delta.changed) this.inA[v] = 1;
    const m = this.offsets[n] as number;
    // full-length arrays filled row by row: a page never written takes no memory
    this.rows = { targets: new Int32Array(m), costs: new Float64Array(m), from: new Int32Array(m) };
    this.made = new Uint8Array(n);
    const { targets, costs, from } = this.rows;
    this.lazy = {
      targets,
      costs,
      need: (u) => this.make(u),
      weight: (e) => {
        if (this.whole) return this.whole.weights[e] as number;
        this.make(this.rowAt(e));
        const f = from[e] as number;
        return f >= 0 ? tieWeight(this.base, f) : (this.delta.weights[-1 - f] as number);
      },
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

  /** Row u's targets and costs (and where each came from), from its base row (its two columns only) and delta row. */
  private make(u: number): void {
    if (this.made[u] || this.whole) return;
    const { base } = this;
    let b: Pick<RowArrays, 'targets' | 'costs'> | null = null;
    let at = 0;
    if (!this.inA[u] && u < this.n0) {
      base.lazy?.need(u);
      b = base.lazy ?? base;
      at = base.offsets[u] as number;
    }
    this.mergeRow(u, b, at, (base.offsets[u + 1] as number) - at, this.rows);
    this.made[u] = 1;
  }

  /**
   * Row u into `out` from the base's columns `b` (its row at `at`, `len` entries) without entries to A, merged with
   * the delta row (see the module's note); `out.from` (when given) gets each entry's base index, or −1 − its delta index.
   */
  private mergeRow(u: number, b: Partial<RowArrays> | null, at: number, len: number, out: Partial<RowArrays> & { from?: Int32Array }): void {
    const { delta: d, inA } = this;
    let o = this.offsets[u] as number;
    let k = d.dOffsets[u] as number;
    const kEnd = d.dOffsets[u + 1] as number;
    const fromDelta = (): void => {
      out.targets![o] = d.targets[k] as number;
      out.costs![o] = d.costs[k] as number;
      if (out.weights) out.weights[o] = d.weights[k] as number;
      if (out.kinds) out.kinds[o] = d.kinds[k] as number;
      if (out.from) out.from[o] = -1 - k;
      o++, k++;
    };
    if (b) {
      for (let e = at; e < at + len; e++) {
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
    if (o !== this.offsets[u + 1]) throw new Error(`tie graph delta does not fit its base at node ${u}`);
  }

  /** Every row made whole: rows the delta does not touch are copied from the base's whole arrays in blocks. */
  private all(): RowArrays {
    if (this.whole) return this.whole;
    const { base, n0, inA, offsets } = this;
    const { dOffsets } = this.delta;
    const m = offsets[this.ids.length] as number;
    // the targets and costs of rows made so far are made again, identically, into the same arrays
    const c: RowArrays = { targets: this.rows.targets, costs: this.rows.costs, weights: new Float64Array(m), kinds: new Uint8Array(m) };
    const b: RowArrays = { targets: base.targets, weights: base.weights, costs: base.costs, kinds: base.kinds };
    const bo = base.offsets;
    const n = this.ids.length;
    const untouched = (u: number): boolean =>
      u < n0 && !inA[u] && dOffsets[u] === dOffsets[u + 1] && (offsets[u + 1] as number) - (offsets[u] as number) === (bo[u + 1] as number) - (bo[u] as number);
    for (let u = 0; u < n; ) {
      if (!untouched(u)) {
        const own = !inA[u] && u < n0;
        this.mergeRow(u, own ? b : null, own ? (bo[u] as number) : 0, own ? (bo[u + 1] as number) - (bo[u] as number) : 0, c);
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
