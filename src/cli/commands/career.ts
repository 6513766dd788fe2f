/**
 * `atlas career <person>`: one person's derived career with the year-by-year walk and the reason for every
 * decision; `atlas refresh-careers` re-derives every career with chosen parameters.
 */
import { badArgument } from '../../core/errors.ts';
import { careerParams, dataReferenceYear, deriveCareer, loadCareerInputs, refreshCareers, storedCareerParams, type CareerParams } from '../../careers/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command, OptionSpec, ParsedValues } from '../command.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import { paramsLine } from './flows.ts';

const PARAM_OPTIONS: OptionSpec = {
  'origin-years': { type: 'string' },
  'min-stay': { type: 'string' },
  'early-career': { type: 'string' },
  'as-of': { type: 'string' },
};

const PARAM_USAGE = `  --origin-years N    active years defining the academic origin (default 3)
  --min-stay N        a move is confirmed when the new place appears in N − 1 later active years (default 2)
  --early-career N    career age counted as early career (default 8)
  --as-of Y           current country as of year Y (default: after the last active year)`;

function intFlag(values: ParsedValues, flag: string): number | undefined {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw badArgument(`--${flag} must be a whole number (got "${raw}")`);
  return Number(raw);
}

function paramsFromFlags(values: ParsedValues, base: CareerParams): CareerParams {
  return careerParams({
    originYears: intFlag(values, 'origin-years') ?? base.originYears,
    minStay: intFlag(values, 'min-stay') ?? base.minStay,
    earlyCareer: intFlag(values, 'early-career') ?? base.earlyCareer,
    asOf: intFlag(values, 'as-of') ?? base.asOf,
  });
}

export const careerCommand: Command = {
  name: 'career',
  summary: "One person's career: origins, moves, current country, and the reason for every year's decision",
  usage: `atlas career <person> [--level country|institution] [parameters] [--json|--csv]

  <person>            person id, ORCID/OpenAlex/OpenReview id, or exact name
  --level L           walk to print: country (default) or institution (both are in --json)
  --csv               CSV of the walk (year,places,decision,current,reason)
${PARAM_USAGE}`,
  options: { level: { type: 'string' }, csv: { type: 'boolean' }, ...PARAM_OPTIONS },
  positionals: true,
  async run(ctx, values, positionals) {
    const query = positionals.join(' ').trim();
    if (!query) throw badArgument('name a person: `atlas career <person id | ORCID | name>`');
    const level = (values['level'] as string | undefined) ?? 'country';
    if (level !== 'country' && level !== 'institution') throw badArgument(`--level must be country or institution (got "${level}")`);
    const store = await ctx.store();
    const stored = await storedCareerParams(store);
    const params = paramsFromFlags(values, stored);
    const person = await resolvePerson(store, query);
    const inputs = await loadCareerInputs(store, person.person_id);
    const referenceYear = stored.referenceYear ?? (await dataReferenceYear(store));
    const c = deriveCareer(inputs.affiliations, inputs.education, params, referenceYear);
    const walk = level === 'country' ? c.countryWalk : c.institutionWalk;
    const steps = walk.steps.map((s) => ({ year: s.year, places: s.places.join(' '), decision: s.decision, current: s.current, reason: s.reason }));
    if (ctx.json) return printJson(ctx.stdout, { person, params: { ...params, referenceYear }, career: c, inputs });
    if (values['csv']) return void ctx.stdout.write(formatCsv(steps, ['year', 'places', 'decision', 'current', 'reason']));
    const yes = (b: boolean | null) => (b === null ? 'unknown' : b ? 'yes' : 'no');
    ctx.stdout.write(`${person.display_name ?? person.person_id} (${person.person_id})\n`);
    ctx.stdout.write(paramsLine({ ...params, referenceYear }));
    ctx.stdout.write(
      [
        `origin: ${c.origin ?? 'unknown'} (basis ${c.originBasis}; education origin ${c.eduOrigin ?? 'unknown'}, academic origin ${c.academicOrigin ?? 'unknown'})`,
        `current country: ${c.currentCountry ?? 'unknown'}${params.asOf !== null ? ` as of ${params.asOf}` : ''}; current institution: ${c.currentInstitution ?? 'unknown'}`,
        `category: ${c.category ?? 'unknown (no active years)'}; abroad: ${yes(c.abroad)}; returnee: ${c.returnee ? `yes, ${c.returnYear}` : 'no'}`,
        `active years: ${c.firstYear ?? '-'}–${c.lastYear ?? '-'}; career age ${c.careerAge ?? 'unknown'}${c.earlyCareer ? ' (early career)' : ''}`,
        `stages: undergraduate ${c.undergradCountry ?? 'unknown'} → graduate ${c.graduateCountry ?? (c.origin ? `${c.origin} (proxy: origin)` : 'unknown')} → current ${c.currentCountry ?? 'unknown'}`,
        `${inputs.affiliations.length} affiliation-years (${inputs.affiliations.filter((a) => a.country === null).length} without a country, ignored), ${inputs.education.length} education records`,
      ].join('\n') + '\n',
    );
    ctx.stdout.write(`\n${level} moves: ${walk.moves.length ? walk.moves.map((m) => `${m.from} → ${m.to} (${m.year})`).join(', ') : 'none'}\n\nYear-by-year walk (${level} level)\n`);
    ctx.stdout.write(formatTable(steps, ['year', 'places', 'decision', 'current', 'reason']));
  },
};

export const refreshCareersCommand: Command = {
  name: 'refresh-careers',
  summary: 'Re-derive every career, move and current country (optionally with other parameters)',
  usage: `atlas refresh-careers [parameters]

${PARAM_USAGE}

Ingest runs this after every load with the stored parameters; the analyses (flows, diaspora, returnees, cohort) read its result.`,
  options: PARAM_OPTIONS,
  async run(ctx, values) {
    const store = await ctx.store();
    const params = paramsFromFlags(values, await storedCareerParams(store));
    const r = await store.withWriterLock(() => refreshCareers(store, params));
    if (ctx.json) return printJson(ctx.stdout, r);
    ctx.stdout.write(paramsLine({ ...r.params, referenceYear: r.referenceYear }));
    ctx.stdout.write(`${r.people} careers derived: ${r.countryMoves} country moves, ${r.institutionMoves} institution moves (${(r.ms / 1000).toFixed(1)} s)\n`);
  },
};
