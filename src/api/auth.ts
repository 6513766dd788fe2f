/**
 * Who is calling: on a server with users (accounts mode) every /api request must carry `Authorization: Bearer
 * <key>` of an active user (401 otherwise); the route then checks the role (403). A server whose store has no
 * users runs in single-user mode — every caller is the local admin — and listens on loopback only
 * (startServer refuses anything else). Once users exist the server stays in accounts mode.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AtlasError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { parseApiKey } from '../teams/api-keys.ts';
import { LOCAL_CALLER, type Caller } from '../teams/caller.ts';
import { authenticate, hasUsers } from '../teams/users.ts';

const callers = new WeakMap<FastifyRequest, Caller>();

/** The caller of a request that passed the auth hook. */
export function callerOf(req: FastifyRequest): Caller {
  const c = callers.get(req);
  if (!c) throw new AtlasError('UNAUTHORIZED', 'request was not authenticated');
  return c;
}

/** Whether the store has accounts; checked at most once a second until it has (then it stays true). */
export class AccountsMode {
  private on = false;
  private checkedAt = 0;
  /** The check under way: every request that comes while it runs waits for its answer (none is let in unchecked). */
  private pending: Promise<boolean> | null = null;
  constructor(private readonly store: Store) {}
  async get(): Promise<boolean> {
    if (this.on) return true;
    if (this.pending) return this.pending;
    if (Date.now() - this.checkedAt >= 1000) {
      this.pending = hasUsers(this.store).then(
        (on) => {
          this.on = this.on || on;
          this.checkedAt = Date.now();
          this.pending = null;
          return this.on;
        },
        (e: unknown) => {
          this.pending = null;
          throw e;
        },
      );
      return this.pending;
    }
    return this.on;
  }
  /** Known without a query (for the rate limiter's allow-list). */
  get known(): boolean {
    return this.on;
  }
}

export function installAuth(app: FastifyInstance, store: Store, mode: AccountsMode): void {
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    callers.set(req, (await mode.get()) ? await authenticate(store, req.headers.authorization) : LOCAL_CALLER);
  });
}

/** The rate limiter's bucket: the key id of a well-formed key (not yet verified), else the client address. */
export function rateLimitKey(req: FastifyRequest): string {
  const m = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
  const parsed = m ? parseApiKey(m[1] as string) : undefined;
  return parsed ? `key:${parsed.keyId}` : `ip:${req.ip}`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** Refuse to expose a server without accounts beyond this machine. */
export async function requireAccountsBeyondLoopback(store: Store, host: string): Promise<void> {
  if (isLoopback(host) || (await hasUsers(store))) return;
  throw new AtlasError(
    'BAD_ARGUMENT',
    `this atlas has no users, so it runs in single-user mode and listens on loopback only (not ${host}); add users first — \`atlas users add NAME --role admin\` prints a key — then serve with --host ${host}`,
  );
}
