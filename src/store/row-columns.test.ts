/** Rows kept by column give back exactly the rows pushed, and write them to a real table on both backends. */
import { expect, it } from 'vitest';
import { CAREER_COLUMNS, MOVE_COLUMNS } from '../careers/refresh-careers.ts';
import { RowColumns } from './row-columns.ts';
import type { ColumnSpec, SqlValue } from './store.ts';
import { forEachBackend } from './test-backends.ts';


/** 3,000 rows (past the first capacity, twice): repeated and distinct texts, nulls in every column kind, negative ints. */
function sample(): SqlValue[][] {
  const places = ['US', 'CN', 'GB', 'KR', null, ''];
  const out: SqlValue[][] = [];
  for (let i = 0; i < 3000; i++) {
    out.push([`openalex:A${i}`, i % 3 ? 'country' : 'institution', i % 7 === 0 ? null : i - 1500, places[i % 6] ?? null, places[(i * 5) % 6] ?? null, 1990 + (i % 40)]);
  }
  return out;
}

it('gives back every row as pushed: texts, codes, ints and nulls, across growth', () => {
  const rows = sample();
  const cols = new RowColumns(MOVE_COLUMNS, ['person_id']);
  for (const r of rows) cols.push(r);
  expect(cols.length).toBe(3000);
  expect(cols.rows(0, 5000)).toEqual(rows);
  expect(cols.row(2999)).toEqual(rows[2999]);
});

it('keeps flags as true, false and null', () => {
  const cols = new RowColumns([{ name: 'abroad', type: 'bool' }]);
  for (const v of [true, false, null, true]) cols.push([v]);
  expect(cols.rows(0, 4)).toEqual([[true], [false], [null], [true]]);
});

it('refuses what it could not give back: a fraction or a 64-bit number in an int column, a row of the wrong width, a double column', () => {
  const cols = new RowColumns(MOVE_COLUMNS);
  expect(() => cols.push(['p', 'country', 1.5, null, null, 2020])).toThrow(/seq: 1.5 is not a 32-bit integer/);
  expect(() => cols.push(['p', 'country', 2 ** 31, null, null, 2020])).toThrow(/not a 32-bit integer/);
  expect(() => cols.push(['p', 'country', 1])).toThrow(/a row of 3 values for 6 columns/);
  expect(() => new RowColumns([{ name: 'x', type: 'double' }])).toThrow(/x is double/);
});

/** Careers columns of every kind: nullable and NOT NULL texts, flags and ints (the table's own specs). */
const CAREER_SAMPLE = ['person_id', 'origin', 'abroad', 'return_year', 'origin_basis', 'returnee', 'country_moves', 'institution_moves'];
const SAMPLE_COLUMNS: ColumnSpec[] = CAREER_SAMPLE.map((name) => CAREER_COLUMNS.find((c) => c.name === name) as ColumnSpec);

forEachBackend((newStore) => {
  it('writes its rows to a table in chunks, each row as pushed', async () => {
    const s = await newStore();
    const places = ['US', 'CN', null, 'KR'];
    const rows: SqlValue[][] = Array.from({ length: 2500 }, (_, i) => [`p${i}`, places[i % 4] ?? null, i % 3 === 2 ? null : i % 3 === 1, i % 5 ? 2000 + (i % 25) : null, i % 2 ? 'education' : 'first_affiliation', i % 4 === 0, i % 3, -(i % 2)]);
    const cols = new RowColumns(SAMPLE_COLUMNS, ['person_id']);
    for (const r of rows) cols.push(r);
    await s.transaction((tx) => cols.insertInto(tx, 'careers', 1000));
    const back = await s.query<Record<string, SqlValue>>('SELECT * FROM careers');
    const key = (r: readonly SqlValue[]): string => JSON.stringify(r);
    expect(back.map((r) => key(SAMPLE_COLUMNS.map((c) => r[c.name] ?? null))).sort()).toEqual(rows.map(key).sort());
  });
});
