/**
 * The audit log: profile views, exports, intro and broker queries, contact imports, user and role changes —
 * who (actor, role at the time), what (action, target, detail), when, and through which interface. Only
 * appended to; the one exception is erasure, which deletes every row about the erased person and appends a
 * single `erasure` row that names no one.
 *
 * The server writes through an AuditWriter: entries of concurrent requests are committed together (group
 * commit), and each request answers only after its entry is committed.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Queryable, SqlValue, Store } from '../store/store.ts';
import type { Caller } from './caller.ts';
import type { Role } from './roles.ts';

export interface AuditActor {
  actor: string;
  role: Role | null;
  via: 'api' | 'cli';
}

export interface AuditEntry {
  action: string;
  target?: string | null;
  detail?: Record<string, unknown> | null;
}

export type AuditRow = {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  via: string;
  action: string;
  target: string | null;
  detail: string | null;
};

/** The actor of a CLI command: the operating-system user at the machine that holds the database. */
export function cliActor(): AuditActor {
  let name = 'unknown';
  try {
    name = userInfo().username || name;
  } catch {
    // no passwd entry (some containers)
  }
  return { actor: `cli:${name}`, role: null, via: 'cli' };
}

export function apiActor(caller: Caller): AuditActor {
  return { actor: caller.name, role: caller.role, via: 'api' };
}

const COLUMNS = ['id', 'happened_at', 'actor', 'role', 'via', 'action', 'target', 'detail'].map((name) => ({ name, type: 'text' as const }));

function rowOf(actor: AuditActor, e: AuditEntry, at = new Date()): SqlValue[] {
  return [randomUUID(), at.toISOString(), actor.actor, actor.role, actor.via, e.action, e.target ?? null, e.detail ? JSON.stringify(e.detail) : null];
}

export async function appendAudit(db: Queryable, actor: AuditActor, e: AuditEntry): Promise<void> {
  await db.exec(`INSERT INTO audit_log (id, happened_at, actor, role, via, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, rowOf(actor, e));
}

/** One entry for a command run at the machine (actor `cli:<os user>`). */
export async function auditCli(store: Store, e: AuditEntry): Promise<void> {
  await store.withWriterLock(() => appendAudit(store, cliActor(), e));
}

/** Group commit of audit entries: one transaction per batch, each caller resolved when its batch is committed. */
export class AuditWriter {
  private pending: Array<{ row: SqlValue[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly store: Store) {}

  write(actor: AuditActor, e: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row: rowOf(actor, e), resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    await Promise.resolve();
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.store.transaction((tx) => tx.bulkInsert('audit_log', COLUMNS, batch.map((b) => b.row)));
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.flushing = undefined;
  }

  /** Wait for every entry written so far. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
  limit: number;
  offset: number;
}

/** Newest first, filtered by actor, action (exact, or a prefix ending in `.`/`*`) and time. */
export async function listAudit(db: Queryable, f: AuditFilter): Promise<{ items: AuditRow[]; total: number; limit: number; offset: number }> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.actor) where.push(`actor = $${params.push(f.actor)}`);
  if (f.action) {
    if (f.action.endsWith('*')) where.push(`action LIKE $${params.push(`${f.action.slice(0, -1).replace(/[%_\\]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`);
    else where.push(`action = $${params.push(f.action)}`);
  }
  if (f.since) where.push(`happened_at >= $${params.push(f.since)}`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [total] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${w}`, params);
  const items = await db.query<AuditRow>(`SELECT id, happened_at AS at, actor, role, via, action, target, detail FROM audit_log ${w} ORDER BY happened_at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`, params);
  return { items, total: Number(total?.n ?? 0), limit: f.limit, offset: f.offset };
}

/**
 * Inside an erasure's transaction: delete every audit row whose target or detail names the person (their id, an
 * identifier or their name), then append one row saying only that an erasure happened. Returns the rows deleted.
 */
export async function eraseFromAudit(tx: Queryable, personId: string, names: readonly string[], actor: AuditActor): Promise<number> {
  const needles = [...new Set([personId, ...names].map((s) => s.trim()).filter((s) => s.length >= 2))];
  let removed = 0;
  for (const n of needles) {
    const like = `%${n.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const cond = `LOWER(COALESCE(target, '')) = $1 OR LOWER(COALESCE(detail, '')) LIKE $2 ESCAPE '\\'`;
    const [c] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${cond}`, [n.toLowerCase(), like]);
    if (Number(c?.n ?? 0)) {
      removed += Number(c?.n ?? 0);
      await tx.exec(`DELETE FROM audit_log WHERE ${cond}`, [n.toLowerCase(), like]);
    }
  }
  await appendAudit(tx, actor, { action: 'erasure' });
  return removed;
}
