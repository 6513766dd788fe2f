/** `atlas demo`: the README's main job — load the bundled real sample into a fresh DuckDB file, print what it holds, serve the dashboard. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dataPath } from '../../core/paths.ts';
import { AtlasError } from '../../core/errors.ts';
import { openStore } from '../../store/open-store.ts';
import { refreshCareers } from '../../careers/index.ts';
import { refreshMentorships } from '../../mentors/index.ts';
import { importContacts } from '../../network/index.ts';
import { storeStats } from '../../store/repo/stats.ts';
import { educationSummary } from '../../store/repo/education-summary.ts';
import type { Command } from '../command.ts';
import { stopSignal } from '../stop-signal.ts';
import { formatTable, printJson } from '../output.ts';
import { progressBar, showIngestProgress } from '../progress.ts';

/** Real profile records with education, positions and advisors: an OpenReview profile and ORCID full records (v2.0 JSON, v3.0 XML). */
export function demoProfileFiles(): Array<{ file: string; source: 'openreview' | 'orcid' }> {
  const orcid = (dir: string): string[] => readdirSync(dataPath('orcid-records', dir)).filter((f) => /\.(json|xml)$/.test(f)).sort().map((f) => dataPath('orcid-records', dir, f));
  return [
    { file: dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json'), source: 'openreview' },
    ...[...orcid('v2.0-json'), ...orcid('v3.0-xml')].map((file) => ({ file, source: 'orcid' as const })),
  ];
}

/** The bundled sample: real OpenAlex records and the Paper Copilot conference lists (the profiles come after them). */
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

  Deletes and recreates the demo database file, ingests the bundled OpenAlex records, Paper Copilot
  conference lists, an OpenReview profile and ORCID records, derives careers and mentorship ties, imports an illustrative contacts list (owner "demo"), prints the
  counts, then serves the dashboard until Ctrl-C.`,
  options: { port: { type: 'string', default: '7300' }, host: { type: 'string', default: '127.0.0.1' }, 'no-serve': { type: 'boolean' } },
  async run(ctx, values) {
    // the ingest's readers (and below, the server) load when the demo runs, not with every `atlas` command
    const { ingestFiles } = await import('../../ingest/run-ingest.ts');
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
      const profiles = demoProfileFiles();
      const r3 = await ingestFiles(store, profiles.filter((p) => p.source === 'openreview').map((p) => p.file), { source: 'openreview', onProgress });
      const r4 = await ingestFiles(store, profiles.filter((p) => p.source === 'orcid').map((p) => p.file), { source: 'orcid', onProgress });
      bar.end();
      await refreshCareers(store);
      const mentorships = await refreshMentorships(store);
      const contacts = await importContacts(store, dataPath('demo', 'contacts.csv'), { owner: 'demo' });
      const stats = await storeStats(store);
      const education = await educationSummary(store);
      const seconds = (Date.now() - t0) / 1000;
      if (ctx.json) printJson(ctx.stdout, { db, records: r1.records + r2.records + r3.records + r4.records, seconds, contacts, ...stats, education, mentorshipRefresh: { stated: mentorships.stated, inferred: mentorships.inferred } });
      else {
        ctx.stdout.write(`talent-atlas demo: ${r1.records + r2.records + r3.records + r4.records} real records from ${files.length + profiles.length} bundled files loaded into ${db} in ${seconds.toFixed(1)} s\n\n`);
        ctx.stdout.write(formatTable(Object.entries(stats.tables).map(([table, rows]) => ({ table, rows }))));
        ctx.stdout.write(`\npeople by country of latest affiliation (top ${stats.peopleByLatestCountry.length}):\n`);
        ctx.stdout.write(formatTable(stats.peopleByLatestCountry));
        const e = education;
        ctx.stdout.write(
          `\neducation: ${e.records.stated} stated records (profiles, ORCID), ${e.records.observed} observed from paper-list positions, for ${e.people.withEducation} people;` +
            ` undergraduate country known for ${e.people.undergradKnown}, graduate country for ${e.people.graduateKnown};` +
            ` origin from education for ${e.people.originByEducation}, from first affiliation for ${e.people.originByFirstAffiliation}\n`,
        );
        ctx.stdout.write(`mentorship ties: ${e.ties.stated} stated, ${e.ties.inferred} inferred from co-authorship and positions\n`);
        if (e.example) {
          ctx.stdout.write(`  e.g. ${e.example.mentorName ?? e.example.mentor} (${e.example.mentor}) → ${e.example.menteeName ?? e.example.mentee} (${e.example.mentee}): ${e.example.relation ?? 'mentor'}\n`);
        }
        ctx.stdout.write(`\ntry: atlas person '~Yang_Liu3' --db ${db}   atlas mentors '~Yang_Liu3' --db ${db}   atlas person A5023888391 --db ${db}   atlas flows --venue ICML --year 2023 --db ${db}   atlas search "reinforcement learning robot manipulation" --db ${db}\n`);
      }
      if (values['no-serve']) return;
      const { startServer } = await import('../../api/index.ts');
      const { app, url } = await startServer(store, { host: values['host'] as string, port, web: true, log: (l) => ctx.stderr.write(l + '\n') });
      const stopped = stopSignal();
      ctx.stdout.write(`\ndashboard: ${url}  (Ctrl-C to stop)\n`);
      await stopped;
      await app.close();
    } finally {
      await store.close();
    }
  },
};
