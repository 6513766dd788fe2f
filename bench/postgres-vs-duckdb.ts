/**
 * PostgreSQL next to DuckDB on the same synthetic data, in one run: bulk-load N people with 10 affiliation-years
 * each through Store.bulkInsert (DuckDB appender vs PostgreSQL COPY), then time two flows-like queries, check
 * both backends give identical answers, and report bytes per row on each.
 *
 *   npx tsx bench/postgres-vs-duckdb.ts [--people 1000000] [--works 200000] [--pg postgres://…]
 *
 * `--people 0` skips the load and queries; `--works 0` skips measuring works/authorships sizes.
 *
 * Without --pg a throwaway PostgreSQL cluster with default (durable) settings is started and removed.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { startTempCluster } from '../src/store/postgres/temp-cluster.ts';
import type { ColumnSpec, SqlValue, Store } from '../src/store/store.ts';

const { values } = parseArgs({
  // --quick (`npm run bench -- --quick`): 20,000 people and works unless given
  options: { people: { type: 'string' }, works: { type: 'string' }, pg: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
const PEOPLE = Number(values.people ?? (values.quick ? 20_000 : 1_000_000));
const WORKS = Number(values.works ?? (values.quick ? 20_000 : 200_000)); // for the bytes-per-row of works and authorships (4 authors each)
const YEARS = 10;
const BATCH = 50_000; // people per bulkInsert call

const PEOPLE_COLS: ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'display_name', type: 'text' },
  { name: 'source_h_index', type: 'int' },
  { name: 'source_cited_by', type: 'int' },
  { name: 'source_works_count', type: 'int' },
  { name: 'source', type: 'text' },
  { name: 'record_key', type: 'text' },
  { name: 'run_id', type: 'int' },
];
const AFF_COLS: ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'year', type: 'int' },
  { name: 'institution_id', type: 'text' },
  { name: 'country', type: 'text' },
  { name: 'country_basis', type: 'text' },
  { name: 'role', type: 'text' },
  { name: 'basis', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'record_key', type: 'text' },
  { name: 'run_id', type: 'int' },
];
const COUNTRIES = ['US', 'CN', 'GB', 'DE', 'FR', 'CA', 'IN', 'JP', 'KR', 'CH', 'NL', 'AU', 'IL', 'SG', 'IT', 'ES', 'SE', 'BR', 'HK', 'TW'];

/** Deterministic rows for people [from, to): each person moves institution (and maybe country) 0–2 times. */
function batch(from: number, to: number): { people: SqlValue[][]; aff: SqlValue[][] } {
  const people: SqlValue[][] = [];
  const aff: SqlValue[][] = [];
  for (let i = from; i < to; i++) {
    let h = Math.imul(i + 1, 2654435761) >>> 0;
    const next = () => (h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0);
    const id = `A${5000000000 + i}`;
    people.push([id, `Person ${i}`, next() % 80, next() % 20000, next() % 400, 'openalex', `openalex:author:${id}`, 1]);
    let inst = next() % 20000;
    const moves = [next() % (YEARS * 2), next() % (YEARS * 3)];
    for (let y = 0; y < YEARS; y++) {
      if (moves.includes(y)) inst = next() % 20000;
      aff.push([id, 2014 + y, `I${inst}`, COUNTRIES[inst % COUNTRIES.length] as string, 'institution', null, 'paper', 'openalex', `openalex:author:${id}`, 1]);
    }
  }
  return { people, aff };
}

const FLOWS = `WITH c AS (
    SELECT person_id, year, country, LAG(country) OVER (PARTITION BY person_id ORDER BY year) AS prev FROM affiliation_years)
  SELECT prev AS from_country, country AS to_country, COUNT(*) AS moves FROM c
  WHERE prev IS NOT NULL AND prev <> country GROUP BY prev, country ORDER BY moves DESC, from_country, to_country LIMIT 10`;
const BY_COUNTRY = `SELECT country, COUNT(DISTINCT person_id) AS people, COUNT(*) AS person_years FROM affiliation_years
  WHERE year = 2023 GROUP BY country ORDER BY country`;

/** Milliseconds spent inside bulkInsert only (generating the rows is not timed). */
async function load(store: Store): Promise<number> {
  let ms = 0;
  for (let from = 0; from < PEOPLE; from += BATCH) {
    const { people, aff } = batch(from, Math.min(PEOPLE, from + BATCH));
    const t = performance.now();
    await store.bulkInsert('people', PEOPLE_COLS, people);
    await store.bulkInsert('affiliation_years', AFF_COLS, aff);
    ms += performance.now() - t;
  }
  return ms;
}

async function timed<T>(fn: () => Promise<T>, runs = 3): Promise<{ ms: number; out: T }> {
  let best = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await fn();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, out };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const WORK_COLS: ColumnSpec[] = [
  ['work_id', 'text'], ['title', 'text'], ['year', 'int'], ['venue', 'text'], ['cited_by_count', 'int'], ['author_count', 'int'],
  ['keywords', 'text'], ['topics', 'text'], ['abstract', 'text'], ['status', 'text'], ['doi', 'text'],
  ['source', 'text'], ['record_key', 'text'], ['run_id', 'int'],
].map(([name, type]) => ({ name, type }) as ColumnSpec);
const AUTHORSHIP_COLS: ColumnSpec[] = [
  ['work_id', 'text'], ['person_id', 'text'], ['position', 'int'], ['institution_ids', 'text'], ['source', 'text'], ['record_key', 'text'], ['run_id', 'int'],
].map(([name, type]) => ({ name, type }) as ColumnSpec);

