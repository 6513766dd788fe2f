/** Team server administration: who am I, users (admins add, set roles, rotate and revoke keys) and the audit log. */
import { z } from 'zod';
import { listAudit, apiActor } from '../../teams/audit.ts';
import { ROLE_NOTES, ROLES } from '../../teams/roles.ts';
import { addUser, listUsers, revokeUser, rotateKey, setRole } from '../../teams/users.ts';
import { defineRoute } from '../route.ts';
import { page, pagination } from '../schemas.ts';

const userName = z.object({ name: z.string().trim().min(1).max(64).describe('user name') });
const role = z.enum(ROLES).describe(`one of ${ROLES.join(', ')}`);

export const teamsRoutes = [
  defineRoute({
    url: '/api/me',
    tag: 'teams',
    role: 'viewer',
    summary: 'Who you are on this server: name, role, what the role may read, and whether the server has accounts',
    returns: '{name, role, mode: accounts|single-user, may}',
    async handler(_input, { caller }) {
      return { name: caller.name, role: caller.role, mode: caller.mode, may: ROLES.slice(0, ROLES.indexOf(caller.role) + 1).map((r) => ROLE_NOTES[r]) };
    },
  }),
  defineRoute({
    url: '/api/users',
    tag: 'teams',
    role: 'admin',
    summary: 'Users of this server with their roles and key dates (never a key)',
    query: z.object(pagination),
    returns: '{items: [{name, role, key_id, created_at, rotated_at, revoked_at}], total, limit, offset}',
    async handler({ query }, { store }) {
      return page(await listUsers(store), query.limit, query.offset);
    },
  }),
  defineRoute({
    url: '/api/users',
    method: 'POST',
    keepsCache: true,
    tag: 'teams',
    role: 'admin',
    summary: 'Add a user; the answer carries their API key, shown this once',
    body: z.strictObject({ name: z.string().trim().min(1).max(64), role }),
    returns: '{name, role, key}',
    async handler({ body }, { store, caller }) {
      return addUser(store, body.name, body.role, apiActor(caller));
    },
  }),
  defineRoute({
    url: '/api/users/:name',
    method: 'PATCH',
    keepsCache: true,
    tag: 'teams',
    role: 'admin',
    summary: "Change a user's role",
    params: userName,
    body: z.strictObject({ role }),
    returns: '{name, role, key_id, created_at, rotated_at, revoked_at}',
    async handler({ params, body }, { store, caller }) {
      return setRole(store, params.name, body.role, apiActor(caller));
    },
  }),
  defineRoute({
    url: '/api/users/:name/rotate',
    method: 'POST',
    keepsCache: true,
    tag: 'teams',
    role: 'admin',
    summary: "Replace a user's API key (the old one stops working at once); the new key is shown this once",
    params: userName,
    returns: '{name, role, key}',
    async handler({ params }, { store, caller }) {
      return rotateKey(store, params.name, apiActor(caller));
    },
  }),
  defineRoute({
    url: '/api/users/:name/revoke',
    method: 'POST',
    keepsCache: true,
    tag: 'teams',
    role: 'admin',
    summary: 'Revoke a user: their key stops working at once; the name is never reused',
    params: userName,
    returns: '{name, role, key_id, created_at, rotated_at, revoked_at}',
    async handler({ params }, { store, caller }) {
      return revokeUser(store, params.name, apiActor(caller));
    },
  }),
  defineRoute({
    url: '/api/audit',
    tag: 'teams',
    role: 'admin',
    summary: 'The audit log, newest first: profile views, intro and broker queries, contact imports, exports, user changes, erasures',
    query: z.object({
      actor: z.string().trim().min(1).max(100).optional(),
      action: z.string().trim().min(1).max(60).optional().describe('exact action, or a prefix ending in * (e.g. user.*)'),
      since: z.iso.datetime().optional().describe('ISO time; only entries at or after it'),
      ...pagination,
    }),
    returns: '{items: [{id, at, actor, role, via, action, target, detail}], total, limit, offset}',
    async handler({ query }, { store }) {
      return listAudit(store, query);
    },
  }),
];
