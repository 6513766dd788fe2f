/**
 * The pure career derivation of the mobility spec (docs/mobility.md): origins, the year-by-year walk with its
 * decision log, confirmed moves (country and institution level), current country, category, returnee.
 * No database here: refreshCareers feeds it, `atlas career` prints its log.
 */
import type { CareerParams } from './params.ts';

export type DegreeLevel = 'bachelor' | 'master' | 'doctorate' | 'other';

export interface CareerAffiliationYear {
  year: number;
  institutionId: string | null;
  country: string | null;
}

export interface CareerEducation {
  institutionId: string | null;
  country: string | null;
  degree: DegreeLevel | string;
  startYear: number | null;
  endYear: number | null;
}

export type OriginBasis = 'education' | 'first_affiliation' | 'none';
export type Category = 'non-mobile' | 'traveller' | 'migrant';
export type Level = 'country' | 'institution';

export interface Move {
  from: string;
  to: string;
  year: number;
}

export type Decision = 'first' | 'stay' | 'concurrent' | 'move' | 'blip';

export interface WalkStep {
  year: number;
  /** The place set of the year (sorted). */
  places: string[];
  decision: Decision;
  /** Current place after this year. */
  current: string;
  /** The chosen place when the year's set had to be reduced to one (first year, move, blip). */
  candidate: string | null;
  /** Human-readable reason: why the candidate was chosen and why the move was (not) confirmed. */
  reason: string;
}

export interface Walk {
  steps: WalkStep[];
  moves: Move[];
}

export interface Career {
  eduOrigin: string | null;
  academicOrigin: string | null;
  origin: string | null;
  originBasis: OriginBasis;
  undergradCountry: string | null;
  /** Earliest master/doctorate country; null when none (graduateProxy then says origin stands in). */
  graduateCountry: string | null;
  firstYear: number | null;
  lastYear: number | null;
  /** Active years with their place sets, per level (the walks' input). */
  countryYears: PlaceYears;
  institutionYears: PlaceYears;
  countryWalk: Walk;
  institutionWalk: Walk;
  currentCountry: string | null;
  currentInstitution: string | null;
  category: Category | null;
  abroad: boolean | null;
  returnee: boolean;
  returnYear: number | null;
  /** Career age in the reference year (asOf, else the reference year given, else the last active year). */
  careerAge: number | null;
  earlyCareer: boolean | null;
}

export type PlaceYears = Array<{ year: number; places: string[] }>;

/** Ascending active years with the sorted set of places per year. */
export function placeYears(rows: readonly CareerAffiliationYear[], level: Level): PlaceYears {
  const obs: Array<{ year: number; place: string }> = [];
  for (const r of rows) {
    if (r.country === null || r.country === '') continue; // no country: kept in the store, ignored by every rule
    const place = level === 'country' ? r.country : r.institutionId;
    if (place === null || place === '') continue;
    obs.push({ year: r.year, place });
  }
  obs.sort((x, y) => x.year - y.year || (x.place < y.place ? -1 : x.place > y.place ? 1 : 0));
  const out: PlaceYears = [];
  let last: { year: number; places: string[] } | undefined;
  for (const o of obs) {
    if (!last || last.year !== o.year) out.push((last = { year: o.year, places: [o.place] }));
    else if (last.places[last.places.length - 1] !== o.place) last.places.push(o.place);
  }
  return out;
}

/** Pick one place from a year's set: the only one, else most active years overall, else alphabetical. */
function pick(places: readonly string[], totals: ReadonlyMap<string, number>, explain: boolean): { place: string; why: string } {
  if (places.length === 1) return { place: places[0] as string, why: explain ? 'only place that year' : '' };
  let best = places[0] as string;
  for (const p of places) if ((totals.get(p) ?? 0) > (totals.get(best) ?? 0)) best = p; // places sorted: first max = alphabetical
  if (!explain) return { place: best, why: '' };
  const top = totals.get(best) ?? 0;
  const tied = places.filter((p) => (totals.get(p) ?? 0) === top);
  const counts = places.map((p) => `${p}: ${totals.get(p) ?? 0}`).join(', ');
  if (tied.length > 1) return { place: best, why: `tie on most active years (${counts}) broken alphabetically` };
  return { place: best, why: `tie broken by most active years (${counts})` };
}

