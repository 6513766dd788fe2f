/** Folders as ingest inputs: an OpenAlex snapshot's layout expands to its part files, oldest partition first. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AtlasError } from '../core/errors.ts';
import { dataPath } from '../core/paths.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import { inputFiles } from './input-files.ts';
import { ingestFiles } from './run-ingest.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atlas-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PRIEM = JSON.parse(readFileSync(dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json'), 'utf8')) as Record<string, unknown>;

/** An OpenAlex snapshot's authors folder: a manifest, two updated_date partitions, and clutter that is not data. */
function snapshot(): string {
  const dir = path.join(root, 'openalex-snapshot', 'data', 'authors');
  const older = { ...PRIEM, display_name: 'J. Priem (older copy)', updated_date: '2020-01-01T00:00:00' };
  for (const [part, rec] of [['updated_date=2024-02-01', PRIEM], ['updated_date=2020-01-01', older]] as const) {
    mkdirSync(path.join(dir, part), { recursive: true });
    writeFileSync(path.join(dir, part, 'part_000.gz'), gzipSync(JSON.stringify(rec) + '\n'));
  }
  writeFileSync(path.join(dir, 'manifest'), JSON.stringify({ entries: [], meta: { record_count: 2 } }));
  writeFileSync(path.join(dir, '.DS_Store'), 'not data');
  mkdirSync(path.join(dir, '.hidden'), { recursive: true });
  writeFileSync(path.join(dir, '.hidden', 'x.json'), '{');
  writeFileSync(path.join(dir, 'README.txt'), 'notes');
  return dir;
}

describe('ingest inputs', () => {
  it('expands a folder to its data files, recursively, in path order (oldest updated_date partition first)', async () => {
    const dir = snapshot();
    const files = await inputFiles([dir]);
    expect(files.map((f) => path.relative(dir, f.file))).toEqual([path.join('updated_date=2020-01-01', 'part_000.gz'), path.join('updated_date=2024-02-01', 'part_000.gz')]);
    expect(files.every((f) => f.bytes > 0)).toBe(true);
  });

  it('names a missing path and a folder without data files', async () => {
    await expect(inputFiles([path.join(root, 'nope.jsonl')])).rejects.toThrow(/nope\.jsonl: no such file or folder/);
    const empty = path.join(root, 'empty');
    mkdirSync(path.join(empty, 'sub'), { recursive: true });
    writeFileSync(path.join(empty, 'manifest'), '{}');
    const e = await inputFiles([empty]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AtlasError);
    expect((e as AtlasError).code).toBe('BAD_INPUT');
    expect((e as AtlasError).message).toMatch(/holds no data files/);
  });

  it('ingests a snapshot folder: both partitions read, the newer copy of a record wins', async () => {
    const store = await DuckDBStore.open(':memory:');
    try {
      await migrate(store);
      const r = await ingestFiles(store, [snapshot()]);
      expect(r.files).toHaveLength(2);
      expect(r.records).toBe(2);
      expect(r.inserted).toBe(1);
      const people = await store.query<{ display_name: string }>(`SELECT display_name FROM people`);
      expect(people).toEqual([{ display_name: PRIEM['display_name'] }]);
    } finally {
      await store.close();
    }
  });

  it('keeps the newest copy whatever the order the files are given in', async () => {
    const dir = snapshot();
    const [older, newer] = (await inputFiles([dir])).map((f) => f.file);
    for (const order of [[older, newer], [newer, older]] as string[][]) {
      const store = await DuckDBStore.open(':memory:');
      try {
        await migrate(store);
        const r = await ingestFiles(store, order);
        expect(r.inserted).toBe(1);
        expect(await store.query(`SELECT display_name FROM people`)).toEqual([{ display_name: PRIEM['display_name'] }]);
        expect(await store.query(`SELECT updated_date FROM source_records`)).toEqual([{ updated_date: PRIEM['updated_date'] }]);
      } finally {
        await store.close();
      }
    }
  });
});
