/**
 * Careers benchmark: synthesises N people (~10 affiliation-years each) straight into a temporary DuckDB file with
 * bulkInsert (no ingest), then times refreshCareers, a flows query (median of runs) and cohort stages for a
 * 100,000-person venue cohort; and the server's flows from aggregates (their build, a report, equality with flows()). Usage: tsx bench/careers.ts [people=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBStore } from '../src/store/duckdb/duckdb-store.ts';
import { migrate } from '../src/store/migrate.ts';
import type { SqlValue } from '../src/store/store.ts';
import { cohortStages, flowAggregatesNow, flowReportOrigins, flows, refreshCareers, serveFlows } from '../src/careers/index.ts';
import { FIXTURE_COLUMNS } from '../src/careers/fixtures.ts';

/** `careers.ts [N]`; --quick (`npm run bench -- --quick`): 20,000 people unless N is given. */
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? (process.argv.includes('--quick') ? 20_000 : 1_000_000));
const COHORT = Math.min(100_000, N);
const COUNTRIES = ['US', 'CN', 'GB', 'DE', 'IN', 'CA', 'FR', 'JP', 'KR', 'AU', 'CH', 'NL', 'IT', 'ES', 'SG', 'IL', 'SE', 'BR', 'IR', 'TW'];
const WEIGHTS = [30, 22, 7, 6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1];
const CUM = WEIGHTS.map(((s) => (w: number) => (s += w))(0));
const TOTAL = CUM[CUM.length - 1] as number;

