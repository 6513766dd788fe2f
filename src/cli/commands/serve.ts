/** `atlas serve`: the REST API and the dashboard on one port; builds the dashboard first when needed and prints the URL. */
import { badArgument } from '../../core/errors.ts';
import type { Command } from '../command.ts';
import { stopSignal } from '../stop-signal.ts';

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 7300;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw badArgument(`--port must be an integer 0..65535, got "${raw}"`);
  return n;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the REST API and the web dashboard (prints the URL)',
  usage: `atlas serve [--port 7300] [--host 127.0.0.1] [--db PATH|URL]

  --port N      port to listen on (default 7300; 0 picks a free one)
  --host ADDR   address to bind (default 127.0.0.1; 0.0.0.0 to expose on the network)
  --no-web      API only; skip building and serving the dashboard
  --rate-limit N  requests a minute per API key on a server with users (default 1200; 0 = no limit)

With no users (\`atlas users list\`) the server is single-user: no keys, loopback only. With users, every /api
request needs \`Authorization: Bearer <key>\`, and the dashboard asks for the key.

Endpoints: /api/... (see /docs and /openapi.json); the dashboard at /.`,
  options: { port: { type: 'string' }, host: { type: 'string' }, 'no-web': { type: 'boolean' }, 'rate-limit': { type: 'string' } },
  async run(ctx, values) {
    // the server (Fastify, the dashboard's assets) is loaded when served, not by every `atlas` command
    const { startServer } = await import('../../api/index.ts');
    const port = parsePort(values['port'] as string | undefined);
    const host = (values['host'] as string | undefined) ?? '127.0.0.1';
    const rawLimit = values['rate-limit'] as string | undefined;
    if (rawLimit !== undefined && !/^\d+$/.test(rawLimit)) throw badArgument(`--rate-limit must be a whole number of requests a minute (0 = no limit), got "${rawLimit}"`);
    const rateLimit = rawLimit === undefined ? undefined : Number(rawLimit) === 0 ? (false as const) : Number(rawLimit);
    const store = await ctx.store();
    const { app, url } = await startServer(store, { host, port, rateLimit, web: values['no-web'] !== true, log: (l) => ctx.stderr.write(l + '\n') });
    // Serve until SIGINT/SIGTERM; then close the server so the CLI closes the store cleanly.
    const stopped = stopSignal();
    if (ctx.json) ctx.stdout.write(JSON.stringify({ url, db: ctx.db, docs: `${url}docs` }) + '\n');
    else ctx.stdout.write(`talent-atlas dashboard: ${url}\nAPI docs: ${url}docs   (database: ${ctx.db}; Ctrl-C to stop)\n`);
    await stopped;
    await app.close();
    return 0;
  },
};
