/**
 * Exact k best loopless paths with at most maxHops edges, and the hop-limited distances behind them.
 *
 * Method: a hop-limited Bellman–Ford from the target gives h_r(v), the least cost of any walk of ≤ r edges
 * from v to the target (a lower bound for every loopless path: admissible). A best-first search over partial
 * loopless paths from the source, keyed by g + h_{remaining hops}, then yields complete paths in cost order.
 * The search keeps going until no partial path can still reach a cost ≤ the k-th found cost (plus a rounding
 * slack), so every path tied with the k-th is found; the results are then ordered exactly by
 * (cost, hops, node id sequence) as docs/network.md specifies.
 */
import { AtlasError } from '../core/errors.ts';
import type { LazyRows, TieGraph } from './csr.ts';
import { MinHeap } from './min-heap.ts';

export interface FoundPath {
  /** Node indices from source to target. */
  nodes: number[];
  /** CSR entry index of each hop (nodes[i] → nodes[i+1]); a hop from a root is −1 − j for the root's j-th tie. */
  edges: number[];
  cost: number;
}

/**
 * A source outside the graph with ties into it (an owner's `me` node: network/owner-ties.ts). Its index is
 * `node`, one past the graph's last node; no tie of the graph leads back to it, so it can only start a path.
 */
export interface RootTies {
  node: number;
  /** Neighbour node indices, ascending. */
  targets: Int32Array;
  costs: Float64Array;
}

/** Slack for float rounding between g + h and the path's own left-to-right sum. */
const slack = (c: number): number => 1e-9 * Math.max(1, Math.abs(c));

export class PathFinder {
  /**
   * levels[r][v] = h_r(v) for the nodes `seen` (set to Infinity on every level when first seen); any other node is
   * unreached. So the arrays need no filling: a new finder (one per intro request) touches only the memory of the
   * nodes its search reaches, not 8 MB per level at a million people.
   */
  private levels: Float64Array[] = [];
  private touched: number[] = [];
  private readonly seen: Uint8Array;
  private readonly inNext: Uint8Array;
  /** The graph's ties; of a graph read from its file, only the rows `need` was called for (csr.ts LazyRows). */
  private readonly targets: Int32Array;
  private readonly costs: Float64Array;
  private readonly rows: LazyRows | undefined;

  /**
   * `blocked` (1 per node index) marks nodes no path may step onto or pass through: in a graph holding every
   * owner's contact list, the other owners' `me:` nodes, so that one owner's paths never run through another's
   * private list.
   */
  constructor(
    readonly graph: TieGraph,
    private readonly blocked?: Uint8Array,
  ) {
    this.seen = new Uint8Array(graph.ids.length);
    this.inNext = new Uint8Array(graph.ids.length);
    this.rows = graph.lazy;
    this.targets = this.rows ? this.rows.targets : graph.targets;
    this.costs = this.rows ? this.rows.costs : graph.costs;
  }

  private isBlocked(v: number): boolean {
    return this.blocked !== undefined && this.blocked[v] === 1;
  }

  private level(r: number): Float64Array {
    while (this.levels.length <= r) this.levels.push(new Float64Array(this.graph.ids.length));
    return this.levels[r] as Float64Array;
  }

  private reset(): void {
    for (const v of this.touched) this.seen[v] = 0;
    this.touched = [];
  }

  /** Mark v reached: unreached (Infinity) on every level until a walk to it is found. */
  private touch(v: number): void {
    this.seen[v] = 1;
    this.touched.push(v);
    for (const lv of this.levels) lv[v] = Infinity;
  }

  private precomputed = 0;
  private maxLevel = 0;
  private exclude = -1;
  /** lazy[r]: h_r values computed on demand for r > precomputed (only near the source are they ever asked for). */
  private lazy: Array<Map<number, number>> = [];

  /**
   * Prepare h_0 … h_maxLevel toward target: the least cost of a walk with ≤ r edges from a node to the target, never
   * stepping onto `exclude` (the search's source, which no loopless path from a later node revisits). The low
   * levels come from a hop-limited Bellman–Ford around the target; the higher ones, needed only next to the source,
   * are computed on demand from the recurrence h_r(v) = min(h_{r−1}(v), min_u c(v,u) + h_{r−1}(u)), so a query
   * touches two small balls instead of one large one. Valid until the next call.
   */
  prepare(target: number, maxLevel: number, exclude = -1): void {
    this.maxLevel = maxLevel;
    this.exclude = exclude;
    this.precomputed = Math.min(maxLevel, Math.ceil(maxLevel / 2));
    this.lazy = Array.from({ length: maxLevel + 1 }, () => new Map<number, number>());
    this.bounds(target, this.precomputed, exclude);
  }

  /** h_r(v) after prepare(). */
  h(r: number, v: number): number {
    if (r <= this.precomputed) return this.seen[v] ? ((this.levels[r] as Float64Array)[v] as number) : Infinity;
    const memo = this.lazy[r] as Map<number, number>;
    const known = memo.get(v);
    if (known !== undefined) return known;
    const { offsets } = this.graph, { targets, costs } = this;
    let best = this.h(r - 1, v);
    this.rows?.need(v);
    const end = offsets[v + 1] as number;
    for (let e = offsets[v] as number; e < end; e++) {
      const u = targets[e] as number;
      if (u === this.exclude || this.isBlocked(u)) continue;
      const hu = this.h(r - 1, u);
      if (hu === Infinity) continue;
      const c = (costs[e] as number) + hu;
      if (c < best) best = c;
    }
    memo.set(v, best);
    return best;
  }

