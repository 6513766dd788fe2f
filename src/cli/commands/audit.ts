/** `atlas audit`: the audit log, newest first (profile views, intro queries, exports, contact imports, user changes, erasures). */
import { badArgument } from '../../core/errors.ts';
import { listAudit } from '../../teams/audit.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'The audit log: who viewed which profile, queried which intro, exported, changed users, erased — when',
  usage: `atlas audit [--actor NAME] [--action ACTION|PREFIX*] [--since ISO-TIME] [--limit 50] [--offset 0] [--json]

  --actor NAME      entries of one user (API) or cli:<os user> (commands run at the machine)
  --action A        exact action (profile.view, intro.query, brokers.query, contacts.import, export, user.add, user.role,
                    user.rotate, user.revoke, erasure) or a prefix ending in * (user.*)
  --since TIME      only entries at or after this ISO time`,
  options: { actor: { type: 'string' }, action: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
  async run(ctx, values) {
    const int = (name: string, dflt: number, max: number): number => {
      const raw = values[name] as string | undefined;
      if (raw === undefined) return dflt;
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n > max) throw badArgument(`--${name} must be a whole number 0..${max}, got "${raw}"`);
      return n;
    };
    const since = values['since'] as string | undefined;
    if (since !== undefined && Number.isNaN(Date.parse(since))) throw badArgument(`--since must be an ISO time such as 2026-12-01T00:00:00Z, got "${since}"`);
    const store = await ctx.store();
    const r = await listAudit(store, {
      actor: values['actor'] as string | undefined,
      action: values['action'] as string | undefined,
      since: since === undefined ? undefined : new Date(since).toISOString(),
      limit: Math.max(1, int('limit', 50, 10_000)),
      offset: int('offset', 0, 10_000_000),
    });
    if (ctx.json) return printJson(ctx.stdout, r);
    ctx.stdout.write(formatTable(r.items, ['at', 'actor', 'role', 'via', 'action', 'target', 'detail']));
    ctx.stdout.write(`${r.items.length} of ${r.total} entr${r.total === 1 ? 'y' : 'ies'}\n`);
  },
};
