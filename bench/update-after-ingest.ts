/**
 * Updates after an ingest: a synthetic OpenAlex snapshot (default 200,000 authors) split into the first 99 % of
 * its authors with their works and the last 1 % with theirs (whose works also name earlier authors, as new papers
 * do). The 99 % is ingested into a fresh DuckDB file, its search index and tie graph made (and kept in their
 * files); then the 1 % is ingested (careers and mentorships re-derived, as `atlas ingest` does) and, in a new
 * store object as the next `atlas search` / `atlas intro` process would, each is brought up to date from its
 * file (search/index-update.ts, network/tie-graph-update.ts) and measured against a full build of the same data
 * in the same run, whose answers (search) and ties (graph) it must equal. A contact import, which touches neither
 * (owner-ties.ts), is timed too. Last, the careers the ingest's refresh derived for the changed people only are
 * compared with a full derivation of the same store, timed.
 *
 *   npx tsx bench/update-after-ingest.ts [--authors 200000] [--quick] [--keep] [--from DIR]
 *
 * --keep leaves the store's folder, for CLI calls on it. --from DIR starts from a copy of a folder a run left
 * before its 1 % ingest (atlas.duckdb with the 99 %, authors-1.jsonl.gz, works-1.jsonl.gz): no synthesis, no base ingest.
 */
import { copyFileSync, createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { once } from 'node:events';
import { CAREER_COLUMNS, refreshCareers } from '../src/careers/refresh-careers.ts';
import { refreshDerived } from '../src/derived/refresh-derived.ts';
import { ingestFiles } from '../src/ingest/run-ingest.ts';
import { importContactsText } from '../src/network/contacts-import.ts';
import { introPaths } from '../src/network/intro-paths.ts';
import { tiesEvidence, type Evidence } from '../src/network/evidence.ts';
import { readWorksSections } from '../src/network/shared-works.ts';
import type { TieGraph } from '../src/network/csr.ts';
import { lastTieGraphUpdate, ownerGraphFor, tieGraphFor, tieGraphOrigins } from '../src/network/tie-graph-cache.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS } from '../src/network/tie-graph.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { storeCacheDir } from '../src/store/cache-dir.ts';
import { readTieGraphFileOf } from '../src/network/tie-graph-file.ts';
import { OverlayTieGraph } from '../src/network/overlay-tie-graph.ts';
import { buildSearchIndex, lastSearchIndexUpdate, searchIndexFor, searchIndexOrigins } from '../src/search/build-from-store.ts';
import type { SearchIndex } from '../src/search/search-index.ts';
import { synthesize } from '../src/synth/index.ts';

const { values } = parseArgs({ options: { authors: { type: 'string' }, quick: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, from: { type: 'string' } }, strict: false });
const AUTHORS = Number(values.authors ?? (values.quick ? 20_000 : 200_000));
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Lines of a gzipped JSONL file into two files: those `first` says yes to, and the rest. */
async function split(file: string, a: string, b: string, first: (line: string, i: number) => boolean): Promise<number[]> {
  const outs = [createGzip(), createGzip()];
  const done = outs.map((z, k) => {
    const f = createWriteStream(k === 0 ? a : b);
    z.pipe(f);
    return once(f, 'finish');
  });
  const counts = [0, 0];
  let i = 0;
  for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (!line) continue;
    const k = first(line, i++) ? 0 : 1;
    counts[k]!++;
    if (!outs[k]!.write(line + '\n')) await once(outs[k]!, 'drain');
  }
  for (const z of outs) z.end();
  await Promise.all(done);
  return counts;
}

/** Every tie as "a|b|weight" by id, sorted (node indices differ between the graphs). */
function ties(g: TieGraph): string[] {
  const out: string[] = [];
  for (let u = 0; u < g.ids.length; u++) {
    for (let j = g.offsets[u] as number; j < (g.offsets[u + 1] as number); j++) {
      const v = g.targets[j] as number;
      out.push(`${g.ids[u]}|${g.ids[v]}|${(g.weights[j] as number).toPrecision(12)}|${g.kinds[j]}`);
    }
  }
  return out.sort();
}

/** Whether two graphs hold the same ties, compared tie by tie (one JSON string of 14M ties is over V8's limit). */
function sameTies(a: TieGraph, b: TieGraph): boolean {
  const x = ties(a);
  const y = ties(b);
  return x.length === y.length && x.every((t, i) => t === y[i]);
}

