/**
 * Identity resolution by names and evidence, after the ingest has already joined people through strong
 * identifiers: candidate pairs by name block, decide() per pair, clusters that never join two different
 * strong identifiers, two co-authors of one work, or two sides of a recorded split. `--apply` merges each
 * cluster into one person with its reasons; the evaluation runs the same procedure on labelled mentions.
 */
import type { Queryable, Store } from '../store/store.ts';
import { candidatePairs } from './candidates.ts';
import { Clusters, decide, type Profile } from './decide.ts';
import { mergePeople } from './merge.ts';
import { nameKey } from './names.ts';
import { loadLabelledMentions, loadPersonProfiles, type LabelledMention } from './profiles.ts';

export interface PlannedMerge {
  kept: string;
  merged: string;
  reasons: string[];
}

export interface ResolutionPlan {
  profiles: number;
  candidatePairs: number;
  acceptedPairs: number;
  refusedByConflict: number;
  oversizedBlocks: number;
  merges: PlannedMerge[];
}

/** Cluster profiles; `forbidden` pairs of indexes are never joined. */
export function clusterProfiles(profiles: readonly Profile[], forbidden: ReadonlyArray<[number, number]> = []): {
  clusters: Clusters;
  accepted: Array<{ i: number; j: number; reasons: string[] }>;
  candidatePairs: number;
  refusedByConflict: number;
  oversizedBlocks: number;
} {
  const clusters = new Clusters(profiles);
  for (const [i, j] of forbidden) clusters.forbid(i, j);
  const { pairs, oversizedBlocks } = candidatePairs(profiles);
  const decided: Array<{ i: number; j: number; reasons: string[]; weight: number }> = [];
  for (const [i, j] of pairs) {
    const a = profiles[i] as Profile;
    const b = profiles[j] as Profile;
    const d = decide(a, b, new Set([nameKey(a.name), nameKey(b.name)]));
    if (d.merge) decided.push({ i, j, reasons: d.reasons, weight: (d.nameMatch === 'exact' ? 10 : 0) + d.reasons.length });
  }
  // strongest evidence first, so that a conflict refuses the weaker link
  decided.sort((x, y) => y.weight - x.weight);
  const accepted: Array<{ i: number; j: number; reasons: string[] }> = [];
  let refused = 0;
  for (const d of decided) {
    if (clusters.union(d.i, d.j)) accepted.push(d);
    else refused++;
  }
  return { clusters, accepted, candidatePairs: pairs.length, refusedByConflict: refused, oversizedBlocks };
}

/** Preference for the kept person of a cluster: one with a strong identifier, then the smallest id. */
function keepRank(p: Profile): string {
  const strong = ['openreview', 'orcid', 'openalex', 'csrankings', 'dblp', 'scholar'].findIndex((s) => p.strong.get(s)?.size);
  return `${strong < 0 ? 9 : strong}|${p.id}`;
}

