/** Topic search over people (src/search): ranked results with the score breakdown and matched works. */
import { z } from 'zod';
import { searchPeople } from '../../search/index.ts';
import { defineRoute } from '../route.ts';
import { countryCode, pagination, year } from '../schemas.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const searchRoutes = [
  defineRoute({
    url: '/api/search',
    role: 'analyst',
    tag: 'search',
    summary: 'Find people by topic (BM25 over their works) with impact, career-stage and place filters; each score explained',
    query: z.object({
      q: z.string().trim().min(1).max(300).describe('topic words'),
      origin: countryCode.optional(),
      country: countryCode.optional().describe('current country'),
      institution_type: z.string().trim().regex(/^[a-z]+$/i).max(40).optional().describe('company, education, government, …'),
      career_age: z.string().trim().regex(/^\d*(\.\.\d*)?$/).max(20).optional().describe('MIN..MAX years since first work'),
      min_h: z.coerce.number().int().min(0).max(1000).optional(),
      abroad: bool.optional(),
      returnee: bool.optional(),
      weights: z.string().trim().max(200).optional().describe('e.g. citations=0.5,h=0.2'),
      as_of: year.optional(),
      ...pagination,
      limit: pagination.limit.default(20),
    }),
    returns: '{params, total, results: [{rank, personId, name, score, breakdown, facts, matchedWorks}], limit, offset}',
    cache: true,
    async handler({ query }, { store }) {
      const r = await searchPeople(store, query.q, {
        origin: query.origin,
        country: query.country,
        institutionType: query.institution_type,
        careerAge: query.career_age,
        minH: query.min_h,
        abroad: query.abroad,
        returnee: query.returnee,
        weights: query.weights,
        asOf: query.as_of,
        limit: query.limit,
        offset: query.offset,
      });
      return { ...r, limit: query.limit, offset: query.offset };
    },
  }),
];
