/**
 * Roles of a team server, each allowed what the one before it is and more: viewers read aggregates (flows,
 * cohorts, stats); analysts also read profiles, people lists and exports; recruiters also own contact lists,
 * shortlists and intros; admins also manage users and read the audit log.
 */
import { AtlasError } from '../core/errors.ts';

export const ROLES = ['viewer', 'analyst', 'recruiter', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NOTES: Record<Role, string> = {
  viewer: 'aggregates only: flows, net rates, cohorts, diaspora and returnee counts, stats, subsidy costs',
  analyst: 'also profiles, people lists, search, individual moves, institution members, exports',
  recruiter: 'also an own contact list, shortlists, watchlists, intro paths and brokers',
  admin: 'also users (add, revoke, rotate) and the audit log',
};

export function parseRole(raw: string | undefined): Role {
  const r = (raw ?? '').trim().toLowerCase();
  if ((ROLES as readonly string[]).includes(r)) return r as Role;
  throw new AtlasError('BAD_ARGUMENT', `unknown role "${raw ?? ''}": one of ${ROLES.join(', ')}`);
}

/** Whether `role` may do what needs at least `needed`. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