export function planMerges(profiles: readonly Profile[], forbidden: ReadonlyArray<[number, number]> = []): ResolutionPlan {
  const r = clusterProfiles(profiles, forbidden);
  const reasonsByPair = new Map<number, string[]>();
  for (const a of r.accepted) {
    reasonsByPair.set(a.i, [...(reasonsByPair.get(a.i) ?? []), ...a.reasons]);
    reasonsByPair.set(a.j, [...(reasonsByPair.get(a.j) ?? []), ...a.reasons]);
  }
  const groups = new Map<number, number[]>();
  profiles.forEach((_, i) => {
    const root = r.clusters.find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const merges: PlannedMerge[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const sorted = [...members].sort((x, y) => keepRank(profiles[x] as Profile).localeCompare(keepRank(profiles[y] as Profile)));
    const kept = profiles[sorted[0] as number] as Profile;
    for (const m of sorted.slice(1)) {
      merges.push({ kept: kept.id, merged: (profiles[m] as Profile).id, reasons: [...new Set(reasonsByPair.get(m) ?? [])].slice(0, 6) });
    }
  }
  return {
    profiles: profiles.length,
    candidatePairs: r.candidatePairs,
    acceptedPairs: r.accepted.length,
    refusedByConflict: r.refusedByConflict,
    oversizedBlocks: r.oversizedBlocks,
    merges,
  };
}

/** Pairs of people recorded as split apart (merges rows of kind 'split'), as profile indexes. */
async function splitPairs(db: Queryable, profiles: readonly Profile[]): Promise<Array<[number, number]>> {
  const index = new Map(profiles.map((p, i) => [p.id, i]));
  const rows = await db.query<{ reasons: string }>(`SELECT reasons FROM merges WHERE kind = 'split'`);
  const holder = async (ids: Array<{ scheme: string; value: string }>): Promise<Set<number>> => {
    const out = new Set<number>();
    for (const id of ids) {
      const r = await db.query<{ person_id: string }>('SELECT person_id FROM person_identifiers WHERE scheme = $1 AND value = $2', [id.scheme, id.value]);
      const i = r[0] ? index.get(r[0].person_id) : undefined;
      if (i !== undefined) out.add(i);
    }
    return out;
  };
  const pairs: Array<[number, number]> = [];
  for (const row of rows) {
    const parsed = JSON.parse(row.reasons) as { moved?: Array<{ scheme: string; value: string }>; stayed?: Array<{ scheme: string; value: string }> };
    const a = await holder(parsed.stayed ?? []);
    const b = await holder(parsed.moved ?? []);
    for (const x of a) for (const y of b) if (x !== y) pairs.push([x, y]);
  }
  return pairs;
}

/** Merged people pool their evidence, which can back further merges: --apply repeats until nothing changes (at most this many rounds). */
export const MAX_ROUNDS = 5;

export async function resolveIdentities(store: Store, options: { apply: boolean }): Promise<ResolutionPlan & { applied: number; rounds: number }> {
  let first: ResolutionPlan | null = null;
  const all: PlannedMerge[] = [];
  let rounds = 0;
  while (rounds < (options.apply ? MAX_ROUNDS : 1)) {
    const profiles = await loadPersonProfiles(store);
    const plan = planMerges(profiles, await splitPairs(store, profiles));
    first ??= plan;
    rounds++;
    if (!options.apply || plan.merges.length === 0) break;
    await store.transaction(async (tx) => {
      for (const m of plan.merges) await mergePeople(tx, m.kept, m.merged, 'auto', m.reasons);
    });
    all.push(...plan.merges);
  }
  const base = first as ResolutionPlan;
  return { ...base, merges: options.apply ? all : base.merges, applied: all.length, rounds };
}

export interface Evaluation {
  mentions: number;
  people: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

/** Pairwise precision and recall of clusterProfiles on mentions whose strong identifier is hidden. */
export function evaluateMentions(mentions: readonly LabelledMention[]): Evaluation {
  const { clusters } = clusterProfiles(mentions);
  const truth = new Map<string, number>();
  const predicted = new Map<number, number>();
  const both = new Map<string, number>();
  mentions.forEach((m, i) => {
    const c = clusters.find(i);
    truth.set(m.truth, (truth.get(m.truth) ?? 0) + 1);
    predicted.set(c, (predicted.get(c) ?? 0) + 1);
    const k = `${c}\u0000${m.truth}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  });
  const sum = (m: Map<unknown, number>): number => [...m.values()].reduce((a, n) => a + pairs(n), 0);
  const truePairs = sum(truth);
  const predictedPairs = sum(predicted);
  const correctPairs = sum(both);
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  return {
    mentions: mentions.length,
    people: truth.size,
    truePairs,
    predictedPairs,
    correctPairs,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

export async function evaluateResolution(db: Queryable): Promise<Evaluation> {
  return evaluateMentions(await loadLabelledMentions(db));
}
