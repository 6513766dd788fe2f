/**
 * Watchlists and alerts over HTTP (src/teams/): the caller's own watches (another user's watch is 404, like one
 * that does not exist), what each ingest brought about the followed, marking alerts read. A webhook URL is set from
 * the CLI only (`atlas alerts webhook set`), by whoever runs the server: the server does not POST to an address
 * an API caller names.
 */
import { z } from 'zod';
import { AtlasError } from '../../core/errors.ts';
import { listAlerts, markAlertsRead, startWatching } from '../../teams/alerts.ts';
import { sweepAndNotify } from '../../teams/notify.ts';
import { listWatches, removeWatch, type WatchSpec } from '../../teams/watchlists.ts';
import { defineRoute } from '../route.ts';
import { page, pagination } from '../schemas.ts';

const cc = z.string().trim().min(2).max(60);
const searchFilters = z.strictObject({
  origin: cc.optional(),
  country: cc.optional(),
  careerAge: z.string().trim().max(20).optional(),
  minH: z.number().int().min(0).max(1000).optional(),
  abroad: z.boolean().optional(),
  returnee: z.boolean().optional(),
});
const watchBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('person'), person: z.string().trim().min(1).max(200).describe('person id, identifier or exact name') }),
  z.strictObject({ kind: z.literal('search'), query: z.string().trim().min(1).max(500), filters: searchFilters.optional(), limit: z.number().int().min(1).max(200).optional() }),
  z.strictObject({
    kind: z.literal('cohort'),
    origin: cc.optional(),
    institution: z.string().trim().min(1).max(200).optional().describe('current institution id'),
    venue: z.string().trim().min(1).max(200).optional(),
    year: z.number().int().min(1900).max(2100).optional(),
  }),
]);

export const watchesRoutes = [
  defineRoute({
    url: '/api/watches',
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Your watches: what each follows, how many people, unread alerts, last sweep',
    query: z.object(pagination),
    returns: '{items: [{watch_id, kind, label, spec, following, unread, created_at, swept_at, last_error}], total, limit, offset}',
    async handler({ query }, { store, caller }) {
      return page(await listWatches(store, caller.name), query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/watches',
    method: 'POST',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Watch a person, the top people of a search, or a cohort (origin, current institution, venue and year); what is known now is taken as seen',
    body: watchBody,
    returns: '{watch_id, kind, label, spec, following, unread, created_at, swept_at}',
        async handler({ body }, { store, caller }) {
      let spec: WatchSpec;
      if (body.kind === 'person') spec = { kind: 'person', person: body.person };
      else if (body.kind === 'search') spec = { kind: 'search', query: body.query, filters: body.filters ?? {}, limit: body.limit ?? 50 };
      else {
        if ((body.venue === undefined) !== (body.year === undefined)) throw new AtlasError('BAD_ARGUMENT', 'venue and year go together');
        spec = { kind: 'cohort', cohort: { ...(body.origin ? { origin: body.origin } : {}), ...(body.institution ? { currentInstitution: body.institution } : {}), ...(body.venue && body.year ? { venue: { venue: body.venue, year: body.year } } : {}) } };
      }
      return startWatching(store, caller.name, spec);
    },
  }),
  defineRoute({
    url: '/api/watches/:watch',
    method: 'DELETE',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Stop watching (the watch and its alerts go)',
    params: z.object({ watch: z.string().trim().min(1).max(100) }),
    returns: '{removed, alerts}',
    async handler({ params }, { store, caller }) {
      return removeWatch(store, caller.name, params.watch);
    },
  }),
  defineRoute({
    url: '/api/alerts',
    tag: 'pipeline',
    role: 'recruiter',
    summary: "Your alerts, newest first: new confirmed moves, institutions and works of the people you watch (swept first when the data is newer than the last sweep)",
    query: z.object({
      unread: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
      after: z.coerce.number().int().min(0).optional().describe('only alerts with seq above this'),
      watch: z.string().trim().min(1).max(100).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    returns: '{items: [{alert_id, seq, watch_id, watch, person_id, display_name, kind, detail, created_at, read_at}]}',
    async handler({ query }, { store, caller }) {
      await sweepAndNotify(store, { owner: caller.name });
      return { items: await listAlerts(store, caller.name, { unreadOnly: query.unread, ...(query.after !== undefined ? { afterSeq: query.after } : {}), ...(query.watch ? { watch: query.watch } : {}), limit: query.limit }) };
    },
  }),
  defineRoute({
    url: '/api/alerts/read',
    method: 'POST',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Mark your alerts read, up to and including seq `through` (default all)',
    body: z.strictObject({ through: z.number().int().min(0).optional() }),
    returns: '{marked}',
    async handler({ body }, { store, caller }) {
      return markAlertsRead(store, caller.name, body.through);
    },
  }),
];