/** Bytes per row of works and authorships on both backends (DuckDB: file growth after CHECKPOINT; PostgreSQL: relation sizes incl. indexes). */
async function workSizes(duck: Store, duckPath: string, post: Store): Promise<void> {
  await duck.exec('CHECKPOINT');
  const before = statSync(duckPath).size;
  for (let from = 0; from < WORKS; from += BATCH) {
    const works: SqlValue[][] = [];
    const auths: SqlValue[][] = [];
    for (let w = from; w < Math.min(WORKS, from + BATCH); w++) {
      const id = `W${4000000000 + w}`;
      const key = `openalex:work:${id}`;
      works.push([id, `A synthetic paper title about learning representations number ${w}`, 2000 + (w % 25), 'NeurIPS', w % 500, 4,
        'deep learning; representation learning', 'Machine Learning; Computer Vision', null, 'published', `10.5555/${w}`, 'openalex', key, 1]);
      for (let a = 0; a < 4; a++) auths.push([id, `A${5000000000 + ((w * 7 + a) % 1000000)}`, a, `I${(w + a) % 20000}`, 'openalex', key, 1]);
    }
    for (const st of [duck, post]) {
      await st.bulkInsert('works', WORK_COLS, works);
      await st.bulkInsert('authorships', AUTHORSHIP_COLS, auths);
    }
  }
  await duck.exec('CHECKPOINT');
  await post.exec('VACUUM ANALYZE works');
  await post.exec('VACUUM ANALYZE authorships');
  const duckGrowth = statSync(duckPath).size - before;
  const [sz] = await post.query<{ works: number; auth: number }>(
    `SELECT pg_total_relation_size('works') AS works, pg_total_relation_size('authorships') AS auth`,
  );
  const rows = WORKS * 5;
  console.log(`works+authorships (${fmt(WORKS)} works, ${fmt(WORKS * 4)} authorships): duckdb ${fmt(duckGrowth / rows)} B/row, postgres works ${fmt((sz?.works ?? 0) / WORKS)} B/row, authorships ${fmt((sz?.auth ?? 0) / (WORKS * 4))} B/row (incl. indexes)`);
}

async function main(): Promise<void> {
  const rows = PEOPLE * (1 + YEARS);
  console.log(`synthetic data: ${fmt(PEOPLE)} people + ${fmt(PEOPLE * YEARS)} affiliation-years = ${fmt(rows)} rows, bulkInsert in batches of ${fmt(BATCH)} people`);
  const dir = mkdtempSync(join(tmpdir(), 'atlas-bench-'));
  const cluster = values.pg ? null : await startTempCluster({ settings: { max_wal_size: '4GB', shared_buffers: '1GB' } });
  const adminUrl = values.pg ?? (cluster as { url: string }).url;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS atlas_bench');
    await admin.query('CREATE DATABASE atlas_bench');
    await admin.end();
    const pgUrl = Object.assign(new URL(adminUrl), { pathname: '/atlas_bench' }).toString();

    const duckPath = join(dir, 'bench.duckdb');
    const duck = await DuckDBStore.open(duckPath);
    const post = await PostgresStore.open(pgUrl);
    await migrate(duck);
    await migrate(post);

    if (WORKS > 0) await workSizes(duck, duckPath, post);
    if (PEOPLE === 0) {
      await duck.close();
      await post.close();
      return;
    }
    const duckLoad = await load(duck);
    const pgLoad = await load(post);
    await duck.exec('CHECKPOINT');
    await post.exec('VACUUM ANALYZE people');
    await post.exec('VACUUM ANALYZE affiliation_years');

    const dFlows = await timed(() => duck.query(FLOWS));
    const pFlows = await timed(() => post.query(FLOWS));
    const dBy = await timed(() => duck.query(BY_COUNTRY));
    const pBy = await timed(() => post.query(BY_COUNTRY));
    const same = isDeepStrictEqual(dFlows.out, pFlows.out) && isDeepStrictEqual(dBy.out, pBy.out);

    const duckBytes = statSync(duckPath).size;
    const [sizes] = await post.query<{ people: number; aff: number; aff_heap: number; total: number }>(
      `SELECT pg_total_relation_size('people') AS people, pg_total_relation_size('affiliation_years') AS aff,
              pg_relation_size('affiliation_years') AS aff_heap, pg_database_size(current_database()) AS total`,
    );
    await duck.close();
    await post.close();

    const line = (name: string, d: number, p: number, unit: string) =>
      console.log(`${name.padEnd(34)} duckdb ${fmt(d).padStart(12)} ${unit}   postgres ${fmt(p).padStart(12)} ${unit}   postgres/duckdb ${(p / d).toFixed(2)}×`);
    line('bulk load (bulkInsert time)', duckLoad, pgLoad, 'ms');
    line('bulk load, rows/s', (rows / duckLoad) * 1000, (rows / pgLoad) * 1000, 'r/s');
    line('flows query (LAG window), best of 3', dFlows.ms, pFlows.ms, 'ms');
    line('people by country 2023, best of 3', dBy.ms, pBy.ms, 'ms');
    line('on-disk size', duckBytes / 1e6, (sizes?.total ?? 0) / 1e6, 'MB');
    line('bytes per row (all tables)', duckBytes / rows, (sizes?.total ?? 0) / rows, 'B');
    console.log(
      `postgres: people ${fmt((sizes?.people ?? 0) / PEOPLE)} B/row incl. PK index; affiliation_years ${fmt((sizes?.aff ?? 0) / (PEOPLE * YEARS))} B/row incl. index (heap ${fmt((sizes?.aff_heap ?? 0) / (PEOPLE * YEARS))} B/row)`,
    );
    console.log(`identical answers on both backends: ${same ? 'yes' : 'NO'}`);
    console.log('top flows:', JSON.stringify(dFlows.out.slice(0, 3)));
    if (!same) process.exitCode = 1;
  } finally {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