/** The spec's walk over active years, over countries or institution ids alike. */
export function walkPlaces(years: ReadonlyArray<{ year: number; places: string[] }>, params: Pick<CareerParams, 'minStay'>, explain = true): Walk {
  const steps: WalkStep[] = [];
  const moves: Move[] = [];
  if (years.length === 0) return { steps, moves };
  const totals = new Map<string, number>();
  for (const y of years) for (const p of y.places) totals.set(p, (totals.get(p) ?? 0) + 1);
  const need = params.minStay - 1;
  const first = years[0] as { year: number; places: string[] };
  const f = pick(first.places, totals, explain);
  let cur = f.place;
  steps.push({ year: first.year, places: first.places, decision: 'first', current: cur, candidate: cur, reason: explain ? `first active year: ${cur} (${f.why})` : '' });
  for (let i = 1; i < years.length; i++) {
    const { year, places } = years[i] as { year: number; places: string[] };
    if (places.includes(cur)) {
      const concurrent = places.length > 1;
      steps.push({
        year,
        places,
        decision: concurrent ? 'concurrent' : 'stay',
        current: cur,
        candidate: null,
        reason: !explain ? '' : concurrent ? `${cur} still present; concurrent ${places.filter((p) => p !== cur).join(', ')} do not move anyone` : `stays in ${cur}`,
      });
      continue;
    }
    const c = pick(places, totals, explain);
    let later = 0;
    for (let j = i + 1; j < years.length && later < need; j++) if ((years[j] as { places: string[] }).places.includes(c.place)) later++;
    const last = i === years.length - 1;
    if (later >= need || last) {
      moves.push({ from: cur, to: c.place, year });
      let reason = '';
      if (explain) {
        const why = later >= need ? `${c.place} present in ${need === 0 ? 'no required' : `≥ ${need}`} later active year${need === 1 ? '' : 's'} (minStay ${params.minStay})` : 'last active year';
        reason = `move ${cur} → ${c.place} confirmed: ${why}; candidate ${c.why}`;
      }
      steps.push({ year, places, decision: 'move', current: c.place, candidate: c.place, reason });
      cur = c.place;
    } else {
      steps.push({
        year,
        places,
        decision: 'blip',
        current: cur,
        candidate: c.place,
        reason: explain ? `blip: ${c.place} (${c.why}) not present in ${need} later active year${need === 1 ? '' : 's'} (minStay ${params.minStay}); stays ${cur}` : '',
      });
    }
  }
  return { steps, moves };
}

/** Place after the last active year ≤ asOf (asOf null: after the last active year). */
export function currentAsOf(walk: Walk, asOf: number | null): string | null {
  let cur: string | null = null;
  for (const s of walk.steps) {
    if (asOf !== null && s.year > asOf) break;
    cur = s.current;
  }
  return cur;
}

function byStartThenEnd(a: CareerEducation, b: CareerEducation): number {
  const sa = a.startYear ?? Infinity;
  const sb = b.startYear ?? Infinity;
  if (sa !== sb) return sa - sb;
  const ea = a.endYear ?? Infinity;
  const eb = b.endYear ?? Infinity;
  if (ea !== eb) return ea - eb;
  return (a.country ?? '').localeCompare(b.country ?? '');
}

function earliestCountry(edu: readonly CareerEducation[], keep: (e: CareerEducation) => boolean): string | null {
  const c = edu.filter((e) => e.country !== null && e.country !== '' && keep(e)).sort(byStartThenEnd);
  return c[0]?.country ?? null;
}

/** Country of the earliest bachelor record; else of the earliest record with a country; else null. */
export function educationOrigin(edu: readonly CareerEducation[]): string | null {
  return earliestCountry(edu, (e) => e.degree === 'bachelor') ?? earliestCountry(edu, () => true);
}

