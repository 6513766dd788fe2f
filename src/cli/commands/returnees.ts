/** `atlas returnees CC [--since Y]`: people of origin CC who moved away and came back, by return year. */
import { badArgument } from '../../core/errors.ts';
import { parseYear, returnees } from '../../careers/index.ts';
import type { Command } from '../command.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import { basisLine, careersReady, countryArg, paramsLine, restsOnLine } from './flows.ts';

export const returneesCommand: Command = {
  name: 'returnees',
  summary: 'Returnees to a country by year (a confirmed move away from the origin, then one back)',
  usage: `atlas returnees CC [--since Y] [--json|--csv]

  CC          ISO 3166-1 alpha-2 origin country
  --since Y   only returns in year Y or later
  --csv       CSV of the by-year table (year,returnees)`,
  options: { since: { type: 'string' }, csv: { type: 'boolean' } },
  positionals: true,
  async run(ctx, values, positionals) {
    if (positionals.length !== 1) throw badArgument('atlas returnees takes exactly one country code, e.g. `atlas returnees CN --since 2015`');
    const cc = countryArg('country', positionals[0]);
    const since = parseYear('--since', values['since'] as string | undefined);
    const store = await ctx.store();
    await careersReady(store);
    const r = await returnees(store, cc, since);
    if (ctx.json) return printJson(ctx.stdout, r);
    if (values['csv']) return void ctx.stdout.write(formatCsv(r.byYear, ['year', 'returnees']));
    ctx.stdout.write(paramsLine({ country: cc, since: since ?? null, ...r.params.career }));
    ctx.stdout.write(`${r.returnees} returnees to ${cc}; ${r.everLeft} people of origin ${cc} ever made a confirmed move away\n`);
    ctx.stdout.write(basisLine('returnees', r.originBasis));
    ctx.stdout.write(restsOnLine('returnees', r.originRestsOn) + '\n');
    ctx.stdout.write(formatTable(r.byYear, ['year', 'returnees']));
    ctx.stdout.write('\nReturned from\n' + formatTable(r.returnedFrom, ['country', 'returnees']));
  },
};