/** Queries over the synthetic vocabulary: single topic words, pairs, and the most frequent words. */
const QUERIES = ['learning', 'neural network', 'robot manipulation', 'reinforcement learning policy', 'graph', 'language model', 'vision transformer', 'optimization', 'data', 'deep learning'];
const answers = (index: SearchIndex): string => JSON.stringify(QUERIES.map((q) => index.query(q, { limit: 20 })));

/** A synthetic snapshot split 99 % / 1 % into `dir`, and the 99 % ingested into a fresh store at `file`. */
async function base(dir: string, file: string): Promise<Store> {
  const t0 = performance.now();
  const syn = await synthesize({ authors: AUTHORS, seed: 7, out: path.join(dir, 'synth') });
  const cut = Math.floor(AUTHORS * 0.99);
  const authorIndex = (line: string): number => Number(/"id":"https:\/\/openalex\.org\/A(\d+)"/.exec(line)?.[1] ?? 0) - 5_000_000_000;
  // a work belongs to the part of its lead (first) author: works are written in lead order
  const leadIndex = (line: string): number => Number(/"author":\{"id":"https:\/\/openalex\.org\/A(\d+)"/.exec(line)?.[1] ?? 0) - 5_000_000_000;
  const [a0, a1] = await split(syn.authorsFile, path.join(dir, 'authors-99.jsonl.gz'), path.join(dir, 'authors-1.jsonl.gz'), (l) => authorIndex(l) < cut);
  const [w0, w1] = await split(syn.worksFile, path.join(dir, 'works-99.jsonl.gz'), path.join(dir, 'works-1.jsonl.gz'), (l) => leadIndex(l) < cut);
  console.log(`synthetic snapshot: ${AUTHORS.toLocaleString()} authors, ${syn.works.toLocaleString()} works in ${s(performance.now() - t0)}; base ${a0} authors + ${w0} works, then ${a1} authors + ${w1} works (${((100 * (w1 ?? 0)) / syn.works).toFixed(2)} % of the works)`);

  const store = await openStore(file);
  const t1 = performance.now();
  await ingestFiles(store, [path.join(dir, 'authors-99.jsonl.gz'), path.join(dir, 'works-99.jsonl.gz')]);
  await refreshDerived(store);
  console.log(`base ingest + careers + mentorships: ${s(performance.now() - t1)}`);
  return store;
}

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-graph-update-'));
try {
  let t = performance.now();
  const file = path.join(dir, 'atlas.duckdb');
  let store: Store;
  if (typeof values.from === 'string') {
    for (const f of ['atlas.duckdb', 'authors-1.jsonl.gz', 'works-1.jsonl.gz']) copyFileSync(path.join(values.from, f), path.join(dir, f));
    console.log(`from ${values.from}: its store of the 99 % and the 1 % files, copied in ${s(performance.now() - t)}`);
    store = await openStore(file);
  } else store = await base(dir, file);
  t = performance.now();
  const first = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
  const buildBase = performance.now() - t;
  console.log(`base graph built: ${s(buildBase)} (${first.graph.ids.length.toLocaleString()} nodes, ${(first.graph.targets.length / 2).toLocaleString()} ties)`);
  t = performance.now();
  const firstIndex = await searchIndexFor(store);
  console.log(`base search index built (and its file written): ${s(performance.now() - t)} (${firstIndex.stats().works.toLocaleString()} documents, ${firstIndex.stats().postings.toLocaleString()} postings)`);

  t = performance.now();
  await ingestFiles(store, [path.join(dir, 'authors-1.jsonl.gz'), path.join(dir, 'works-1.jsonl.gz')]);
  const ingestMs = performance.now() - t;
  const { careers, mentorships } = await refreshDerived(store);
  console.log(
    `1 % more ingested + careers + mentorships re-derived: ${s(performance.now() - t)} (ingest ${s(ingestMs)}; careers ${careers.mode === 'changed' ? `of the changed people only: ${careers.derived.toLocaleString()} of ${careers.people.toLocaleString()}` : `of EVERYONE (${careers.people.toLocaleString()})`} in ${s(careers.ms)}; mentorships ${s(mentorships.ms.total)})`,
  );
  // the next process: nothing in memory, the files of the version before the ingest on disk
  await store.close();
  store = await openStore(file);

  const sBefore = { ...searchIndexOrigins };
  t = performance.now();
  const index = await searchIndexFor(store);
  const indexUpdateMs = performance.now() - t;
  const sHow = searchIndexOrigins.updated > sBefore.updated ? 'updated' : searchIndexOrigins.built > sBefore.built ? 'BUILT (not updated)' : 'read';
  t = performance.now();
  const rebuilt = await buildSearchIndex(store);
  const indexBuildMs = performance.now() - t;
  const sameAnswers = answers(index) === answers(rebuilt);
  if (lastSearchIndexUpdate) {
    const f = lastSearchIndexUpdate;
    console.log(`  the index update: ${f.changedDocuments.toLocaleString()} documents read again (${f.removedDocuments} gone), ${f.addedPeople.toLocaleString()} people added, career facts of ${f.factsReadAll ? 'EVERYONE' : `${f.factsRead.toLocaleString()} people`} read again; ms: documents ${f.ms.documents.toFixed(0)}, people and career facts ${f.ms.people.toFixed(0)}, array merge ${f.ms.merge.toFixed(0)}, layout ${f.ms.layout.toFixed(0)}, file write ${f.writeMs.toFixed(0)} (the rest: reading the older file)`);
  }
  console.log(`next caller's search index after the ingest: ${sHow} in ${s(indexUpdateMs)} (reading the older file and writing the new one included) vs a full build of the same data ${s(indexBuildMs)}: ${(indexBuildMs / indexUpdateMs).toFixed(1)}× faster; answers to ${QUERIES.length} queries equal to the full build's: ${sameAnswers ? 'yes' : 'NO'}`);

  const before = { ...tieGraphOrigins };
  t = performance.now();
  const updated = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
  const updateMs = performance.now() - t;
  const how = tieGraphOrigins.updated > before.updated ? 'updated' : tieGraphOrigins.built > before.built ? 'BUILT (not updated)' : 'read';
  // a full build as the next caller would make it: the graph, and the works its people can share read whole
  t = performance.now();
  const fresh = await buildTieGraph(store, updated.params, { owners: 'none', allPeople: true });
  const graphOnlyMs = performance.now() - t;
  await readWorksSections(store, fresh.graph, updated.params);
  const buildMs = performance.now() - t;
  const same = sameTies(updated.graph, fresh.graph);
  if (lastTieGraphUpdate) {
    const f = lastTieGraphUpdate;
    console.log(`  the update: ${f.changedPeople.toLocaleString()} people's ties read again (${f.recomputedTies.toLocaleString()} ties), ${f.addedNodes} nodes added; ms: changed people ${f.ms.people.toFixed(0)}, mentorship diff ${f.ms.mentorships.toFixed(0)}, their ties ${f.ms.ties.toFixed(0)}, array merge ${f.ms.merge.toFixed(0)}, shared works of the changed people ${f.worksMs.toFixed(0)}, file write ${f.writeMs.toFixed(0)} (written ${f.written === 'delta' ? 'as a delta over the older file' : f.written === 'whole' ? 'WHOLE' : 'NOT AT ALL'})`);
  }
  // what the next process reads: the graph file, and the delta over it
  const cacheDir = storeCacheDir(store) as string;
  const sizes = readdirSync(cacheDir).filter((f) => /\.tie(graph|delta)$/.test(f)).map((f) => `${f.split('.').pop()} ${(statSync(path.join(cacheDir, f)).size / 1e6).toFixed(1)} MB`);
  t = performance.now();
  const next = readTieGraphFileOf(cacheDir, updated.params);
  const nextReadMs = performance.now() - t;
  console.log(`  files: ${sizes.join(', ')}; the next process reads them (ids, offsets, the delta whole) in ${nextReadMs.toFixed(0)} ms${next?.graph instanceof OverlayTieGraph ? ' (base + delta)' : ''}`);
  next?.release();
  console.log(`  the full build: graph ${s(graphOnlyMs)}, shared works read whole ${s(buildMs - graphOnlyMs)}`);
  // the updated file's shared works against the store's, for co-author pairs of the changed part and of the rest
  const pairs: Array<[string, string]> = [];
  const g = updated.graph;
  for (let u = g.ids.length - 1; u >= 0 && pairs.length < 200; u -= Math.max(1, Math.floor(g.ids.length / 400))) {
    const e = g.offsets[u] as number;
    if (e < (g.offsets[u + 1] as number)) pairs.push([g.ids[u] as string, g.ids[g.targets[e] as number] as string]);
  }
  const works = (m: Map<string, Evidence[]>): string => JSON.stringify([...m].map(([k, ev]) => [k, ev.filter((x) => x.kind === 'work')]).sort());
  const fromFile = pairs.every(([a, b]) => updated.sharedWorks?.(a, b)) ? works(await tiesEvidence(store, pairs, updated.params, updated.sharedWorks)) : 'the file could not tell';
  const sameWorks = fromFile === works(await tiesEvidence(store, pairs, updated.params));
  console.log(`  shared works of ${pairs.length} co-author pairs as the updated file keeps them equal to the store's: ${sameWorks ? 'yes' : 'NO'}`);
  console.log(`next caller's graph after the ingest: ${how} in ${s(updateMs)} (reading the older file and writing the new one included) vs a full build of the same data ${s(buildMs)}: ${(buildMs / updateMs).toFixed(1)}× faster; ties equal to the full build: ${same ? 'yes' : 'NO'} (${(fresh.graph.targets.length / 2).toLocaleString()} ties)`);

  // a contact import: the graph stays, the owner's list is read on its own
  const names = await store.query<{ display_name: string }>(`SELECT display_name FROM people ORDER BY person_id LIMIT 200`);
  await importContactsText(store, `name,strength\n${names.map((n, i) => `"${n.display_name}",${1 + (i % 5)}`).join('\n')}\n`, 'contacts.csv', { owner: 'bench' });
  const b2 = { ...tieGraphOrigins };
  t = performance.now();
  const withList = await ownerGraphFor(store, DEFAULT_TIE_PARAMS, 'bench');
  const listMs = performance.now() - t;
  console.log(`after a contact import of ${withList.root.targets.length} contacts: next intro's graph + list in ${(listMs).toFixed(1)} ms (graph ${tieGraphOrigins.built > b2.built || tieGraphOrigins.updated > b2.updated ? 'REBUILT' : 'kept'}) vs ${s(buildMs)} for a build`);
  // intro requests on the kept graph: what is left per request is SQL (the target, the data version, the evidence)
  const targets = await store.query<{ person_id: string }>(`SELECT person_id FROM people ORDER BY person_id DESC LIMIT 20`);
  const times: number[] = [];
  let paths = 0;
  for (const { person_id } of targets) {
    const a = performance.now();
    paths += (await introPaths(store, person_id, { ...DEFAULT_TIE_PARAMS, owner: 'bench', k: 5, maxHops: 4 })).paths.length;
    times.push(performance.now() - a);
  }
  times.sort((x, y) => x - y);
  console.log(`intro (k = 5, ≤ 4 hops, evidence of every hop) on the kept graph: ${targets.length} targets, ${paths} paths, median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(0)} ms`);
  // careers of the changed people only against a full derivation of the same store (last: it rewrites every row)
  const cols = CAREER_COLUMNS.map((c) => c.name).join(', ');
  const derivedTables: Array<[string, string]> = [
    ['careers', cols],
    ['moves', 'person_id, level, seq, from_place, to_place, year'],
    ['career_presence', 'person_id, level, place, first_year, last_year'],
  ];
  for (const [table, c] of derivedTables) await store.exec(`CREATE TABLE bench_${table} AS SELECT ${c} FROM ${table}`);
  t = performance.now();
  const full = await refreshCareers(store, careers.params);
  const fullMs = performance.now() - t;
  let differing = 0;
  for (const [table, c] of derivedTables) {
    const [row] = await store.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ((SELECT ${c} FROM ${table} EXCEPT ALL SELECT ${c} FROM bench_${table}) UNION ALL (SELECT ${c} FROM bench_${table} EXCEPT ALL SELECT ${c} FROM ${table})) d`,
    );
    differing += Number(row?.n ?? 0);
  }
  const careersEqual = differing === 0 && full.people === careers.people;
  console.log(
    `careers after the 1 % ingest: the changed people's (${careers.derived.toLocaleString()}) derived in ${s(careers.ms)} vs a full derivation of the same store ${s(fullMs)} (${(fullMs / careers.ms).toFixed(1)}×); careers, moves and presence equal to the full derivation's: ${careersEqual ? 'yes' : `NO (${differing} rows differ)`}`,
  );
  if (!same || !sameWorks || how !== 'updated' || !sameAnswers || sHow !== 'updated' || !careersEqual || careers.mode !== 'changed') process.exitCode = 1;
  await store.close();
} finally {
  if (values.keep) console.log(`the store and its files are kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
