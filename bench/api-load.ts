/**
 * API load benchmark on loopback: `atlas serve`'s server over the bundled OpenAlex sample (real records, careers derived),
 * in a child process so the load generator does not share its event loop. Measures
 *   1. a cached profile GET (target ≥ 2,000 req/s with p99 < 50 ms),
 *   2. a flows query with 20 concurrent clients across varying windows (target: no errors, no non-2xx),
 *   3. uncached flows: every request a URL never asked before (window, level and page vary), so the response cache
 *      never holds the answer (target ≥ 1,000 req/s, issue 16).
 * The server has no accounts, so the rate limit (per key, on servers with accounts) does not apply.
 * Usage: tsx bench/api-load.ts [seconds=10] [--postgres]      (the child: tsx bench/api-load.ts --serve)
 * --postgres: the same sample in a throwaway PostgreSQL cluster (durable settings) instead of a DuckDB file.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? (process.argv.includes('--quick') ? 3 : 10));
const POSTGRES = process.argv.includes('--postgres');
const UNCACHED_TARGET = 1000;

const WINDOWS = Array.from({ length: 32 }, (_, i) => 1995 + i).flatMap((from) => Array.from({ length: 2026 - from + 1 }, (_, j) => [from, from + j] as const));
let uncached = 0;
/** The k-th uncached URL: distinct for every k below 528 × 2 × 200. */
function uncachedPath(k: number): string {
  const [from, to] = WINDOWS[k % WINDOWS.length] as readonly [number, number];
  const level = Math.floor(k / WINDOWS.length) % 2 ? 'institution' : 'country';
  const limit = (Math.floor(k / (WINDOWS.length * 2)) % 200) + 1;
  return `/api/flows?from=${from}&to=${to}&level=${level}&limit=${limit}`;
}

async function openPostgresSample(): Promise<import('../src/store/store.ts').Store> {
  const { startTempCluster } = await import('../src/store/postgres/temp-cluster.ts');
  const { PostgresStore } = await import('../src/store/postgres/postgres-store.ts');
  const { migrate } = await import('../src/store/migrate.ts');
  const { loadOpenAlexSample } = await import('../src/api/test-fixture.ts');
  const { refreshCareers } = await import('../src/careers/index.ts');
  const cluster = await startTempCluster({ durable: true });
  process.on('SIGTERM', () => {
    cluster.stop();
    process.exit(0);
  });
  const store = await PostgresStore.open(cluster.url);
  await migrate(store);
  await loadOpenAlexSample(store);
  await refreshCareers(store);
  return store;
}

async function serve(): Promise<void> {
  const { startServer } = await import('../src/api/server.ts');
  const { openSampleStore } = await import('../src/api/test-fixture.ts');
  const store = POSTGRES ? await openPostgresSample() : await openSampleStore();
  const { url } = await startServer(store, { port: 0, web: false });
  process.stdout.write(`URL ${url}\n`);
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', ...(POSTGRES ? ['--postgres'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /URL (\S+)/.exec(buf);
      if (m?.[1]) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  try {
    const profile = `${base}/api/people/A5100691996`;
    await fetch(profile); // warm the cache
    const p = await autocannon({ url: profile, connections: 20, duration: SECONDS });
    const windows = [[2000, 2025], [2010, 2020], [2015, 2025], [2017, 2025], [2005, 2015]].flatMap(([from, to]) => [{ path: `/api/flows?from=${from}&to=${to}` }, { path: `/api/flows?from=${from}&to=${to}&origin=US` }]);
    // Flows under 20 clients: ten windows/cohorts, each computed once and then served from the response cache …
    const f = await autocannon({ url: base, connections: 20, duration: SECONDS, requests: windows });
    // … and uncached: the cache is keyed by URL, and no URL comes twice — each request takes the next of
    // 528 windows (1995..2026, from ≤ to) × 2 levels × 200 page sizes.
    const u = await autocannon({ url: base, connections: 20, duration: SECONDS, requests: [{ path: '/api/flows', setupRequest: (req) => ({ ...req, path: uncachedPath(uncached++) }) }] });
    const line = (name: string, r: Awaited<ReturnType<typeof autocannon>>) =>
      `${name.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms  2xx ${r['2xx']}  non-2xx ${r.non2xx}  errors ${r.errors}  timeouts ${r.timeouts}`;
    process.stdout.write(`API load benchmark (loopback, 20 connections, ${SECONDS} s each; ${POSTGRES ? 'PostgreSQL' : 'DuckDB'}; node ${process.version})\n`);
    process.stdout.write(line('GET /api/people/:id (cached)', p) + '\n');
    process.stdout.write(line('GET /api/flows (10 windows, cache)', f) + '\n');
    process.stdout.write(line(`GET /api/flows (${uncached} uncached)`, u) + '\n');
    const ratio = u.requests.average / UNCACHED_TARGET;
    process.stdout.write(`uncached flows: ${Math.round(u.requests.average)} req/s = ${ratio.toFixed(2)} × the target of ${UNCACHED_TARGET} req/s (${ratio >= 1 ? 'MET' : 'NOT MET'})\n`);
    const ok = p.requests.average >= 2000 && p.latency.p99 < 50 && f.errors + f.non2xx + f.timeouts === 0 && u.errors + u.non2xx + u.timeouts === 0 && ratio >= 1;
    process.stdout.write(`targets (profile ≥ 2,000 req/s, p99 < 50 ms; flows without errors; uncached flows ≥ ${UNCACHED_TARGET} req/s): ${ok ? 'MET' : 'NOT MET'}\n`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
