/** `atlas vacuum`: give back the room a killed write or an erasure left in the database. */
import { formatBytes } from '../../store/repo/unused-space.ts';
import type { Command } from '../command.ts';
import { printJson } from '../output.ts';

export const vacuumCommand: Command = {
  name: 'vacuum',
  summary: 'Give back room that holds no data (left by a killed ingest or pull, or by erased rows)',
  usage: `atlas vacuum [--full] [--json]

  DuckDB: copies the database into a fresh file, checks every table's row count, and swaps the files
  (a crash at any point leaves the old file whole). Nothing else may have the file open meanwhile.
  Erased people's old bytes are gone from the file only after this.
  PostgreSQL: VACUUM (ANALYZE); --full runs VACUUM FULL, which rewrites each table and returns its room to the
  file system, locking the table meanwhile.

  --full   PostgreSQL: VACUUM FULL (DuckDB always rewrites the file)`,
  options: { full: { type: 'boolean' } },
  async run(ctx, values) {
    const store = await ctx.store();
    const before = await store.size();
    const t0 = performance.now();
    await store.reclaim({ full: values['full'] === true });
    const after = await store.size();
    const seconds = Math.round(performance.now() - t0) / 1000;
    if (ctx.json) return printJson(ctx.stdout, { location: store.location, before, after, seconds });
    const unused = (u: number | null): string => (u === null ? '' : `, ${formatBytes(u)} of it unused`);
    ctx.stdout.write(`${store.location}: ${formatBytes(before.bytes)}${unused(before.unusedBytes)} → ${formatBytes(after.bytes)}${unused(after.unusedBytes)} in ${seconds.toFixed(1)} s\n`);
  },
};
