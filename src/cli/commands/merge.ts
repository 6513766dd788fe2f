/** `atlas merge A B [--reason TEXT]`: B is the same person as A — move everything of B onto A, recorded as a manual merge. */
import { badArgument } from '../../core/errors.ts';
import { mergeByHand } from '../../identity/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Merge two people by hand (B becomes A); survives re-ingest',
  usage: `atlas merge <A> <B> [--reason TEXT] [--json]

  <A>, <B>       person ids or identifiers (openreview:~First_Last1, ORCID, …); B is merged into A
  --reason TEXT  why, recorded with the merge`,
  options: { reason: { type: 'string' } },
  positionals: true,
  async run(ctx, values, positionals) {
    if (positionals.length !== 2) throw badArgument('name two people: `atlas merge <kept> <merged>`');
    const store = await ctx.store();
    const a = await resolvePerson(store, positionals[0] as string);
    const b = await resolvePerson(store, positionals[1] as string);
    const moved = await store.withWriterLock(() => mergeByHand(store, a.person_id, b.person_id, (values['reason'] as string | undefined) ?? null));
    if (ctx.json) return printJson(ctx.stdout, { kept: a.person_id, merged: b.person_id, moved });
    ctx.stdout.write(`merged ${b.person_id} (${b.display_name ?? 'no name'}) into ${a.person_id} (${a.display_name ?? 'no name'})\n`);
    ctx.stdout.write(formatTable(Object.entries(moved).map(([table, rows]) => ({ table, rows }))));
  },
};
