import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCsr, EdgeList, Interner, tieCost } from './csr.ts';
import { PathFinder } from './path-finder.ts';
import { rankBrokers } from './brokers.ts';

interface RawEdge {
  a: number;
  b: number;
  w: number;
}

/** Independent reference: adjacency map from the raw edge list, every loopless path by DFS, sorted by the spec's order. */
function enumerate(n: number, edges: RawEdge[], s: number, t: number, maxHops: number, names: string[], blocked: ReadonlySet<number> = new Set()) {
  const w = new Map<string, number>();
  for (const e of edges) {
    if (e.a === e.b) continue;
    const key = e.a < e.b ? `${e.a},${e.b}` : `${e.b},${e.a}`;
    w.set(key, (w.get(key) ?? 0) + e.w);
  }
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const key of w.keys()) {
    const [a, b] = key.split(',').map(Number) as [number, number];
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  const cost = (a: number, b: number): number => {
    const x = w.get(a < b ? `${a},${b}` : `${b},${a}`) as number;
    return tieCost(x); // same float for the same weight, so exact cost ties are the same on both sides
  };
  const out: Array<{ cost: number; nodes: number[] }> = [];
  const walk = (path: number[], c: number): void => {
    const u = path[path.length - 1] as number;
    if (u === t) {
      out.push({ cost: c, nodes: [...path] });
      return;
    }
    if (path.length - 1 >= maxHops) return;
    for (const v of adj[u]!) if (!path.includes(v) && !blocked.has(v)) walk([...path, v], c + cost(u, v));
  };
  walk([s], 0);
  out.sort((x, y) => {
    if (x.cost !== y.cost) return x.cost - y.cost;
    if (x.nodes.length !== y.nodes.length) return x.nodes.length - y.nodes.length;
    const a = x.nodes.map((i) => names[i]).join('\u0000'), b = y.nodes.map((i) => names[i]).join('\u0000');
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return out;
}

function graphOf(n: number, edges: RawEdge[]) {
  const intern = new Interner();
  // ids whose string order differs from index order, so the lexicographic tie-break is really exercised
  const names = Array.from({ length: n }, (_, i) => `p${(n - i) * 7 % 11}-${i}`);
  for (const name of names) intern.of(name);
  const list = new EdgeList();
  for (const e of edges) list.push(e.a, e.b, e.w, 1);
  return { graph: buildCsr(intern.ids, intern.index, list.length, list.a, list.b, list.w, list.k), names };
}

const graphArb = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    // weights from a small set so that cost ties are frequent (0.1 and 0.7 make inexact parallel sums); w = 50 costs exactly 0,
    // which makes ties between paths of different hop counts
    edges: fc.array(
      fc.record({ a: fc.nat(n - 1), b: fc.nat(n - 1), w: fc.constantFrom(0.1, 0.25, 0.5, 0.7, 1, 2, 3, 50) }),
      { maxLength: 24 },
    ),
    s: fc.nat(n - 1),
    t: fc.nat(n - 1),
    k: fc.integer({ min: 1, max: 8 }),
    maxHops: fc.integer({ min: 1, max: 5 }),
  }),
);

