/** `atlas stats`: what the database holds. */
import { storeStats } from '../../store/repo/stats.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'counts per table, people per country of latest affiliation, ingest runs',
  usage: `atlas stats [--json]

  People per country of latest affiliation count each person once: the country of their latest year with a
  known country (several that year: the one with the most affiliation rows, then alphabetical). The dashboard's
  overview uses the same definition.`,
  options: {},
  async run(ctx) {
    const s = await storeStats(await ctx.store());
    if (ctx.json) return void printJson(ctx.stdout, { db: ctx.db, ...s });
    ctx.stdout.write(`database: ${ctx.db}\n\n`);
    ctx.stdout.write(formatTable(Object.entries(s.tables).map(([table, rows]) => ({ table, rows }))));
    ctx.stdout.write(`\npeople by country of latest affiliation (top ${s.peopleByLatestCountry.length}):\n`);
    ctx.stdout.write(formatTable(s.peopleByLatestCountry));
    ctx.stdout.write(`\ningest runs:\n`);
    ctx.stdout.write(formatTable(s.ingestRuns));
  },
};
