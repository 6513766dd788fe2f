/** Economics (src/economics): the cost of paying a country's diaspora a share of their pay gap to come home. */
import { z } from 'zod';
import { subsidyPlan } from '../../economics/index.ts';
import { AtlasError } from '../../core/errors.ts';
import { searchPersonIds } from '../../search/index.ts';
import { defineRoute } from '../route.ts';
import { countryCode, pagination } from '../schemas.ts';

export const economicsRoutes = [
  defineRoute({
    url: '/api/subsidy',
    role: 'viewer',
    tag: 'economics',
    summary: 'Price a subsidy: share × pay gap (capped, for N years) for researchers of an origin who are abroad; totals, distribution, sensitivity',
    query: z.object({
      origin: countryCode.describe('the paying country'),
      share: z.coerce.number().min(0).max(1).describe('share of the positive gap paid, 0..1'),
      cap: z.coerce.number().min(0).max(10_000_000).optional().describe('yearly cap per person, USD'),
      years: z.coerce.number().int().min(1).max(50).default(1),
      ppp: z.enum(['true', 'false']).default('true').transform((v) => v === 'true').describe('subsidise the price-level-adjusted gap (default) or the nominal one'),
      topic: z.string().trim().min(1).max(200).optional().describe('cohort: the people a topic search finds (top 1,000); default everyone of this origin'),
      ...pagination,
    }),
    returns: '{origin, share, cap, years, ppp, method, cohort, eligible, excluded: {total, byReason}, lines: {items, total, limit, offset}, total, perYearTotal, distribution, sensitivity, notes}',
    cache: true,
    async handler({ query }, { store }) {
      const ids =
        query.topic !== undefined
          ? await searchPersonIds(store, query.topic, { limit: 1000 })
          : (await store.query<{ person_id: string }>('SELECT person_id FROM careers WHERE origin = $1 ORDER BY person_id', [query.origin])).map((r) => r.person_id);
      if (ids.length === 0) throw new AtlasError('NO_DATA', query.topic !== undefined ? `the cohort is empty: the search "${query.topic}" matched nobody` : `nobody in the atlas has origin ${query.origin} (careers derived?)`);
      const plan = await subsidyPlan(store, ids, { origin: query.origin, share: query.share, cap: query.cap, years: query.years, ppp: query.ppp });
      const lines = plan.lines.slice(query.offset, query.offset + query.limit).map(({ gap, ...l }) => ({ ...l, bands: { current: gap.current.band, home: gap.home.band } }));
      return {
        ...plan,
        excluded: { total: plan.excluded.total, byReason: plan.excluded.byReason },
        lines: { items: lines, total: plan.lines.length, limit: query.limit, offset: query.offset },
      };
    },
  }),
];
