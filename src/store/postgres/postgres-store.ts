/**
 * The PostgreSQL backend: a shared server selected with `--db postgres://…`. A connection pool serves
 * concurrent readers; transaction() pins one pooled connection for its duration (found again by nested calls and
 * by store methods called inside it, through AsyncLocalStorage, so code written for DuckDB's single connection
 * behaves the same). Outside transaction(), consecutive calls may run on different connections, so session state
 * (temporary tables, SET) only lasts within one transaction(). Bulk loads use COPY FROM STDIN; large results
 * stream through a server-side cursor; the writer lock is a session advisory lock.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { AtlasError } from '../../core/errors.ts';
import type { ColumnSpec, ColumnType, Queryable, Row, SqlValue, Store, StoreSize } from '../store.ts';
import { CopyIn } from './postgres-copy.ts';

const TYPES: Record<ColumnType, string> = { text: 'TEXT', int: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE PRECISION', bool: 'BOOLEAN' };

/** Every store's writer lock: one advisory-lock key per database ("atlas-wr" in ASCII). */
export const WRITER_LOCK_KEY = 0x61746c61732d7772n.toString();

/** int8 (COUNT, SUM) and numeric (AVG, SUM of int8) come back as JS numbers, as DuckDB's do; dates stay text. */
const PARSERS = new Map<number, (v: string) => unknown>([
  [20, Number],
  [1700, Number],
  [1082, (s: string) => s],
  [1114, (s: string) => s],
  [1184, (s: string) => s],
]);
const typeParsers = {
  getTypeParser: (oid: number, format?: string) => PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format as 'text'),
} as pg.CustomTypesConfig;

/** A URL safe to print: the password is removed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.toString().replace(/:@/, '@');
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

function wrap(e: unknown, sql: string): AtlasError {
  if (e instanceof AtlasError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01' || code === '28000') {
    return new AtlasError('DB_ERROR', `cannot connect to PostgreSQL: ${msg}; check that the server runs and the --db URL is right`, { cause: e });
  }
  return new AtlasError('DB_ERROR', `database error: ${msg.split('\n')[0]} [in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}]`, { cause: e });
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
function ident(name: string): string {
  if (!IDENT.test(name)) throw new AtlasError('BAD_ARGUMENT', `not a plain SQL identifier: "${name}"`);
  return name;
}

let cursorSeq = 0;

export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  private readonly tx = new AsyncLocalStorage<pg.PoolClient>();
  private readonly locked = new AsyncLocalStorage<true>();

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {}

  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: typeParsers });
    pool.on('error', () => undefined); // an idle connection dropped by the server; the next checkout reconnects
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw wrap(e, `connect ${redactUrl(url)}`);
    }
    return new PostgresStore(redactUrl(url), pool);
  }

  sqlType(type: ColumnType): string {
    return TYPES[type];
  }

  /** The transaction's connection when inside transaction(), else the pool. */
  private get runner(): pg.Pool | pg.PoolClient {
    return this.tx.getStore() ?? this.pool;
  }

  /** Other processes may write to the database at any time: every reader asks it. */
  writeCount(): null {
    return null;
  }

  async query<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const res = await this.runner.query(sql, params.length ? (params as SqlValue[]) : undefined);
      // A multi-statement text returns one result per statement; like DuckDB, answer with the last.
      const last = Array.isArray(res) ? (res[res.length - 1] as pg.QueryResult) : res;
      return (last?.rows ?? []) as T[];
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.query(sql, params);
  }

  async *iterate<T extends object = Row>(sql: string, params: readonly SqlValue[] = [], batchSize = 10_000): AsyncIterable<T[]> {
    const own = this.tx.getStore() === undefined;
    const client = own ? await this.pool.connect().catch((e: unknown) => Promise.reject(wrap(e, sql))) : (this.tx.getStore() as pg.PoolClient);
    const cursor = `atlas_cursor_${++cursorSeq}`;
    let failed: unknown = null;
    try {
      if (own) await client.query('BEGIN');
      await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params.length ? (params as SqlValue[]) : undefined);
      for (;;) {
        const res = await client.query(`FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${cursor}`);
        if (res.rows.length === 0) break;
        yield res.rows as T[];
        if (res.rows.length < batchSize) break;
      }
    } catch (e) {
      failed = e;
      throw wrap(e, sql);
    } finally {
      // Also reached when the consumer stops early (break / return from for-await).
      if (own) {
        await client.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
        client.release();
      } else if (!failed) {
        await client.query(`CLOSE ${cursor}`).catch(() => undefined);
      }
    }
  }

  async bulkInsert(table: string, columns: readonly ColumnSpec[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    const sql = `COPY ${ident(table)} (${columns.map((c) => ident(c.name)).join(', ')}) FROM STDIN`;
    const inTx = this.tx.getStore();
    const client: pg.PoolClient = inTx ?? (await this.pool.connect().catch((e: unknown) => Promise.reject(wrap(e, sql))));
    try {
      const copy = new CopyIn(sql, columns, rows);
      void client.query(copy as unknown as pg.QueryConfig);
      await copy.done;
    } catch (e) {
      throw wrap(e, sql);
    } finally {
      if (!inTx) client.release();
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn(this);
    const client = await this.pool.connect().catch((e: unknown) => Promise.reject(wrap(e, 'BEGIN')));
    let broken = false;
    try {
      await client.query('BEGIN').catch((e: unknown) => Promise.reject(wrap(e, 'BEGIN')));
      const out = await this.tx.run(client, () => fn(this));
      await client.query('COMMIT').catch((e: unknown) => Promise.reject(wrap(e, 'COMMIT')));
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async withWriterLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.locked.getStore()) return fn();
    // A session lock on a connection held for fn's duration: another process (or store) blocks here until we
    // finish; if this process dies, the server drops the connection and with it the lock.
    const client = await this.pool.connect().catch((e: unknown) => Promise.reject(wrap(e, 'pg_advisory_lock')));
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [WRITER_LOCK_KEY]).catch((e: unknown) => Promise.reject(wrap(e, 'pg_advisory_lock')));
      try {
        return await this.locked.run(true, fn);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [WRITER_LOCK_KEY]).catch(() => {
          broken = true;
        });
      }
    } finally {
      client.release(broken);
    }
  }

  async trimMemory(): Promise<void> {
    // the server holds its caches; this process's pool holds only connections
  }

  async size(): Promise<StoreSize> {
    const [r] = await this.query<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes');
    // Dead rows of killed transactions are reused by later writes (autovacuum); how much is free is not cheap to tell.
    return { bytes: Number(r?.bytes ?? 0), unusedBytes: null };
  }

  async reclaim(options: { full?: boolean } = {}): Promise<void> {
    // VACUUM cannot run inside a transaction block: on a pooled client of its own, under the writer lock.
    await this.withWriterLock(() => this.exec(options.full ? 'VACUUM (FULL, ANALYZE)' : 'VACUUM (ANALYZE)'));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
