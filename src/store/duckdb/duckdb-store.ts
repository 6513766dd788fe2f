/** The DuckDB backend: one embedded database file (`atlas.duckdb` by default), one connection per process. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AtlasError } from '../../core/errors.ts';
import type { ColumnSpec, ColumnType, Queryable, Row, SqlValue, Store } from '../store.ts';

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

export class DuckDBStore implements Store {
  readonly backend = 'duckdb' as const;
  private depth = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private lockQueue: Promise<unknown> = Promise.resolve();
  private readonly lockHeld = new AsyncLocalStorage<true>();

  private constructor(
    readonly location: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<DuckDBStore> {
    let instance: DuckDBInstance;
    try {
      // ATLAS_DUCKDB_MEMORY_LIMIT (e.g. "1GB") caps DuckDB's own memory so large ingests spill to disk instead.
      const limit = process.env['ATLAS_DUCKDB_MEMORY_LIMIT'];
      instance = await DuckDBInstance.create(path, limit ? { memory_limit: limit } : undefined);
    } catch (e) {
      throw wrap(e, `open ${path}`);
    }
    const conn = await instance.connect();
    return new DuckDBStore(path, instance, conn);
  }

  sqlType(type: ColumnType): string {
    return TYPES[type];
  }

  async query<T extends object = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined);
      return reader.getRowObjects().map(convertRow) as T[];
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  progress(): number | null {
    const p = this.conn.progress.percentage;
    return p >= 0 ? Math.min(1, p / 100) : null;
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    try {
      await this.conn.run(sql, params.length ? (params as DuckDBValue[]) : undefined);
    } catch (e) {
      throw wrap(e, sql);
    }
  }

  async *iterate<T extends object = Row>(sql: string, params: readonly SqlValue[] = [], batchSize = 10_000): AsyncIterable<T[]> {
    let result;
    try {
      result = await this.conn.stream(sql, params.length ? (params as DuckDBValue[]) : undefined);
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
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) yield batch;
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
    const appender = await this.conn.createAppender(table).catch((e: unknown) => Promise.reject(wrap(e, `append to ${table}`)));
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
      throw wrap(e, `append to ${table}`);
    } finally {
      // closeSync flushes too, and throws the same error again after a failed flush.
      try {
        appender.closeSync();
      } catch (e) {
        if (!failed) throw wrap(e, `append to ${table}`);
      }
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.depth > 0) return fn(this);
    const run = async (): Promise<T> => {
      this.depth++;
      await this.exec('BEGIN TRANSACTION');
      try {
        const out = await fn(this);
        await this.exec('COMMIT');
        return out;
      } catch (e) {
        await this.exec('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        this.depth--;
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async withWriterLock<T>(fn: () => Promise<T>): Promise<T> {
    // DuckDB allows one writing process per file (the open itself takes the lock); within the process writers
    // queue here, as PostgreSQL's advisory lock makes them; a nested call (same async context) runs at once.
    if (this.lockHeld.getStore()) return fn();
    const run = (): Promise<T> => this.lockHeld.run(true, fn);
    const p = this.lockQueue.then(run, run);
    this.lockQueue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
