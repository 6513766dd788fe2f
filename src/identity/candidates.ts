/** Candidate pairs for identity resolution: profiles that share a name block key (nameBlockKeys), without quadratic blow-ups. */
import { nameBlockKeys } from './names.ts';
import type { Profile } from './decide.ts';

/** A block bigger than this (a very common surname + initial) is compared only within exact-name groups. */
export const MAX_BLOCK = 400;

export function candidatePairs(profiles: readonly Profile[]): { pairs: Array<[number, number]>; oversizedBlocks: number } {
  const blocks = new Map<string, number[]>();
  profiles.forEach((p, i) => {
    for (const k of nameBlockKeys(p.name)) {
      const b = blocks.get(k);
      if (b) b.push(i);
      else blocks.set(k, [i]);
    }
  });
  const seen = new Set<string>();
  const pairs: Array<[number, number]> = [];
  let oversizedBlocks = 0;
  const add = (i: number, j: number): void => {
    const [a, b] = i < j ? [i, j] : [j, i];
    const k = `${a},${b}`;
    if (seen.has(k)) return;
    seen.add(k);
    pairs.push([a, b]);
  };
  for (const members of blocks.values()) {
    if (members.length < 2) continue;
    if (members.length > MAX_BLOCK) {
      oversizedBlocks++;
      const exact = new Map<string, number[]>();
      for (const m of members) {
        const key = (profiles[m] as Profile).name.toLowerCase();
        const g = exact.get(key) ?? [];
        g.push(m);
        exact.set(key, g);
      }
      for (const g of exact.values()) for (let x = 0; x < g.length && x < MAX_BLOCK; x++) for (let y = x + 1; y < g.length && y < MAX_BLOCK; y++) add(g[x] as number, g[y] as number);
      continue;
    }
    for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) add(members[x] as number, members[y] as number);
  }
  return { pairs, oversizedBlocks };
}
