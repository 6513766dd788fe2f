/** Who acts in a team command (`--user`): required once the atlas has users (an active recruiter or admin); "local" before. */
import { badArgument } from '../core/errors.ts';
import { LOCAL_CALLER } from '../teams/caller.ts';
import { hasUsers, requireListOwner } from '../teams/users.ts';
import type { Store } from '../store/store.ts';

export async function actingUser(store: Store, raw: string | undefined): Promise<string> {
  if (!(await hasUsers(store))) return raw?.trim() || LOCAL_CALLER.name;
  if (!raw) throw badArgument('this atlas has users: say who acts with --user NAME');
  await requireListOwner(store, raw.trim());
  return raw.trim();
}
