/**
 * The search index kept on disk (core/array-bundle.ts), so a new process — every `atlas search`, a server's first
 * query — reads the index the last one built for the same data version instead of building it from every work
 * and authorship. Beside the tie graph's files (network/tie-graph-file.ts: graphCacheDir). A file of another data
 * version is never used and is deleted when found; an erasure deletes it at once.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { BundleFile, readBundleMeta, writeBundle, type BundleArray } from '../core/array-bundle.ts';
import { FileLines } from '../core/file-lines.ts';
import { FilePostings, POSTINGS, UPDATE_ONLY, type LazySection } from './file-postings.ts';
import { MAX_TYPES, codePersonFacts, factsListOf, type PersonCodes } from './person-codes.ts';
import { impactKey, impactValues, workImpactValues, type SearchIndexParts } from './search-index.ts';
import { DEFAULT_WEIGHTS } from './rank.ts';
import { nameLinesOf, namesView } from './name-lines.ts';

const FILE = 'search-index.bundle';
/**
 * 2: the pruning's per-term bounds, people bit sets and work sets, and the person → works links.
 * 3: each work's length, year, citations and kind, so that an ingest's update can lay the index out again (index-update.ts).
 * 4: the ends of the work ids', person ids' and names' lines, so that a reader reads only the lines it shows (core/file-lines.ts).
 * 5: what a result shows of each work (work-shown.ts), so that an answer reads no work from the store.
 * 6: names escaped (a line break as \n, a backslash doubled): a name holding a line break made the file unwritable,
 *    so every process built the index again.
 * 7: person facts as the index codes them (person-codes.ts), so a new process adopts them instead of coding them.
 *    Since: an `impact` section (every person's impact for the default weights, named by meta.impactKey), adopted by
 *    a new process's first query with those weights; a file without it is read as before and computes them. Since:
 *    a `workImpact` section beside it (each work's largest impact among its people), adopted the same way.
 */
const FORMAT = 7;

/** The lists read line by line when asked for. */
const BY_LINE = ['workIds', 'workShown', 'personIds', 'names'] as const;

interface Meta {
  format: number;
  version: string;
  asOf: number;
  latestDataYear: number | null;
  careersPresent: boolean;
  worksSorted: boolean;
  /** The rank weights (impactKey) the `impact` section was computed for; absent in files written before it. */
  impactKey?: string;
}

/** The index file of a store's cache folder. */
export const searchIndexFile = (dir: string): string => path.join(dir, FILE);

const NUMERIC = ['termStart', 'postWork', 'postTf', 'norm', 'termMaxPart', 'termBitSet', 'termPeopleBits', 'termWorkSet', 'workSetBits', 'workSetRank', 'workPeopleStart', 'workPeople', 'personWorksStart', 'personWorks', 'docLen', 'workYear', 'workCites', 'profileDoc', 'sourceH', 'cites', 'h', 'recent', 'nWorks', 'firstWorkYear'] as const;

/** The codes' dictionaries as lines, without their first entry (always '': none). */
const dictionaries = (c: PersonCodes): Record<(typeof DICTIONARIES)[number], string[]> => ({ countries: c.countries.slice(1), instTypes: c.instTypes, bases: c.bases.slice(1) });
const DICTIONARIES = ['countries', 'instTypes', 'bases'] as const;

