/**
 * The works each person wrote that can be evidence of a co-authorship tie, kept in the tie graph's file
 * (tie-graph-file.ts) so that the shared works of a path's hops are found there — a few small reads — instead of in
 * the store. On DuckDB, which keeps no index on authorships.person_id (migration 003), the shared-works statement
 * read every authorship's person id: 0.29–0.4 s of a cold `atlas intro` at 5M authorships.
 *
 * Sections: `personWorksAt` (i32, nodes + 1: where node u's works start in `personWorks`), `personWorks` (i32: work
 * ordinals, ascending within each node's run), `workIds` (one JSON string per ordinal: a line break in an id
 * cannot make the file unwritable) and `works` (one JSON line per ordinal: [title, year, authors]), both read one line at a time (file-lines.ts). Only works that can be evidence
 * under the file's parameters are held — 2 ≤ authors ≤ maxAuthors and (year, or refYear when it has none) ≤
 * refYear — exactly what the evidence statement keeps (evidence.ts), the author count as it counts it (the work's
 * own, else its distinct authors). A file written before these sections reads as having none: the evidence comes
 * from the store then.
 *
 * An ingest changes the works of a known set of people (tie-graph-update.ts: the authors of every work that gained
 * authorship rows or a newer work row, and the people a replaced record took rows from): after one, their lists
 * are read again from the store and every other person's is copied (updateWorksSections); a work keeps its
 * ordinal, a new one takes the next, and each work those people have is written again as the store has it now.
 */
import { BundleFile } from '../core/array-bundle.ts';
import { FileLines } from '../core/file-lines.ts';
import type { Queryable } from '../store/store.ts';
import { findSorted, memoIndex, type NodeIndex, type TieGraph } from './csr.ts';
import type { ResolvedTieParams } from './tie-graph.ts';
import { changedPeopleSql } from './tie-graph-update.ts';
import type { WorksBefore, WorksOverlay } from './shared-works-delta.ts';
import { deltaAdds, deltaFileOf, readDeltaWorks } from './tie-graph-delta-file.ts';

/** One shared work as the evidence shows it. */
export interface SharedWork {
  work_id: string;
  title: string | null;
  year: number | null;
  /** Its author count (the work's own, else its distinct authors in the store). */
  authors: number;
}

/** What the file keeps (see the module's note). */
export interface WorksSections {
  personWorksAt: Int32Array;
  personWorks: Int32Array;
  workIds: string[];
  works: string[];
}

/** The works that can be evidence (the filter of the evidence statement): $1 refYear, $2 maxAuthors. */
const evidenceWorks = (counted: string): string => `
  counted AS (${counted}),
  wk AS (
    SELECT work_id, title, year, k FROM counted
    WHERE k >= 2 AND k <= CAST($2 AS INTEGER) AND COALESCE(year, CAST($1 AS INTEGER)) <= CAST($1 AS INTEGER))`;

/** Every work's author count as the evidence counts it (over `aw`: distinct work and person). */
const COUNTED = `SELECT w.work_id, w.title, w.year, CAST(COALESCE(w.author_count, c.n) AS INTEGER) AS k
    FROM works w JOIN (SELECT work_id, COUNT(*) AS n FROM aw GROUP BY work_id) c ON c.work_id = w.work_id`;

/** Each evidence work, numbered from 0 in work_id order. */
const EVIDENCE_WORKS = `
  WITH aw AS (SELECT DISTINCT work_id, person_id FROM authorships),
  ${evidenceWorks(COUNTED)},
  numbered AS (SELECT work_id, title, year, k, CAST(ROW_NUMBER() OVER (ORDER BY work_id) - 1 AS INTEGER) AS ord FROM wk)`;

/** A work's JSON line (its id is on its own line). */
export const workLine = (title: string | null, year: number | null, k: number): string => JSON.stringify([title, year, k]);

