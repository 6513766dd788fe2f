/**
 * Warm introductions (src/network): the caller's contact list, the k best paths from it to a person, and brokers
 * for a set of targets. On a server with accounts a contact list belongs to its user: every route here works on
 * the caller's own list only, and naming another user's list answers exactly as a list that does not exist.
 */
import { z } from 'zod';
import { brokers, DEFAULT_INTRO, DEFAULT_TIE_PARAMS, describeProblems, importContactsText, introPaths, nodeNames } from '../../network/index.ts';
import { requireOwner } from '../../network/intro-paths.ts';
import { AtlasError } from '../../core/errors.ts';
import { searchPersonIds } from '../../search/index.ts';
import type { Caller } from '../../teams/caller.ts';
import { defineRoute } from '../route.ts';
import { page, pagination, year } from '../schemas.ts';

const owner = z.string().trim().min(1).max(100).optional().describe('whose contact list (single-user server: required; with accounts: your own, the default)');
const tieShape = {
  half_life: z.coerce.number().positive().max(100).default(DEFAULT_TIE_PARAMS.halfLife).describe('years for a co-authorship tie to lose half its weight'),
  max_authors: z.coerce.number().int().min(2).max(10_000).default(DEFAULT_TIE_PARAMS.maxAuthors).describe('works with more authors make no tie'),
  ref_year: year.optional().describe('year recency is measured from (default: last year in the data)'),
};

/** The list a request works on: the named one on a single-user server, the caller's own with accounts. */
export function listOwner(caller: Caller, requested: string | undefined): string {
  if (caller.mode === 'single-user') {
    if (!requested) throw new AtlasError('BAD_ARGUMENT', 'invalid query: owner: whose contact list (see /api/owners)');
    return requested;
  }
  // Another user's list is answered exactly like a list that does not exist.
  if (requested !== undefined && requested !== caller.name) throw new AtlasError('NOT_FOUND', `owner "${requested}" has no contacts; import them with \`atlas contacts import FILE.csv --owner ${requested}\``);
  return caller.name;
}

async function ownedList(db: Parameters<typeof requireOwner>[0], caller: Caller, requested: string | undefined): Promise<string> {
  const name = listOwner(caller, requested);
  await requireOwner(db, name);
  return name;
}

export const networkRoutes = [
  defineRoute({
    url: '/api/owners',
    tag: 'network',
    role: 'recruiter',
    summary: 'Contact lists you may start intro paths from: every list on a single-user server, your own with accounts',
    query: z.object(pagination),
    returns: '{items: [{owner, contacts}], total, limit, offset}',
    async handler({ query }, { store, caller }) {
      const rows = caller.mode === 'single-user'
        ? await store.query<{ owner: string; contacts: number }>(`SELECT owner, COUNT(*) AS contacts FROM contacts GROUP BY owner ORDER BY owner`)
        : await store.query<{ owner: string; contacts: number }>(`SELECT owner, COUNT(*) AS contacts FROM contacts WHERE owner = $1 GROUP BY owner`, [caller.name]);
      return page(rows, query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/contacts',
    tag: 'network',
    role: 'recruiter',
    summary: 'The contacts of a list (yours with accounts), strongest first',
    query: z.object({ owner, ...pagination }),
    returns: '{owner, items: [{person_id, display_name, strength, note, line}], total, limit, offset}',
    async handler({ query }, { store, caller }) {
      const name = await ownedList(store, caller, query.owner);
      const rows = await store.query(
        `SELECT c.person_id, p.display_name, c.strength, c.note, c.line FROM contacts c LEFT JOIN people p ON p.person_id = c.person_id
         WHERE c.owner = $1 ORDER BY c.strength DESC, c.person_id`,
        [name],
      );
      return { owner: name, ...page(rows, query.limit, query.offset) };
    },
  }),
  defineRoute({
    url: '/api/contacts',
    method: 'POST',
    tag: 'network',
    role: 'recruiter',
    summary: 'Upload a contacts CSV (columns: name, plus any of orcid, openalex, openreview, dblp, email, strength 1–5, note); replaces your list',
    textBody: { contentType: 'text/csv', description: 'a contacts CSV, at most the server\'s CSV limit (default 4 MiB)' },
    query: z.object({
      owner,
      skip_unmatched: z.enum(['true', 'false']).default('false').describe('import the rows that match exactly one person and report the others (default: import nothing)'),
      filename: z.string().trim().regex(/^[\w .()-]{1,100}$/, 'a plain file name (letters, digits, space, . _ - ( ))').default('upload.csv').describe('names the upload in errors and provenance'),
    }),
    returns: '{owner, file, rows, imported, replaced, unmatched, ambiguous, duplicates, written}',
    audit: ({ query }, caller) => ({ action: 'contacts.import', target: query.owner ?? caller.name, detail: { file: query.filename } }),
    async handler({ query, text }, { store, caller }) {
      const name = listOwner(caller, query.owner);
      const r = await store.withWriterLock(() => importContactsText(store, text, query.filename, { owner: name, skipUnmatched: query.skip_unmatched === 'true' }));
      return { ...r, summary: r.unmatched.length || r.ambiguous.length ? `skipped: ${describeProblems(r)}` : null };
    },
  }),
  defineRoute({
    url: '/api/intro',
    tag: 'network',
    role: 'recruiter',
    summary: 'The k best warm-introduction paths from your contacts to a target person, with the evidence for every hop',
    query: z.object({
      owner,
      target: z.string().trim().min(1).max(200).describe('person id, identifier or exact name'),
      k: z.coerce.number().int().min(1).max(20).default(DEFAULT_INTRO.k),
      max_hops: z.coerce.number().int().min(1).max(8).default(DEFAULT_INTRO.maxHops),
      ...tieShape,
    }),
    returns: '{params, names: {id: name}, paths: [{cost, strength, nodes, hops: [{from, to, weight, evidence}]}]}',
    cache: true,
    audit: ({ query }, caller) => ({ action: 'intro.query', target: query.target, detail: { owner: query.owner ?? caller.name, k: query.k, max_hops: query.max_hops } }),
    async handler({ query }, { store, caller }) {
      const name = listOwner(caller, query.owner);
      const r = await introPaths(store, query.target, { owner: name, k: query.k, maxHops: query.max_hops, halfLife: query.half_life, maxAuthors: query.max_authors, refYear: query.ref_year });
      const names = Object.fromEntries(await nodeNames(store, r.paths.flatMap((p) => p.nodes).concat(r.params.target)));
      return { ...r, names };
    },
  }),
  defineRoute({
    url: '/api/brokers',
    tag: 'network',
    role: 'recruiter',
    summary: 'Which of your contacts reach the most targets (a topic search or a list of ids) within max_hops',
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
    audit: ({ query }, caller) => ({ action: 'brokers.query', target: query.topic ?? null, detail: { owner: query.owner ?? caller.name, ids: query.ids ?? null } }),
    async handler({ query }, { store, caller }) {
      const name = listOwner(caller, query.owner);
      if ((query.topic === undefined) === (query.ids === undefined)) throw new AtlasError('BAD_ARGUMENT', 'give exactly one of topic (a search) or ids (comma-separated person ids)');
      const targets = query.topic !== undefined ? await searchPersonIds(store, query.topic, { limit: 500 }) : (query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (targets.length === 0) throw new AtlasError('BAD_ARGUMENT', 'no targets: the topic matched nobody or ids is empty');
      const r = await brokers(store, targets, { owner: name, maxHops: query.max_hops, halfLife: query.half_life, maxAuthors: query.max_authors, refYear: query.ref_year });
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
