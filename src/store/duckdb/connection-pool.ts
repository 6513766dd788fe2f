/**
 * Connections of one DuckDB instance, lent out one user at a time. A DuckDB connection runs one statement at a time
 * and holds one transaction: a statement issued while another one's result is still being streamed on the same
 * connection ends that stream early without an error, and a BEGIN on a shared connection would pull every other
 * caller's statements into the transaction. So single statements borrow a connection from a small bounded set
 * (DuckDB parallelises each statement itself), and streams, transactions and writer sessions hold one of their own
 * for as long as they last (never bounded, so a holder that waits for a statement cannot starve the pool).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export class ConnectionPool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly drained: Array<{ keep: number; done: () => void }> = [];
  /** While set, no connection is lent: a drain for closing the instance is under way. */
  private gate: Promise<void> | null = null;
  /** Connections lent out, and how many of them count against the bound. */
  private lent = 0;
  private boundedLent = 0;
  private closed = false;

  constructor(
    /** Replaced (inside exclusive()) when the database file is rewritten and opened again. */
    public instance: DuckDBInstance,
    private readonly bound: number,
  ) {}

  /** A connection for one statement: waits while `bound` of them are out. */
  async acquireBounded(): Promise<DuckDBConnection> {
    while (this.boundedLent >= this.bound) await new Promise<void>((r) => this.waiters.push(r));
    this.boundedLent++;
    try {
      return await this.acquire();
    } catch (e) {
      this.releaseBound();
      throw e;
    }
  }

  /** A connection held for a stream, a transaction or a session: never waits. */
  async acquire(): Promise<DuckDBConnection> {
    while (this.gate) await this.gate;
    if (this.closed) throw new Error('the database is closed');
    this.lent++;
    const idle = this.idle.pop();
    if (idle) return idle;
    try {
      return await this.instance.connect();
    } catch (e) {
      this.lent--;
      throw e;
    }
  }

  release(conn: DuckDBConnection, bounded = false): void {
    this.lent--;
    if (bounded) this.releaseBound();
    if (this.closed) conn.closeSync();
    else this.idle.push(conn);
    for (const d of [...this.drained]) if (this.lent <= d.keep) this.drained.splice(this.drained.indexOf(d), 1), d.done();
  }

  private releaseBound(): void {
    this.boundedLent--;
    this.waiters.shift()?.();
  }

  /** Borrow a connection for one statement. */
  async use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquireBounded();
    try {
      return await fn(conn);
    } finally {
      this.release(conn, true);
    }
  }

  /**
   * Run fn once no connection is lent out beyond the caller's own `keep`, lending none meanwhile, with every idle
   * connection closed (so fn may close the instance and open a new one).
   */
  async exclusive<T>(keep: number, fn: () => Promise<T>): Promise<T> {
    let open!: () => void;
    while (this.gate) await this.gate;
    this.gate = new Promise<void>((r) => (open = r));
    try {
      if (this.lent > keep) await new Promise<void>((done) => this.drained.push({ keep, done }));
      for (const c of this.idle.splice(0)) c.closeSync();
      return await fn();
    } finally {
      this.gate = null;
      open();
    }
  }

  /** Close idle connections now, and every lent one as it comes back. */
  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.closeSync();
  }
}
