/** `atlas export careers` and `atlas export moves` round-trip: the CSV parses back to exactly the derived tables. */
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../core/paths.ts';
import { openStore } from '../store/open-store.ts';
import { runCaptured } from './run-captured.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'x.duckdb');
const csvText = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

it('careers and moves exports round-trip on real conference lists', async () => {
  const files = ['corl2021.json.gz', 'corl2022.json.gz', 'corl2023.json.gz', 'corl2024.json.gz'].map((f) => dataPath('paperlists', f));
  expect((await runCaptured(['ingest', ...files, '--db', db])).code).toBe(0);
  for (const kind of ['careers', 'moves']) {
    const out = path.join(dir, `${kind}.csv`);
    expect((await runCaptured(['export', kind, '--out', out, '--db', db])).code).toBe(0);
    const rows = parse(readFileSync(out), { columns: true }) as Array<Record<string, string>>;
    const store = await openStore(db);
    const table =
      kind === 'careers'
        ? await store.query(
            `SELECT person_id, origin, origin_basis, edu_origin, academic_origin, current_country, category, abroad, returnee, return_year, first_year, last_year,
               undergrad_country, COALESCE(graduate_country, origin) AS graduate_country, (graduate_country IS NULL AND origin IS NOT NULL) AS graduate_proxy
             FROM careers ORDER BY person_id`,
          )
        : await store.query(`SELECT person_id, level, from_place AS "from", to_place AS "to", year FROM moves ORDER BY person_id, level, seq`);
    await store.close();
    expect(rows.length).toBe(table.length);
    expect(rows.length).toBeGreaterThan(kind === 'careers' ? 2000 : 10);
    const asText = table.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvText(v)])));
    const key = (r: Record<string, string>): string => JSON.stringify(r);
    expect(new Set(rows.map(key))).toEqual(new Set(asText.map(key)));
  }
});
