/**
 * API load benchmark on loopback: `atlas serve`'s server over the bundled OpenAlex sample (real records, careers derived),
 * in a child process so the load generator does not share its event loop. Measures
 *   1. a cached profile GET (target ≥ 2,000 req/s with p99 < 50 ms),
 *   2. a flows query with 20 concurrent clients across varying windows (target: no errors, no non-2xx).
 * Usage: tsx bench/api-load.ts [seconds=10]      (the child: tsx bench/api-load.ts --serve)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SECONDS = Number(process.argv[2] ?? 10);

async function serve(): Promise<void> {
  const { startServer } = await import('../src/api/server.ts');
  const { openSampleStore } = await import('../src/api/test-fixture.ts');
  const store = await openSampleStore();
  const { url } = await startServer(store, { port: 0, web: false });
  process.stdout.write(`URL ${url}\n`);
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    // … and uncached: the cache keyed by URL is defeated with a distinct `limit` per request.
    let n = 0;
    const uncachedPaths = Array.from({ length: 200 }, () => ({ path: `/api/flows?from=2010&to=2025&limit=${(n++ % 200) + 1}` }));
    const u = await autocannon({ url: base, connections: 20, amount: 200, requests: uncachedPaths });
    const line = (name: string, r: Awaited<ReturnType<typeof autocannon>>) =>
      `${name.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms  2xx ${r['2xx']}  non-2xx ${r.non2xx}  errors ${r.errors}  timeouts ${r.timeouts}`;
    process.stdout.write(`API load benchmark (loopback, 20 connections, ${SECONDS} s each; node ${process.version})\n`);
    process.stdout.write(line('GET /api/people/:id (cached)', p) + '\n');
    process.stdout.write(line('GET /api/flows (10 windows, cache)', f) + '\n');
    process.stdout.write(line('GET /api/flows (200 uncached)', u) + '\n');
    const ok = p.requests.average >= 2000 && p.latency.p99 < 50 && f.errors + f.non2xx + f.timeouts === 0 && u.errors + u.non2xx + u.timeouts === 0;
    process.stdout.write(`targets (profile ≥ 2,000 req/s, p99 < 50 ms; flows without errors): ${ok ? 'MET' : 'NOT MET'}\n`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
