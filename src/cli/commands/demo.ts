/** `atlas demo`: the README's main job — load the bundled real sample into a fresh DuckDB file, print what it holds, serve the dashboard. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dataPath } from '../../core/paths.ts';
import { AtlasError } from '../../core/errors.ts';
import { openStore } from '../../store/open-store.ts';
import { ingestFiles } from '../../ingest/run-ingest.ts';
import { refreshCareers } from '../../careers/index.ts';
import { importContacts } from '../../network/index.ts';
import { storeStats } from '../../store/repo/stats.ts';
import { startServer } from '../../api/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { progressBar, showIngestProgress } from '../progress.ts';

/** The bundled sample: real OpenAlex records, the Paper Copilot conference lists, CSRankings rosters, ORCID samples. */
export function demoFiles(): string[] {
  const oa = (...p: string[]): string => dataPath('openalex-samples', ...p);
  const paperlists = readdirSync(dataPath('paperlists')).filter((f) => f.endsWith('.json.gz')).sort().map((f) => dataPath('paperlists', f));
  return [
    oa('b-vitamins-fixtures', 'A5023888391.json'),
    oa('b-vitamins-fixtures', 'W2741809807.json'),
    oa('b-vitamins-fixtures', 'I27837315.json'),
    oa('openalex-research-rag', 'institutions_sample.json.gz'),
    oa('openalex-research-rag', 'authors_sample.json'),
    oa('openalex-research-rag', 'works_sample.json.gz'),
    ...paperlists,
  ];
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'load the bundled real sample into a fresh database, print what it holds, and serve the dashboard',
  usage: `atlas demo [--db atlas-demo.duckdb] [--port 7300] [--host 127.0.0.1] [--no-serve]

  Deletes and recreates the demo database file, ingests the bundled OpenAlex records and Paper Copilot
  conference lists, derives careers, imports an illustrative contacts list (owner "demo"), prints the
  counts, then serves the dashboard until Ctrl-C.`,
  options: { port: { type: 'string', default: '7300' }, host: { type: 'string', default: '127.0.0.1' }, 'no-serve': { type: 'boolean' } },
  async run(ctx, values) {
    const db = ctx.argv.includes('--db') || process.env['ATLAS_DB'] ? ctx.db : 'atlas-demo.duckdb';
    if (/^postgres/.test(db)) throw new AtlasError('BAD_ARGUMENT', 'the demo recreates its database; give it a DuckDB file path, not a server URL');
    const port = Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AtlasError('BAD_ARGUMENT', '--port must be 0..65535');
    for (const f of [db, `${db}.wal`]) if (existsSync(f)) rmSync(f);
    const store = await openStore(db);
    try {
      const bar = progressBar(ctx.stderr, ctx.interactive && !ctx.json);
      const files = demoFiles();
      const openalex = files.filter((f) => f.includes('openalex-samples'));
      const lists = files.filter((f) => !f.includes('openalex-samples'));
      const t0 = Date.now();
      const onProgress = showIngestProgress(bar);
      const r1 = await ingestFiles(store, openalex, { source: 'openalex', onProgress });
      const r2 = await ingestFiles(store, lists, { source: 'paperlist', onProgress });
      bar.end();
      await refreshCareers(store);
      const contacts = await importContacts(store, dataPath('demo', 'contacts.csv'), { owner: 'demo' });
      const stats = await storeStats(store);
      const seconds = (Date.now() - t0) / 1000;
      if (ctx.json) printJson(ctx.stdout, { db, records: r1.records + r2.records, seconds, contacts, ...stats });
      else {
        ctx.stdout.write(`talent-atlas demo: ${r1.records + r2.records} real records from ${files.length} bundled files loaded into ${db} in ${seconds.toFixed(1)} s\n\n`);
        ctx.stdout.write(formatTable(Object.entries(stats.tables).map(([table, rows]) => ({ table, rows }))));
        ctx.stdout.write(`\npeople by country of latest affiliation (top ${stats.peopleByLatestCountry.length}):\n`);
        ctx.stdout.write(formatTable(stats.peopleByLatestCountry));
        ctx.stdout.write(`\ntry: atlas person A5023888391 --db ${db}   atlas flows --venue ICML --year 2023 --db ${db}   atlas search "reinforcement learning robot manipulation" --db ${db}\n`);
      }
      if (values['no-serve']) return;
      const { app, url } = await startServer(store, { host: values['host'] as string, port, web: true, log: (l) => ctx.stderr.write(l + '\n') });
      ctx.stdout.write(`\ndashboard: ${url}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await app.close();
    } finally {
      await store.close();
    }
  },
};
