/** `atlas users add|list|role|rotate|revoke`: the accounts of a team server (`atlas serve` with users needs API keys). */
import { badArgument } from '../../core/errors.ts';
import { cliActor } from '../../teams/audit.ts';
import { ROLE_NOTES, ROLES } from '../../teams/roles.ts';
import { addUser, listUsers, revokeUser, rotateKey, setRole } from '../../teams/users.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

const USAGE = `atlas users add <name> --role ${ROLES.join('|')}   prints the new user's API key (once)
atlas users list
atlas users role <name> --role ROLE
atlas users rotate <name>     a new key; the old one stops working at once
atlas users revoke <name>     the key stops working; the name is never reused

Roles, each allowed what the one before it is:
${ROLES.map((r) => `  ${r.padEnd(10)} ${ROLE_NOTES[r]}`).join('\n')}
With any user defined, every /api request needs \`Authorization: Bearer <key>\`; with none, \`atlas serve\` is
single-user and listens on loopback only. Keys are stored only as salted scrypt hashes.`;

export const usersCommand: Command = {
  name: 'users',
  summary: 'Accounts of a team server: add (prints an API key once), list, set a role, rotate a key, revoke',
  usage: USAGE,
  options: { role: { type: 'string' } },
  positionals: true,
  async run(ctx, values, positionals) {
    const [sub, name, extra] = positionals;
    if (extra !== undefined || !sub) throw badArgument(`usage:\n${USAGE}`);
    const role = values['role'] as string | undefined;
    const store = await ctx.store();
    const actor = cliActor();
    if (sub === 'list') {
      if (name !== undefined) throw badArgument('usage: atlas users list');
      const users = await listUsers(store);
      if (ctx.json) return printJson(ctx.stdout, { users });
      ctx.stdout.write(users.length ? formatTable(users.map((u) => ({ ...u, key: `atl_${u.key_id}_…` })), ['name', 'role', 'key', 'created_at', 'rotated_at', 'revoked_at']) : 'no users: `atlas serve` runs in single-user mode on loopback\n');
      return;
    }
    if (!name) throw badArgument(`name the user: atlas users ${sub} <name>`);
    if (sub === 'add' || sub === 'rotate') {
      if (sub === 'add' && !role) throw badArgument(`--role is required: one of ${ROLES.join(', ')}`);
      const r = await store.withWriterLock(() => (sub === 'add' ? addUser(store, name, role as string, actor) : rotateKey(store, name, actor)));
      if (ctx.json) return printJson(ctx.stdout, { name: r.name, role: r.role, key: r.key });
      ctx.stdout.write(`${sub === 'add' ? 'added' : 'new key for'} ${r.name} (${r.role}). API key — shown only now, store it safely:\n${r.key}\n`);
      return;
    }
    if (sub === 'role') {
      if (!role) throw badArgument(`--role is required: one of ${ROLES.join(', ')}`);
      const u = await store.withWriterLock(() => setRole(store, name, role, actor));
      if (ctx.json) return printJson(ctx.stdout, u);
      ctx.stdout.write(`${u.name}: role is now ${u.role}\n`);
      return;
    }
    if (sub === 'revoke') {
      const u = await store.withWriterLock(() => revokeUser(store, name, actor));
      if (ctx.json) return printJson(ctx.stdout, u);
      ctx.stdout.write(`revoked ${u.name} at ${u.revoked_at}; their key no longer works\n`);
      return;
    }
    throw badArgument(`unknown subcommand "${sub}"; usage:\n${USAGE}`);
  },
};
