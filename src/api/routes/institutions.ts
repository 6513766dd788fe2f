/** Institutions (src/careers/institution-talent.ts): find by name, and one institution's talent both ways. */
import { z } from 'zod';
import { findInstitutions, institutionTalent, resolveInstitution } from '../../careers/index.ts';
import { AtlasError } from '../../core/errors.ts';
import { defineRoute } from '../route.ts';
import { page, pagination } from '../schemas.ts';

export const institutionsRoutes = [
  defineRoute({
    url: '/api/institutions',
    role: 'viewer',
    tag: 'institutions',
    summary: 'Find institutions whose name or id contains q (case-insensitive), most people there now first',
    query: z.object({ q: z.string().trim().min(2).max(200).describe('part of the name or id, e.g. tsinghua'), ...pagination }),
    returns: '{items: [{institution_id, name, country, current}], total, limit, offset}',
    cache: true,
    async handler({ query }, { store }) {
      return page(await findInstitutions(store, query.q, 1000), query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/institutions/:id',
    role: 'analyst',
    tag: 'institutions',
    summary: "An institution's talent: who is there now, where they studied and worked before, where its alumni and former staff went",
    params: z.object({ id: z.string().trim().min(1).max(300).describe('institution id (e.g. name:tsinghua university) or its name') }),
    query: z.object(pagination),
    returns:
      '{params, institution, current: {people, activeInReferenceYear, originRestsOn, byOrigin, members (paged)}, studied: {people, institutions, countries}, workedBefore: {people, moves, institutions, countries}, alumni: {people, stillHere, byCurrentCountry, byCurrentInstitution}, formerStaff: {people, movedTo, byCurrentCountry, byCurrentInstitution}} — every list paged with limit/offset',
    cache: true,
    async handler({ params, query }, { store }) {
      const [careers] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers');
      if (!careers?.n) throw new AtlasError('NO_DATA', 'no careers have been derived yet: ingest data, then run `atlas refresh-careers`');
      const r = await institutionTalent(store, await resolveInstitution(store, params.id));
      const p = <T>(xs: T[]) => page(xs, query.limit, query.offset);
      return {
        ...r,
        current: { ...r.current, byOrigin: p(r.current.byOrigin), members: p(r.current.members) },
        studied: { ...r.studied, institutions: p(r.studied.institutions), countries: p(r.studied.countries) },
        workedBefore: { ...r.workedBefore, institutions: p(r.workedBefore.institutions), countries: p(r.workedBefore.countries) },
        alumni: { ...r.alumni, byCurrentCountry: p(r.alumni.byCurrentCountry), byCurrentInstitution: p(r.alumni.byCurrentInstitution) },
        formerStaff: {
          ...r.formerStaff,
          movedTo: p(r.formerStaff.movedTo),
          byCurrentCountry: p(r.formerStaff.byCurrentCountry),
          byCurrentInstitution: p(r.formerStaff.byCurrentInstitution),
        },
      };
    },
  }),
];
