/** `atlas flows`: confirmed moves A → B in a window (country or institution level), net flows and net rates, optionally for a cohort. */
import { AtlasError, badArgument } from '../../core/errors.ts';
import { countryCode } from '../../core/countries.ts';
import { flows, parseYear, readIdFile, refreshCareersKeepingParams, resolveInstitution, type Cohort, type OriginRestsOn } from '../../careers/index.ts';
import { searchPersonIds } from '../../search/index.ts';
import type { Store } from '../../store/store.ts';
import type { Command, CommandContext, OptionSpec, ParsedValues } from '../command.ts';
import { formatCsv, formatTable, printJson } from '../output.ts';
import { storeWithIndexAhead } from '../store-with-index-ahead.ts';

/** Validate a country code given by the user (BAD_ARGUMENT, not UNKNOWN_COUNTRY: it is a flag problem). */
export function countryArg(flag: string, raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw badArgument(`${flag} needs an ISO 3166-1 alpha-2 country code (e.g. US, CN, GB)`);
  try {
    return countryCode(raw);
  } catch (e) {
    throw new AtlasError('BAD_ARGUMENT', `${flag}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export const COHORT_OPTIONS: OptionSpec = {
  origin: { type: 'string' },
  institution: { type: 'string' },
  search: { type: 'string' },
  'search-limit': { type: 'string' },
  venue: { type: 'string' },
  year: { type: 'string' },
  ids: { type: 'string' },
};

export const COHORT_USAGE = `  --origin CC         cohort: people whose origin is CC
  --institution I     cohort: people whose current institution is I (id or name, as \`atlas institution\`)
  --venue V --year Y  cohort: all authors of works at venue V (case-insensitive) in year Y (e.g. ICML 2023)
  --ids FILE          cohort: person ids from FILE (one per line)
  --search "QUERY"    cohort: the top people of a search (as \`atlas search\`), --search-limit N of them (default 1000)`;

/** The cohort named by --origin / --venue+--year / --ids / --search (restrictions combine); undefined when none given. */
export async function cohortFromFlags(ctx: CommandContext, values: ParsedValues): Promise<Cohort | undefined> {
  const cohort: Cohort = {};
  const origin = values['origin'] as string | undefined;
  if (origin !== undefined) cohort.origin = countryArg('--origin', origin);
  const institution = values['institution'] as string | undefined;
  if (institution !== undefined) {
    if (!institution.trim()) throw badArgument('--institution needs an institution id or name');
    cohort.currentInstitution = (await resolveInstitution(await ctx.store(), institution)).institution_id;
  }
  const venue = values['venue'] as string | undefined;
  const year = parseYear('--year', values['year'] as string | undefined);
  if ((venue === undefined) !== (year === undefined)) throw badArgument('--venue and --year go together (e.g. --venue ICML --year 2023)');
  if (venue !== undefined && year !== undefined) {
    if (!venue.trim()) throw badArgument('--venue must not be empty');
    cohort.venue = { venue: venue.trim(), year };
  }
  const file = values['ids'] as string | undefined;
  if (file !== undefined) {
    cohort.ids = readIdFile(file);
    cohort.idsLabel = `file ${file}`;
  }
  const search = values['search'] as string | undefined;
  const limitRaw = values['search-limit'] as string | undefined;
  if (limitRaw !== undefined && search === undefined) throw badArgument('--search-limit goes with --search "QUERY"');
  if (search !== undefined) {
    if (cohort.ids) throw badArgument('give either --ids FILE or --search "QUERY", not both');
    if (!search.trim()) throw badArgument('--search needs a query, e.g. --search "diffusion models"');
    const limit = limitRaw === undefined ? 1000 : Number(limitRaw);
    if (!/^\d+$/.test(limitRaw ?? '1000') || limit < 1) throw badArgument(`--search-limit must be a whole number ≥ 1 (got "${limitRaw}")`);
    const store = await storeWithIndexAhead(ctx);
    await careersReady(store);
    cohort.ids = await searchPersonIds(store, search, { limit });
    cohort.idsLabel = `search "${search}" (top ${limit})`;
  }
  return Object.keys(cohort).length ? cohort : undefined;
}

/** Derive careers when they never were (a database filled before careers existed); analyses read the derived tables. */
export async function careersReady(store: Store): Promise<void> {
  const r = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM career_params');
  if ((r[0]?.n ?? 0) === 0) await refreshCareersKeepingParams(store);
}

export function paramsLine(params: Record<string, unknown>): string {
  return (
    'parameters: ' +
    Object.entries(params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ') +
    '\n'
  );
}

export function basisLine(label: string, basis: Record<string, number>): string {
  return `${label} by origin basis: education ${basis['education'] ?? 0}, first_affiliation ${basis['first_affiliation'] ?? 0}, none ${basis['none'] ?? 0}\n`;
}

/** What the origins rest on: a stated education record, an observed one, the first affiliation, nothing. */
export function restsOnLine(label: string, r: OriginRestsOn): string {
  const unresolved = r.unresolved ? `, unresolved ${r.unresolved} (careers older than the records: run atlas refresh-careers)` : '';
  return `${label} origin rests on: stated records ${r.stated}, observed records ${r.observed}, first affiliation ${r.first_affiliation}, none ${r.none}${unresolved}\n`;
}

function windowYear(values: ParsedValues, flag: 'from' | 'to'): number | undefined {
  return parseYear(`--${flag}`, values[flag] as string | undefined);
}

export const flowsCommand: Command = {
  name: 'flows',
  summary: 'Talent flows A → B (confirmed moves) with net flows and net rates per 1,000',
  usage: `atlas flows [--level country|institution] [--from Y] [--to Y] [--top N] [cohort] [--matrix] [--json|--csv]

  --level L           country (default) or institution
  --from Y, --to Y    window of move years (inclusive; default all years)
  --top N             pairs in the top list (default 20)
${COHORT_USAGE}
  --matrix            print every pair (the full matrix, sparse) instead of the top N
  --csv               CSV: the pairs (from,to,moves); with --net the net table instead
  --net               with --csv: the net flow table (place,inflow,outflow,net,active,net_rate_per_1000)`,
  options: { level: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, top: { type: 'string' }, matrix: { type: 'boolean' }, csv: { type: 'boolean' }, net: { type: 'boolean' }, ...COHORT_OPTIONS },
  async run(ctx: CommandContext, values: ParsedValues) {
    const level = (values['level'] as string | undefined) ?? 'country';
    if (level !== 'country' && level !== 'institution') throw badArgument(`--level must be country or institution (got "${level}")`);
    const topRaw = values['top'] as string | undefined;
    const top = topRaw === undefined ? 20 : Number(topRaw);
    if (!/^\d+$/.test(topRaw ?? '20') || top < 1) throw badArgument(`--top must be a whole number ≥ 1 (got "${topRaw}")`);
    const from = windowYear(values, 'from');
    const to = windowYear(values, 'to');
    if (from !== undefined && to !== undefined && from > to) throw badArgument(`--from ${from} is after --to ${to}: the window must satisfy from ≤ to`);
    const cohort = await cohortFromFlags(ctx, values);
    const store = await ctx.store();
    await careersReady(store);
    const report = await flows(store, { level, from, to, top, cohort });
    const net = report.net.map((n) => ({ place: n.place, inflow: n.inflow, outflow: n.outflow, net: n.net, active: n.active, net_rate_per_1000: n.netRatePer1000 }));
    if (ctx.json) return printJson(ctx.stdout, report);
    if (values['csv']) {
      if (values['net']) ctx.stdout.write(formatCsv(net, ['place', 'inflow', 'outflow', 'net', 'active', 'net_rate_per_1000']));
      else ctx.stdout.write(formatCsv(values['matrix'] ? report.pairs : report.top, ['from', 'to', 'moves']));
      return;
    }
    ctx.stdout.write(paramsLine({ ...report.params, career: undefined, ...report.params.career }));
    ctx.stdout.write(`${report.totalMoves} confirmed moves by ${report.movers} people; ${report.pairs.length} distinct pairs\n`);
    ctx.stdout.write(basisLine('movers', report.originBasis));
    ctx.stdout.write(restsOnLine('movers', report.originRestsOn) + '\n');
    ctx.stdout.write(values['matrix'] ? 'All pairs\n' : `Top ${report.top.length} flows\n`);
    ctx.stdout.write(formatTable(values['matrix'] ? report.pairs : report.top, ['from', 'to', 'moves']));
    ctx.stdout.write('\nNet flows (net rate per 1,000 active researchers of the place in the window; the denominator is "active")\n');
    ctx.stdout.write(formatTable(net.slice(0, values['matrix'] ? net.length : top), ['place', 'inflow', 'outflow', 'net', 'active', 'net_rate_per_1000']));
  },
};