// Deterministic PRNG (mulberry32) so every run measures the same data.
let seed = 42;
function rnd(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
function country(): string {
  const r = rnd() * TOTAL;
  return COUNTRIES[CUM.findIndex((c) => r < c)] as string;
}
const inst = (cc: string): string => `I-${cc}-${int(0, 49)}`;
const prov = (k: string): SqlValue[] => ['synthetic', k, 0];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bench-careers-'));
  const store = await DuckDBStore.open(path.join(dir, 'bench.duckdb'));
  const out = (s: string) => process.stdout.write(s + '\n');
  out(`careers benchmark — synthetic data, ${N.toLocaleString('en')} people, bulkInsert straight into a temporary DuckDB file (${dir}); no ingest`);
  try {
    await migrate(store);
    const t0 = performance.now();
    let affRows = 0;
    let people: SqlValue[][] = [];
    let aff: SqlValue[][] = [];
    let edu: SqlValue[][] = [];
    const flush = async (force: boolean) => {
      if (!force && aff.length < 200_000) return;
      await store.bulkInsert('people', FIXTURE_COLUMNS.people, people);
      await store.bulkInsert('affiliation_years', FIXTURE_COLUMNS.affiliation_years, aff);
      await store.bulkInsert('education', FIXTURE_COLUMNS.education, edu);
      affRows += aff.length;
      people = [];
      aff = [];
      edu = [];
    };
    for (let p = 0; p < N; p++) {
      const id = `P${String(p).padStart(7, '0')}`;
      people.push([id, null, null, null, null, ...prov(id)]);
      const start = int(1995, 2018);
      const span = Math.min(int(4, 16), 2024 - start + 1);
      const origin = country();
      let cc = origin;
      let ins = inst(cc);
      const moves = rnd() < 0.3 ? int(1, 2) : 0;
      const moveYears = new Set(Array.from({ length: moves }, () => start + int(1, Math.max(1, span - 1))));
      for (let y = start; y < start + span; y++) {
        if (rnd() < 0.1) continue; // gap year
        if (moveYears.has(y)) (cc = rnd() < 0.3 ? origin : country()), (ins = inst(cc));
        else if (rnd() < 0.05) ins = inst(cc);
        aff.push([id, y, ins, cc, null, null, 'affiliation', ...prov(id)]);
        if (rnd() < 0.06) {
          const v = country();
          aff.push([id, y, inst(v), v, null, null, 'affiliation', ...prov(id)]); // visiting / concurrent / blip
        }
      }
      if (rnd() < 0.4) edu.push([id, inst(origin), origin, 'bachelor', null, start - 6, start - 2, ...prov(id)]);
      if (rnd() < 0.25) {
        const g = rnd() < 0.6 ? origin : country();
        edu.push([id, inst(g), g, 'doctorate', null, start - 2, start + 3, ...prov(id)]);
      }
      await flush(false);
    }
    await flush(true);
    // The venue cohort: 10,000 works at BENCHCONF 2023 with 10 authors each among the first COHORT people.
    const works: SqlValue[][] = [];
    const auth: SqlValue[][] = [];
    for (let w = 0; w < COHORT / 10; w++) {
      works.push([`W${w}`, null, 2023, 'BenchConf', null, 10, null, null, null, null, null, ...prov(`W${w}`)]);
      for (let k = 0; k < 10; k++) auth.push([`W${w}`, `P${String(w * 10 + k).padStart(7, '0')}`, k + 1, null, ...prov(`W${w}`)]);
    }
    await store.bulkInsert('works', FIXTURE_COLUMNS.works, works);
    await store.bulkInsert('authorships', FIXTURE_COLUMNS.authorships, auth);
    out(`synthesised ${N.toLocaleString('en')} people, ${affRows.toLocaleString('en')} affiliation-years in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    out(`load average before timing: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores shared)`);
    const r = await refreshCareers(store);
    out(`refreshCareers: ${(r.ms / 1000).toFixed(1)} s for ${r.people.toLocaleString('en')} careers, ${r.countryMoves.toLocaleString('en')} country moves, ${r.institutionMoves.toLocaleString('en')} institution moves (target ≤ 60 s); read+derive ${(r.phases.readDeriveMs / 1000).toFixed(1)} s, write ${(r.phases.writeMs / 1000).toFixed(1)} s`);

    const median = async (label: string, runs: number, fn: () => Promise<unknown>, target: string) => {
      await fn(); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await fn();
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      out(`${label}: median ${ms[Math.floor(runs / 2)]?.toFixed(0)} ms over ${runs} runs (min ${ms[0]?.toFixed(0)}, max ${ms[runs - 1]?.toFixed(0)}) (target ${target})`);
    };
    await median('flows country 2015–2020, top 20 + net rates', 7, () => flows(store, { from: 2015, to: 2020 }), '≤ 300 ms');
    await median('flows country 2015–2020, no denominators', 7, () => flows(store, { from: 2015, to: 2020, rates: false }), '≤ 300 ms');
    await median('flows institution level, all years', 5, () => flows(store, { level: 'institution', rates: false }), 'n/a');
    // The server's path (serve-flows.ts): the aggregates are built once per data version, then each report sums a slice.
    const tb = performance.now();
    if (!(await flowAggregatesNow(store))) throw new Error('the data changed while the flow aggregates were built');
    out(`flow aggregates built in ${((performance.now() - tb) / 1000).toFixed(1)} s (once per data version, on the first report after a change)`);
    await median('served flows country 2015–2020, top 20 + net rates (aggregates)', 7, () => serveFlows(store, { from: 2015, to: 2020 }), 'n/a');
    await median('served flows institution level, all years (aggregates)', 5, () => serveFlows(store, { level: 'institution' }), 'n/a');
    for (const o of [{ from: 2015, to: 2020 }, { level: 'institution' as const }, { from: 2001, to: 2003, level: 'institution' as const }]) {
      if (JSON.stringify(await serveFlows(store, o)) !== JSON.stringify(await flows(store, o))) throw new Error(`served flows differ from flows() for ${JSON.stringify(o)}`);
    }
    out(`  served flows = flows() for three windows; ${flowReportOrigins.aggregates} reports from the aggregates, ${flowReportOrigins.exact} from the moves`);
    await median(`cohort stages, ${COHORT.toLocaleString('en')} people (venue BenchConf 2023)`, 5, () => cohortStages(store, { venue: { venue: 'benchconf', year: 2023 } }), '≤ 1 s');
    const s = await cohortStages(store, { venue: { venue: 'benchconf', year: 2023 } });
    out(`  cohort check: ${s.members} members, ${s.staged} staged, graduate proxy ${s.stages[1]?.proxy}, undergraduate unknown ${s.stages[0]?.unknown}`);
    out(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    out(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await store.close();
    if (process.env["BENCH_KEEP"]) out(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
