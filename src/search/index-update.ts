/**
 * Bringing the search index up to date after ingests, instead of building it again from every work.
 *
 * Ingests since the index's data version (with no erasure and no merge in between: store/repo/data-version.ts
 * `updatableSince`) change a known set of documents: the works with a newer row, new authorship rows or rows a
 * replaced record took away (`work_changes`, kept by the ingest), and the expertise documents of the people with
 * new keyword rows or keywords a replaced record took away (`tie_changes`). Only these are read from the store
 * and tokenised again (by the builder a full build uses); every other work's postings, length, year, citations
 * and people are copied from the old index, renumbered (works stay in id order, people in person_id order, both
 * merged with the new ones). New people come with their rows (a person's row is written once, by the ingest that
 * first names them). What depends on every work — BM25 length normalisers (the average length moves), idf, the
 * pruning's bounds and bit sets, each person's citations, h-index and recent works (asOf may move) — is laid out
 * again by the code a build uses (index-layout.ts), in passes over the arrays. Career facts are read again for
 * the people whose careers a refresh wrote since the old index or whose career inputs ingests changed
 * (changedFacts); everyone's when that is not known (careers older than the facts, or an old index of unknown
 * refresh).
 *
 * What the old index holds as lines (work ids, shown works, person ids, names) is not made into strings: the new
 * lists are splices of the old ones with the new lines (core/line-source.ts), written to the next file as the old
 * file's bytes; the old people's career facts are carried as their codes (person-codes.ts recodePersonFacts).
 *
 * The result equals a full build of the store as it is now (index-update.test.ts), but for the numbering of
 * terms (new terms come last; a term is only ever a key, so no answer depends on it).
 */
import { LineSplice, sourceOf } from '../core/line-source.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import { careerInputsChangedSql } from '../careers/career-changes.ts';
import { staleDerived } from '../store/repo/derived-state.ts';
import { addExpertise, addWorks, forPeople, readPersonFacts } from './store-records.ts';
import { EXPERTISE_DOC_PREFIX, SearchIndexBuilder, type AddedRecords } from './index-builder.ts';
import { finishIndex, type IndexCore } from './index-layout.ts';
import type { TermPostings } from './file-postings.ts';
import { mergeNames } from './name-lines.ts';
import { recodePersonFacts } from './person-codes.ts';
import type { PersonFactsInput, SearchIndexParts } from './search-index.ts';

/** Works whose rows, or whose authorships, ingests after run `$<at>` wrote or took away. */
const changedWorksSql = (at: number): string => `
  SELECT work_id FROM works WHERE run_id > $${at}
  UNION SELECT work_id FROM authorships WHERE run_id > $${at}
  UNION SELECT work_id FROM work_changes WHERE run_id > $${at}`;

/** People whose keywords ingests after run `$<at>` wrote or took away. */
const changedExpertiseSql = (at: number): string => `
  SELECT person_id FROM person_keywords WHERE run_id > $${at}
  UNION SELECT person_id FROM tie_changes WHERE run_id > $${at}`;

export interface SearchUpdateFigures {
  /** Documents read and tokenised again (works and expertise documents), and how many of them are gone now. */
  changedDocuments: number;
  removedDocuments: number;
  addedPeople: number;
  /** People whose career facts were read again: those that changed, or everyone (`all`). */
  factsRead: number;
  factsReadAll: boolean;
  /** Milliseconds: reading and tokenising the changed documents, the people and their facts, merging the arrays, the layout. */
  ms: { documents: number; people: number; merge: number; layout: number };
}

export interface SearchUpdateOptions {
  /** The careers refresh the old index was made after (store/repo/data-version.ts careersRefreshOf); null: unknown. */
  careersRefresh?: number | null;
  /** The old index's facts of person ordinal i (default: old.facts.at; an index in memory has handed its facts over: SearchIndex.factsAt). */
  oldFacts?: (i: number) => PersonFactsInput | undefined;
}

/**
 * The people whose career facts may differ from the old index's, as a SELECT of ids with its parameters; null when
 * every person's must be read again. Careers must be as new as the facts (a refresh writes a careers row of each
 * person it derives with its own refresh id, so the rows of refreshes after the old index's are what changed);
 * the institution types of the latest affiliation-year change with the person's career inputs, which ingests
 * record (careers/career-changes.ts, retyped institutions included).
 */
