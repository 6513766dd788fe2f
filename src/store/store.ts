/**
 * The Store contract: the small interface every database backend implements (DuckDB embedded file,
 * PostgreSQL server). Domain operations (src/store/repo) are written once over this contract in SQL
 * that both backends accept: `$1` positional parameters, standard types, `ON CONFLICT` upserts.
 * Values come back normalised: integers as JS numbers, NULL as null, text as string.
 */

export type SqlValue = string | number | boolean | null;
export type Row = Record<string, SqlValue>;

/** Column types used by bulk loads and staging tables; each backend maps them to its own. */
export type ColumnType = 'text' | 'int' | 'bigint' | 'double' | 'bool';
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface Queryable {
  /** Run a statement and return all rows. */
  query<T extends object = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Run a statement (or several separated by `;` when params are empty) and return nothing. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Stream a large result in batches of rows, in the order the query gives. */
  iterate<T extends object = Row>(sql: string, params?: readonly SqlValue[], batchSize?: number): AsyncIterable<T[]>;
  /** Append many rows to an existing table fast (DuckDB appender, PostgreSQL COPY). */
  bulkInsert(table: string, columns: readonly ColumnSpec[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /** How far the statement running now has got (0–1), when the backend can tell (DuckDB, with progress tracking on); else null. */
  progress?(): number | null;
}

export type Backend = 'duckdb' | 'postgres';

/** How much room the database takes, and how much of it holds no data (null when the backend cannot tell). */
export interface StoreSize {
  bytes: number;
  /** DuckDB: file bytes beyond its used blocks, e.g. left by a write killed before its commit. */
  unusedBytes: number | null;
}

export interface Store extends Queryable {
  readonly backend: Backend;
  /** Human-readable location: a file path or a URL without password. */
  readonly location: string;
  /** Run fn inside one transaction: all its writes land, or none do. Nested calls join the outer one. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Hold the store's writer lock for the duration of fn, so that two ingest processes never interleave
   * (PostgreSQL advisory lock; DuckDB's file lock already excludes a second writer process).
   */
  withWriterLock<T>(fn: () => Promise<T>): Promise<T>;
  /** The database's size on disk and its unused part. */
  size(): Promise<StoreSize>;
  /**
   * Give room that holds no data back to the file system, under the writer lock: DuckDB copies the database
   * into a fresh file, checks every table's row count and swaps the files (a crash leaves the old file whole);
   * PostgreSQL runs VACUUM (ANALYZE), or VACUUM FULL with `full` (which locks each table while it is rewritten).
   */
  reclaim(options?: { full?: boolean }): Promise<void>;
  /**
   * Give back to the system the memory this process's store holds as a cache of what it read, where the backend
   * holds one: DuckDB shrinks its buffer pool to nearly nothing for a moment (its freed memory flushed), then takes
   * its limit back; PostgreSQL caches nothing in this process. Only for a process that runs nothing else on the store
   * meanwhile (a statement running then could fail for want of memory): `atlas index` between the steps of a build.
   */
  trimMemory(): Promise<void>;
  /** SQL type name for a column type on this backend. */
  sqlType(type: ColumnType): string;
  /**
   * How many statements that may write (and commits) this store object has finished, when no other process can
   * write to its database — DuckDB: the open holds the file — so an unchanged count means unchanged data; null
   * when other processes can write (PostgreSQL). Lets store/repo/data-version.ts skip reading the data version.
   */
  writeCount(): number | null;
  close(): Promise<void>;
}
