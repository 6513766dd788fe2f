/** `atlas erase <person>`: remove a person and everything that mentions them; tombstones keep re-ingest from bringing them back. */
import { badArgument } from '../../core/errors.ts';
import { erasePerson } from '../../identity/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const eraseCommand: Command = {
  name: 'erase',
  summary: 'Erase a person and every fact, edge and derived row about them (tombstoned against re-ingest)',
  usage: `atlas erase <person> [--json]

  <person>   person id or identifier (openreview:~First_Last1, ORCID, …) or exact name`,
  options: {},
  positionals: true,
  async run(ctx, _values, positionals) {
    const query = positionals.join(' ').trim();
    if (!query) throw badArgument('name the person to erase: `atlas erase <person>`');
    const store = await ctx.store();
    const p = await resolvePerson(store, query);
    const r = await store.withWriterLock(() => erasePerson(store, p.person_id));
    if (ctx.json) return printJson(ctx.stdout, r);
    ctx.stdout.write(`erased ${r.person}; tombstoned ${r.identifiers.length} identifier(s): ${r.identifiers.map((i) => `${i.scheme}:${i.value}`).join(', ')}\n`);
    ctx.stdout.write(formatTable(Object.entries(r.removed).map(([table, rows]) => ({ table, rows }))));
  },
};
