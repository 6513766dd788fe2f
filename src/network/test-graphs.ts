/**
 * Graph comparisons for the tests of the tie graph's updates (tie-graph-update.test.ts, tie-graph-delta.test.ts):
 * ties by id (node indices differ between graphs made in different ways), the paths between random pairs, and the
 * shared-work evidence of co-author pairs as a graph's file answers it and as the store does (the CoRL lists).
 */
import { expect } from 'vitest';
import { prng } from '../core/prng.ts';
import type { TieGraph } from './csr.ts';
import { PathFinder } from './path-finder.ts';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dataPath } from '../core/paths.ts';
import type { Store } from '../store/store.ts';
import { KIND_COAUTHOR } from './csr.ts';
import { tiesEvidence } from './evidence.ts';
import type { ResolvedTieParams } from './tie-graph.ts';

/** Every tie as "a|b|weight|kinds" by id (node indices differ between the two graphs), weights to 12 digits. */
export const ties = (g: TieGraph): string[] => {
  const out: string[] = [];
  for (let u = 0; u < g.ids.length; u++) {
    for (let j = g.offsets[u] as number; j < (g.offsets[u + 1] as number); j++) {
      out.push(`${g.ids[u]}|${g.ids[g.targets[j] as number]}|${(g.weights[j] as number).toPrecision(12)}|${(g.costs[j] as number).toPrecision(12)}|${g.kinds[j]}`);
    }
  }
  return out.sort();
};
/** The same k = 3 paths (as ids, costs to 12 digits) between random pairs of people of both graphs. */
export function samePaths(a: TieGraph, b: TieGraph, pairs = 40): number {
  const rnd = prng(3);
  let found = 0;
  const fa = new PathFinder(a), fb = new PathFinder(b);
  for (let i = 0; i < pairs; i++) {
    const s = a.ids[Math.floor(rnd() * a.ids.length)] as string;
    // a target a few hops away: the end of a short walk in a
    let v = a.index.get(s) as number;
    for (let h = 0; h < 3 && (a.offsets[v + 1] as number) > (a.offsets[v] as number); h++) v = a.targets[(a.offsets[v] as number) + Math.floor(rnd() * ((a.offsets[v + 1] as number) - (a.offsets[v] as number)))] as number;
    const t = a.ids[v] as string;
    if (s === t) continue;
    const show = (g: TieGraph, f: PathFinder) => f.kBest(g.index.get(s) as number, g.index.get(t) as number, 3, 4).map((x) => `${x.cost.toPrecision(12)}:${x.nodes.map((n) => g.ids[n]).join('>')}`);
    const pa = show(a, fa);
    expect(show(b, fb)).toEqual(pa);
    found += pa.length;
  }
  return found;
}

export interface Paper {
  id: string;
  title: string;
  author: string;
  authorids: string;
}

export const papersOf = (name: string): Paper[] => JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', name))).toString('utf8')) as Paper[];

/**
 * The co-authorship ties of a graph as pairs of ids (a < b) — every one, or an even spread of `most` of them (the
 * store's answer for each is a join on DuckDB: thousands take half a minute) — and `extra` pairs drawn at random.
 */
export function pairsOf(g: TieGraph, extra: number, most = Infinity): Array<[string, string]> {
  const all: Array<[string, string]> = [];
  for (let u = 0; u < g.ids.length; u++) {
    for (let e = g.offsets[u] as number; e < (g.offsets[u + 1] as number); e++) {
      const v = g.targets[e] as number;
      if (u < v && ((g.kinds[e] as number) & KIND_COAUTHOR)) all.push([g.ids[u] as string, g.ids[v] as string]);
    }
  }
  const step = Math.max(1, Math.ceil(all.length / most));
  const out = all.filter((_, i) => i % step === 0);
  const rnd = prng(5);
  for (let i = 0; i < extra; i++) out.push([g.ids[Math.floor(rnd() * g.ids.length)] as string, g.ids[Math.floor(rnd() * g.ids.length)] as string]);
  return out;
}

/** The shared-work evidence of each pair (JSON, in order), from the file's answers or from the store alone. */
export async function workEvidence(store: Store, pairs: Array<[string, string]>, p: ResolvedTieParams, fromFile?: ((a: string, b: string) => unknown) | null): Promise<string[]> {
  const got = await tiesEvidence(store, pairs, p, fromFile as Parameters<typeof tiesEvidence>[3]);
  return [...got].map(([k, ev]) => `${k}=${JSON.stringify(ev.filter((e) => e.kind === 'work'))}`).sort();
}

/** Every pair's shared works come from the graph's file (none is null) and equal the evidence the store gives. */
export async function expectFileEvidence(store: Store, got: { params: ResolvedTieParams; sharedWorks?: ((a: string, b: string) => unknown) | null }, pairs: Array<[string, string]>): Promise<void> {
  for (const [x, y] of pairs) expect(got.sharedWorks?.(x, y)).not.toBeNull();
  expect(await workEvidence(store, pairs, got.params, got.sharedWorks)).toEqual(await workEvidence(store, pairs, got.params));
}
