/** Warm introductions: the k best paths from an owner's `me` node to a target person, each hop with its evidence. */
import { AtlasError } from '../core/errors.ts';
import { resolvePerson } from '../store/repo/people.ts';
import type { Queryable } from '../store/store.ts';
import { pairKey, tiesEvidence, type Evidence } from './evidence.ts';
import { PathFinder } from './path-finder.ts';
import { hopWeight, noContacts, nodeIdOf } from './owner-ties.ts';
import type { TieParams } from './tie-graph.ts';
import { ownerGraphFor } from './tie-graph-cache.ts';

export interface IntroOptions extends TieParams {
  owner: string;
  k: number;
  maxHops: number;
}

export const DEFAULT_INTRO = { k: 5, maxHops: 4 } as const;

export interface IntroHop {
  from: string;
  to: string;
  weight: number;
  evidence: Evidence[];
}

export interface IntroPath {
  cost: number;
  strength: number;
  nodes: string[];
  hops: IntroHop[];
}

export interface IntroResult {
  params: {
    owner: string;
    target: string;
    target_name: string | null;
    k: number;
    maxHops: number;
    halfLife: number;
    maxAuthors: number;
    refYear: number;
  };
  paths: IntroPath[];
}

export function validateIntroOptions(o: { owner: string; k: number; maxHops: number }): void {
  if (!o.owner.trim()) throw new AtlasError('BAD_ARGUMENT', 'an owner is needed (--owner NAME: whose contacts to start from)');
  if (!Number.isInteger(o.k) || o.k < 1 || o.k > 100) throw new AtlasError('BAD_ARGUMENT', `--k must be an integer from 1 to 100 (got ${o.k})`);
  if (!Number.isInteger(o.maxHops) || o.maxHops < 1 || o.maxHops > 8) throw new AtlasError('BAD_ARGUMENT', `--max-hops must be an integer from 1 to 8 (got ${o.maxHops})`);
}

/** Fail clearly when the owner has no contact list. */
export async function requireOwner(db: Queryable, owner: string): Promise<void> {
  const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE owner = $1`, [owner]);
  if (!row?.n) throw noContacts(owner);
}

/** Resolve the target (id, identifier or name), build the graph, find the paths and fetch their evidence. */
export async function introPaths(db: Queryable, targetQuery: string, o: IntroOptions): Promise<IntroResult> {
  validateIntroOptions(o);
  const target = await resolvePerson(db, targetQuery);
  const { graph, params, root, sharedWorks } = await ownerGraphFor(db, o, o.owner);
  const result: IntroResult = {
    params: {
      owner: o.owner,
      target: target.person_id,
      target_name: target.display_name,
      k: o.k,
      maxHops: o.maxHops,
      halfLife: params.halfLife,
      maxAuthors: params.maxAuthors,
      refYear: params.refYear,
    },
    paths: [],
  };
  const t = graph.index.get(target.person_id);
  if (t === undefined) return result;
  const found = new PathFinder(graph).kBest(root.node, t, o.k, o.maxHops, root);
  const idOf = nodeIdOf(graph, root);
  const shown = found.map((f) => ({ f, nodes: f.nodes.map(idOf) }));
  // the evidence of every hop shown, fetched together (the shared works from the graph's file where it keeps them)
  const evidence = await tiesEvidence(db, shown.flatMap(({ nodes }) => nodes.slice(1).map((to, i) => [nodes[i] as string, to] as const)), params, sharedWorks);
  for (const { f, nodes } of shown) {
    const hops: IntroHop[] = f.edges.map((e, i) => {
      const from = nodes[i] as string, to = nodes[i + 1] as string;
      return { from, to, weight: hopWeight(graph, root, e), evidence: evidence.get(pairKey(from, to)) ?? [] };
    });
    result.paths.push({ cost: f.cost, strength: Math.exp(-f.cost), nodes, hops });
  }
  return result;
}

/** Display names for node ids (`me:<owner>` shows as "me (owner)"), read in one statement per 500 ids. */
export async function nodeNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const people: string[] = [];
  for (const id of new Set(ids)) {
    if (id.startsWith('me:')) out.set(id, `me (${id.slice(3)})`);
    else people.push(id);
  }
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    const rows = await db.query<{ person_id: string; display_name: string | null }>(
      `SELECT person_id, display_name FROM people WHERE person_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`,
      chunk,
    );
    const found = new Map(rows.map((r) => [r.person_id, r.display_name]));
    for (const id of chunk) out.set(id, found.get(id) ?? id);
  }
  // in the order asked, as before
  return new Map([...new Set(ids)].map((id) => [id, out.get(id) as string]));
}