/** Keep the parts of a freshly built index (before SearchIndex consumes their facts) for the next process. */
export function writeSearchIndexFile(dir: string | null, parts: SearchIndexParts, version: string): void {
  parts.lazy?.all(); // an index read from a file: everything in before it is written
  if (!dir) return;
  const nP = parts.personIds.length;
  const terms = new Array<string>(parts.terms.size);
  for (const [t, i] of parts.terms) terms[i] = t;
  // person facts as the index codes them (person-codes.ts), adopted as they are by the next process
  const codes = (parts.codes ??= codePersonFacts(parts.facts, nP));
  const { lines: names, hasName } = nameLinesOf(parts.names);
  const { origin, current, flags, firstYear, originBasis } = codes;
  const instMask = new Int32Array(codes.instMask.buffer, codes.instMask.byteOffset, codes.instMask.length); // the same bits
  const arrays: Record<string, BundleArray> = { hasName, origin, current, flags, firstYear, instMask, originBasis };
  for (const k of NUMERIC) arrays[k] = parts[k];
  // every person's impact for the default weights, as a new process's first query would compute it, and each work's
  // largest (search-index.ts); the index in this process adopts them too
  const key = impactKey(DEFAULT_WEIGHTS);
  const kept = parts.impact?.key === key && parts.impact.works ? parts.impact : null;
  const impact = kept ?? { key, values: impactValues(parts, codes.firstYear, DEFAULT_WEIGHTS) };
  const works = (impact.works ??= workImpactValues(parts, impact.values));
  parts.impact = impact;
  arrays['impact'] = impact.values;
  arrays['workImpact'] = works;
  const meta: Meta = { format: FORMAT, version, asOf: parts.asOf, latestDataYear: parts.latestDataYear, careersPresent: parts.careersPresent, worksSorted: parts.worksSorted, impactKey: key };
  writeBundle(searchIndexFile(dir), { meta, arrays, lines: { terms, workIds: parts.workIds, workShown: parts.workShown, personIds: parts.personIds, names, ...dictionaries(codes) }, indexed: BY_LINE });
}

/** The data version of the index on disk (its header alone), null when there is none of this format. */
export function searchIndexFileVersion(dir: string | null): string | null {
  if (!dir) return null;
  const meta = readBundleMeta<Meta>(searchIndexFile(dir));
  return meta?.format === FORMAT ? meta.version : null;
}

/** The parts of the index on disk if it was built from this data version; a file of another is deleted. */
export function readSearchIndexFile(dir: string | null, version: string): SearchIndexParts | null {
  const kept = readSearchIndexFileOf(dir);
  if (kept && kept.version === version) return kept.parts;
  if (kept && dir) rmSync(searchIndexFile(dir), { force: true });
  return null;
}

/** The sections a new process reads whole when it reads the index (the rest are read as they are needed). */
const FACTS = ['hasName', 'origin', 'current', 'flags', 'firstYear', 'instMask', 'originBasis'] as const;
const LAZY = new Set<string>([...POSTINGS, ...UPDATE_ONLY]);
const WHOLE = [...NUMERIC, ...FACTS, 'impact', 'workImpact'].filter((k) => !LAZY.has(k));

/** A file opened ahead with its whole sections read (prefetchSearchIndexFile). */
interface ReadAhead {
  f: BundleFile<Meta>;
  arrays: Record<string, BundleArray>;
}
interface Prefetch {
  file: string;
  read: Promise<ReadAhead | null>;
}
let prefetch: Prefetch | null = null;
/** What became of files read ahead in this process: taken by the index read, or let go (for tests). */
export const searchIndexPrefetches = { taken: 0, dropped: 0 };

/**
 * Start reading the index file of a store's cache folder, before the store is open: its whole sections (~130 MB at a
 * million people) are read by node's thread pool while the process opens the store and checks its data version
 * (~0.1 s), and the index read next (readSearchIndexFileAhead) takes them instead of reading them again. What is read
 * ahead is the file as it was when opened, exactly as if it had been opened then; it is used only for that file, and
 * its version is checked as any file's is. A CLI search calls this; a second call drops the first's.
 */
export function prefetchSearchIndexFile(dir: string | null): void {
  dropPrefetchedSearchIndex();
  if (!dir) return;
  const file = searchIndexFile(dir);
  const f = BundleFile.open<Meta>(file);
  if (!f || f.meta.format !== FORMAT) return f?.close();
  const arrays: Record<string, BundleArray> = {};
  for (const k of WHOLE) {
    const a = f.emptyArray(k);
    if (a) arrays[k] = a;
  }
  const read = Promise.all(Object.entries(arrays).map(([k, a]) => f.readIntoAsync(k, a))).then(
    () => ({ f, arrays }),
    () => (f.close(), null),
  );
  prefetch = { file, read };
}

/** Let go of what prefetchSearchIndexFile read (the index is not read from the file after all). */
export function dropPrefetchedSearchIndex(): void {
  const p = prefetch;
  prefetch = null;
  if (p) letGo(p);
}

