/**
 * Brokers: which of my contacts open the most doors to a set of targets. For each contact c and target t, the
 * best loopless path me → c → … → t of ≤ maxHops edges costs cost(me, c) + h_{maxHops−1}(c), where h is the
 * hop-limited distance to t computed without passing through me (so the path never returns to me).
 */
import type { Queryable } from '../store/store.ts';
import type { TieGraph } from './csr.ts';
import { PathFinder, type RootTies } from './path-finder.ts';
import { validateIntroOptions } from './intro-paths.ts';
import type { TieParams } from './tie-graph.ts';
import { ownerGraphFor } from './tie-graph-cache.ts';

export interface BrokerRow {
  contact: string;
  /** Targets whose best path through this contact has ≤ maxHops edges. */
  targets: number;
  /** Sum of those best paths' strengths (product of tie probabilities). */
  strength: number;
}

/**
 * Rank the contacts of `me` for the given targets (node indices); targets equal to me are ignored. `me` is a node
 * of the graph (its ties are its row), or a root outside it with ties of its own (an owner's list: owner-ties.ts).
 */
export function rankBrokers(graph: TieGraph, me: number | RootTies, targets: readonly number[], maxHops: number, blocked?: Uint8Array): { rows: BrokerRow[]; unreached: number[] } {
  const finder = new PathFinder(graph, blocked);
  const { ids } = graph;
  const root: RootTies = typeof me === 'number' ? rowOf(graph, me) : me;
  const { targets: nbr, costs } = root;
  const count = new Int32Array(nbr.length);
  const sum = new Float64Array(nbr.length);
  const unreached: number[] = [];
  for (const t of new Set(targets)) {
    if (t === root.node) continue;
    finder.prepare(t, maxHops - 1, root.node);
    let reached = false;
    for (let j = 0; j < nbr.length; j++) {
      const rest = finder.h(maxHops - 1, nbr[j] as number);
      if (rest === Infinity) continue;
      reached = true;
      count[j]!++;
      sum[j]! += Math.exp(-((costs[j] as number) + rest));
    }
    if (!reached) unreached.push(t);
  }
  const rows: BrokerRow[] = [];
  for (let j = 0; j < nbr.length; j++) rows.push({ contact: ids[nbr[j] as number] as string, targets: count[j] as number, strength: sum[j] as number });
  rows.sort((a, b) => b.strength - a.strength || b.targets - a.targets || (a.contact < b.contact ? -1 : a.contact > b.contact ? 1 : 0));
  return { rows, unreached };
}

/** A node's own ties as a root. */
function rowOf(graph: TieGraph, u: number): RootTies {
  const from = graph.offsets[u] as number, to = graph.offsets[u + 1] as number;
  graph.lazy?.need(u);
  const { targets, costs } = graph.lazy ?? graph;
  return { node: u, targets: targets.subarray(from, to), costs: costs.subarray(from, to) };
}

export interface BrokersOptions extends TieParams {
  owner: string;
  maxHops: number;
}

export interface BrokersResult {
  params: { owner: string; maxHops: number; halfLife: number; maxAuthors: number; refYear: number; targets: number };
  /** Targets that no contact reaches within maxHops. */
  unreached: string[];
  brokers: BrokerRow[];
}

/** Brokers for a set of person ids, straight from the store. */
export async function brokers(db: Queryable, targetIds: readonly string[], o: BrokersOptions): Promise<BrokersResult> {
  validateIntroOptions({ owner: o.owner, k: 1, maxHops: o.maxHops });
  const { graph, params, root } = await ownerGraphFor(db, o, o.owner);
  const unique = [...new Set(targetIds)];
  const inGraph = unique.filter((id) => graph.index.has(id));
  const { rows, unreached } = rankBrokers(graph, root, inGraph.map((id) => graph.index.get(id) as number), o.maxHops);
  const missing = unique.filter((id) => !graph.index.has(id)).concat(unreached.map((t) => graph.ids[t] as string));
  return {
    params: { owner: o.owner, maxHops: o.maxHops, halfLife: params.halfLife, maxAuthors: params.maxAuthors, refYear: params.refYear, targets: unique.length },
    unreached: missing.sort(),
    brokers: rows,
  };
}