describe('PathFinder.kBest', () => {
  it('equals the first k of an exhaustive enumeration of loopless paths ≤ maxHops (cost, hops, ids order)', () => {
    fc.assert(
      fc.property(graphArb, ({ n, edges, s, t, k, maxHops }) => {
        fc.pre(s !== t);
        const { graph, names } = graphOf(n, edges);
        const got = new PathFinder(graph).kBest(s, t, k, maxHops);
        const want = enumerate(n, edges, s, t, maxHops, names).slice(0, k);
        expect(got.map((p) => p.nodes)).toEqual(want.map((p) => p.nodes));
        for (let i = 0; i < want.length; i++) expect(got[i]!.cost).toBeCloseTo(want[i]!.cost, 12);
      }),
      { numRuns: 1000 },
    );
  });

  it('never steps onto a blocked node (another owner\'s list): equals the enumeration that skips them', () => {
    fc.assert(
      fc.property(graphArb, fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), ({ n, edges, s, t, k, maxHops }, flags) => {
        fc.pre(s !== t);
        const { graph, names } = graphOf(n, edges);
        const blocked = new Set(flags.slice(0, n).flatMap((f, i) => (f && i !== s && i !== t ? [i] : [])));
        const mask = new Uint8Array(n);
        for (const i of blocked) mask[i] = 1;
        const got = new PathFinder(graph, mask).kBest(s, t, k, maxHops);
        const want = enumerate(n, edges, s, t, maxHops, names, blocked).slice(0, k);
        expect(got.map((p) => p.nodes)).toEqual(want.map((p) => p.nodes));
        for (let i = 0; i < want.length; i++) expect(got[i]!.cost).toBeCloseTo(want[i]!.cost, 12);
      }),
      { numRuns: 1000 },
    );
  });

  it('the best cost equals the hop-limited minimum, and one finder answers many queries', () => {
    fc.assert(
      fc.property(graphArb, fc.array(fc.tuple(fc.nat(8), fc.nat(8)), { minLength: 1, maxLength: 5 }), ({ n, edges, maxHops }, queries) => {
        const { graph, names } = graphOf(n, edges);
        const finder = new PathFinder(graph);
        for (const [qs, qt] of queries) {
          const s = qs % n, t = qt % n;
          if (s === t) continue;
          const best = finder.kBest(s, t, 1, maxHops)[0];
          const want = enumerate(n, edges, s, t, maxHops, names)[0];
          expect(best?.cost).toBe(want?.cost);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('brokers: per contact of node 0, the targets its best path reaches and the sum of those strengths', () => {
    fc.assert(
      fc.property(graphArb, fc.uniqueArray(fc.nat(8), { maxLength: 4 }), ({ n, edges, maxHops }, rawTargets) => {
        const { graph, names } = graphOf(n, edges);
        const targets = rawTargets.map((t) => t % n).filter((t, i, a) => t !== 0 && a.indexOf(t) === i);
        const { rows, unreached } = rankBrokers(graph, 0, targets, maxHops);
        const want = new Map<string, { targets: number; strength: number }>();
        const reached = new Set<number>();
        for (const t of targets) {
          const seen = new Set<number>();
          for (const p of enumerate(n, edges, 0, t, maxHops, names)) {
            const c = p.nodes[1] as number;
            if (seen.has(c)) continue; // the first path through c in cost order is its best
            seen.add(c);
            reached.add(t);
            const w = want.get(names[c]!) ?? { targets: 0, strength: 0 };
            want.set(names[c]!, { targets: w.targets + 1, strength: w.strength + Math.exp(-p.cost) });
          }
        }
        for (const r of rows) {
          const w = want.get(r.contact) ?? { targets: 0, strength: 0 };
          expect(r.targets).toBe(w.targets);
          expect(r.strength).toBeCloseTo(w.strength, 12);
        }
        expect(rows.length).toBe(graph.offsets[1]! - graph.offsets[0]!);
        for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.strength).toBeGreaterThanOrEqual(rows[i]!.strength);
        expect(unreached.sort()).toEqual(targets.filter((t) => !reached.has(t)).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('returns no path (not an error) when the target is out of reach within maxHops', () => {
    const { graph } = graphOf(5, [
      { a: 0, b: 1, w: 1 },
      { a: 1, b: 2, w: 1 },
      { a: 2, b: 3, w: 1 },
    ]);
    const f = new PathFinder(graph);
    expect(f.kBest(0, 3, 5, 2)).toEqual([]);
    expect(f.kBest(0, 4, 5, 4)).toEqual([]);
    expect(f.kBest(0, 3, 5, 3).map((p) => p.nodes)).toEqual([[0, 1, 2, 3]]);
  });

  it('tie cost is −ln(1 − e^−w)', () => {
    for (const w of [0.01, 0.5, 1, 3, 10]) expect(tieCost(w)).toBeCloseTo(-Math.log(1 - Math.exp(-w)), 12);
    expect(tieCost(100)).toBe(0);
  });

  it('merges parallel ties by adding their weights', () => {
    const { graph } = graphOf(2, [
      { a: 0, b: 1, w: 1 },
      { a: 1, b: 0, w: 2 },
    ]);
    expect(graph.offsets[1]! - graph.offsets[0]!).toBe(1);
    expect(graph.weights[0]).toBe(3);
    expect(graph.costs[0]).toBe(tieCost(3));
  });
});