async function changedFacts(db: Queryable, old: Readonly<SearchIndexParts>, since: number, careersRefresh: number | null | undefined): Promise<{ ids: string; params: SqlValue[] } | null> {
  if (careersRefresh === null || careersRefresh === undefined || !old.careersPresent) return null;
  if ((await staleDerived(db)).includes('careers')) return null;
  return { ids: `SELECT person_id FROM careers WHERE refresh_id > $1 UNION ${careerInputsChangedSql(2)}`, params: [careersRefresh, since] };
}

/** The index of the store as it is now, from `old` (made as of run `since`): see the module's note. */
export async function updateSearchIndex(db: Queryable, old: Readonly<SearchIndexParts>, since: number, options: SearchUpdateOptions = {}): Promise<{ parts: SearchIndexParts; figures: SearchUpdateFigures }> {
  let t = performance.now();
  const ms = { documents: 0, people: 0, merge: 0, layout: 0 };
  const lap = (k: keyof typeof ms): void => {
    const now = performance.now();
    ms[k] = now - t;
    t = now;
  };
  old.lazy?.allButPostings(); // an index read from its file: every column it copies in (the postings: term by term)
  // the changed documents, as a build would make them
  const b = new SearchIndexBuilder();
  const params: SqlValue[] = [since];
  await addWorks(db, b, `WHERE work_id IN (${changedWorksSql(1)})`, params);
  const expertiseOf = new Set<string>();
  for await (const batch of db.iterate<{ person_id: string }>(changedExpertiseSql(1), params)) for (const r of batch) expertiseOf.add(r.person_id);
  await addExpertise(db, b, `WHERE person_id IN (${changedExpertiseSql(1)})`, params);
  const added = b.added();
  const changed = new Set<string>();
  for await (const batch of db.iterate<{ work_id: string }>(changedWorksSql(1), params)) for (const r of batch) changed.add(r.work_id);
  for (const p of expertiseOf) changed.add(`${EXPERTISE_DOC_PREFIX}${p}`);
  lap('documents');

  // people: the old ones, those the changed documents link, the new rows, and everyone with career facts read
  const newRows = new Map<string, { name: string | null; sourceH: number }>();
  await forPeople(db, 'WHERE run_id > $1', params, (p) => newRows.set(p.person_id, { name: p.display_name, sourceH: p.source_h_index ?? -1 }));
  const only = await changedFacts(db, old, since, options.careersRefresh);
  const { facts, careersPresent, latestDataYear } = await readPersonFacts(db, only ?? undefined);
  // whose facts were read (some may have none now)
  const factsOf = new Set<string>(facts.keys());
  if (only) for await (const batch of db.iterate<{ person_id: string }>(only.ids, only.params)) for (const r of batch) factsOf.add(r.person_id);
  const oldPeople = old.personIds;
  // the people named by the changes, and whether the old index has them (its ids are in code-unit order)
  const named = new Map<string, boolean>();
  const consider = (id: string): void => {
    if (!named.has(id)) named.set(id, oldPeople[lowerBound(oldPeople, id)] === id);
  };
  for (const id of added.linkPerson) consider(id);
  for (const id of newRows.keys()) consider(id);
  for (const id of facts.keys()) consider(id);
  const known = { has: (id: string): boolean => named.get(id) ?? oldPeople[lowerBound(oldPeople, id)] === id };
  const arriving = new Set<string>();
  for (const [id, isOld] of named) if (!isOld) arriving.add(id);
  const people = mergeSorted(oldPeople, [...arriving].sort(codeUnitOrder));
  lap('people');

  const core = mergeIndex(old, added, changed, people, oldPeople.length);
  // names and source h-index: the old people's as they were (a person's row is written once), the new rows'
  const newNames = new Map<number, string | null>();
  for (const [id, r] of newRows) {
    const p = people.index(id);
    newNames.set(p, r.name);
    core.sourceH[p] = r.sourceH;
  }
  core.names = mergeNames(old.names, people.fromOld, people.ids.length, newNames);
  // career facts: the old people's as they were unless read again, the read ones (not those named by a change but
  // in no document and no careers row). Carried as codes when the old index has them (no object made per person),
  // else made again as facts.
  const read: Array<readonly [number, PersonFactsInput | undefined]> = [];
  for (const id of factsOf) if (known.has(id) || arriving.has(id)) read.push([people.index(id), facts.get(id)]);
  const codes = only && old.codes ? recodePersonFacts(old.codes, people.ids.length, people.fromOld, read) : null;
  if (!codes) {
    if (only) {
      const oldFacts = options.oldFacts ?? ((i: number) => old.facts.at(i));
      for (let p = 0; p < oldPeople.length; p++) core.facts[people.fromOld[p] as number] = oldFacts(p);
    }
    for (const [p, f] of read) core.facts[p] = f;
  }
  lap('merge');
  const parts = finishIndex({ ...core, latestDataYear, careersPresent, worksSorted: true });
  if (codes) parts.codes = codes;
  lap('layout');
  return {
    parts,
    figures: { changedDocuments: changed.size, removedDocuments: changed.size - added.workIds.length, addedPeople: arriving.size, factsRead: factsOf.size, factsReadAll: !only, ms },
  };
}