/** A read ahead not taken: its file is closed once its reads end. */
function letGo(p: Prefetch): void {
  searchIndexPrefetches.dropped++;
  void p.read.then((got) => got?.f.close());
}

/** What prefetchSearchIndexFile read of this file (once), or null. */
async function prefetched(file: string): Promise<ReadAhead | null> {
  const p = prefetch;
  prefetch = null;
  if (!p) return null;
  if (p.file !== file) {
    letGo(p);
    return null;
  }
  const got = await p.read;
  if (got) searchIndexPrefetches.taken++;
  else searchIndexPrefetches.dropped++; // its read failed, and closed the file
  return got;
}

/**
 * The index on disk and the data version it holds, whichever (an older one may be updated); a damaged file or one
 * of another format is deleted. The postings are read term by term as queries name them, the columns only an
 * update needs when it asks (file-postings.ts); ids and names (millions; a query shows a handful, a look-up
 * bisects) are decoded when asked for. What prefetchSearchIndexFile read ahead of this file is taken.
 */
export async function readSearchIndexFileAhead(dir: string | null): Promise<{ version: string; parts: SearchIndexParts } | null> {
  const ahead = dir ? await prefetched(searchIndexFile(dir)) : null;
  return readSearchIndexFileOf(dir, ahead);
}

/** readSearchIndexFileAhead without what was read ahead. */
export function readSearchIndexFileOf(dir: string | null, ahead: ReadAhead | null = null): { version: string; parts: SearchIndexParts } | null {
  if (!dir) return null;
  const file = searchIndexFile(dir);
  const f = ahead?.f ?? BundleFile.open<Meta>(file);
  let parts: SearchIndexParts | null = null;
  try {
    parts = f && f.meta.format === FORMAT && typeof f.meta.version === 'string' ? toParts(f, ahead?.arrays ?? {}) : null;
  } catch {
    parts = null; // unreadable: as if damaged
  }
  if (!parts) {
    f?.close();
    rmSync(file, { force: true });
    return null;
  }
  return { version: f!.meta.version, parts };
}

/** Delete the index on disk (an older one that could not be updated may name an erased person). */
export function dropSearchIndexFile(dir: string | null): void {
  if (dir) rmSync(searchIndexFile(dir), { force: true });
}

