/**
 * Brokers: which of my contacts open the most doors to a set of targets. For each contact c and target t, the
 * best loopless path me → c → … → t of ≤ maxHops edges costs cost(me, c) + h_{maxHops−1}(c), where h is the
 * hop-limited distance to t computed without passing through me (so the path never returns to me).
 */
import type { Queryable } from '../store/store.ts';
import type { TieGraph } from './csr.ts';
import { PathFinder } from './path-finder.ts';
import { requireOwner, validateIntroOptions } from './intro-paths.ts';
import { meNode, otherOwners, type TieParams } from './tie-graph.ts';
import { tieGraphFor } from './tie-graph-cache.ts';

export interface BrokerRow {
  contact: string;
  /** Targets whose best path through this contact has ≤ maxHops edges. */
  targets: number;
  /** Sum of those best paths' strengths (product of tie probabilities). */
  strength: number;
}

/** Rank the contacts of `me` for the given targets (node indices); targets equal to me are ignored. */
export function rankBrokers(graph: TieGraph, me: number, targets: readonly number[], maxHops: number, blocked?: Uint8Array): { rows: BrokerRow[]; unreached: number[] } {
  const finder = new PathFinder(graph, blocked);
  const { offsets, targets: nbr, costs, ids } = graph;
  const from = offsets[me] as number, to = offsets[me + 1] as number;
  const count = new Int32Array(to - from);
  const sum = new Float64Array(to - from);
  const unreached: number[] = [];
  for (const t of new Set(targets)) {
    if (t === me) continue;
    finder.prepare(t, maxHops - 1, me);
    let reached = false;
    for (let e = from; e < to; e++) {
      const rest = finder.h(maxHops - 1, nbr[e] as number);
      if (rest === Infinity) continue;
      reached = true;
      count[e - from]!++;
      sum[e - from]! += Math.exp(-((costs[e] as number) + rest));
    }
    if (!reached) unreached.push(t);
  }
  const rows: BrokerRow[] = [];
  for (let e = from; e < to; e++) rows.push({ contact: ids[nbr[e] as number] as string, targets: count[e - from] as number, strength: sum[e - from] as number });
  rows.sort((a, b) => b.strength - a.strength || b.targets - a.targets || (a.contact < b.contact ? -1 : a.contact > b.contact ? 1 : 0));
  return { rows, unreached };
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
  await requireOwner(db, o.owner);
  const { graph, params } = await tieGraphFor(db, o);
  const me = graph.index.get(meNode(o.owner)) as number;
  const unique = [...new Set(targetIds)];
  const inGraph = unique.filter((id) => graph.index.has(id));
  const { rows, unreached } = rankBrokers(graph, me, inGraph.map((id) => graph.index.get(id) as number), o.maxHops, otherOwners(graph, o.owner));
  const missing = unique.filter((id) => !graph.index.has(id)).concat(unreached.map((t) => graph.ids[t] as string));
  return {
    params: { owner: o.owner, maxHops: o.maxHops, halfLife: params.halfLife, maxAuthors: params.maxAuthors, refYear: params.refYear, targets: unique.length },
    unreached: missing.sort(),
    brokers: rows,
  };
}