/** Over the first originYears active years: the most frequent country; ties by earliest appearance, then alphabetical. */
export function academicOrigin(years: ReadonlyArray<{ year: number; places: string[] }>, originYears: number): string | null {
  const head = years.slice(0, originYears);
  const count = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  for (const y of head) {
    for (const p of y.places) {
      count.set(p, (count.get(p) ?? 0) + 1);
      if (!firstSeen.has(p)) firstSeen.set(p, y.year);
    }
  }
  let best: string | null = null;
  for (const [p, n] of count) {
    if (best === null) {
      best = p;
      continue;
    }
    const bn = count.get(best) ?? 0;
    const better = n > bn || (n === bn && ((firstSeen.get(p) ?? 0) < (firstSeen.get(best) ?? 0) || ((firstSeen.get(p) ?? 0) === (firstSeen.get(best) ?? 0) && p < best)));
    if (better) best = p;
  }
  return best;
}

/**
 * Derive a whole career. referenceYear: the year career age is measured in when asOf is not set (default: last
 * active year). explain = false skips building the walk's reason texts (bulk refresh).
 */
export function deriveCareer(
  affiliations: readonly CareerAffiliationYear[],
  education: readonly CareerEducation[],
  params: CareerParams,
  referenceYear?: number | null,
  explain = true,
): Career {
  const countryYears = placeYears(affiliations, 'country');
  const institutionYears = placeYears(affiliations, 'institution');
  const countryWalk = walkPlaces(countryYears, params, explain);
  const institutionWalk = walkPlaces(institutionYears, params, explain);
  const eduOrigin = educationOrigin(education);
  const academic = academicOrigin(countryYears, params.originYears);
  const origin = eduOrigin ?? academic;
  const originBasis: OriginBasis = eduOrigin !== null ? 'education' : academic !== null ? 'first_affiliation' : 'none';
  const firstYear = countryYears[0]?.year ?? null;
  const lastYear = countryYears[countryYears.length - 1]?.year ?? null;
  const currentCountry = currentAsOf(countryWalk, params.asOf);
  const distinct = new Set<string>();
  for (const y of countryYears) for (const p of y.places) distinct.add(p);
  const category: Category | null =
    countryWalk.moves.length > 0 ? 'migrant' : distinct.size > 1 ? 'traveller' : distinct.size === 1 ? 'non-mobile' : null;
  let returnYear: number | null = null;
  if (origin !== null) {
    let away = false;
    for (const m of countryWalk.moves) {
      if (!away && m.from === origin && m.to !== origin) away = true;
      else if (away && m.to === origin) {
        returnYear = m.year;
        break;
      }
    }
  }
  const ref = params.asOf ?? referenceYear ?? lastYear;
  const careerAge = firstYear !== null && ref !== null && ref >= firstYear ? ref - firstYear + 1 : null;
  return {
    eduOrigin,
    academicOrigin: academic,
    origin,
    originBasis,
    undergradCountry: earliestCountry(education, (e) => e.degree === 'bachelor'),
    graduateCountry: earliestCountry(education, (e) => e.degree === 'master' || e.degree === 'doctorate'),
    firstYear,
    lastYear,
    countryYears,
    institutionYears,
    countryWalk,
    institutionWalk,
    currentCountry,
    currentInstitution: currentAsOf(institutionWalk, params.asOf),
    category,
    abroad: origin !== null && currentCountry !== null ? origin !== currentCountry : null,
    returnee: returnYear !== null,
    returnYear,
    careerAge,
    earlyCareer: careerAge === null ? null : careerAge <= params.earlyCareer,
  };
}

/** Runs of consecutive calendar years in which the person is present at each place: [place, firstYear, lastYear]. */
export function presenceRuns(years: PlaceYears): Array<[string, number, number]> {
  const open = new Map<string, [string, number, number]>();
  const runs: Array<[string, number, number]> = [];
  for (const { year, places } of years) {
    for (const p of places) {
      const r = open.get(p);
      if (r && r[2] === year - 1) r[2] = year;
      else {
        const run: [string, number, number] = [p, year, year];
        open.set(p, run);
        runs.push(run);
      }
    }
  }
  return runs;
}