/** The parts of an open index file; `ahead`: whole sections read already. */
function toParts(f: BundleFile<Meta>, ahead: Record<string, BundleArray>): SearchIndexParts | null {
  const meta = f.meta;
  const a: Record<string, BundleArray> = {};
  for (const k of [...NUMERIC, ...FACTS]) {
    const arr = LAZY.has(k) ? f.emptyArray(k) : (ahead[k] ?? f.array(k));
    if (!arr) return null;
    a[k] = arr;
  }
  const l: Record<string, readonly string[]> = {};
  for (const k of ['terms', ...DICTIONARIES]) {
    const lines = f.lines(k);
    if (!lines) return null;
    l[k] = lines.list;
  }
  const byLine: FileLines[] = [];
  for (const k of BY_LINE) {
    const lines = FileLines.of(f as BundleFile<unknown>, k);
    if (!lines) return null;
    byLine.push(lines);
    l[k] = lines.toArray();
  }
  const termStart = a['termStart'] as Int32Array;
  if (!(termStart instanceof Int32Array) || termStart.length !== l['terms']!.length + 1 || termStart[0] !== 0 || termStart[termStart.length - 1] !== a['postWork']!.length || a['postTf']!.length !== a['postWork']!.length) return null;
  for (let t = 1; t < termStart.length; t++) if ((termStart[t] as number) < (termStart[t - 1] as number)) return null;
  // an update reads every list but what results show of the works whole (it copies those lines as the file's bytes)
  const loadedByUpdate = byLine.filter((_, i) => BY_LINE[i] !== 'workShown');
  const lazy = new FilePostings(f as BundleFile<unknown>, termStart, loadedByUpdate, Object.fromEntries([...LAZY].map((k) => [k, a[k]])) as Record<LazySection, BundleArray>, true);
  const personIds = l['personIds'] as string[];
  const nP = personIds.length;
  const terms = new Map<string, number>();
  (l['terms'] as string[]).forEach((t, i) => terms.set(t, i));
  if (FACTS.some((k) => (a[k] as BundleArray).length !== nP) || (l['names'] as string[]).length !== nP) return null;
  const [hasName, origin, current, flags, firstYear, instMask, originBasis] = FACTS.map((k) => a[k] as BundleArray);
  if (!(hasName instanceof Uint8Array && origin instanceof Uint16Array && current instanceof Uint16Array && flags instanceof Uint8Array && firstYear instanceof Int32Array && instMask instanceof Int32Array && originBasis instanceof Uint16Array)) return null;
  const codes: PersonCodes = {
    countries: ['', ...(l['countries'] as string[])],
    origin,
    current,
    flags,
    firstYear,
    instTypes: [...(l['instTypes'] as string[])],
    instMask: new Uint32Array(instMask.buffer, instMask.byteOffset, instMask.length),
    bases: ['', ...(l['bases'] as string[])],
    originBasis,
  };
  // every code names an entry of its dictionary (else the file is damaged)
  const nC = codes.countries.length, nB = codes.bases.length, typeBits = codes.instTypes.length >= MAX_TYPES ? -1 : (1 << codes.instTypes.length) - 1;
  for (let i = 0; i < nP; i++) {
    if ((origin[i] as number) >= nC || (current[i] as number) >= nC || (originBasis[i] as number) >= nB || ((instMask[i] as number) & ~typeBits) !== 0) return null;
  }
  // names: null where there is none, else the line (decoded when a hit shows it)
  const names = namesView({ lines: l['names'] as string[], hasName });
  const n = (k: (typeof NUMERIC)[number]) => a[k] as never;
  // the default weights' impact, when kept and whole (every multiplier is at least 1); else the first query computes
  // it; each work's largest with it, when kept and whole (0 for a work of no people)
  const impactAt = f.section('impact');
  let impact: SearchIndexParts['impact'];
  if (typeof meta.impactKey === 'string' && impactAt?.kind === 'f64' && impactAt.length === nP) {
    const values = (ahead['impact'] ?? f.array('impact')) as Float64Array;
    let whole = true;
    for (let i = 0; i < values.length && whole; i++) whole = (values[i] as number) >= 1 && (values[i] as number) < Infinity;
    if (whole) impact = { key: meta.impactKey, values };
    const worksAt = f.section('workImpact');
    if (impact && worksAt?.kind === 'f32' && worksAt.length === l['workIds']!.length) {
      const works = (ahead['workImpact'] ?? f.array('workImpact')) as Float32Array;
      let ok = true;
      for (let w = 0; w < works.length && ok; w++) ok = (works[w] as number) === 0 || ((works[w] as number) >= 1 && (works[w] as number) < Infinity);
      if (ok) impact.works = works;
    }
  }
  return {
    ...(impact ? { impact } : {}),
    terms,
    codes,
    termStart: n('termStart'),
    postWork: n('postWork'),
    postTf: n('postTf'),
    norm: n('norm'),
    termMaxPart: n('termMaxPart'),
    termBitSet: n('termBitSet'),
    termPeopleBits: n('termPeopleBits'),
    termWorkSet: n('termWorkSet'),
    workSetBits: n('workSetBits'),
    workSetRank: n('workSetRank'),
    workIds: l['workIds'] as string[],
    workShown: l['workShown'] as string[],
    docLen: n('docLen'),
    workYear: n('workYear'),
    workCites: n('workCites'),
    profileDoc: n('profileDoc'),
    workPeopleStart: n('workPeopleStart'),
    workPeople: n('workPeople'),
    personWorksStart: n('personWorksStart'),
    personWorks: n('personWorks'),
    personIds,
    names,
    sourceH: n('sourceH'),
    cites: n('cites'),
    h: n('h'),
    recent: n('recent'),
    nWorks: n('nWorks'),
    firstWorkYear: n('firstWorkYear'),
    facts: factsListOf(codes),
    asOf: meta.asOf,
    latestDataYear: meta.latestDataYear ?? null,
    careersPresent: meta.careersPresent,
    worksSorted: meta.worksSorted === true,
    forward: undefined,
    lazy,
  };
}
