/** `atlas split <person> <scheme:value…>`: those identifiers belong to someone else — split them off into a new person. */
import { badArgument } from '../../core/errors.ts';
import { parseIdentifier, splitPerson } from '../../identity/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const splitCommand: Command = {
  name: 'split',
  summary: 'Split identifiers off a person into a new person; the resolver never re-merges them',
  usage: `atlas split <person> <scheme:value>… [--json]

  <person>        person id or identifier
  <scheme:value>  identifiers to move to the new person, e.g. name:icml2017:874:3 or csrankings:Jane Doe`,
  options: {},
  positionals: true,
  async run(ctx, _values, positionals) {
    if (positionals.length < 2) throw badArgument('usage: `atlas split <person> <scheme:value>…`');
    const store = await ctx.store();
    const p = await resolvePerson(store, positionals[0] as string);
    const ids = positionals.slice(1).map(parseIdentifier);
    const r = await store.withWriterLock(() => splitPerson(store, p.person_id, ids));
    if (ctx.json) return printJson(ctx.stdout, { person: p.person_id, ...r });
    ctx.stdout.write(`split ${ids.length} identifier(s) off ${p.person_id} into new person ${r.newPerson}\n`);
    ctx.stdout.write(formatTable(Object.entries(r.moved).map(([table, rows]) => ({ table, rows }))));
  },
};
