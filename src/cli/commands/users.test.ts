/**
 * `atlas users` and `atlas audit` through the real CLI on a DuckDB file filled from a real paper list: keys shown
 * once and stored only hashed, rotate/revoke/role, contact lists owned by users, the audit of CLI actions, and
 * `atlas serve` refusing to listen beyond loopback while there are no users.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import { openStore } from '../../store/open-store.ts';
import { runCaptured } from '../run-captured.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-users-'));
const db = path.join(dir, 'atlas.duckdb');
const csv = path.join(dir, 'contacts.csv');
let person = '';

const atlas = (...args: string[]) => runCaptured([...args, '--db', db]);

beforeAll(async () => {
  const ing = await atlas('ingest', dataPath('paperlists', 'corl2021.json.gz'));
  expect(ing.code, ing.err).toBe(0);
  const s = await openStore(db);
  const rows = await s.query<{ person_id: string; display_name: string }>(
    `SELECT person_id, display_name FROM people WHERE display_name IN (SELECT display_name FROM people GROUP BY display_name HAVING COUNT(*) = 1) ORDER BY person_id LIMIT 2`,
  );
  await s.close();
  person = rows[0]!.person_id;
  writeFileSync(csv, `name,strength\n${rows.map((r) => `"${r.display_name}",4`).join('\n')}\n`);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas users', () => {
  it('serve refuses a non-loopback host while the atlas has no users', async () => {
    const r = await atlas('serve', '--host', '0.0.0.0', '--port', '0', '--no-web');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no users.*single-user mode.*loopback only.*atlas users add NAME --role admin/s);
  });

  it('add prints the key once (--json: name, role, key); the database keeps only a salted scrypt hash', async () => {
    const r = await atlas('users', 'add', 'alice', '--role', 'recruiter', '--json');
    expect(r.code, r.err).toBe(0);
    const made = JSON.parse(r.out) as Record<string, string>;
    expect(Object.keys(made).sort()).toEqual(['key', 'name', 'role']);
    expect(made).toMatchObject({ name: 'alice', role: 'recruiter' });
    expect(made['key']).toMatch(/^atl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const secret = made['key']!.slice(17);
    const s = await openStore(db);
    const [row] = await s.query<Record<string, string>>(`SELECT * FROM users WHERE name = 'alice'`);
    await s.close();
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row!['key_hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(row!['key_salt']).toMatch(/^[0-9a-f]{32}$/);
    const text = await atlas('users', 'add', 'vera', '--role', 'viewer');
    expect(text.out).toMatch(/added vera \(viewer\)\. API key — shown only now.*\natl_[0-9a-f]{12}_/s);
    const list = await atlas('users', 'list', '--json');
    expect(JSON.parse(list.out).users.map((u: { name: string; role: string }) => `${u.name}:${u.role}`)).toEqual(['alice:recruiter', 'vera:viewer']);
    expect(list.out).not.toMatch(/key_hash|key_salt|atl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/);
  });

  it('rejects bad names, unknown roles and duplicates with clear errors', async () => {
    expect((await atlas('users', 'add', 'bad name', '--role', 'viewer')).err).toMatch(/bad user name/);
    const role = await atlas('users', 'add', 'x', '--role', 'god');
    expect(role.code).toBe(2);
    expect(role.err).toMatch(/unknown role "god": one of viewer, analyst, recruiter, admin/);
    const dup = await atlas('users', 'add', 'alice', '--role', 'viewer');
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/CONFLICT.*exists.*atlas users rotate alice/);
  });

  it('contact lists belong to users: an unknown name or a viewer cannot own one, a recruiter can', async () => {
    const ghost = await atlas('contacts', 'import', csv, '--owner', 'ghost');
    expect(ghost.code).toBe(2);
    expect(ghost.err).toMatch(/"ghost" is not an active user/);
    const viewer = await atlas('contacts', 'import', csv, '--owner', 'vera');
    expect(viewer.code).toBe(1);
    expect(viewer.err).toMatch(/FORBIDDEN.*vera.*viewer.*recruiters and admins/);
    const ok = await atlas('contacts', 'import', csv, '--owner', 'alice');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/imported 2 contact\(s\) for alice/);
  });

  it('role, rotate and revoke; a revoked name is not reused and cannot be rotated', async () => {
    expect((await atlas('users', 'role', 'vera', '--role', 'analyst')).out).toBe('vera: role is now analyst\n');
    const old = JSON.parse((await atlas('users', 'list', '--json')).out).users.find((u: { name: string }) => u.name === 'vera').key_id;
    const rot = JSON.parse((await atlas('users', 'rotate', 'vera', '--json')).out) as { key: string };
    expect(rot.key.slice(4, 16)).not.toBe(old);
    expect((await atlas('users', 'revoke', 'vera')).out).toMatch(/revoked vera at .*; their key no longer works/);
    expect((await atlas('users', 'rotate', 'vera')).err).toMatch(/revoked.*names are not reused/);
    expect((await atlas('users', 'add', 'vera', '--role', 'viewer')).err).toMatch(/revoked; names are not reused/);
  });

  it('atlas audit lists user changes, profile views, intro queries and imports made at the machine, newest first', async () => {
    expect((await atlas('person', person)).code).toBe(0);
    const r = await atlas('audit', '--json', '--limit', '100');
    expect(r.code, r.err).toBe(0);
    const items = JSON.parse(r.out).items as Array<{ actor: string; via: string; action: string; target: string | null }>;
    expect(items[0]).toMatchObject({ action: 'profile.view', target: person, via: 'cli' });
    expect(items.every((e) => e.actor.startsWith('cli:'))).toBe(true);
    const actions = items.map((e) => `${e.action}:${e.target}`);
    for (const a of ['user.add:alice', 'user.add:vera', 'user.role:vera', 'user.rotate:vera', 'user.revoke:vera', 'contacts.import:alice']) expect(actions).toContain(a);
    const users = JSON.parse((await atlas('audit', '--action', 'user.*', '--json')).out).items as Array<{ action: string }>;
    expect(users).toHaveLength(5);
    expect((await atlas('audit', '--since', 'yesterday-ish')).code).toBe(2);
  });

  it('atlas shortlist: create, add, move, board, export CSV; acting user required and checked; other users see nothing', async () => {
    expect((await atlas('shortlist', 'list')).err).toMatch(/say who acts with --user NAME/);
    expect((await atlas('shortlist', 'list', '--user', 'vera')).err).toMatch(/not an active user/);
    expect((await atlas('users', 'add', 'bob', '--role', 'recruiter')).code).toBe(0);
    const made = JSON.parse((await atlas('shortlist', 'create', 'Robotics', '--user', 'alice', '--json')).out) as { shortlist_id: string };
    expect((await atlas('shortlist', 'add', 'Robotics', person, '--note', 'met at CoRL', '--user', 'alice')).code).toBe(0);
    expect((await atlas('shortlist', 'move', 'Robotics', person, 'intro requested', '--user', 'alice')).out).toMatch(/→ intro_requested/);
    expect((await atlas('shortlist', 'move', 'Robotics', person, 'hiring', '--user', 'alice')).err).toMatch(/unknown stage "hiring"/);
    const show = await atlas('shortlist', 'show', 'Robotics', '--user', 'alice');
    expect(show.out).toMatch(new RegExp(`intro_requested\\s+${person}`));
    const out = path.join(dir, 'robotics.csv');
    expect((await atlas('shortlist', 'export', made.shortlist_id, '--out', out, '--user', 'alice')).code).toBe(0);
    const csvText = readFileSync(out, 'utf8');
    expect(csvText.split('\n')[0]).toBe('shortlist,owner,person_id,name,stage,note,added_by,added_at,updated_by,updated_at');
    expect(csvText).toContain(`Robotics,alice,${person},`);
    expect(csvText).toContain(',intro_requested,met at CoRL,alice,');
    const other = await atlas('shortlist', 'show', made.shortlist_id, '--user', 'bob');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/NOT_FOUND.*no shortlist/);
    const audit = JSON.parse((await atlas('audit', '--action', 'export', '--json')).out).items as Array<{ detail: string }>;
    expect(audit[0]!.detail).toContain(made.shortlist_id);
  });
});
