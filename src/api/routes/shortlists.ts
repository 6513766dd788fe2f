/**
 * The recruiting pipeline over HTTP (src/teams/shortlists.ts): the caller's shortlists and those shared with them,
 * a board per list, adding and moving people through the stages, history, sharing, CSV export. A list the caller
 * may not see is 404, like one that does not exist.
 */
import { z } from 'zod';
import {
  addToShortlist,
  createShortlist,
  deleteShortlist,
  entryHistory,
  listShortlists,
  removeFromShortlist,
  setShares,
  shortlistBoard,
  shortlistCsv,
  STAGES,
  updateEntry,
} from '../../teams/shortlists.ts';
import { defineRoute } from '../route.ts';
import { page, pagination } from '../schemas.ts';

const listRef = z.object({ list: z.string().trim().min(1).max(100).describe('shortlist id (sl_…) or the name of one of your lists') });
const entryRef = z.object({ list: listRef.shape.list, person: z.string().trim().min(1).max(200).describe('person id on the list') });
const stage = z.enum(STAGES).describe(`one of ${STAGES.join(', ')}`);
const note = z.string().max(2000).nullable().describe('free text, ≤ 2,000 characters; null clears it');

export const shortlistsRoutes = [
  defineRoute({
    url: '/api/shortlists',
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Your shortlists and those shared with you, with people per stage',
    query: z.object(pagination),
    returns: '{items: [{shortlist_id, owner, name, mine, shared_with, people, by_stage, created_at, updated_at}], total, limit, offset}',
    async handler({ query }, { store, caller }) {
      return page(await listShortlists(store, caller.name), query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/shortlists',
    method: 'POST',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Create a shortlist (owned by you, private until shared)',
    body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
    returns: '{shortlist_id, owner, name, created_at, updated_at}',
    async handler({ body }, { store, caller }) {
      return createShortlist(store, caller.name, body.name);
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list',
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'A board: the list with its people in stage columns',
    params: listRef,
    returns: '{shortlist: {shortlist_id, owner, name, mine, shared_with}, stages: [{stage, people: [{person_id, display_name, stage, note, added_by, added_at, updated_by, updated_at}]}], total}',
    async handler({ params }, { store, caller }) {
      return shortlistBoard(store, caller.name, params.list);
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list',
    method: 'DELETE',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Delete a shortlist you own, with its people, history and shares',
    params: listRef,
    returns: '{deleted, people}',
    async handler({ params }, { store, caller }) {
      return deleteShortlist(store, caller.name, params.list);
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/people',
    method: 'POST',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Put a person on the list (at `shortlisted` unless a stage is given)',
    params: listRef,
    body: z.strictObject({ person: z.string().trim().min(1).max(200).describe('person id, identifier or exact name'), stage: stage.optional(), note: note.optional() }),
    returns: '{person_id, display_name, stage, note, added_by, added_at, updated_by, updated_at}',
    audit: ({ params }) => ({ action: 'shortlist.add', target: null, detail: { list: params.list } }),
    async handler({ params, body }, { store, caller }) {
      return addToShortlist(store, caller.name, params.list, body.person, { stage: body.stage, note: body.note });
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/people/:person',
    method: 'PATCH',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Move a person to another stage and/or change the note',
    params: entryRef,
    body: z.strictObject({ stage: stage.optional(), note: note.optional() }),
    returns: '{person_id, display_name, stage, note, added_by, added_at, updated_by, updated_at}',
    async handler({ params, body }, { store, caller }) {
      return updateEntry(store, caller.name, params.list, params.person, { stage: body.stage, note: body.note });
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/people/:person',
    method: 'DELETE',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Take a person off the list (the history keeps the removal)',
    params: entryRef,
    returns: '{removed}',
    async handler({ params }, { store, caller }) {
      return removeFromShortlist(store, caller.name, params.list, params.person);
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/history',
    tag: 'pipeline',
    role: 'recruiter',
    summary: "Every change on the list (or one person's), oldest first: who, when, from which stage to which, the note",
    params: listRef,
    query: z.object({ person: z.string().trim().min(1).max(200).optional(), ...pagination }),
    returns: '{items: [{person_id, happened_at, actor, from_stage, to_stage, note}], total, limit, offset}',
    async handler({ params, query }, { store, caller }) {
      return page(await entryHistory(store, caller.name, params.list, query.person), query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/shares',
    method: 'POST',
    keepsCache: true,
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'Share a list you own with exactly these users (an empty list makes it private again)',
    params: listRef,
    body: z.strictObject({ users: z.array(z.string().trim().min(1).max(64)).max(100) }),
    returns: '{shared_with: [name]}',
    audit: ({ params }) => ({ action: 'shortlist.share', target: null, detail: { list: params.list } }),
    async handler({ params, body }, { store, caller }) {
      return { shared_with: await setShares(store, caller.name, params.list, body.users) };
    },
  }),
  defineRoute({
    url: '/api/shortlists/:list/export.csv',
    tag: 'pipeline',
    role: 'recruiter',
    summary: 'The list as CSV: shortlist, owner, person_id, name, stage, note, added/updated by and at',
    params: listRef,
    produces: 'text/csv',
    returns: 'text/csv',
    audit: ({ params }) => ({ action: 'export', target: null, detail: { shortlist: params.list } }),
    async handler({ params }, { store, caller }) {
      const r = await shortlistCsv(store, caller.name, params.list);
      return { body: r.csv, filename: `${r.shortlist.name}.csv` };
    },
  }),
];
