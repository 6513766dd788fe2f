/** `npm run bench`: every benchmark in turn, each printing its figures and ratios against a baseline measured in the same run. Extra arguments (e.g. --quick) are passed on. */
import { spawnSync } from 'node:child_process';

const BENCHES = ['ingest', 'careers', 'search', 'network', 'update-after-ingest', 'cold-cli', 'postgres-vs-duckdb', 'data-version', 'api-load', 'soak'];
const only = process.env['BENCH'];
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`usage: npm run bench [-- --quick]   (BENCH=ingest,search to run only some)\nruns, one after another as child processes: ${BENCHES.map((b) => `bench/${b}.ts`).join(', ')}\nother arguments are passed on to each; exits non-zero if any fails.`);
  process.exit(0);
}
let failed = 0;
for (const name of BENCHES.filter((b) => !only || only.split(',').includes(b))) {
  console.log(`\n=== bench/${name}.ts`);
  const r = spawnSync('node', ['--max-old-space-size=8192', '--import', 'tsx', `bench/${name}.ts`, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${name}.ts exited with ${r.status}`);
  }
}
process.exitCode = failed ? 1 : 0;
