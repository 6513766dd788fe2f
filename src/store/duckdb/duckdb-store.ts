/**
 * The DuckDB backend: one embedded database file (`atlas.duckdb` by default), opened once per process, with a
 * connection per concurrent user of it (connection-pool.ts): readers, streams, transactions and the writer.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AtlasError } from '../../core/errors.ts';
import { ConnectionPool } from './connection-pool.ts';
import type { ColumnSpec, ColumnType, Queryable, Row, SqlValue, Store, StoreSize } from '../store.ts';

const TYPES: Record<ColumnType, string> = { text: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE', bool: 'BOOLEAN' };

function toJs(v: DuckDBValue): SqlValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'object' && 'toDouble' in v && typeof v.toDouble === 'function') return v.toDouble() as number;
  return String(v);
}

function convertRow(r: Record<string, DuckDBValue>): Row {
  const out: Row = {};
  for (const k in r) out[k] = toJs(r[k] as DuckDBValue);
  return out;
}

function wrap(e: unknown, sql: string): AtlasError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Could not set lock|Conflicting lock/i.test(msg)) {
    return new AtlasError('DB_LOCKED', `the database file is in use by another process (${msg.split('\n')[0]}); wait for it to finish or use another --db`, { cause: e });
  }
  return new AtlasError('DB_ERROR', `database error: ${msg.split('\n')[0]} [in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}]`, { cause: e });
}

async function createInstance(path: string): Promise<DuckDBInstance> {
  try {
    // ATLAS_DUCKDB_MEMORY_LIMIT (e.g. "1GB") caps DuckDB's own memory so large ingests spill to disk instead.
    const limit = process.env['ATLAS_DUCKDB_MEMORY_LIMIT'];
    return await DuckDBInstance.create(path, limit ? { memory_limit: limit } : undefined);
  } catch (e) {
    throw wrap(e, `open ${path}`);
  }
}

/** Where reclaim builds the fresh copy of a database file. */
export function reclaimCopy(path: string): string {
  return `${path}.reclaim`;
}

const quoteId = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A connection held by one async context: a writer session (withWriterLock) or a transaction. Store methods called
 * inside it, at any depth, run on it — so staging tables and a transaction's writes are seen by what follows — and
 * nobody else's statements do. `streams` counts results being streamed on it; `ended` is set when its holder
 * gave it back (work that outlives the holder falls back to the shared connections).
 */
interface Session {
  /** The connection and its open streams, shared by a writer session and the transactions inside it. */
  lane: { conn: DuckDBConnection; streams: number };
  inTransaction: boolean;
  ended: boolean;
}

/**
 * Statements that may write, for writeCount: any that names a writing keyword (a read that does, say in a string,
 * only costs a re-read of the data version). exec and bulkInsert always count.
 */
const MAY_WRITE = /\b(INSERT|UPDATE|DELETE|UPSERT|MERGE|CREATE|DROP|ALTER|TRUNCATE|COPY|ATTACH|DETACH|CHECKPOINT|VACUUM|IMPORT|LOAD|INSTALL|SET|RESET|COMMIT|ROLLBACK|BEGIN|CALL)\b/i;

/** Connections for single statements at once; DuckDB runs each statement on all cores itself. */
const STATEMENT_CONNECTIONS = 4;

export class DuckDBStore implements Store {
  readonly backend = 'duckdb' as const;
  private queue: Promise<unknown> = Promise.resolve();
  private lockQueue: Promise<unknown> = Promise.resolve();
  private readonly lockHeld = new AsyncLocalStorage<true>();
  private readonly session = new AsyncLocalStorage<Session>();
  private readonly pool: ConnectionPool;
  /** The connection of the latest writer session or transaction, whose progress progress() reports. */
  private reporting: DuckDBConnection | null = null;
  /** Statements that may have written, counted when they end (writeCount). */
  private writes = 0;

  private constructor(
    readonly location: string,
    instance: DuckDBInstance,
  ) {
    this.pool = new ConnectionPool(instance, STATEMENT_CONNECTIONS);
  }

