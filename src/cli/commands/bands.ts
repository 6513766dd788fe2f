/** `atlas bands`: compensation bands (median, quartiles, n, fallback) for a country from the bundled salary survey. */
import { badArgument } from '../../core/errors.ts';
import { bandBasis, compensationBand, LEVELS, ROLE_FAMILIES, type CompensationBand } from '../../economics/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { intArg, usd } from './econ-args.ts';

export const bandsCommand: Command = {
  name: 'bands',
  summary: 'Compensation bands (median, quartiles, n) per country, level and role family, with the fallback used',
  usage: `atlas bands --country CC [--level EN|MI|SE|EX] [--family F] [--year 2024]

  --country CC   company country (ISO alpha-2)
  --level L      one experience level (default: all four)
  --family F     one role family (default: all): ${ROLE_FAMILIES.join(', ')}
  --year Y       survey year (default 2024)
Bands never rest on fewer than 10 rows: small cells widen along the fallback ladder (docs/economics.md).`,
  options: { country: { type: 'string' }, level: { type: 'string' }, family: { type: 'string' }, year: { type: 'string' } },
  async run(ctx, values) {
    const country = values['country'] as string | undefined;
    if (!country) throw badArgument('--country is required (e.g. --country GB)');
    const year = intArg(values, 'year');
    const levels = values['level'] ? [values['level'] as string] : [...LEVELS];
    const families = values['family'] ? [values['family'] as string] : [...ROLE_FAMILIES];
    const bands: CompensationBand[] = levels.flatMap((level) => families.map((family) => compensationBand({ country, level, family, year })));
    if (ctx.json) return void printJson(ctx.stdout, bands);
    ctx.stdout.write(
      formatTable(
        bands.map((b) => ({
          level: b.level,
          family: b.family,
          p25: usd(b.p25),
          median: usd(b.median),
          p75: usd(b.p75),
          n: b.n,
          fallback: b.fallbackStep,
          rows: bandBasis(b),
        })),
      ),
    );
    ctx.stdout.write(`USD per year, company country ${bands[0]?.country ?? country}, survey year ${bands[0]?.year ?? ''}; quartiles type 7; source: aijobs.net salaries (CC0)\n`);
  },
};
