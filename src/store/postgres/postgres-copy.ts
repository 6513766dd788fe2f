/**
 * COPY … FROM STDIN for node-postgres without pg-copy-streams: a minimal "submittable" that the pg client drives
 * through the protocol (CopyInResponse → CopyData… → CopyDone → CommandComplete → ReadyForQuery).
 * Rows are encoded in COPY's text format. It is the fastest way to load rows into PostgreSQL (several times a
 * multi-row INSERT), and keeps the dependency list unchanged.
 */
import type { ColumnSpec, SqlValue } from '../store.ts';

/** The slice of pg's internal Connection that a submittable talks to (stable across pg 8.x). */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/** Encode one value for COPY text format: NULL is \N; backslash, tab, newline and carriage return are escaped. */
export function copyText(v: SqlValue | undefined, type: ColumnSpec['type']): string {
  if (v === null || v === undefined) return '\\N';
  if (type === 'bool') return v ? 't' : 'f';
  if (typeof v === 'number') {
    if (type === 'int' || type === 'bigint') return String(Math.trunc(v));
    return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  }
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

const CHUNK_BYTES = 1 << 20;

/** A pg submittable: `await new Promise(...)` via `done`, after `client.query(copy)`. */
export class CopyIn {
  readonly done: Promise<number>;
  private resolve!: (n: number) => void;
  private reject!: (e: unknown) => void;
  private error: unknown = null;
  private count = 0;

  constructor(
    private readonly sql: string,
    private readonly columns: readonly ColumnSpec[],
    private readonly rows: readonly (readonly SqlValue[])[],
  ) {
    this.done = new Promise<number>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: PgConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: PgConnection): void {
    try {
      const types = this.columns.map((c) => c.type);
      let parts: string[] = [];
      let size = 0;
      for (const row of this.rows) {
        let line = '';
        for (let c = 0; c < types.length; c++) line += (c ? '\t' : '') + copyText(row[c], types[c] as ColumnSpec['type']);
        line += '\n';
        parts.push(line);
        size += line.length;
        if (size >= CHUNK_BYTES) {
          connection.sendCopyFromChunk(Buffer.from(parts.join(''), 'utf8'));
          parts = [];
          size = 0;
        }
      }
      if (parts.length) connection.sendCopyFromChunk(Buffer.from(parts.join(''), 'utf8'));
      connection.endCopyFrom();
    } catch (e) {
      this.error = e;
      connection.sendCopyFail(e instanceof Error ? e.message : String(e));
    }
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /COPY (\d+)/.exec(msg.text ?? '');
    this.count = m ? Number(m[1]) : 0;
  }

  /** The client forgets the active query on an error (no ReadyForQuery reaches us), so settle now. */
  handleError(err: unknown): void {
    this.reject(this.error ?? err);
  }

  handleReadyForQuery(): void {
    if (this.error) this.reject(this.error);
    else this.resolve(this.count);
  }

  // Messages a COPY FROM never produces; present because the client calls them on whatever query is active.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}
