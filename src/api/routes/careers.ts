/** Careers and mobility (src/careers): flows, net rates, diaspora, returnees, cohort stages, one person's career walk. */
import { z } from 'zod';
import {
  cohortStages,
  dataReferenceYear,
  deriveCareer,
  diaspora,
  loadCareerInputs,
  resolveInstitution,
  returnees,
  serveFlows,
  storedCareerParams,
  type Cohort,
} from '../../careers/index.ts';
import { AtlasError } from '../../core/errors.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Store } from '../../store/store.ts';
import { searchPersonIds } from '../../search/index.ts';
import { defineRoute } from '../route.ts';
import { countryCode, page, pagination, personIdParam, year, yearWindow } from '../schemas.ts';

const cohortShape = {
  origin: countryCode.optional().describe('cohort: people whose origin is this country'),
  institution: z.string().trim().min(1).max(300).optional().describe('cohort: people whose current institution is this one (institution id or name)'),
  venue: z.string().trim().min(1).max(200).optional().describe('cohort: authors of works at this venue (with venue_year)'),
  venue_year: year.optional().describe('cohort: year of the venue'),
  topic: z.string().trim().min(1).max(200).optional().describe('cohort: the people a topic search finds (up to 5,000)'),
};

type CohortQuery = { origin?: string | undefined; institution?: string | undefined; venue?: string | undefined; venue_year?: number | undefined; topic?: string | undefined };

async function cohortOf(store: Store, q: CohortQuery): Promise<Cohort | undefined> {
  if ((q.venue === undefined) !== (q.venue_year === undefined)) throw new AtlasError('BAD_ARGUMENT', 'venue and venue_year go together: give both or neither');
  const cohort: Cohort = {};
  if (q.origin !== undefined) cohort.origin = q.origin;
  if (q.institution !== undefined) cohort.currentInstitution = (await resolveInstitution(store, q.institution)).institution_id;
  if (q.venue !== undefined && q.venue_year !== undefined) cohort.venue = { venue: q.venue, year: q.venue_year };
  if (q.topic !== undefined) {
    cohort.ids = await searchPersonIds(store, q.topic, { limit: 5000 });
    cohort.idsLabel = `search: ${q.topic}`;
  }
  return Object.keys(cohort).length ? cohort : undefined;
}

async function requireCareers(store: Store): Promise<void> {
  const [row] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers');
  if (!row?.n) throw new AtlasError('NO_DATA', 'no careers have been derived yet: ingest data, then run `atlas refresh-careers`');
}

const flowQuery = yearWindow({ level: z.enum(['country', 'institution']).default('country'), ...cohortShape, ...pagination });

