/**
 * Users of a team server: add (prints a new API key once), list, set a role, rotate a key, revoke. Keys are
 * stored only as salted scrypt hashes (api-keys.ts); a revoked user keeps the row so the name is never reused.
 * Every change is written to the audit log in the same transaction.
 */
import { AtlasError } from '../core/errors.ts';
import type { Queryable, Store } from '../store/store.ts';
import { newApiKey, parseApiKey, verifyApiKey } from './api-keys.ts';
import { appendAudit, type AuditActor } from './audit.ts';
import type { Caller } from './caller.ts';
import { parseRole, roleAllows, type Role } from './roles.ts';

export interface UserRow {
  name: string;
  role: Role;
  key_id: string;
  created_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateUserName(raw: string): string {
  const name = raw.trim();
  if (!NAME.test(name)) throw new AtlasError('BAD_ARGUMENT', `bad user name "${raw}": 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  return name;
}

async function findUser(db: Queryable, name: string): Promise<(UserRow & { key_salt: string; key_hash: string }) | undefined> {
  const [u] = await db.query<UserRow & { key_salt: string; key_hash: string }>(`SELECT * FROM users WHERE name = $1`, [name]);
  return u;
}

async function requireActiveUser(db: Queryable, name: string): Promise<UserRow> {
  const u = await findUser(db, name);
  if (!u) throw new AtlasError('NOT_FOUND', `no user "${name}" (see \`atlas users list\`)`);
  if (u.revoked_at) throw new AtlasError('CONFLICT', `user "${name}" was revoked at ${u.revoked_at}; names are not reused: add the person under another name`);
  return u;
}

/** A new user with a new key; the key is in the result only (it cannot be shown again). */
export async function addUser(store: Store, rawName: string, rawRole: string, actor: AuditActor): Promise<{ name: string; role: Role; key: string }> {
  const name = validateUserName(rawName);
  const role = parseRole(rawRole);
  const key = await newApiKey();
  await store.transaction(async (tx) => {
    const existing = await findUser(tx, name);
    if (existing) throw new AtlasError('CONFLICT', existing.revoked_at ? `user "${name}" was revoked; names are not reused` : `user "${name}" exists; \`atlas users rotate ${name}\` gives a new key`);
    await tx.exec(`INSERT INTO users (name, role, key_id, key_salt, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [name, role, key.keyId, key.salt, key.hash, new Date().toISOString()]);
    await appendAudit(tx, actor, { action: 'user.add', target: name, detail: { role } });
  });
  return { name, role, key: key.key };
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  return db.query<UserRow>(`SELECT name, role, key_id, created_at, rotated_at, revoked_at FROM users ORDER BY name`);
}

export async function rotateKey(store: Store, rawName: string, actor: AuditActor): Promise<{ name: string; role: Role; key: string }> {
  const name = validateUserName(rawName);
  const key = await newApiKey();
  const role = await store.transaction(async (tx) => {
    const u = await requireActiveUser(tx, name);
    await tx.exec(`UPDATE users SET key_id = $2, key_salt = $3, key_hash = $4, rotated_at = $5 WHERE name = $1`, [name, key.keyId, key.salt, key.hash, new Date().toISOString()]);
    await appendAudit(tx, actor, { action: 'user.rotate', target: name });
    return u.role;
  });
  return { name, role, key: key.key };
}

export async function revokeUser(store: Store, rawName: string, actor: AuditActor): Promise<UserRow> {
  const name = validateUserName(rawName);
  return store.transaction(async (tx) => {
    const u = await requireActiveUser(tx, name);
    const at = new Date().toISOString();
    await tx.exec(`UPDATE users SET revoked_at = $2 WHERE name = $1`, [name, at]);
    await appendAudit(tx, actor, { action: 'user.revoke', target: name });
    return { ...u, revoked_at: at };
  });
}

export async function setRole(store: Store, rawName: string, rawRole: string, actor: AuditActor): Promise<UserRow> {
  const name = validateUserName(rawName);
  const role = parseRole(rawRole);
  return store.transaction(async (tx) => {
    const u = await requireActiveUser(tx, name);
    await tx.exec(`UPDATE users SET role = $2 WHERE name = $1`, [name, role]);
    await appendAudit(tx, actor, { action: 'user.role', target: name, detail: { from: u.role, to: role } });
    return { ...u, role };
  });
}

/** Whether the store has any user (revoked ones count: a server that had accounts never falls back to single-user). */
export async function hasUsers(db: Queryable): Promise<boolean> {
  return (await db.query(`SELECT 1 AS x FROM users LIMIT 1`)).length > 0;
}

const UNAUTHORIZED = 'this server has accounts: send `Authorization: Bearer <API key>` (an admin gives keys with `atlas users add NAME --role ROLE`)';

/** The caller whose key is in an `Authorization` header; UNAUTHORIZED for a missing, malformed, unknown, wrong or revoked key. */
export async function authenticate(db: Queryable, header: string | undefined): Promise<Caller> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) throw new AtlasError('UNAUTHORIZED', header ? `malformed Authorization header: ${UNAUTHORIZED}` : UNAUTHORIZED);
  const key = m[1] as string;
  const parsed = parseApiKey(key);
  if (!parsed) throw new AtlasError('UNAUTHORIZED', 'not an API key (they look like atl_<12 hex>_<43 characters>)');
  const [u] = await db.query<{ name: string; role: Role; key_salt: string; key_hash: string; revoked_at: string | null }>(
    `SELECT name, role, key_salt, key_hash, revoked_at FROM users WHERE key_id = $1`,
    [parsed.keyId],
  );
  if (!u || !(await verifyApiKey(key, u.key_salt, u.key_hash))) throw new AtlasError('UNAUTHORIZED', 'unknown or replaced API key');
  if (u.revoked_at) throw new AtlasError('UNAUTHORIZED', `the key of user "${u.name}" was revoked`);
  return { name: u.name, role: u.role, mode: 'accounts' };
}

/** Who may own a contact list when users are defined: an existing, active user with a role of recruiter or above. */
export async function requireListOwner(db: Queryable, owner: string): Promise<void> {
  if (!(await hasUsers(db))) return;
  const u = await findUser(db, owner);
  if (!u || u.revoked_at) throw new AtlasError('BAD_ARGUMENT', `"${owner}" is not an active user of this atlas; contact lists belong to users (see \`atlas users list\`)`);
  if (!roleAllows(u.role, 'recruiter')) throw new AtlasError('FORBIDDEN', `user "${owner}" is a ${u.role}; contact lists belong to recruiters and admins (\`atlas users role ${owner} recruiter\`)`);
}
