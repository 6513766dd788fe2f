/** Mentorship ties of a person: stated and inferred mentors and mentees, with kind, confidence, years and evidence. */
import { mentorsOf } from '../../mentors/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import { defineRoute } from '../route.ts';
import { personIdParam } from '../schemas.ts';

export const mentorsRoutes = [
  defineRoute({
    url: '/api/people/:id/mentors',
    role: 'analyst',
    tag: 'people',
    summary: 'Mentors and mentees of a person: stated ties (profile relations) and inferred ones (co-authorship in the student window), each with evidence',
    params: personIdParam,
    returns: '{person_id, display_name, mentors: [{person_id, display_name, relation_only, kind, relation, confidence, start_year, end_year, source, evidence}], mentees: [...]}',
    audit: ({ params }) => ({ action: 'profile.mentors', target: params.id }),
    cache: true,
    async handler({ params }, { store }) {
      const match = await resolvePerson(store, params.id);
      return mentorsOf(store, match.person_id);
    },
  }),
];