/** Growable Int32 column. */
class IntColumn {
  data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * The sections for `graph` (its node indices) read from the store: two statements over every authorship (at 1M
 * people / 5M authorships ~18 s: measured in the note of this change; an update reads only what changed).
 */
export async function readWorksSections(db: Queryable, graph: Pick<TieGraph, 'ids' | 'index'>, p: ResolvedTieParams): Promise<WorksSections> {
  const params = [p.refYear, p.maxAuthors];
  const workIds: string[] = [];
  const works: string[] = [];
  for await (const batch of db.iterate<{ work_id: string; title: string | null; year: number | null; k: number; ord: number }>(
    `${EVIDENCE_WORKS} SELECT work_id, title, year, k, ord FROM numbered`,
    params,
    50_000,
  )) {
    for (const r of batch) {
      workIds[r.ord] = r.work_id;
      works[r.ord] = workLine(r.title, r.year, r.k);
    }
  }
  for (let i = 0; i < works.length; i++) if (works[i] === undefined) throw new Error(`work ordinal ${i} missing from the evidence works`);
  const lists = new RunLists();
  for await (const batch of db.iterate<{ person_id: string; ords: string }>(
    `${EVIDENCE_WORKS} SELECT aw.person_id, string_agg(CAST(o.ord AS VARCHAR), ',') AS ords FROM aw JOIN numbered o ON o.work_id = aw.work_id GROUP BY aw.person_id`,
    params,
    50_000,
  )) {
    for (const r of batch) {
      const u = graph.index.get(r.person_id);
      if (u === undefined) continue; // no node (a consistent store has none such: every person is one)
      for (const s of r.ords.split(',')) lists.push(u, Number(s));
    }
  }
  return { ...lists.sections(graph.ids.length, () => null), workIds, works };
}

/** The nodes (of `index`) of the people whose ties or works ingests since run `since` may have changed (changedPeopleSql). */
export async function changedNodes(db: Queryable, index: NodeIndex, since: number): Promise<Set<number>> {
  const changed = new Set<number>();
  for await (const batch of db.iterate<{ person_id: string }>(changedPeopleSql(1), [since], 50_000)) {
    for (const r of batch) {
      const u = index.get(r.person_id);
      if (u !== undefined) changed.add(u);
    }
  }
  return changed;
}

/** The evidence works of the people changed since run `since`, one row per person and work, each work's authors counted over all its authorships. */
export const changedPeoplesWorks = (db: Queryable, p: ResolvedTieParams, since: number): AsyncIterable<Array<{ person_id: string; work_id: string; title: string | null; year: number | null; k: number }>> =>
  db.iterate(
    `WITH changed AS MATERIALIZED (${changedPeopleSql(3)}),
     mine AS (SELECT DISTINCT work_id, person_id FROM authorships WHERE person_id IN (SELECT person_id FROM changed)),
     aw AS (SELECT DISTINCT work_id, person_id FROM authorships WHERE work_id IN (SELECT work_id FROM mine)),
     ${evidenceWorks(COUNTED)}
     SELECT m.person_id, wk.work_id, wk.title, wk.year, wk.k FROM mine m JOIN wk ON wk.work_id = m.work_id`,
    [p.refYear, p.maxAuthors, since],
    50_000,
  );

/**
 * The sections after ingests since run `since`, from those of the graph before them (`old`, with the node ids
 * they were written for): see the module's note. `graph` is the updated graph, whose first nodes are the old
 * graph's in the same order (tie-graph-update.ts).
 */
export async function updateWorksSections(
  db: Queryable,
  graph: Pick<TieGraph, 'ids' | 'index'>,
  p: ResolvedTieParams,
  old: WorksSections,
  since: number,
  /** The changed nodes (changedNodes), when the caller knows them already. */
  known?: ReadonlySet<number>,
): Promise<WorksSections> {
  const workIds = old.workIds.slice();
  const works = old.works.slice();
  const ordOf = new Map<string, number>();
  const ordinal = (id: string): number => {
    if (!ordOf.size) workIds.forEach((w, i) => ordOf.set(w, i));
    let o = ordOf.get(id);
    if (o === undefined) {
      o = workIds.length;
      workIds.push(id);
      works.push('');
      ordOf.set(id, o);
    }
    return o;
  };
  const changed = known ?? (await changedNodes(db, graph.index, since));
  const lists = new RunLists();
  const nodeOf = memoIndex(graph.index);
  for await (const batch of changedPeoplesWorks(db, p, since)) {
    for (const r of batch) {
      const u = nodeOf(r.person_id);
      if (u === undefined || !changed.has(u)) continue;
      const o = ordinal(r.work_id);
      works[o] = workLine(r.title, r.year, r.k);
      lists.push(u, o);
    }
  }
  const n0 = old.personWorksAt.length - 1;
  // everyone else keeps their list (a new node is always a changed person: its row is newer than `since`)
  return { ...lists.sections(graph.ids.length, (u) => (u < n0 && !changed.has(u) ? old.personWorks.subarray(old.personWorksAt[u], old.personWorksAt[u + 1]) : null)), workIds, works };
}

/** (node, ordinal) pairs gathered in any order, laid out as each node's ascending run without repeats. */
class RunLists {
  private nodes = new IntColumn();
  private ords = new IntColumn();

