/** The DuckDB backend: one embedded database file (`atlas.duckdb` by default), one connection per process. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AtlasError } from '../../core/errors.ts';
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

export class DuckDBStore implements Store {
  readonly backend = 'duckdb' as const;
  private depth = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private lockQueue: Promise<unknown> = Promise.resolve();
  private readonly lockHeld = new AsyncLocalStorage<true>();

  private constructor(
    readonly location: string,
    private instance: DuckDBInstance,
    private conn: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<DuckDBStore> {
    // A copy left by a reclaim that was killed before its swap is incomplete by definition: the file itself is whole.
    if (path !== ':memory:') for (const f of [reclaimCopy(path), `${reclaimCopy(path)}.wal`]) rmSync(f, { force: true });
    const instance = await createInstance(path);
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

  async size(): Promise<StoreSize> {
    if (this.location === ':memory:') return { bytes: 0, unusedBytes: null };
    const [r] = await this.query<{ block_size: number; used_blocks: number }>('SELECT block_size, used_blocks FROM pragma_database_size()');
    const bytes = statSync(this.location).size;
    // The file starts with three 4 KiB headers; everything past the used blocks holds no data. A write killed before
    // its commit leaves the blocks it had already written at the end of the file, beyond what DuckDB counts at all.
    const used = 3 * 4096 + Number(r?.used_blocks ?? 0) * Number(r?.block_size ?? 0);
    return { bytes, unusedBytes: Math.max(0, bytes - used) };
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
    if (this.depth > 0) throw new AtlasError('DB_ERROR', 'database error: reclaim cannot run inside a transaction');
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
    this.conn.closeSync();
    this.instance.closeSync();
    try {
      if (existsSync(`${copy}.wal`) || existsSync(`${this.location}.wal`)) throw new AtlasError('DB_ERROR', `database error: a write-ahead log is left beside ${this.location}; nothing was changed`);
      renameSync(copy, this.location); // atomic: a crash leaves the old file or the new one, both whole
    } finally {
      this.instance = await createInstance(this.location);
      this.conn = await this.instance.connect();
    }
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
