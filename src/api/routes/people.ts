/** People: list / find by id, identifier or name, and the full profile. */
import { z } from 'zod';
import { findPeople, resolvePerson } from '../../store/repo/people.ts';
import { defineRoute } from '../route.ts';
import { loadProfile } from '../profile.ts';
import { page, pagination, personIdParam } from '../schemas.ts';

export const peopleRoutes = [
  defineRoute({
    url: '/api/people',
    role: 'analyst',
    tag: 'people',
    summary: 'Find people by person id, identifier (ORCID, OpenAlex) or exact name; without q, list people by citations',
    query: z.object({ q: z.string().trim().min(1).max(200).optional().describe('id, identifier or exact name'), ...pagination }),
    returns: '{items: [{person_id, display_name, source_cited_by, country}], total, limit, offset}',
    async handler({ query }, { store }) {
      if (query.q !== undefined) {
        const found = await findPeople(store, query.q, 200);
        return page(found, query.limit, query.offset);
      }
      const [total] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM people');
      const items = await store.query(
        `WITH latest AS (
           SELECT person_id, country, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY year DESC, country) AS rn
           FROM affiliation_years WHERE country IS NOT NULL)
         SELECT p.person_id, p.display_name, p.source_cited_by, l.country
         FROM people p LEFT JOIN latest l ON l.person_id = p.person_id AND l.rn = 1
         ORDER BY p.source_cited_by DESC NULLS LAST, p.person_id LIMIT ${query.limit} OFFSET ${query.offset}`,
      );
      return { items, total: total?.n ?? 0, limit: query.limit, offset: query.offset };
    },
  }),
  defineRoute({
    url: '/api/people/:id',
    role: 'analyst',
    tag: 'people',
    summary: 'Profile: identifiers, affiliation timeline with country moves, education, works with citations, co-authors',
    params: personIdParam,
    query: z.object({
      works_limit: z.coerce.number().int().min(1).max(200).default(50),
      coauthors_limit: z.coerce.number().int().min(1).max(200).default(30),
    }),
    returns: '{person, identifiers, timeline, moves, education, works: {total, items}, coauthors, career}',
    audit: ({ params }) => ({ action: 'profile.view', target: params.id }),
    cache: true,
    async handler({ params, query }, { store }) {
      const match = await resolvePerson(store, params.id);
      return loadProfile(store, match.person_id, { worksLimit: query.works_limit, coauthorsLimit: query.coauthors_limit });
    },
  }),
];
