/** Who is asking: a user of a team server (accounts mode), or the one local user of a server without accounts. */
import type { Role } from './roles.ts';

export interface Caller {
  name: string;
  role: Role;
  /** `accounts`: users are defined and the caller proved a key; `single-user`: no users, loopback only, all allowed. */
  mode: 'accounts' | 'single-user';
}

/** The caller of a server with no users: everything is allowed, and contact lists are chosen by owner name. */
export const LOCAL_CALLER: Caller = { name: 'local', role: 'admin', mode: 'single-user' };
