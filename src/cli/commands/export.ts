/** `atlas export <kind>`: stream a table as CSV or JSONL, to a file or stdout. */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { AtlasError } from '../../core/errors.ts';
import { EXPORT_KINDS } from '../export-kinds.ts';
import type { Command } from '../command.ts';
import { csvField } from '../output.ts';
import { auditCli } from '../../teams/audit.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: `export a table: ${Object.keys(EXPORT_KINDS).join(', ')}`,
  usage: `atlas export <${Object.keys(EXPORT_KINDS).join('|')}> [--format csv|jsonl] [--out FILE]\n\n${Object.entries(EXPORT_KINDS)
    .map(([k, v]) => `  ${k.padEnd(18)} ${v.description}: ${v.columns.join(',')}`)
    .join('\n')}`,
  positionals: true,
  options: { format: { type: 'string', default: 'csv' }, out: { type: 'string' } },
  async run(ctx, values, args) {
    const [kindName] = args;
    const kind = kindName ? EXPORT_KINDS[kindName] : undefined;
    if (!kind) throw new AtlasError('BAD_ARGUMENT', `export what? one of: ${Object.keys(EXPORT_KINDS).join(', ')}`);
    const format = values['format'];
    if (format !== 'csv' && format !== 'jsonl') throw new AtlasError('BAD_ARGUMENT', '--format must be csv or jsonl');
    const outFile = values['out'] as string | undefined;
    const out: Writable = outFile ? createWriteStream(outFile) : ctx.stdout;
    const write = (s: string): Promise<void> => new Promise((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
    if (format === 'csv') await write(kind.columns.join(',') + '\n');
    let n = 0;
    const store = await ctx.store();
    await auditCli(store, { action: 'export', target: kindName ?? null, detail: { format } });
    for await (const batch of kind.rows(store)) {
      let chunk = '';
      for (const row of batch) {
        const r = row as Record<string, unknown>;
        chunk += format === 'csv' ? kind.columns.map((c) => csvField(r[c])).join(',') + '\n' : JSON.stringify(Object.fromEntries(kind.columns.map((c) => [c, r[c] ?? null]))) + '\n';
      }
      n += batch.length;
      await write(chunk);
    }
    if (outFile) {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      ctx.stderr.write(`wrote ${n} rows to ${outFile}\n`);
    }
  },
};
