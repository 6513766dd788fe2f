/**
 * The works the people of a tie graph can share (shared-works.ts), brought up to date after ingests as an
 * overlay over the base file's sections instead of all of them copied and written again: the changed people's
 * lists (each one of them has a row, empty or not), and the lines of every work they have now.
 *
 * A work keeps its ordinal: an ingest changes the lists of every person who holds, or held, a work it touched
 * (tie-graph-update.ts: the authors of every work that gained authorship rows or a newer row, and the people a
 * replaced record took rows from), so a work that one of the changed people has and had is found in that person's
 * list as it was, and any other work they have now was touched — all its holders, before and after, are changed
 * people — and takes the next ordinal. No person outside the changed ones holds an ordinal that moved.
 */
import type { Queryable } from '../store/store.ts';
import { ascendingIn, memoIndex, rising, type NodeIndex } from './csr.ts';
import { changedNodes, changedPeoplesWorks, workLine } from './shared-works.ts';
import type { ResolvedTieParams } from './tie-graph.ts';

/** Lists and lines that replace (or add to) the base file's. */
export interface WorksOverlay {
  /** Nodes whose lists replace the base's, ascending. */
  rows: Int32Array;
  /** Where each row's ordinals start in `personWorks` (rows + 1). */
  rowAt: Int32Array;
  /** Each row's ordinals, ascending. */
  personWorks: Int32Array;
  /** Ordinals whose lines replace the base's or come after its last, ascending. */
  ords: Int32Array;
  workIds: readonly string[];
  works: readonly string[];
  /** Ordinals in all. */
  count: number;
}

/** What an overlay is made over: the works sections as they are before the ingest (base and older overlay). */
export interface WorksBefore {
  /** Node u's ordinals; null past the nodes it knows. */
  listOf(u: number): Int32Array | null;
  /** The id of the work at ordinal `ord`; undefined past the last. */
  workIdOf(ord: number): string | undefined;
  readonly count: number;
  readonly overlay: WorksOverlay | null;
}

/** Whether an overlay's arrays hold together for n nodes (the runs' order is checked as each is read). */
export function overlayFits(w: WorksOverlay, n: number): boolean {
  const { rows, rowAt, personWorks, ords, count } = w;
  if (rowAt.length !== rows.length + 1 || !rising(rowAt, 0, personWorks.length) || !ascendingIn(rows, n) || !ascendingIn(ords, count)) return false;
  for (let i = 0; i < personWorks.length; i++) if (!((personWorks[i] as number) >= 0 && (personWorks[i] as number) < count)) return false;
  return w.workIds.length === ords.length && w.works.length === ords.length;
}

/**
 * The overlay after ingests since run `since` over `before` (see the module's note); `index` numbers the nodes
 * of the graph after them, whose first nodes are the ones `before` knows, in the same order.
 */
export async function updateWorksDelta(db: Queryable, index: NodeIndex, p: ResolvedTieParams, before: WorksBefore, since: number, known?: ReadonlySet<number>): Promise<WorksOverlay> {
  const changed = known ?? (await changedNodes(db, index, since));
  // the ordinals of the works the changed people had
  const ordOf = new Map<string, number>();
  for (const u of changed) {
    const list = before.listOf(u);
    if (!list) continue;
    for (const ord of list) {
      const id = before.workIdOf(ord);
      if (id === undefined) throw new Error(`work ordinal ${ord} of node ${u} has no work`);
      ordOf.set(id, ord);
    }
  }
  let count = before.count;
  const lines = new Map<number, [string, string]>();
  const lists = new Map<number, number[]>();
  for (const u of changed) lists.set(u, []);
  const nodeOf = memoIndex(index);
  for await (const batch of changedPeoplesWorks(db, p, since)) {
    for (const r of batch) {
      const u = nodeOf(r.person_id);
      const list = u === undefined ? undefined : lists.get(u);
      if (!list) continue;
      let o = ordOf.get(r.work_id);
      if (o === undefined) ordOf.set(r.work_id, (o = count++));
      lines.set(o, [r.work_id, workLine(r.title, r.year, r.k)]);
      list.push(o);
    }
  }
  // the older overlay's rows and lines that were not made again now stay
  const old = before.overlay;
  if (old) {
    for (let i = 0; i < old.rows.length; i++) {
      const u = old.rows[i] as number;
      if (!lists.has(u)) lists.set(u, Array.from(old.personWorks.subarray(old.rowAt[i], old.rowAt[i + 1])));
    }
    for (let i = 0; i < old.ords.length; i++) if (!lines.has(old.ords[i] as number)) lines.set(old.ords[i] as number, [old.workIds[i] as string, old.works[i] as string]);
  }
  const rows = Int32Array.from([...lists.keys()].sort((a, b) => a - b));
  const rowAt = new Int32Array(rows.length + 1);
  const runs: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const run = [...new Set(lists.get(rows[i] as number))].sort((a, b) => a - b);
    runs.push(...run);
    rowAt[i + 1] = runs.length;
  }
  const ords = Int32Array.from([...lines.keys()].sort((a, b) => a - b));
  return { rows, rowAt, personWorks: Int32Array.from(runs), ords, workIds: Array.from(ords, (o) => lines.get(o)![0]), works: Array.from(ords, (o) => lines.get(o)![1]), count };
}
