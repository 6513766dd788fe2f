/**
 * Cold answers end to end, as a user gets them: every `atlas search` and `atlas intro` is a new process (node
 * start, modules, opening the store, reading the kept search index or tie graph file, the query, the evidence).
 * A synthetic OpenAlex snapshot (default 200,000 authors) is ingested through the real CLI, five contacts imported,
 * and the first search and intro build and keep the index and the graph; then each command runs `--calls` times,
 * each call a new `bin/atlas.js` process, timed by wall clock. Baseline in the same run: a process that starts the
 * CLI and answers without a store (`atlas stats --help`), the floor under any answer. Targets: an intro whose
 * target is a co-author of a co-author of a contact (a path is found, its evidence read), and one to the last
 * person by id (usually no path within 4 hops). The issue's target, cold search and intro under 1 s, is stated
 * for 1,000,000 people: at that size the run exits 1 when a median misses it.
 *
 *   npx tsx bench/cold-cli.ts [--authors 200000] [--calls 7] [--quick]
 *   npx tsx bench/cold-cli.ts --db atlas.duckdb --owner me     (a store made before, with that owner's contacts)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open-store.ts';
import { synthesize } from '../src/synth/index.ts';

const { values } = parseArgs({
  options: { authors: { type: 'string' }, calls: { type: 'string' }, quick: { type: 'boolean', default: false }, db: { type: 'string' }, owner: { type: 'string' } },
  strict: false,
});
const AUTHORS = Number(values.authors ?? (values.quick ? 20_000 : 200_000));
const CALLS = Number(values.calls ?? (values.quick ? 3 : 7));
const ATLAS = path.resolve(import.meta.dirname, '..', 'bin', 'atlas.js');
const QUERIES = ['deep learning', 'graph neural networks for molecules', 'reinforcement learning robot'];

/** One `bin/atlas.js` process: wall clock (ms) and what it printed; throws when it fails. */
function atlas(args: string[]): { ms: number; out: string } {
  const t = performance.now();
  const r = spawnSync(ATLAS, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`atlas ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const show = (xs: number[]): string => `median ${(median(xs) / 1000).toFixed(2)} s (${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)})`;

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-cold-'));
try {
  let db = values.db as string | undefined;
  let owner = (values.owner as string | undefined) ?? 'bench';
  atlas(['--help']); // the CLI compiled once, before anything is timed
  if (!db) {
    db = path.join(dir, 'atlas.duckdb');
    const syn = await synthesize({ authors: AUTHORS, seed: 42, out: path.join(dir, 'synth') });
    const ingest = atlas(['ingest', syn.authorsFile, syn.worksFile, '--db', db]);
    console.log(`synthetic snapshot of ${AUTHORS.toLocaleString()} authors (${syn.works.toLocaleString()} works) ingested by \`atlas ingest\` in ${(ingest.ms / 1000).toFixed(1)} s`);
    const store = await openStore(db);
    const people = await store.query<{ person_id: string }>(`SELECT person_id FROM people ORDER BY person_id LIMIT 5 OFFSET 10`);
    await store.close();
    const csv = path.join(dir, 'contacts.csv');
    writeFileSync(csv, `name,openalex,strength\n${people.map((p, i) => `contact ${i},${p.person_id.replace(/^openalex:/, '')},${1 + (i % 5)}`).join('\n')}\n`);
    atlas(['contacts', 'import', csv, '--owner', owner, '--db', db]);
    owner = 'bench';
  }
  const store = await openStore(db);
  const [contact] = await store.query<{ person_id: string }>(`SELECT person_id FROM contacts WHERE owner = $1 ORDER BY person_id LIMIT 1`, [owner]);
  if (!contact) throw new Error(`${db}: no contacts of owner "${owner}"`);
  const [near] = await store.query<{ person_id: string }>(
    `SELECT y2.person_id FROM authorships x1 JOIN authorships y1 ON y1.work_id = x1.work_id AND y1.person_id <> x1.person_id
     JOIN authorships x2 ON x2.person_id = y1.person_id AND x2.work_id <> x1.work_id
     JOIN authorships y2 ON y2.work_id = x2.work_id AND y2.person_id NOT IN (x1.person_id, y1.person_id)
     WHERE x1.person_id = $1 ORDER BY y2.person_id LIMIT 1`,
    [contact.person_id],
  );
  const [far] = await store.query<{ person_id: string }>(`SELECT person_id FROM people ORDER BY person_id DESC LIMIT 1`);
  const [{ n } = { n: 0 }] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM people`);
  await store.close();
  if (!near || !far) throw new Error(`${db}: no co-author of a co-author of ${contact.person_id}`);

  const first = { search: atlas(['search', QUERIES[0] as string, '--db', db, '--json']).ms, intro: atlas(['intro', near.person_id, '--owner', owner, '--db', db, '--json']).ms };
  console.log(`${Number(n).toLocaleString()} people; first calls (they build, or update, and keep the index and the graph when there is none of this data version): search ${(first.search / 1000).toFixed(1)} s, intro ${(first.intro / 1000).toFixed(1)} s`);
  const start: number[] = [], search: number[] = [], introNear: number[] = [], introFar: number[] = [];
  let nearPaths = 0, farPaths = 0;
  for (let i = 0; i < CALLS; i++) {
    start.push(atlas(['stats', '--help']).ms);
    search.push(atlas(['search', QUERIES[i % QUERIES.length] as string, '--db', db, '--json']).ms);
    const a = atlas(['intro', near.person_id, '--owner', owner, '--db', db, '--json']);
    introNear.push(a.ms);
    nearPaths = (JSON.parse(a.out) as { paths: unknown[] }).paths.length;
    const b = atlas(['intro', far.person_id, '--owner', owner, '--db', db, '--json']);
    introFar.push(b.ms);
    farPaths = (JSON.parse(b.out) as { paths: unknown[] }).paths.length;
  }
  const base = median(start);
  console.log(`baseline, a CLI process answering without a store (\`atlas stats --help\`): ${show(start)}`);
  console.log(`cold \`atlas search\` (${QUERIES.length} queries in turn): ${show(search)} = ${(median(search) / base).toFixed(1)}× the baseline`);
  console.log(`cold \`atlas intro\` to ${near.person_id} (${nearPaths} paths, evidence of every hop): ${show(introNear)} = ${(median(introNear) / base).toFixed(1)}× the baseline`);
  console.log(`cold \`atlas intro\` to ${far.person_id} (${farPaths} paths): ${show(introFar)} = ${(median(introFar) / base).toFixed(1)}× the baseline`);
  if (Number(n) >= 1_000_000) {
    const met = [median(search), median(introNear), median(introFar)].every((ms) => ms < 1000);
    console.log(`target (cold search and intro under 1 s at 1,000,000 people): ${met ? 'MET' : 'NOT MET'}`);
    if (!met) process.exitCode = 1;
  } else console.log('target (under 1 s) is stated for 1,000,000 people: run with --authors 1000000, or --db a store of that size');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
