/** `atlas gap`: a person's pay gap between where they work and their origin country, nominal and price-level-adjusted. */
import { badArgument } from '../../core/errors.ts';
import { estimateGap, personGap, type GapEstimate } from '../../economics/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command } from '../command.ts';
import { printJson } from '../output.ts';
import { GAP_OPTIONS, GAP_USAGE, gapOptionsFrom, usd } from './econ-args.ts';
import { ensureCareers } from './subsidy.ts';

function printGap(out: NodeJS.WritableStream, who: string, g: GapEstimate): void {
  const w = (s: string): void => void out.write(s);
  w(`${who}: works in ${g.currentCountry}, origin ${g.origin}; level ${g.level} (${g.levelBasis}); family ${g.family}; survey year ${g.year}\n`);
  w(`  current pay  ${usd(g.current.usd)} USD  — ${g.current.basis}\n`);
  w(`  home offer   ${usd(g.home.usd)} USD  — ${g.home.basis}\n`);
  w(`  gap nominal  ${usd(g.gapNominal)} USD\n`);
  if (g.adjusted) {
    const a = g.adjusted;
    w(`  gap adjusted ${usd(a.gapIntl)} intl$ (${a.method}) = ${usd(a.gapAtHomeUsd)} USD at ${g.origin} prices\n`);
    w(`    price level ${g.currentCountry} ${a.currentLevel.level.toFixed(4)}: ${a.currentLevel.basis}\n`);
    w(`    price level ${g.origin} ${a.homeLevel.level.toFixed(4)}: ${a.homeLevel.basis}\n`);
  } else w('  gap adjusted: unavailable (no price level for one of the countries)\n');
}

export const gapCommand: Command = {
  name: 'gap',
  summary: 'Pay gap of a person (or of given countries) between current country and origin, nominal and PPP-adjusted',
  usage: `atlas gap PERSON [options]
atlas gap --current CC --origin CC --level EX [options]

  PERSON               a person id, ORCID, OpenAlex id or exact name (facts from the careers table)
  --current CC         current country, with --origin and --level, instead of a person
  --origin CC          origin (home) country
${GAP_USAGE}`,
  positionals: true,
  options: { current: { type: 'string' }, origin: { type: 'string' }, ...GAP_OPTIONS },
  async run(ctx, values, positionals) {
    const opts = gapOptionsFrom(values);
    const query = positionals.join(' ').trim();
    let who: string;
    let g: GapEstimate;
    if (query) {
      const store = await ctx.store();
      await ensureCareers(store);
      const p = await resolvePerson(store, query);
      g = await personGap(store, p.person_id, opts);
      who = `${p.person_id}${p.display_name ? ` (${p.display_name})` : ''}`;
    } else {
      const current = values['current'] as string | undefined;
      const origin = values['origin'] as string | undefined;
      if (!current || !origin || !opts.level) throw badArgument('give a PERSON, or --current CC --origin CC --level EN|MI|SE|EX');
      g = estimateGap({ currentCountry: current, origin, level: opts.level }, opts);
      who = 'Given';
    }
    if (ctx.json) printJson(ctx.stdout, g);
    else printGap(ctx.stdout, who, g);
  },
};