const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** No postings. */
const buffer0: TermPostings = { work: new Int32Array(0), tf: new Float32Array(0), n: 0 };

/** The first k of [0, n) for which `test` holds, `test` being false up to some k and true from there on; n when none. */
function firstAtLeast(n: number, test: (k: number) => boolean): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The first position of ascending `list` (code-unit order) whose id is not below `id`: by the bytes of a list read
 * from a file (no string per step: line-source.ts lowerBound), else by its strings.
 */
function lowerBound(list: readonly string[], id: string, lo = 0, hi = list.length): number {
  const byBytes = sourceOf(list).lowerBound?.(id, lo, hi);
  return typeof byBytes === 'number' ? byBytes : lo + firstAtLeast(hi - lo, (k) => !((list[lo + k] as string) < id));
}

/** Two sorted id lists merged: the list, where each old entry went, and a look-up of any id's position. */
interface Merged {
  ids: string[];
  /** New position of old entry i. */
  fromOld: Int32Array;
  index(id: string): number;
}

/** The old list (ascending, read where a look-up needs it) with the arriving ids (ascending, none of them in it) slotted in. */
function mergeSorted(old: readonly string[], arriving: readonly string[]): Merged {
  const ids = new LineSplice();
  const positions = new Map<string, number>();
  const fromOld = new Int32Array(old.length);
  let i = 0;
  for (const [j, id] of arriving.entries()) {
    const at = lowerBound(old, id, i);
    for (; i < at; i++) fromOld[i] = i + j;
    ids.keep(old, ids.length - j, at);
    positions.set(id, at + j);
    ids.add(id);
  }
  for (; i < old.length; i++) fromOld[i] = i + arriving.length;
  ids.keep(old, ids.length - arriving.length, old.length);
  const at = (id: string): number => {
    const p = positions.get(id);
    if (p !== undefined) return p;
    const k = lowerBound(old, id);
    if (old[k] !== id) throw new Error(`person ${id} is not in the merged list`);
    return fromOld[k] as number;
  };
  return { ids: ids.list(), fromOld, index: at };
}

/**
 * The old index's documents without the changed ones, merged with the changed documents that are there now: both
 * segments (works, then expertise documents) in id order, the postings of each term in work order.
 */
