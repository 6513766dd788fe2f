/** `atlas subsidy`: the cost of paying a country's diaspora a share of their pay gap to come home, with basis and sensitivity. */
import { AtlasError, badArgument } from '../../core/errors.ts';
import { readIdFile, refreshCareersKeepingParams } from '../../careers/index.ts';
import { searchPersonIds } from '../../search/index.ts';
import { subsidyPlan, validateSubsidyOptions, type SubsidyPlan } from '../../economics/index.ts';
import type { Store } from '../../store/store.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { storeWithIndexAhead } from '../store-with-index-ahead.ts';
import { GAP_OPTIONS, GAP_USAGE, gapOptionsFrom, intArg, numberArg, usd } from './econ-args.ts';

export async function ensureCareers(store: Store): Promise<void> {
  const r = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM career_params');
  if ((r[0]?.n ?? 0) === 0) await refreshCareersKeepingParams(store);
}

function printPlan(out: NodeJS.WritableStream, p: SubsidyPlan, cohortLabel: string): void {
  const w = (s: string): void => void out.write(s);
  w(`Subsidy for the ${p.origin} diaspora — cohort: ${cohortLabel}\n`);
  w(`Policy: ${p.share} × max(gap, 0) per year${p.cap !== null ? `, capped at ${usd(p.cap)} USD/year` : ''}, for ${p.years} year(s)\n`);
  w(`Gap: ${p.method}\n`);
  const reasons = Object.entries(p.excluded.byReason).map(([k, v]) => `${v} ${k}`).join(', ');
  w(`Cohort ${p.cohort}: ${p.eligible} eligible (origin ${p.origin}, abroad); ${p.excluded.total} excluded${reasons ? ` (${reasons})` : ''}\n\n`);
  w(
    formatTable(
      p.lines.map((l) => ({
        person: l.personId,
        name: l.displayName ?? '',
        now_in: l.currentCountry,
        level: `${l.level} (${l.levelBasis})`,
        current_usd: usd(l.currentPay),
        home_usd: usd(l.homeOffer),
        gap_nominal: usd(l.gapNominal),
        gap_adjusted: usd(l.gapAdjusted),
        subsidy_usd: usd(l.subsidy),
      })),
    ),
  );
  w(`\nTOTAL ${usd(p.total)} USD (${usd(p.perYearTotal)} USD per year × ${p.years})\n`);
  if (p.distribution) {
    const d = p.distribution;
    w(`Per-person subsidy: min ${usd(d.min)}, p25 ${usd(d.p25)}, median ${usd(d.median)}, p75 ${usd(d.p75)}, max ${usd(d.max)} (n=${d.n}; quartiles type 7)\n`);
  }
  w('\nSensitivity (total USD):\n');
  const shares = [...new Set(p.sensitivity.map((s) => s.share))];
  w(
    formatTable(
      shares.map((share) => ({
        share: String(share),
        'price-adjusted': usd(p.sensitivity.find((s) => s.share === share && s.ppp)?.total),
        nominal: usd(p.sensitivity.find((s) => s.share === share && !s.ppp)?.total),
      })),
    ),
  );
  w('\nBasis (bands: median of salary_in_usd, aijobs.net survey CC0; price levels: World Bank ICP PPP ÷ market FX):\n');
  const bases = new Map<string, number>();
  for (const l of p.lines) for (const part of l.basis.split('; ')) bases.set(part, (bases.get(part) ?? 0) + 1);
  for (const [b, n] of bases) w(`  [${n} people] ${b}\n`);
  for (const n of p.notes) w(`Note: ${n}\n`);
}

export const subsidyCommand: Command = {
  name: 'subsidy',
  summary: 'Price a subsidy of the pay gap for a country\'s researchers abroad (diaspora), with basis and sensitivity',
  usage: `atlas subsidy --origin CC (--cohort "<search>" | --ids FILE) --share 0.5 [--cap USD] [--years N] [--no-ppp]

  --origin CC          the paying country (ISO alpha-2); only people with this origin who are abroad are eligible
  --cohort "<query>"   cohort: people found by a search (the top --limit N, default 1000)
  --ids FILE           cohort: person ids from FILE (one per line)
  --share S            share of the positive gap paid, 0..1
  --cap USD            yearly cap per person (USD)
  --years N            years paid (default 1)
  --no-ppp             subsidise the nominal gap instead of the price-level-adjusted one
${GAP_USAGE}`,
  options: {
    origin: { type: 'string' },
    cohort: { type: 'string' },
    ids: { type: 'string' },
    limit: { type: 'string' },
    share: { type: 'string' },
    cap: { type: 'string' },
    years: { type: 'string' },
    'no-ppp': { type: 'boolean' },
    ...GAP_OPTIONS,
  },
  async run(ctx, values) {
    const origin = values['origin'] as string | undefined;
    if (!origin) throw badArgument('--origin is required (the paying country, e.g. --origin KR)');
    const share = numberArg(values, 'share');
    if (share === undefined) throw badArgument('--share is required (0..1, e.g. --share 0.5)');
    const query = values['cohort'] as string | undefined;
    const file = values['ids'] as string | undefined;
    if ((query === undefined) === (file === undefined)) throw badArgument('give exactly one of --cohort "<search>" or --ids FILE');
    validateSubsidyOptions({ origin, share, cap: numberArg(values, 'cap'), years: intArg(values, 'years') });
    const store = query !== undefined ? await storeWithIndexAhead(ctx) : await ctx.store();
    await ensureCareers(store);
    let ids: string[];
    let label: string;
    if (file !== undefined) {
      ids = readIdFile(file);
      label = `${ids.length} ids from ${file}`;
    } else {
      if (!query?.trim()) throw badArgument('--cohort needs a search query');
      const limit = intArg(values, 'limit') ?? 1000;
      ids = await searchPersonIds(store, query, { limit });
      if (ids.length === 0) throw badArgument(`the cohort is empty: the search "${query}" matched nobody`);
      label = `search "${query}" (${ids.length} people, limit ${limit})`;
    }
    const plan = await subsidyPlan(store, ids, {
      origin,
      share,
      cap: numberArg(values, 'cap'),
      years: intArg(values, 'years'),
      ppp: values['no-ppp'] !== true,
      ...gapOptionsFrom(values),
    });
    if (ctx.json) printJson(ctx.stdout, { cohortLabel: label, ...plan, lines: plan.lines.map(({ gap: _gap, ...l }) => ({ ...l, bands: { current: _gap.current.band, home: _gap.home.band } })) });
    else printPlan(ctx.stdout, plan, label);
  },
};
