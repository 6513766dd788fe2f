/**
 * Rows kept by column until they are written (bulkInsert), for a writer that must hold millions of them at once —
 * the careers refresh derives every person before it writes, since a DuckDB connection cannot append while it
 * streams. An array per row costs ~200 bytes at 20 columns and each repeated value (a country code, an
 * institution id) is a string of its own; here an int is 4 bytes, a flag 1, and a text a 4-byte code into the
 * distinct values it has met (`distinct` columns, whose values rarely repeat, keep the strings themselves).
 * At a million careers with their moves and presence runs the refresh's peak heap went from 813 MB to 306 MB, and the
 * peak RSS of `atlas refresh-careers` from 2.15 to 1.53 GiB (docs/ingest.md, "Peak memory").
 */
import type { ColumnSpec, Queryable, SqlValue } from './store.ts';

/** The int column's null; every int this holds is a 32-bit integer other than it. */
const NULL_INT = -2147483648;

type Column =
  | { kind: 'int'; values: Int32Array }
  | { kind: 'bool'; values: Int8Array }
  | { kind: 'code'; values: Int32Array; codes: Map<string, number>; texts: (string | null)[] }
  | { kind: 'text'; values: (string | null)[] };

export class RowColumns {
  private readonly cols: Column[];
  private n = 0;
  private capacity = 1024;

  /** `distinct`: the text columns whose values are kept as given (their values seldom repeat). */
  constructor(
    readonly columns: readonly ColumnSpec[],
    distinct: readonly string[] = [],
  ) {
    this.cols = columns.map((c): Column => {
      if (c.type === 'int') return { kind: 'int', values: new Int32Array(this.capacity) };
      if (c.type === 'bool') return { kind: 'bool', values: new Int8Array(this.capacity) };
      if (c.type !== 'text') throw new Error(`RowColumns holds text, int and bool columns; ${c.name} is ${c.type}`);
      if (distinct.includes(c.name)) return { kind: 'text', values: [] };
      return { kind: 'code', values: new Int32Array(this.capacity), codes: new Map(), texts: [null] };
    });
  }

  get length(): number {
    return this.n;
  }

  /** Append a row: one value per column, in the columns' order. */
  push(row: readonly SqlValue[]): void {
    if (row.length !== this.cols.length) throw new Error(`a row of ${row.length} values for ${this.cols.length} columns`);
    if (this.n === this.capacity) this.grow();
    const i = this.n++;
    for (let c = 0; c < this.cols.length; c++) {
      const col = this.cols[c] as Column;
      const v = row[c] ?? null;
      if (col.kind === 'text') col.values.push(v === null ? null : String(v));
      else if (col.kind === 'code') {
        if (v === null) col.values[i] = 0;
        else {
          const s = String(v);
          let code = col.codes.get(s);
          if (code === undefined) col.codes.set(s, (code = col.texts.push(s) - 1));
          col.values[i] = code;
        }
      } else if (col.kind === 'bool') col.values[i] = v === null ? -1 : v ? 1 : 0;
      else {
        if (v !== null && (typeof v !== 'number' || v !== (v | 0) || v === NULL_INT)) throw new Error(`column ${this.columns[c]?.name}: ${String(v)} is not a 32-bit integer`);
        col.values[i] = v === null ? NULL_INT : v;
      }
    }
  }

  /** Row i as the values pushed (texts equal, ints and flags the same numbers and booleans). */
  row(i: number): SqlValue[] {
    const out = new Array<SqlValue>(this.cols.length);
    for (let c = 0; c < this.cols.length; c++) {
      const col = this.cols[c] as Column;
      if (col.kind === 'text') out[c] = col.values[i] ?? null;
      else if (col.kind === 'code') out[c] = col.texts[col.values[i] as number] ?? null;
      else if (col.kind === 'bool') {
        const b = col.values[i] as number;
        out[c] = b < 0 ? null : b === 1;
      } else {
        const x = col.values[i] as number;
        out[c] = x === NULL_INT ? null : x;
      }
    }
    return out;
  }

  /** Rows from..to-1 (to past the end: up to the end). */
  rows(from: number, to: number): SqlValue[][] {
    const out: SqlValue[][] = [];
    for (let i = from; i < Math.min(to, this.n); i++) out.push(this.row(i));
    return out;
  }

  /** Write every row to `table` in chunks, each made into rows only while it is written. */
  async insertInto(tx: Queryable, table: string, chunk = 100_000): Promise<void> {
    for (let i = 0; i < this.n; i += chunk) await tx.bulkInsert(table, this.columns, this.rows(i, i + chunk));
  }

  private grow(): void {
    this.capacity *= 2;
    for (const col of this.cols) {
      if (col.kind === 'text') continue;
      const next = col.kind === 'bool' ? new Int8Array(this.capacity) : new Int32Array(this.capacity);
      next.set(col.values);
      col.values = next as never;
    }
  }
}
