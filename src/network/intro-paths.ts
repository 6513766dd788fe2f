/** Warm introductions: the k best paths from an owner's `me` node to a target person, each hop with its evidence. */
import { AtlasError } from '../core/errors.ts';
import { resolvePerson } from '../store/repo/people.ts';
import type { Queryable } from '../store/store.ts';
import { tieEvidence, type Evidence } from './evidence.ts';
import { PathFinder } from './path-finder.ts';
import { meNode, otherOwners, type TieParams } from './tie-graph.ts';
import { tieGraphFor } from './tie-graph-cache.ts';

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

/** Fail clearly when the owner has no contact list: every intro path starts with one of the owner's contacts. */
export async function requireOwner(db: Queryable, owner: string): Promise<void> {
  const [row] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE owner = $1`, [owner]);
  if (!row?.n) throw new AtlasError('NOT_FOUND', `owner "${owner}" has no contacts; import them with \`atlas contacts import FILE.csv --owner ${owner}\``);
}

/** Resolve the target (id, identifier or name), build the graph, find the paths and fetch their evidence. */
export async function introPaths(db: Queryable, targetQuery: string, o: IntroOptions): Promise<IntroResult> {
  validateIntroOptions(o);
  const target = await resolvePerson(db, targetQuery);
  await requireOwner(db, o.owner);
  const { graph, params } = await tieGraphFor(db, o);
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
  const s = graph.index.get(meNode(o.owner));
  const t = graph.index.get(target.person_id);
  if (s === undefined || t === undefined) return result;
  const found = new PathFinder(graph, otherOwners(graph, o.owner)).kBest(s, t, o.k, o.maxHops);
  const cache = new Map<string, Evidence[]>();
  for (const f of found) {
    const nodes = f.nodes.map((i) => graph.ids[i] as string);
    const hops: IntroHop[] = [];
    for (let i = 0; i < f.edges.length; i++) {
      const from = nodes[i] as string, to = nodes[i + 1] as string;
      const key = from < to ? `${from}\u0000${to}` : `${to}\u0000${from}`;
      let evidence = cache.get(key);
      if (!evidence) cache.set(key, (evidence = await tieEvidence(db, from, to, params)));
      hops.push({ from, to, weight: graph.weights[f.edges[i] as number] as number, evidence });
    }
    result.paths.push({ cost: f.cost, strength: Math.exp(-f.cost), nodes, hops });
  }
  return result;
}

/** Display names for node ids (`me:<owner>` shows as "me (owner)"). */
export async function nodeNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    if (id.startsWith('me:')) {
      out.set(id, `me (${id.slice(3)})`);
      continue;
    }
    const [row] = await db.query<{ display_name: string | null }>(`SELECT display_name FROM people WHERE person_id = $1`, [id]);
    out.set(id, row?.display_name ?? id);
  }
  return out;
}
