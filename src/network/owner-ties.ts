/**
 * An owner's contact list as the first hops of that owner's paths. The shared tie graph holds people only; an
 * owner's `me:<owner>` node stands outside it, one index past its last node, with a tie to each contact
 * (w = strength, the cost as for any tie). No path of one owner may pass through another owner's list, and a
 * loopless path from `me` never comes back to it, so a contact tie is only ever the first hop of a path: the
 * lists need not be in the shared graph, and a contact import changes its owner's small list instead of making
 * every caller rebuild a graph of ten million ties. The answers are those of the graph with every list in it.
 */
import { AtlasError } from '../core/errors.ts';
import type { TieGraph } from './csr.ts';
import { tieCost, tieWeight } from './csr.ts';
import type { RootTies } from './path-finder.ts';
import { meNode } from './tie-graph.ts';

export interface OwnerTies extends RootTies {
  owner: string;
  /** `me:<owner>`. */
  id: string;
  /** Tie weights (the contact's strength), by tie. */
  weights: Float64Array;
}

/**
 * The owner's ties into this graph, ordered by the contact's node index (as a CSR row is). A person named twice
 * gets one tie of the summed strengths, as the graph would merge them; a contact who is no node of the graph
 * (which a consistent store never has: every person is one) is left out.
 */
export function ownerTiesOf(graph: TieGraph, owner: string, contacts: ReadonlyArray<{ person_id: string; strength: number }>): OwnerTies {
  const byNode = new Map<number, number>();
  for (const c of contacts) {
    const v = graph.index.get(c.person_id);
    const w = Number(c.strength);
    if (v === undefined || !(w > 0)) continue;
    byNode.set(v, (byNode.get(v) ?? 0) + w);
  }
  const order = [...byNode.keys()].sort((a, b) => a - b);
  const targets = Int32Array.from(order);
  const weights = Float64Array.from(order, (v) => byNode.get(v) as number);
  return {
    owner,
    id: meNode(owner),
    node: graph.ids.length,
    targets,
    weights,
    costs: Float64Array.from(weights, tieCost),
  };
}

/** The id of a node of a path found from an owner's ties. */
export const nodeIdOf = (graph: TieGraph, root: OwnerTies) => (i: number): string => (i === root.node ? root.id : (graph.ids[i] as string));

/** The weight of a hop of a found path (entry index, or −1−j for the root's j-th tie: see FoundPath). */
export const hopWeight = (graph: TieGraph, root: OwnerTies, e: number): number => (e < 0 ? (root.weights[-1 - e] as number) : tieWeight(graph, e));

/** The error for an owner without a contact list: every intro path starts with one of the owner's contacts. */
export function noContacts(owner: string): AtlasError {
  return new AtlasError('NOT_FOUND', `owner "${owner}" has no contacts; import them with \`atlas contacts import FILE.csv --owner ${owner}\``);
}
