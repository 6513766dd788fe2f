/** `atlas brokers --owner NAME (--for "<search>" | --ids FILE)`: which of your contacts reach the most of a set of people. */
import { readFile } from 'node:fs/promises';
import { AtlasError, badArgument } from '../../core/errors.ts';
import { brokers, nodeNames } from '../../network/index.ts';
import { searchPersonIds } from '../../search/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { numberFlag, tieFlags, TIE_OPTIONS, TIE_USAGE } from './intro.ts';
import { auditCli } from '../../teams/audit.ts';

async function idsFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AtlasError('NOT_FOUND', `cannot read ids file ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return text.split(/\r?\n/).map((l) => l.split(',')[0]?.trim() ?? '').filter((l) => l && l !== 'person_id' && !l.startsWith('#'));
}

export const brokersCommand: Command = {
  name: 'brokers',
  summary: 'Rank your contacts by how strongly they reach a set of people (a search result or a list of ids)',
  usage: `atlas brokers --owner NAME (--for "<search>" | --ids FILE) [--limit 100] [--max-hops 4] [--json]

  --for QUERY        targets = the people \`atlas search QUERY\` finds (top --limit, default 100)
  --ids FILE         targets = person ids, one per line (first CSV column; a person_id header is skipped)
${TIE_USAGE}
For each contact: the number of targets its best path reaches within max hops, and the sum of those paths' strengths.`,
  options: { ...TIE_OPTIONS, for: { type: 'string' }, ids: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx, values) {
    const flags = tieFlags(values);
    const query = values['for'] as string | undefined;
    const file = values['ids'] as string | undefined;
    if ((query === undefined) === (file === undefined)) throw badArgument('give the targets with exactly one of --for "<search>" or --ids FILE');
    const store = await ctx.store();
    const limit = numberFlag(values, 'limit', true) ?? 100;
    const targets = query !== undefined ? await searchPersonIds(store, query, { limit }) : await idsFromFile(file as string);
    if (targets.length === 0) throw new AtlasError('NO_DATA', query !== undefined ? `the search "${query}" found nobody` : `${file} lists no person ids`);
    const result = await brokers(store, targets, flags);
    await auditCli(store, { action: 'brokers.query', target: query ?? null, detail: { owner: result.params.owner, targets: targets.length } });
    if (ctx.json) return void printJson(ctx.stdout, { ...result, params: { ...result.params, for: query ?? null, ids: file ?? null } });
    const names = await nodeNames(store, result.brokers.map((b) => b.contact));
    const p = result.params;
    ctx.stdout.write(`Brokers for ${p.owner}: ${p.targets} target(s)${query !== undefined ? ` from search "${query}"` : ` from ${file}`}\n`);
    ctx.stdout.write(`parameters: maxHops=${p.maxHops} halfLife=${p.halfLife} maxAuthors=${p.maxAuthors} refYear=${p.refYear}\n`);
    ctx.stdout.write(formatTable(result.brokers.map((b) => ({ contact: names.get(b.contact) ?? b.contact, id: b.contact, targets: b.targets, strength: b.strength }))));
    if (result.unreached.length) ctx.stdout.write(`${result.unreached.length} target(s) not reachable within ${p.maxHops} hops through any contact\n`);
  },
};