  static async open(path: string): Promise<DuckDBStore> {
    // A copy left by a reclaim that was killed before its swap is incomplete by definition: the file itself is whole.
    if (path !== ':memory:') for (const f of [reclaimCopy(path), `${reclaimCopy(path)}.wal`]) rmSync(f, { force: true });
    const instance = await createInstance(path);
    const store = new DuckDBStore(path, instance);
    await store.pool.use(async () => undefined); // a first connection, so a broken instance fails here
    return store;
  }

  sqlType(type: ColumnType): string {
    return TYPES[type];
  }

  /** The live session of this async context, if any. */
  private current(): Session | null {
    const s = this.session.getStore();
    return s && !s.ended ? s : null;
  }

  /** Run one statement on the session's connection, or on a borrowed one. */
  private async onConnection<T>(sql: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const s = this.current();
    if (!s) return this.pool.use(fn);
    if (s.lane.streams > 0) {
      // DuckDB would end the open stream early without a word: refuse rather than lose rows.
      throw new AtlasError('DB_ERROR', `database error: a statement was issued while a result is being streamed on the same connection [in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}]`);
    }
    return fn(s.lane.conn);
  }

  writeCount(): number {
    return this.writes;
  }

  async query<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const mayWrite = MAY_WRITE.test(sql);
    try {
      return await this.onConnection(sql, async (conn) => {
        const reader = await conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined);
        return reader.getRowObjects().map(convertRow) as T[];
      });
    } catch (e) {
      throw e instanceof AtlasError ? e : wrap(e, sql);
    } finally {
      if (mayWrite) this.writes++;
    }
  }

  progress(): number | null {
    const conn = this.current()?.lane.conn ?? this.reporting;
    if (!conn) return null;
    const p = conn.progress.percentage;
    return p >= 0 ? Math.min(1, p / 100) : null;
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    try {
      await this.onConnection(sql, (conn) => conn.run(sql, params.length ? (params as DuckDBValue[]) : undefined));
    } catch (e) {
      throw e instanceof AtlasError ? e : wrap(e, sql);
    } finally {
      this.writes++; // COMMIT is one: a transaction's writes are counted again once they are visible
    }
  }

  async *iterate<T extends object = Row>(sql: string, params: readonly SqlValue[] = [], batchSize = 10_000): AsyncIterable<T[]> {
    // Inside a session the stream must see its writes, so it runs on its connection (which takes no other statement
    // meanwhile); elsewhere it holds a connection of its own until it ends.
    const s = this.current();
    if (s && s.lane.streams > 0) throw new AtlasError('DB_ERROR', `database error: a second result was streamed on a connection that streams one already [in: ${sql.replace(/\s+/g, ' ').slice(0, 160)}]`);
    const conn = s ? s.lane.conn : await this.pool.acquire().catch((e: unknown) => Promise.reject(wrap(e, sql)));
    if (s) s.lane.streams++;
    try {
      let result;
      try {
        result = await conn.stream(sql, params.length ? (params as DuckDBValue[]) : undefined);
      } catch (e) {
        throw wrap(e, sql);
      }
      const names = result.deduplicatedColumnNames();
      let batch: T[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const cols = chunk.getColumns();
        for (let i = 0; i < chunk.rowCount; i++) {
          const row: Row = {};
          for (let c = 0; c < names.length; c++) row[names[c] as string] = toJs((cols[c] as DuckDBValue[])[i] as DuckDBValue);
          batch.push(row as T);
          if (batch.length >= batchSize) {
            // The consumer's statements meanwhile are refused inside a session (see onConnection).
            yield batch;
            batch = [];
          }
        }
      }
      if (batch.length) yield batch;
    } finally {
      if (s) s.lane.streams--;
      else this.pool.release(conn);
      if (MAY_WRITE.test(sql)) this.writes++;
    }
  }

  async bulkInsert(table: string, columns: readonly ColumnSpec[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    // DuckDB's appender fills every column of the table in its own order: map the given columns onto it by name
    // (a column not given is NULL), so callers name only what they write, as with PostgreSQL's COPY.
    const info = await this.query<{ name: string }>(`SELECT name FROM pragma_table_info('${table.replace(/'/g, "''")}') ORDER BY cid`);
    const given = new Map(columns.map((c, i) => [c.name, i]));
    const order = info.length ? info.map((c) => given.get(c.name) ?? -1) : columns.map((_, i) => i);
    const unknown = columns.find((c) => info.length && !info.some((x) => x.name === c.name));
    if (unknown) throw new AtlasError('DB_ERROR', `database error: table ${table} has no column ${unknown.name}`);
    const what = `append to ${table}`;
    try {
      await this.appendRows(what, table, columns, order, rows);
    } finally {
      this.writes++;
    }
  }

  private async appendRows(what: string, table: string, columns: readonly ColumnSpec[], order: number[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    await this.onConnection(what, async (conn) => {
      const appender = await conn.createAppender(table).catch((e: unknown) => Promise.reject(wrap(e, what)));
      let failed = false;
      try {
        for (const row of rows) {
          for (const c of order) {
            if (c < 0) {
              appender.appendNull();
              continue;
            }
            const v = row[c];
            const spec = columns[c] as ColumnSpec;
            if (v === null || v === undefined) appender.appendNull();
            else if (spec.type === 'text') appender.appendVarchar(String(v));
            else if (spec.type === 'int') appender.appendInteger(Number(v));
            else if (spec.type === 'bigint') appender.appendBigInt(BigInt(v as number));
            else if (spec.type === 'double') appender.appendDouble(Number(v));
            else appender.appendBoolean(Boolean(v));
          }
          appender.endRow();
        }
        appender.flushSync();
      } catch (e) {
        failed = true;
        throw wrap(e, what);
      } finally {
        // closeSync flushes too, and throws the same error again after a failed flush.
        try {
          appender.closeSync();
        } catch (e) {
          if (!failed) throw wrap(e, what);
        }
      }
    });
  }

  /** Run fn in a session on a connection of its own (or the caller's, when it has one). */
  private async inSession<T>(inTransaction: boolean, fn: (s: Session) => Promise<T>): Promise<T> {
    const outer = this.current();
    if (outer) {
      // A transaction inside a writer session runs on the session's connection.
      const s: Session = { lane: outer.lane, inTransaction: outer.inTransaction || inTransaction, ended: false };
      try {
        return await this.session.run(s, () => fn(s));
      } finally {
        s.ended = true;
      }
    }
    const conn = await this.pool.acquire().catch((e: unknown) => Promise.reject(wrap(e, 'connect')));
    const s: Session = { lane: { conn, streams: 0 }, inTransaction, ended: false };
    this.reporting = conn;
    try {
      return await this.session.run(s, () => fn(s));
    } finally {
      s.ended = true;
      if (this.reporting === s.lane.conn) this.reporting = null;
      this.pool.release(s.lane.conn); // reclaim may have replaced the connection it started with
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.current()?.inTransaction) return fn(this);
    // Transactions of one process run one after another, as before: DuckDB would fail one of two that write the
    // same rows at once. Reads outside them go on, on other connections, and see only what was committed.
    const run = (): Promise<T> =>
      this.inSession(true, async () => {
        await this.exec('BEGIN TRANSACTION');
        try {
          const out = await fn(this);
          await this.exec('COMMIT');
          return out;
        } catch (e) {
          await this.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
      });
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async withWriterLock<T>(fn: () => Promise<T>): Promise<T> {
    // DuckDB allows one writing process per file (the open itself takes the lock); within the process writers
    // queue here, as PostgreSQL's advisory lock makes them; a nested call (same async context) runs at once. The
    // holder works on a connection of its own: its staging tables are its own, and no reader's statement can cut
    // its streams short.
    if (this.lockHeld.getStore()) return fn();
    const run = (): Promise<T> => this.lockHeld.run(true, () => this.inSession(false, fn));
    const p = this.lockQueue.then(run, run);
    this.lockQueue = p.catch(() => undefined);
    return p;
  }

  async size(): Promise<StoreSize> {
    if (this.location === ':memory:') return { bytes: 0, unusedBytes: null };
    const [r] = await this.query<{ block_size: number; used_blocks: number }>('SELECT block_size, used_blocks FROM pragma_database_size()');
    const bytes = statSync(this.location).size;
    // The file starts with three 4 KiB headers; everything past the used blocks holds no data. A write killed before
    // its commit leaves the blocks it had already written at the end of the file, beyond what DuckDB counts at all.
    const used = 3 * 4096 + Number(r?.used_blocks ?? 0) * Number(r?.block_size ?? 0);
    return { bytes, unusedBytes: Math.max(0, bytes - used) };
  }

  async trimMemory(): Promise<void> {
    // The limit is set back as it was, by value: after RESET memory_limit the setting reads as the default, but
    // statements on the other connections still ran under the lowered limit (an Out of Memory Error at 1M people).
    const [was] = await this.query<{ limit: string; flush: string }>(`SELECT current_setting('memory_limit') AS "limit", current_setting('allocator_flush_threshold') AS flush`);
    if (!was) return;
    try {
      await this.exec(`SET allocator_flush_threshold = '16MB'; SET memory_limit = '32MB'`);
    } finally {
      await this.exec(`SET memory_limit = ${quoteStr(was.limit)}; SET allocator_flush_threshold = ${quoteStr(was.flush)}`);
    }
  }

  async reclaim(): Promise<void> {
    if (this.location === ':memory:') return;
    await this.withWriterLock(() => {
      const run = (): Promise<void> => this.rewriteFile();
      const p = this.queue.then(run, run);
      this.queue = p.catch(() => undefined);
      return p;
    });
  }

  /** Copy every table, view and constraint into a fresh file, check the row counts, swap it in and reopen. */
  private async rewriteFile(): Promise<void> {
    const session = this.current();
    if (!session || session.inTransaction) throw new AtlasError('DB_ERROR', 'database error: reclaim runs under the writer lock and outside any transaction');
    const copy = reclaimCopy(this.location);
    rmSync(copy, { force: true });
    rmSync(`${copy}.wal`, { force: true });
    const [db] = await this.query<{ name: string }>('SELECT current_database() AS name');
    const name = quoteId(String(db?.name));
    await this.exec('CHECKPOINT');
    await this.exec(`ATTACH ${quoteStr(copy)} AS atlas_reclaim`);
    try {
      await this.exec(`COPY FROM DATABASE ${name} TO atlas_reclaim`);
      const tables = await this.query<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' ORDER BY 1`);
      for (const { t } of tables) {
        const [a] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${name}.main.${quoteId(t)}`);
        const [b] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM atlas_reclaim.main.${quoteId(t)}`);
        if (a?.n !== b?.n) throw new AtlasError('DB_ERROR', `database error: the fresh copy of ${t} has ${b?.n} rows, the file ${a?.n}; nothing was changed`);
      }
    } catch (e) {
      await this.exec('DETACH atlas_reclaim').catch(() => undefined);
      rmSync(copy, { force: true });
      throw e;
    }
    await this.exec('DETACH atlas_reclaim');
    // Reopening needs every connection back: wait for the readers still at work, lend none meanwhile.
    await this.pool.exclusive(1, async () => {
      session.lane.conn.closeSync();
      this.pool.instance.closeSync();
      try {
        if (existsSync(`${copy}.wal`) || existsSync(`${this.location}.wal`)) throw new AtlasError('DB_ERROR', `database error: a write-ahead log is left beside ${this.location}; nothing was changed`);
        renameSync(copy, this.location); // atomic: a crash leaves the old file or the new one, both whole
      } finally {
        this.pool.instance = await createInstance(this.location);
        session.lane.conn = await this.pool.instance.connect();
      }
    });
  }

  async close(): Promise<void> {
    this.pool.close();
    this.pool.instance.closeSync();
  }
}