  push(u: number, ord: number): void {
    this.nodes.push(u);
    this.ords.push(ord);
  }

  /** The runs of n nodes: a node's pushed ordinals, or `kept(u)` when that gives a run (pushed ones are then ignored). */
  sections(n: number, kept: (u: number) => Int32Array | null): Pick<WorksSections, 'personWorksAt' | 'personWorks'> {
    const { nodes, ords } = this;
    const keptRuns: Array<Int32Array | null> = new Array<Int32Array | null>(n);
    const count = new Int32Array(n + 1);
    for (let u = 0; u < n; u++) {
      const run = kept(u);
      keptRuns[u] = run;
      if (run) count[u + 1] = run.length;
    }
    for (let i = 0; i < nodes.length; i++) {
      const u = nodes.data[i] as number;
      if (!keptRuns[u]) count[u + 1] = (count[u + 1] as number) + 1;
    }
    for (let u = 0; u < n; u++) count[u + 1] = (count[u + 1] as number) + (count[u] as number);
    const fill = count.slice(0, n);
    const all = new Int32Array(count[n] as number);
    for (let u = 0; u < n; u++) {
      const run = keptRuns[u];
      if (run) all.set(run, count[u] as number);
    }
    for (let i = 0; i < nodes.length; i++) {
      const u = nodes.data[i] as number;
      if (keptRuns[u]) continue;
      const at = fill[u] as number;
      all[at] = ords.data[i] as number;
      fill[u] = at + 1;
    }
    // each run ascending, a repeat (a work listed twice for one person) dropped
    const personWorksAt = new Int32Array(n + 1);
    let o = 0;
    for (let u = 0; u < n; u++) {
      const from = count[u] as number, to = count[u + 1] as number;
      const run = all.subarray(from, to);
      if (!keptRuns[u] && run.length > 1) run.sort();
      for (let i = 0; i < run.length; i++) if (i === 0 || run[i] !== run[i - 1]) all[o++] = run[i] as number;
      personWorksAt[u + 1] = o;
    }
    return { personWorksAt, personWorks: all.slice(0, o) };
  }
}

/** Ascending-run intersection of two sorted ordinal lists. */
function intersect(a: Int32Array, b: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a[i] as number, y = b[j] as number;
    if (x === y) out.push(x), i++, j++;
    else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Newest first (a work of no year last), then by id — the order the evidence statement gives on DuckDB. */
export const byNewest = (x: SharedWork, y: SharedWork): number =>
  x.year === y.year ? (x.work_id < y.work_id ? -1 : x.work_id > y.work_id ? 1 : 0) : x.year === null ? 1 : y.year === null ? -1 : y.year - x.year;

/**
 * The works sections of one graph file, read as they are asked for. The file is opened on its own (not the one the
 * graph was read from, which closes once its arrays are in), so each look-up checks that the file's node at the
 * index asked holds the id asked: a file another process put in place since, of the same data version but with its
 * nodes in another order, answers null (the caller asks the store), never another person's works.
 */
export class SharedWorksFile implements WorksBefore {
  /** What updates changed since the base (shared-works-delta.ts), read on first use; null when it could not be. */
  private delta: { works: WorksOverlay | null; added: readonly string[]; file?: BundleFile<unknown> } | null | undefined;

  private constructor(
    private readonly file: BundleFile<unknown>,
    private readonly ids: FileLines,
    private readonly workIds: FileLines,
    private readonly works: FileLines,
    /** The base file's nodes. */
    private readonly baseNodes: number,
    /** The id the base file was written with (tie-graph-file.ts). */
    readonly baseId: string | undefined,
    /** The delta file over the base to read, and the version it holds; null when the base alone is of the version. */
    private readonly over: { file: string; version: string; adds: number } | null,
  ) {
    this.delta = over ? undefined : { works: null, added: [] };
  }

  /**
   * The sections of the file at `at` (and of its delta file, when the base is older than `version` and the delta
   * holds `version` over it) if they are of `version` and held whole; else null.
   */
  static open(at: string, version: string): SharedWorksFile | null {
    const file = BundleFile.open<{ version?: string; id?: string }>(at);
    if (!file) return null;
    const ids = FileLines.of(file, 'ids');
    const workIds = ids && FileLines.of(file, 'workIds');
    const works = workIds && FileLines.of(file, 'works');
    const from = file.section('personWorksAt'), list = file.section('personWorks');
    if (ids && workIds && works && works.length === workIds.length && from?.kind === 'i32' && from.length === ids.length + 1 && list?.kind === 'i32') {
      const ends = file.slice('personWorksAt', 0, 1)[0] === 0 ? file.slice('personWorksAt', ids.length, ids.length + 1)[0] : -1;
      const own = file.meta.version === version;
      const adds = own || ends !== list.length ? null : deltaAdds(deltaFileOf(at), file.meta.id, ids.length, version);
      if (ends === list.length && (own || adds !== null)) return new SharedWorksFile(file, ids, workIds, works, ids.length, file.meta.id, own ? null : { file: deltaFileOf(at), version, adds: adds as number });
    }
    file.close();
    return null;
  }

  /** What updates changed since the base, read now if not yet (null: the delta file is gone or not whole: nothing is answered). */
  private get changes(): { works: WorksOverlay | null; added: readonly string[] } | null {
    if (this.delta === undefined) {
      const o = this.over as { file: string; version: string; adds: number };
      const d = readDeltaWorks(o.file, this.baseId, this.baseNodes, o.version);
      if (d && d.added.length !== o.adds) d.file.close();
      this.delta = d && d.added.length === o.adds ? d : null;
    }
    return this.delta;
  }

  /** The works overlay over the base (null for a base of the version itself). */
  get overlay(): WorksOverlay | null {
    return this.changes?.works ?? null;
  }

  /** The ids of the nodes after the base's. */
  get added(): readonly string[] {
    return this.changes?.added ?? [];
  }

  /** Nodes in all. */
  get nodes(): number {
    return this.baseNodes + (this.over?.adds ?? 0);
  }

  /** Work ordinals in all. */
  get count(): number {
    return this.overlay?.count ?? this.works.length;
  }

  private idOf(u: number): string | undefined {
    if (!this.changes) return undefined;
    return u < this.baseNodes ? this.ids.line(u) : this.added[u - this.baseNodes];
  }

  /** Node u's ordinals as the file (and its delta) hold them; null past its nodes. Not checked: see worksOf. */
  listOf(u: number): Int32Array | null {
    if (!(Number.isInteger(u) && u >= 0 && u < this.nodes) || !this.changes) return null;
    const o = this.overlay, i = o ? findSorted(o.rows, u) : -1;
    if (o && i >= 0) return o.personWorks.subarray(o.rowAt[i], o.rowAt[i + 1]);
    if (u >= this.baseNodes) return new Int32Array(0);
    const [from, to] = this.file.slice('personWorksAt', u, u + 2) as Int32Array;
    if (!(from !== undefined && to !== undefined && from <= to)) return null;
    return this.file.slice('personWorks', from, to) as Int32Array;
  }

  /** The id line and the work line of ordinal `ord`. */
  private linesOf(ord: number): [string, string] | undefined {
    const o = this.overlay, i = o ? findSorted(o.ords, ord) : -1;
    if (o && i >= 0) {
      const id = o.workIds[i], line = o.works[i];
      return id === undefined || line === undefined ? undefined : [JSON.stringify(id), line];
    }
    if (!(ord < this.works.length)) return undefined;
    const id = this.workIds.line(ord), line = this.works.line(ord);
    return id === undefined || line === undefined ? undefined : [id, line];
  }

  workIdOf(ord: number): string | undefined {
    const l = this.linesOf(ord);
    return l && (JSON.parse(l[0]) as string);
  }

  /** The works of node u (checked to be `id`), or null when the file's node u is someone else. */
  private worksOf(id: string, u: number): Int32Array | null {
    if (!(u >= 0 && u < this.nodes) || this.idOf(u) !== id) return null;
    const run = this.listOf(u);
    if (!run) return null;
    // ascending ordinals of works the file holds, else the file is damaged
    for (let i = 0; i < run.length; i++) if (!((run[i] as number) >= 0 && (run[i] as number) < this.count && (i === 0 || (run[i] as number) > (run[i - 1] as number)))) return null;
    return run;
  }

  /**
   * The works a (node ua) and b (node ub) share, newest first; null when the file cannot tell (see the class
   * note) — also when what it holds does not fit together (a damaged file): the store is asked then, and a damaged
   * file never answers wrongly or fails the answer.
   */
  shared(a: string, ua: number, b: string, ub: number): SharedWork[] | null {
    try {
      const wa = this.worksOf(a, ua), wb = wa && this.worksOf(b, ub);
      if (!wa || !wb) return null;
      const out: SharedWork[] = [];
      for (const ord of intersect(wa, wb)) {
        const lines = this.linesOf(ord);
        if (!lines) return null;
        const [title, year, authors] = JSON.parse(lines[1]) as unknown[];
        const work_id = JSON.parse(lines[0]) as unknown;
        if (typeof work_id !== 'string' || !(title === null || typeof title === 'string') || !(year === null || Number.isInteger(year)) || !Number.isInteger(authors)) return null;
        out.push({ work_id, title, year: year as number | null, authors: authors as number });
      }
      return out.sort(byNewest);
    } catch {
      return null; // unreadable (cut short, closed): as if it did not hold them
    }
  }

  /**
   * The sections whole (what an update starts from, or a file written whole again), when the file's nodes are
   * `ids` (the graph being updated, one line each); null when they are not — the update then reads them from the
   * store whole.
   */
  whole(ids: readonly string[]): WorksSections | null {
    if (ids.length !== this.nodes || !this.changes) return null;
    const mine = this.ids.load();
    for (let u = 0; u < ids.length; u++) if ((u < this.baseNodes ? mine[u] : this.added[u - this.baseNodes]) !== ids[u]) return null;
    let personWorksAt = this.file.array('personWorksAt') as Int32Array, personWorks = this.file.array('personWorks') as Int32Array;
    for (let u = 0; u < this.baseNodes; u++) if (!((personWorksAt[u] as number) <= (personWorksAt[u + 1] as number))) return null;
    const workIds = this.workIds.load().map((l) => JSON.parse(l) as string), works = [...this.works.load()];
    const o = this.overlay;
    if (o) {
      for (let i = 0; i < o.ords.length; i++) {
        workIds[o.ords[i] as number] = o.workIds[i] as string;
        works[o.ords[i] as number] = o.works[i] as string;
      }
      if (workIds.length !== o.count || works.some((w) => w === undefined)) return null;
      const lists = { personWorksAt: new Int32Array(this.nodes + 1), personWorks: new Int32Array(personWorks.length + o.personWorks.length) };
      let at = 0;
      for (let u = 0; u < this.nodes; u++) {
        const i = findSorted(o.rows, u);
        const r = i >= 0 ? o.personWorks.subarray(o.rowAt[i], o.rowAt[i + 1]) : u < this.baseNodes ? personWorks.subarray(personWorksAt[u], personWorksAt[u + 1]) : new Int32Array(0);
        lists.personWorks.set(r, at);
        at += r.length;
        lists.personWorksAt[u + 1] = at;
      }
      personWorksAt = lists.personWorksAt;
      personWorks = lists.personWorks.slice(0, at);
    }
    for (let i = 0; i < personWorks.length; i++) if (!((personWorks[i] as number) >= 0 && (personWorks[i] as number) < works.length)) return null;
    return { personWorksAt, personWorks, workIds, works };
  }

  close(): void {
    this.file.close();
    this.delta?.file?.close();
  }
}
