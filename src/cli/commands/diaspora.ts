/** `atlas diaspora CC`: people whose origin is CC and who are abroad, by current country. */
import { badArgument } from '../../core/errors.ts';
import { diaspora } from '../../careers/index.ts';
import type { Command } from '../command.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import { basisLine, careersReady, countryArg, paramsLine, restsOnLine } from './flows.ts';

export const diasporaCommand: Command = {
  name: 'diaspora',
  summary: 'The diaspora of a country: people of that origin now abroad, by current country',
  usage: `atlas diaspora CC [--json|--csv]

  CC      ISO 3166-1 alpha-2 origin country (e.g. CN, IN, DE)
  --csv   CSV of the table (country,people,share)`,
  options: { csv: { type: 'boolean' } },
  positionals: true,
  async run(ctx, values, positionals) {
    if (positionals.length !== 1) throw badArgument('atlas diaspora takes exactly one country code, e.g. `atlas diaspora CN`');
    const cc = countryArg('country', positionals[0]);
    const store = await ctx.store();
    await careersReady(store);
    const r = await diaspora(store, cc);
    if (ctx.json) return printJson(ctx.stdout, r);
    if (values['csv']) return void ctx.stdout.write(formatCsv(r.byCurrentCountry, ['country', 'people', 'share']));
    ctx.stdout.write(paramsLine({ country: cc, ...r.params.career }));
    ctx.stdout.write(`origin ${cc}: ${r.origin.total} people (at home ${r.atHome}, abroad ${r.abroad}, current country unknown ${r.currentUnknown})\n`);
    ctx.stdout.write(basisLine(`origin ${cc}`, r.origin.originBasis));
    ctx.stdout.write(restsOnLine(`origin ${cc}`, r.origin.originRestsOn));
    ctx.stdout.write(basisLine('diaspora', r.originBasis));
    ctx.stdout.write(restsOnLine('diaspora', r.originRestsOn) + '\n');
    ctx.stdout.write(formatTable(r.byCurrentCountry, ['country', 'people', 'share']));
  },
};
