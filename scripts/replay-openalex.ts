/**
 * A local OpenAlex to try `atlas pull` against without the internet (and without a key): the test replay server
 * over the bundled real records (195 works, 30 authors, 30 institutions of the research-rag sample), with 429s
 * (Retry-After) injected at chosen request numbers and every answer a little slow, so a pull can be watched,
 * killed and resumed.
 *
 *   npx tsx scripts/replay-openalex.ts [--429-at 3,7,12] [--retry-after 2] [--slow-ms 150]
 *   npx atlas pull openalex works --filter title.search:rag --with-authors --per-page 10 --base-url <printed URL> --api-key any
 */
import { parseArgs } from 'node:util';
import { bundledOpenAlexData, openAlexDataRoutes } from '../src/pull/openalex/test-openalex-server.ts';
import { startReplayServer } from '../src/pull/test-replay-server.ts';

const { values } = parseArgs({ options: { '429-at': { type: 'string', default: '3,7,12' }, 'retry-after': { type: 'string', default: '2' }, 'slow-ms': { type: 'string', default: '150' } } });
const at = new Set(String(values['429-at']).split(',').filter(Boolean).map(Number));
const server = await startReplayServer(openAlexDataRoutes(bundledOpenAlexData()));
server.inject({ kind: 'slow', ms: Number(values['slow-ms']) }, { times: Number.MAX_SAFE_INTEGER, match: (r) => !at.has(server.log.indexOf(r) + 1) });
server.inject(
  { kind: 'status', status: 429, headers: { 'retry-after': String(values['retry-after']) }, body: JSON.stringify({ error: 'Rate limit exceeded', message: 'injected by scripts/replay-openalex.ts', retryAfter: Number(values['retry-after']) }) },
  { times: at.size, match: (r) => at.has(server.log.indexOf(r) + 1) },
);
process.stdout.write(`${server.url}\n`);
const counts = (): string => {
  const pages = server.log.map((r) => `${r.path}?${[...r.query].filter(([k]) => k !== 'api_key' && k !== 'mailto').map(([k, v]) => `${k}=${v}`).join('&')}`);
  return `${server.log.length} requests, ${new Set(pages).size} distinct`;
};
process.on('SIGINT', () => {
  process.stderr.write(`\n${counts()}\n`);
  void server.close().then(() => process.exit(0));
});
setInterval(() => process.stderr.write(`\r${counts()}   `), 1000);
