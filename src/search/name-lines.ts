/**
 * People's names as the index file keeps them: one line each, escaped (a line break as `\n`, a backslash doubled),
 * with a flag per person for whether there is a name at all. A list read from the file is a view over those lines
 * (each unescaped when asked for) that remembers them, so an update splices the old lines into the next file as
 * they are (core/line-source.ts) instead of unescaping a million names and escaping them again.
 */
import { LineSplice } from '../core/line-source.ts';

export const escapeName = (n: string): string => (/[\\\n]/.test(n) ? n.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : n);
export const unescapeName = (l: string): string => (l.includes('\\') ? l.replace(/\\([\\n])/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) : l);

/** Escaped lines ('' for none) and whether each person has a name. */
export interface NameLines {
  lines: readonly string[];
  hasName: Uint8Array;
}

const escaped = new WeakMap<object, NameLines>();

/** The names of `n.lines.length` people as a list: null where there is none, else the line unescaped when asked for. */
export function namesView(n: NameLines): (string | null)[] {
  const count = n.lines.length;
  const view = new Proxy(n.lines as string[], {
    get: (t, k, r) => {
      if (!(typeof k === 'string' && /^\d+$/.test(k))) return Reflect.get(t, k, r);
      if (!n.hasName[Number(k)]) return Number(k) < count ? null : undefined;
      const line = Reflect.get(t, k, r) as string | undefined;
      return line === undefined ? undefined : unescapeName(line);
    },
  }) as (string | null)[];
  escaped.set(view, n);
  return view;
}

/** The escaped lines of a list of names: those behind a view, else made now. */
export function nameLinesOf(names: readonly (string | null)[]): NameLines {
  const kept = escaped.get(names);
  if (kept) return kept;
  const nP = names.length;
  const hasName = new Uint8Array(nP);
  const lines: string[] = new Array<string>(nP);
  for (let i = 0; i < nP; i++) {
    const n = names[i] ?? null;
    hasName[i] = n === null ? 0 : 1;
    lines[i] = n === null ? '' : escapeName(n);
  }
  return { lines, hasName };
}

/**
 * The names after an update: old person p's at `fromOld[p]` as it was, unless `given` names that position (a new
 * row's name, or null); positions no old person went to and `given` does not name have none.
 */
export function mergeNames(old: readonly (string | null)[], fromOld: Int32Array, n: number, given: ReadonlyMap<number, string | null>): (string | null)[] {
  const kept = escaped.get(old);
  if (!kept) {
    const names = new Array<string | null>(n).fill(null);
    for (let p = 0; p < fromOld.length; p++) names[fromOld[p] as number] = old[p] ?? null;
    for (const [q, name] of given) names[q] = name;
    return names;
  }
  const lines = new LineSplice();
  const hasName = new Uint8Array(n);
  const put = (q: number, name: string | null): void => {
    hasName[q] = name === null ? 0 : 1;
    lines.add(name === null ? '' : escapeName(name));
  };
  let p = 0;
  for (let q = 0; q < n; ) {
    const isOld = p < fromOld.length && fromOld[p] === q;
    if (isOld && !given.has(q)) {
      const from = p;
      for (; p < fromOld.length && fromOld[p] === q && !given.has(q); p++, q++) hasName[q] = kept.hasName[p] as number;
      lines.keep(kept.lines, from, p);
      continue;
    }
    put(q, given.has(q) ? (given.get(q) as string | null) : null);
    if (isOld) p++;
    q++;
  }
  return namesView({ lines: lines.list(), hasName });
}
