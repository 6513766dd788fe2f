/** `atlas cohort`: undergraduate → graduate → current country stages for a cohort (venue+year, id file, origin). */
import { badArgument } from '../../core/errors.ts';
import { cohortStages } from '../../careers/index.ts';
import type { Command } from '../command.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import { basisLine, careersReady, COHORT_OPTIONS, COHORT_USAGE, cohortFromFlags, paramsLine, restsOnLine } from './flows.ts';

export const cohortCommand: Command = {
  name: 'cohort',
  summary: 'Cohort stages: undergraduate → graduate → current country, with unknown and proxy counts',
  usage: `atlas cohort (--venue V --year Y | --ids FILE | --search QUERY | --origin CC | --institution I) [--json|--csv]

${COHORT_USAGE}
  --csv               CSV: stage,country,people,share (unknown rows included)

The graduate stage is the earliest master/doctorate record; without one, the origin stands in and is counted as proxy.
Each stage says how many known values rest on a stated and on an observed record (docs/mobility.md).`,
  options: { ...COHORT_OPTIONS, csv: { type: 'boolean' } },
  async run(ctx, values) {
    const cohort = await cohortFromFlags(ctx, values);
    if (!cohort) throw badArgument('name a cohort: --venue V --year Y, --ids FILE, --search QUERY, --origin CC or --institution I');
    const store = await ctx.store();
    await careersReady(store);
    const r = await cohortStages(store, cohort);
    if (ctx.json) return printJson(ctx.stdout, r);
    const rows = r.stages.flatMap((s) => [
      ...s.countries.map((c) => ({ stage: s.stage, country: c.country, people: c.people, share: c.share })),
      { stage: s.stage, country: 'unknown', people: s.unknown, share: r.staged ? s.unknown / r.staged : 0 },
    ]);
    if (values['csv']) return void ctx.stdout.write(formatCsv(rows, ['stage', 'country', 'people', 'share']));
    ctx.stdout.write(paramsLine({ ...r.params.cohort, ...r.params.career }));
    ctx.stdout.write(`cohort: ${r.members} people named, ${r.staged} with a derived career\n`);
    ctx.stdout.write(basisLine('cohort', r.originBasis));
    ctx.stdout.write(restsOnLine('cohort', r.originRestsOn));
    for (const s of r.stages) {
      const rb = s.recordBasis ? ` (from stated records ${s.recordBasis.stated}, observed records ${s.recordBasis.observed})` : '';
      ctx.stdout.write(`\n${s.stage}: known ${s.known}${rb}, unknown ${s.unknown}${s.stage === 'graduate' ? `, proxy (origin standing in) ${s.proxy}` : ''}\n`);
      ctx.stdout.write(formatTable(s.countries.slice(0, 15), ['country', 'people', 'share']));
    }
    ctx.stdout.write(`\nundergraduate → graduate (${r.transitions.unknownPairs.undergraduateToGraduate} with an unknown stage)\n`);
    ctx.stdout.write(formatTable(r.transitions.undergraduateToGraduate.slice(0, 15), ['from', 'to', 'people']));
    ctx.stdout.write(`\ngraduate → current (${r.transitions.unknownPairs.graduateToCurrent} with an unknown stage)\n`);
    ctx.stdout.write(formatTable(r.transitions.graduateToCurrent.slice(0, 15), ['from', 'to', 'people']));
  },
};