function mergeIndex(old: Readonly<SearchIndexParts>, added: AddedRecords, changed: ReadonlySet<string>, people: Merged, oldPeople: number): Omit<IndexCore, 'latestDataYear' | 'careersPresent' | 'worksSorted'> {
  const oldIds = old.workIds;
  const nW0 = oldIds.length;
  // the old documents: works [0, seg), then expertise documents [seg, nW0), each segment in id order
  const seg = firstAtLeast(nW0, (w) => (old.profileDoc[w] as number) >= 1);
  // the old documents changed since (taken out; those still there come back among the added ones)
  const gone = new Uint8Array(nW0);
  let goneCount = 0;
  for (const id of changed) {
    for (const [lo, hi] of [[0, seg], [seg, nW0]] as const) {
      const w = lowerBound(oldIds, id, lo, hi);
      if (w < hi && oldIds[w] === id && !gone[w]) {
        gone[w] = 1;
        goneCount++;
      }
    }
  }
  // the order of the added documents: works by id, then expertise documents by id, each slotted in before the
  // first old document of its segment whose id is not below its own
  const order = Array.from({ length: added.workIds.length }, (_, i) => i).sort((x, y) => (added.profileDoc[x] as number) - (added.profileDoc[y] as number) || codeUnitOrder(added.workIds[x] as string, added.workIds[y] as string));
  const nW = nW0 - goneCount + order.length;
  const oldToNew = new Int32Array(nW0).fill(-1);
  const addedToNew = new Int32Array(added.workIds.length);
  const from = new Int32Array(nW); // ≥ 0: old ordinal; < 0: −1 − added ordinal
  const ids = new LineSplice();
  const shown = new LineSplice();
  let next = 0;
  /** The old documents of [a, b) that are not gone, next. */
  const keepOld = (a: number, b: number): void => {
    for (let w = a; w < b; ) {
      if (gone[w]) {
        w++;
        continue;
      }
      const runFrom = w;
      for (; w < b && !gone[w]; w++) {
        oldToNew[w] = next;
        from[next++] = w;
      }
      ids.keep(oldIds, runFrom, w);
      shown.keep(old.workShown, runFrom, w);
    }
  };
  let i = 0;
  for (const a of order) {
    const at = added.profileDoc[a] ? lowerBound(oldIds, added.workIds[a] as string, Math.max(i, seg), nW0) : lowerBound(oldIds, added.workIds[a] as string, Math.min(i, seg), seg);
    keepOld(i, at);
    i = Math.max(i, at);
    addedToNew[a] = next;
    from[next++] = -1 - a;
    ids.add(added.workIds[a] as string);
    shown.add(added.workShown[a] as string);
  }
  keepOld(i, nW0);
  if (next !== nW) throw new Error(`the update's documents do not add up: ${next} of ${nW}`);
  const workIds = ids.list();
  const workShown = shown.list();

  // per work
  const docLen = new Float32Array(nW);
  const workYear = new Int32Array(nW);
  const workCites = new Int32Array(nW);
  const profileDoc = new Uint8Array(nW);
  const copy = (src: Pick<AddedRecords, 'docLen' | 'workYear' | 'workCites' | 'profileDoc'>, k: number, w: number): void => {
    docLen[w] = src.docLen[k] as number;
    workYear[w] = src.workYear[k] as number;
    workCites[w] = src.workCites[k] as number;
    profileDoc[w] = src.profileDoc[k] as number;
  };
  for (let w = 0; w < nW; w++) {
    const f = from[w] as number;
    if (f >= 0) copy(old, f, w);
    else copy(added, -1 - f, w);
  }

  // postings: the added ones grouped by (old or new) term, in new work order
  const nT0 = old.termStart.length - 1;
  const termOfAdded = new Int32Array(added.terms.size);
  const newTerms: string[] = [];
  for (const [term, id] of added.terms) {
    const o = old.terms.get(term);
    termOfAdded[id] = o !== undefined ? o : nT0 + newTerms.push(term) - 1;
  }
  const nTx = nT0 + newTerms.length;
  const addCount = new Int32Array(nTx + 1);
  for (let p = 0; p < added.pTerm.length; p++) addCount[(termOfAdded[added.pTerm[p] as number] as number) + 1]!++;
  for (let tt = 0; tt < nTx; tt++) addCount[tt + 1] = (addCount[tt + 1] as number) + (addCount[tt] as number);
  const addFill = addCount.slice(0, nTx);
  const addWork = new Int32Array(added.pTerm.length);
  const addTf = new Float32Array(added.pTerm.length);
  for (const a of order) {
    for (let p = added.workPostStart[a] as number; p < (added.workPostStart[a + 1] as number); p++) {
      const at = addFill[termOfAdded[added.pTerm[p] as number] as number]!++;
      addWork[at] = addedToNew[a] as number;
      addTf[at] = added.pTf[p] as number;
    }
  }
  // each term: its kept old postings (renumbered, still ascending) and its added ones, merged, in one pass (an index
  // read from its file reads each term's old postings into one buffer: never every list in memory); terms left
  // with none are dropped, as a build would never have made them. The arrays are made as long as the old and added
  // postings together and cut to what is kept (their pages past it are never written, so never faulted in).
  const oS = old.termStart;
  const lazy = old.lazy;
  const buffer: TermPostings = { work: new Int32Array(0), tf: new Float32Array(0), n: 0 };
  const oldPostings = (tt: number): TermPostings =>
    lazy ? lazy.postingsOf(tt, buffer) : { work: old.postWork.subarray(oS[tt], oS[tt + 1]), tf: old.postTf.subarray(oS[tt], oS[tt + 1]), n: (oS[tt + 1] as number) - (oS[tt] as number) };
  const termNames: string[] = new Array(nT0);
  for (const [term, id] of old.terms) termNames[id] = term;
  const terms = new Map<string, number>();
  const termStart: number[] = [0];
  const room = (oS[nT0] as number) + addWork.length;
  const postWorkRoom = new Int32Array(room);
  const postTfRoom = new Float32Array(room);
  let at = 0;
  for (let tt = 0; tt < nTx; tt++) {
    const first = at;
    const { work: oW, tf: oF, n: pEnd } = tt < nT0 ? oldPostings(tt) : buffer0;
    let p = 0;
    let q = addCount[tt] as number;
    const qEnd = addCount[tt + 1] as number;
    for (;;) {
      while (p < pEnd && (oldToNew[oW[p] as number] as number) < 0) p++;
      const ow = p < pEnd ? (oldToNew[oW[p] as number] as number) : -1;
      if (ow < 0 && q >= qEnd) break;
      if (ow >= 0 && (q >= qEnd || ow < (addWork[q] as number))) {
        postWorkRoom[at] = ow;
        postTfRoom[at++] = oF[p++] as number;
      } else {
        postWorkRoom[at] = addWork[q] as number;
        postTfRoom[at++] = addTf[q++] as number;
      }
    }
    if (at === first) continue;
    terms.set(tt < nT0 ? (termNames[tt] as string) : (newTerms[tt - nT0] as string), terms.size);
    termStart.push(at);
  }
  const postWork = postWorkRoom.subarray(0, at);
  const postTf = postTfRoom.subarray(0, at);

  // work → people: the kept works' people renumbered, the added works' people in the order they were linked, once each
  const linksOf: number[][] = [];
  for (let l = 0; l < added.linkWork.length; l++) {
    const a = added.linkWork[l] as number;
    const p = people.index(added.linkPerson[l] as string);
    const list = (linksOf[a] ??= []);
    if (!list.includes(p)) list.push(p);
  }
  const workPeopleStart = new Int32Array(nW + 1);
  let links = 0;
  for (let w = 0; w < nW; w++) {
    const f = from[w] as number;
    links += f >= 0 ? (old.workPeopleStart[f + 1] as number) - (old.workPeopleStart[f] as number) : (linksOf[-1 - f]?.length ?? 0);
    workPeopleStart[w + 1] = links;
  }
  const workPeople = new Int32Array(links);
  const { fromOld } = people;
  for (let w = 0, k = 0; w < nW; w++) {
    const f = from[w] as number;
    if (f >= 0) for (let x = old.workPeopleStart[f] as number; x < (old.workPeopleStart[f + 1] as number); x++) workPeople[k++] = fromOld[old.workPeople[x] as number] as number;
    else for (const p of linksOf[-1 - f] ?? []) workPeople[k++] = p;
  }

  // people: the old ones' source h-index where they went (their names: mergeNames)
  const nP = people.ids.length;
  const sourceH = new Int32Array(nP).fill(-1);
  for (let p = 0; p < oldPeople; p++) sourceH[fromOld[p] as number] = old.sourceH[p] as number;
  return {
    terms,
    termStart: Int32Array.from(termStart),
    postWork,
    postTf,
    workIds,
    workShown,
    docLen,
    workYear,
    workCites,
    profileDoc,
    workPeopleStart,
    workPeople,
    personIds: people.ids,
    names: [],
    sourceH,
    facts: new Array(nP),
  };
}
