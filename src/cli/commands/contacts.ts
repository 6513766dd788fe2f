/** `atlas contacts import FILE.csv --owner NAME` (and `atlas contacts list --owner NAME`): a user's own contact list. */
import { badArgument } from '../../core/errors.ts';
import { describeProblems, importContacts } from '../../network/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { auditCli } from '../../teams/audit.ts';
import path from 'node:path';

export const contactsCommand: Command = {
  name: 'contacts',
  summary: 'Import (or list) the people you know, the starting points of warm introductions',
  usage: `atlas contacts import FILE.csv --owner NAME [--skip-unmatched]
atlas contacts list --owner NAME

  FILE.csv           columns: name, plus any of orcid, openalex, openreview, dblp, email, strength (1–5, default 3), note
  --owner NAME       whose contacts these are; re-importing replaces that owner's list, other owners are kept
  --skip-unmatched   import the rows that match exactly one person and report the others (default: import nothing)
Rows are matched by identifiers first, then by exact name; unmatched or ambiguous rows are reported with their line numbers.`,
  options: { owner: { type: 'string' }, 'skip-unmatched': { type: 'boolean' } },
  positionals: true,
  async run(ctx, values, positionals) {
    const [sub, file, extra] = positionals;
    const owner = (values['owner'] as string | undefined)?.trim();
    if (!owner) throw badArgument('--owner NAME is required');
    const store = await ctx.store();
    if (sub === 'list' && file === undefined) {
      const rows = await store.query(
        `SELECT c.person_id, p.display_name, c.strength, c.note, c.line FROM contacts c LEFT JOIN people p ON p.person_id = c.person_id
         WHERE c.owner = $1 ORDER BY c.strength DESC, c.person_id`,
        [owner],
      );
      if (ctx.json) return void printJson(ctx.stdout, { owner, contacts: rows });
      ctx.stdout.write(formatTable(rows));
      return;
    }
    if (sub !== 'import' || !file || extra !== undefined) throw badArgument('usage: atlas contacts import FILE.csv --owner NAME  |  atlas contacts list --owner NAME');
    const r = await importContacts(store, file, { owner, skipUnmatched: values['skip-unmatched'] === true });
    await auditCli(store, { action: 'contacts.import', target: owner, detail: { file: path.basename(file), imported: r.imported } });
    if (ctx.json) return void printJson(ctx.stdout, r);
    ctx.stdout.write(`imported ${r.imported} contact(s) for ${r.owner} from ${r.file} (${r.rows} rows; replaced ${r.replaced} earlier contact(s))\n`);
    if (r.unmatched.length || r.ambiguous.length) ctx.stdout.write(`skipped: ${describeProblems(r)}\n`);
    for (const d of r.duplicates) ctx.stdout.write(`line ${d.line} "${d.name}" is the same person as line ${d.first_line} (${d.person_id}): merged\n`);
  },
};
