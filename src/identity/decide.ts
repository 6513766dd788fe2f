/**
 * The pairwise identity decision, shared by the resolver (people in the store) and its evaluation (paper
 * mentions with their strong identifiers hidden): two profiles are one person only when their names are
 * compatible AND evidence backs it — the same institution in overlapping years, or shared co-authors.
 * A name alone never merges. Distinct strong identifiers of one scheme, or a shared work, forbid a merge.
 */
import { compatibleNames, type NameMatch } from './names.ts';

/** Schemes that name exactly one person: two different values mean two different people. */
export const STRONG_SCHEMES = ['openreview', 'orcid', 'openalex', 'dblp', 'scholar', 'csrankings'] as const;

export interface Profile {
  id: string;
  name: string;
  /** scheme → values (strong schemes only). */
  strong: Map<string, Set<string>>;
  /** institution id → years observed there. */
  institutions: Map<string, Set<number>>;
  /** nameKey of every co-author. */
  coauthors: Set<string>;
  works: Set<string>;
}

export interface Decision {
  merge: boolean;
  nameMatch: NameMatch;
  reasons: string[];
}

/** Years at most this far apart count as overlapping (a paper list's year vs a roster snapshot). */
export const YEAR_SLACK = 1;

/** The first scheme of `schemes` in which both hold values and share none: two different people. */
export function strongConflict(a: Map<string, Set<string>>, b: Map<string, Set<string>>, schemes: readonly string[] = STRONG_SCHEMES): string | null {
  for (const s of schemes) {
    const x = a.get(s);
    const y = b.get(s);
    if (x?.size && y?.size && ![...x].some((v) => y.has(v))) return s;
  }
  return null;
}

export function sharedInstitution(a: Profile, b: Profile): { institution: string; year: number } | null {
  const [small, big] = a.institutions.size <= b.institutions.size ? [a, b] : [b, a];
  for (const [inst, years] of small.institutions) {
    const other = big.institutions.get(inst);
    if (!other) continue;
    for (const y of years) for (const z of other) if (Math.abs(y - z) <= YEAR_SLACK) return { institution: inst, year: Math.min(y, z) };
  }
  return null;
}

export function sharedCoauthors(a: Profile, b: Profile, ownKeys: Set<string>): string[] {
  const [small, big] = a.coauthors.size <= b.coauthors.size ? [a.coauthors, b.coauthors] : [b.coauthors, a.coauthors];
  const out: string[] = [];
  for (const c of small) if (big.has(c) && !ownKeys.has(c)) out.push(c);
  return out;
}

export function decide(a: Profile, b: Profile, ownNameKeys: Set<string>): Decision {
  const nameMatch = compatibleNames(a.name, b.name);
  if (!nameMatch) return { merge: false, nameMatch, reasons: ['names differ'] };
  const conflict = strongConflict(a.strong, b.strong);
  if (conflict) return { merge: false, nameMatch, reasons: [`different ${conflict} identifiers`] };
  for (const w of a.works) if (b.works.has(w)) return { merge: false, nameMatch, reasons: [`co-authors of ${w}`] };
  const inst = sharedInstitution(a, b);
  const co = sharedCoauthors(a, b, ownNameKeys);
  const reasons = [`name ${nameMatch}: "${a.name}" ~ "${b.name}"`];
  if (inst) reasons.push(`same institution ${inst.institution} around ${inst.year}`);
  if (co.length) reasons.push(`shared co-authors: ${co.slice(0, 3).join(', ')}${co.length > 3 ? ` (+${co.length - 3})` : ''}`);
  // An exact name needs one piece of evidence; a name that only matches up to initials needs two.
  const evidence = (inst ? 1 : 0) + Math.min(co.length, 2);
  const merge = nameMatch === 'exact' ? evidence >= 1 : evidence >= 2;
  return { merge, nameMatch, reasons };
}

/**
 * Union-find over profile indexes that refuses a union joining two different strong identifiers (of `schemes`) or a
 * shared work. The resolver uses every strong scheme; the ingest (run-ingest.ts) all but OpenAlex's, whose author ids
 * split one person and are joined by the ORCID iD they share.
 */
export class Clusters {
  private readonly parent: number[];
  private readonly strong: Array<Map<string, Set<string>>>;
  private readonly works: Array<Set<string>>;
  private readonly forbidden: Array<Set<number>>;

  constructor(profiles: ReadonlyArray<Pick<Profile, 'strong' | 'works'>>, private readonly schemes: readonly string[] = STRONG_SCHEMES) {
    this.parent = profiles.map((_, i) => i);
    this.strong = profiles.map((p) => new Map([...p.strong].map(([k, v]) => [k, new Set(v)])));
    this.works = profiles.map((p) => new Set(p.works));
    this.forbidden = profiles.map(() => new Set<number>());
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] as number;
    while (this.parent[i] !== r) {
      const next = this.parent[i] as number;
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  forbid(i: number, j: number): void {
    const a = this.find(i);
    const b = this.find(j);
    this.forbidden[a]?.add(b);
    this.forbidden[b]?.add(a);
  }

  /** Join the clusters of i and j; false (and nothing changes) when that would join conflicting people. */
  union(i: number, j: number): boolean {
    const a = this.find(i);
    const b = this.find(j);
    if (a === b) return true;
    const fa = this.forbidden[a] as Set<number>;
    const fb = this.forbidden[b] as Set<number>;
    if ([...fa].some((x) => this.find(x) === b) || [...fb].some((x) => this.find(x) === a)) return false;
    const sa = this.strong[a] as Map<string, Set<string>>;
    const sb = this.strong[b] as Map<string, Set<string>>;
    if (strongConflict(sa, sb, this.schemes)) return false;
    const wa = this.works[a] as Set<string>;
    const wb = this.works[b] as Set<string>;
    const [ws, wl] = wa.size <= wb.size ? [wa, wb] : [wb, wa];
    for (const w of ws) if (wl.has(w)) return false;
    this.parent[b] = a;
    for (const [k, v] of sb) {
      const t = sa.get(k) ?? new Set<string>();
      for (const x of v) t.add(x);
      sa.set(k, t);
    }
    for (const w of wb) wa.add(w);
    for (const x of fb) fa.add(x);
    return true;
  }
}