  /** Hop-limited Bellman–Ford from the target for levels 0 … maxLevel (see prepare). */
  private bounds(target: number, maxLevel: number, exclude: number): void {
    this.reset();
    const { offsets } = this.graph, { targets, costs } = this;
    const h0 = this.level(0);
    for (let r = 1; r <= maxLevel; r++) this.level(r);
    this.touch(target);
    h0[target] = 0;
    let changed = [target];
    for (let r = 1; r <= maxLevel && changed.length; r++) {
      const hp = this.levels[r - 1] as Float64Array, hr = this.levels[r] as Float64Array;
      for (const v of this.touched) hr[v] = hp[v] as number;
      const next: number[] = [];
      for (const u of changed) {
        if (u === exclude || this.isBlocked(u)) continue;
        const base = hp[u] as number;
        this.rows?.need(u);
        const end = offsets[u + 1] as number;
        for (let e = offsets[u] as number; e < end; e++) {
          const v = targets[e] as number;
          const c = (costs[e] as number) + base;
          if (!this.seen[v]) this.touch(v);
          if (c < (hr[v] as number)) {
            hr[v] = c;
            if (!this.inNext[v]) {
              this.inNext[v] = 1;
              next.push(v);
            }
          }
        }
      }
      for (const v of next) this.inNext[v] = 0;
      changed = next;
    }
    this.fillRemaining(maxLevel);
  }

  /** When Bellman–Ford stopped early (nothing changed), copy the last level upward so every h_r is defined. */
  private fillRemaining(maxLevel: number): void {
    for (let r = 1; r <= maxLevel; r++) {
      const hp = this.levels[r - 1] as Float64Array, hr = this.levels[r] as Float64Array;
      for (const v of this.touched) if ((hp[v] as number) < (hr[v] as number)) hr[v] = hp[v] as number;
    }
  }

  /**
   * The k best loopless paths source → target with ≤ maxHops edges, ordered by (cost, hops, node ids). With a
   * root, the source is the root's node (`root.node`, named `rootId`) and its ties are the root's.
   */
  kBest(source: number, target: number, k: number, maxHops: number, root?: RootTies & { id: string }): FoundPath[] {
    if (!Number.isInteger(k) || k < 1) throw new AtlasError('BAD_ARGUMENT', `k must be a positive integer (got ${k})`);
    if (!Number.isInteger(maxHops) || maxHops < 1) throw new AtlasError('BAD_ARGUMENT', `max hops must be a positive integer (got ${maxHops})`);
    if (source === target) throw new AtlasError('BAD_ARGUMENT', 'the target is the source itself');
    if (root && source !== root.node) throw new AtlasError('BAD_ARGUMENT', 'a path from a root starts at the root');
    const { offsets, ids } = this.graph, { targets, costs } = this;
    this.prepare(target, maxHops - 1, source);
    // partial paths as a parent-pointer tree
    const node: number[] = [source], parent: number[] = [-1], edge: number[] = [-1], depth: number[] = [0], g: number[] = [0];
    const heap = new MinHeap();
    heap.push(0, 0);
    const done: number[] = [];
    const doneCosts: number[] = [];
    let bound = Infinity; // k-th smallest complete cost found so far, plus slack
    const onPath = (x: number, v: number): boolean => {
      for (let y = x; y >= 0; y = parent[y] as number) if (node[y] === v) return true;
      return false;
    };
    while (heap.size) {
      if (heap.peekKey() > bound) break;
      const x = heap.pop();
      const u = node[x] as number;
      if (u === target) {
        done.push(x);
        doneCosts.push(g[x] as number);
        if (doneCosts.length >= k) {
          doneCosts.sort((a, b) => a - b);
          const kth = doneCosts[k - 1] as number;
          bound = kth + slack(kth);
        }
        continue;
      }
      const d = depth[x] as number;
      if (d >= maxHops) continue;
      const r = maxHops - d - 1;
      const fromRoot = root !== undefined && u === root.node;
      if (!fromRoot) this.rows?.need(u);
      const tg = fromRoot ? root.targets : targets, cs = fromRoot ? root.costs : costs;
      const end = fromRoot ? root.targets.length : (offsets[u + 1] as number);
      for (let e = fromRoot ? 0 : (offsets[u] as number); e < end; e++) {
        const v = tg[e] as number;
        if (this.isBlocked(v)) continue;
        const hv = this.h(r, v);
        if (hv === Infinity) continue;
        const g2 = (g[x] as number) + (cs[e] as number);
        const f = g2 + hv;
        if (f > bound || onPath(x, v)) continue;
        const y = node.length;
        node.push(v);
        parent.push(x);
        edge.push(fromRoot ? -1 - e : e);
        depth.push(d + 1);
        g.push(g2);
        heap.push(y, f);
      }
    }
    const paths = done.map((x): FoundPath => {
      const nodes: number[] = [], edges: number[] = [];
      for (let y = x; y >= 0; y = parent[y] as number) {
        nodes.push(node[y] as number);
        if (parent[y] !== -1) edges.push(edge[y] as number);
      }
      return { nodes: nodes.reverse(), edges: edges.reverse(), cost: g[x] as number };
    });
    const idOf = (i: number): string => (root !== undefined && i === root.node ? root.id : (ids[i] as string));
    paths.sort((a, b) => comparePaths(a, b, idOf));
    return paths.slice(0, k);
  }
}

/** The spec's order: cost, then fewer hops, then lexicographic by the node id sequence. */
export function comparePaths(a: { cost: number; nodes: readonly number[] }, b: { cost: number; nodes: readonly number[] }, idOf: (i: number) => string): number {
  if (a.cost !== b.cost) return a.cost < b.cost ? -1 : 1;
  if (a.nodes.length !== b.nodes.length) return a.nodes.length - b.nodes.length;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = idOf(a.nodes[i] as number), y = idOf(b.nodes[i] as number);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