export const careersRoutes = [
  defineRoute({
    url: '/api/flows',
    role: 'viewer',
    tag: 'careers',
    summary: 'Confirmed moves A → B in a year window (country or institution level), optionally for a cohort; pairs paged, net flows per place',
    query: flowQuery,
    returns: '{params, totalMoves, movers, originBasis, originRestsOn: {stated, observed, first_affiliation, none}, pairs: {items: [{from, to, moves}], total, limit, offset}, net: {items: [{place, inflow, outflow, net, active, netRatePer1000}], total}}',
    cache: true,
    async handler({ query }, { store }) {
      const report = await serveFlows(store, { level: query.level, from: query.from, to: query.to, cohort: await cohortOf(store, query), top: 20 });
      return { ...report, top: undefined, pairs: page(report.pairs, query.limit, query.offset), net: page(report.net, query.limit, query.offset) };
    },
  }),
  defineRoute({
    url: '/api/moves',
    role: 'analyst',
    tag: 'careers',
    summary: 'The people behind a flow: confirmed moves from one place to another in a window, with names',
    query: yearWindow({
      level: z.enum(['country', 'institution']).default('country'),
      from_place: z.string().trim().min(1).max(100).optional().describe('origin place (country code or institution id)'),
      to_place: z.string().trim().min(1).max(100).optional().describe('destination place'),
      ...pagination,
    }),
    returns: '{items: [{person_id, display_name, from_place, to_place, year}], total, limit, offset}',
    cache: true,
    async handler({ query }, { store }) {
      const params: Array<string | number> = [query.level];
      const conds = ['m.level = $1'];
      const add = (sql: string, v: string | number | undefined) => {
        if (v === undefined) return;
        params.push(v);
        conds.push(sql.replace('?', `$${params.length}`));
      };
      add('m.from_place = ?', query.level === 'country' ? query.from_place?.toUpperCase() : query.from_place);
      add('m.to_place = ?', query.level === 'country' ? query.to_place?.toUpperCase() : query.to_place);
      add('m.year >= ?', query.from);
      add('m.year <= ?', query.to);
      const where = conds.join(' AND ');
      const [total] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM moves m WHERE ${where}`, params);
      const items = await store.query(
        `SELECT m.person_id, p.display_name, m.from_place, m.to_place, m.year FROM moves m LEFT JOIN people p ON p.person_id = m.person_id
         WHERE ${where} ORDER BY m.year DESC, m.person_id LIMIT ${query.limit} OFFSET ${query.offset}`,
        params,
      );
      return { items, total: total?.n ?? 0, limit: query.limit, offset: query.offset };
    },
  }),
  defineRoute({
    url: '/api/net-rates',
    role: 'viewer',
    tag: 'careers',
    summary: 'Net flow per 1,000 active researchers per country in a window (the map), highest first',
    query: yearWindow({ ...cohortShape, ...pagination }),
    returns: '{params, items: [{place, inflow, outflow, net, active, netRatePer1000}], total, limit, offset}',
    cache: true,
    async handler({ query }, { store }) {
      const report = await serveFlows(store, { level: 'country', from: query.from, to: query.to, cohort: await cohortOf(store, query) });
      const sorted = [...report.net].sort((a, b) => (b.netRatePer1000 ?? -Infinity) - (a.netRatePer1000 ?? -Infinity) || a.place.localeCompare(b.place));
      return { params: report.params, ...page(sorted, query.limit, query.offset) };
    },
  }),
  defineRoute({
    url: '/api/diaspora/:cc',
    role: 'viewer',
    tag: 'careers',
    summary: 'Diaspora of a country: people of that origin abroad, by current country',
    params: z.object({ cc: countryCode }),
    query: z.object(pagination),
    returns: '{params, origin: {total, originBasis, originRestsOn}, atHome, abroad, currentUnknown, originBasis, originRestsOn: {stated, observed, first_affiliation, none}, byCurrentCountry: {items: [{country, people, share}], total, limit, offset}}',
    cache: true,
    async handler({ params, query }, { store }) {
      await requireCareers(store);
      const r = await diaspora(store, params.cc);
      return { ...r, byCurrentCountry: page(r.byCurrentCountry, query.limit, query.offset) };
    },
  }),
  defineRoute({
    url: '/api/returnees/:cc',
    role: 'viewer',
    tag: 'careers',
    summary: 'Returnees to a country by year, and where they came back from',
    params: z.object({ cc: countryCode }),
    query: z.object({ since: year.optional().describe('only returns in or after this year'), ...pagination }),
    returns: '{params, returnees, originBasis, originRestsOn: {stated, observed, first_affiliation, none}, everLeft, byYear: [{year, returnees}], returnedFrom: {items: [{country, returnees}], total, limit, offset}}',
    cache: true,
    async handler({ params, query }, { store }) {
      await requireCareers(store);
      const r = await returnees(store, params.cc, query.since);
      return { ...r, byYear: r.byYear, returnedFrom: page(r.returnedFrom, query.limit, query.offset) };
    },
  }),
  defineRoute({
    url: '/api/cohort',
    role: 'viewer',
    tag: 'careers',
    summary: 'Cohort stages: undergraduate → graduate → current country, with shares and transitions',
    query: z.object({ ...cohortShape, ...pagination }),
    returns: '{params, members, staged, originBasis, originRestsOn: {stated, observed, first_affiliation, none}, stages: [{stage, known, unknown, proxy, recordBasis: {stated, observed} | null, countries (paged)}], transitions}',
    cache: true,
    async handler({ query }, { store }) {
      await requireCareers(store);
      const r = await cohortStages(store, (await cohortOf(store, query)) ?? {});
      const cut = <T>(xs: T[]) => xs.slice(query.offset, query.offset + query.limit);
      return {
        ...r,
        stages: r.stages.map((s) => ({ ...s, countries: cut(s.countries), countriesTotal: s.countries.length })),
        transitions: { ...r.transitions, undergraduateToGraduate: cut(r.transitions.undergraduateToGraduate), graduateToCurrent: cut(r.transitions.graduateToCurrent) },
        limit: query.limit,
        offset: query.offset,
      };
    },
  }),
  defineRoute({
    url: '/api/people/:id/career',
    role: 'analyst',
    tag: 'people',
    summary: "One person's derived career with the year-by-year walk and the reason for every decision",
    params: personIdParam,
    returns: '{person, params, career: {origin, currentCountry, category, countryWalk, institutionWalk, …}}',
    audit: ({ params }) => ({ action: 'profile.career', target: params.id }),
    cache: true,
    async handler({ params }, { store }) {
      const person = await resolvePerson(store, params.id);
      const stored = await storedCareerParams(store);
      const inputs = await loadCareerInputs(store, person.person_id);
      const referenceYear = stored.referenceYear ?? (await dataReferenceYear(store));
      const career = deriveCareer(inputs.affiliations, inputs.education, stored, referenceYear);
      return { person, params: { ...stored, referenceYear }, career };
    },
  }),
];
