/** Warm introductions (src/network): the k best paths from an owner's contacts to a person, and brokers for a set of targets. */
import { z } from 'zod';
import { brokers, DEFAULT_INTRO, DEFAULT_TIE_PARAMS, introPaths, nodeNames } from '../../network/index.ts';
import { AtlasError } from '../../core/errors.ts';
import { searchPersonIds } from '../../search/index.ts';
import { defineRoute } from '../route.ts';
import { page, pagination, year } from '../schemas.ts';

const owner = z.string().trim().min(1).max(100).describe('whose contact list the paths start from (see /api/owners)');
const tieShape = {
  half_life: z.coerce.number().positive().max(100).default(DEFAULT_TIE_PARAMS.halfLife).describe('years for a co-authorship tie to lose half its weight'),
  max_authors: z.coerce.number().int().min(2).max(10_000).default(DEFAULT_TIE_PARAMS.maxAuthors).describe('works with more authors make no tie'),
  ref_year: year.optional().describe('year recency is measured from (default: last year in the data)'),
};

export const networkRoutes = [
  defineRoute({
    url: '/api/owners',
    tag: 'network',
    summary: 'Owners of imported contact lists (the starting points of intro paths)',
    query: z.object(pagination),
    returns: '{items: [{owner, contacts}], total, limit, offset}',
    async handler({ query }, { store }) {
      const rows = await store.query<{ owner: string; contacts: number }>(`SELECT owner, COUNT(*) AS contacts FROM contacts GROUP BY owner ORDER BY owner`);
      return page(rows, query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/intro',
    tag: 'network',
    summary: 'The k best warm-introduction paths from an owner to a target person, with the evidence for every hop',
    query: z.object({
      owner,
      target: z.string().trim().min(1).max(200).describe('person id, identifier or exact name'),
      k: z.coerce.number().int().min(1).max(20).default(DEFAULT_INTRO.k),
      max_hops: z.coerce.number().int().min(1).max(8).default(DEFAULT_INTRO.maxHops),
      ...tieShape,
    }),
    returns: '{params, names: {id: name}, paths: [{cost, strength, nodes, hops: [{from, to, weight, evidence}]}]}',
    cache: true,
    async handler({ query }, { store }) {
      const r = await introPaths(store, query.target, { owner: query.owner, k: query.k, maxHops: query.max_hops, halfLife: query.half_life, maxAuthors: query.max_authors, refYear: query.ref_year });
      const names = Object.fromEntries(await nodeNames(store, r.paths.flatMap((p) => p.nodes).concat(r.params.target)));
      return { ...r, names };
    },
  }),
  defineRoute({
    url: '/api/brokers',
    tag: 'network',
    summary: 'Which of an owner\'s contacts reach the most targets (a topic search or a list of ids) within max_hops',
    query: z.object({
      owner,
      topic: z.string().trim().min(1).max(200).optional().describe('targets: the people a topic search finds (top 500)'),
      ids: z.string().trim().max(20_000).optional().describe('targets: comma-separated person ids'),
      max_hops: z.coerce.number().int().min(1).max(8).default(DEFAULT_INTRO.maxHops),
      ...tieShape,
      ...pagination,
    }),
    returns: '{params, unreached: {items, total}, brokers: {items: [{contact, name, targets, strength}], total, limit, offset}}',
    cache: true,
    async handler({ query }, { store }) {
      if ((query.topic === undefined) === (query.ids === undefined)) throw new AtlasError('BAD_ARGUMENT', 'give exactly one of topic (a search) or ids (comma-separated person ids)');
      const targets = query.topic !== undefined ? await searchPersonIds(store, query.topic, { limit: 500 }) : (query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (targets.length === 0) throw new AtlasError('BAD_ARGUMENT', 'no targets: the topic matched nobody or ids is empty');
      const r = await brokers(store, targets, { owner: query.owner, maxHops: query.max_hops, halfLife: query.half_life, maxAuthors: query.max_authors, refYear: query.ref_year });
      const shown = r.brokers.slice(query.offset, query.offset + query.limit);
      const names = await nodeNames(store, shown.map((b) => b.contact));
      return {
        params: r.params,
        unreached: page(r.unreached, query.limit, 0),
        brokers: { items: shown.map((b) => ({ ...b, name: names.get(b.contact) ?? b.contact })), total: r.brokers.length, limit: query.limit, offset: query.offset },
      };
    },
  }),
];
