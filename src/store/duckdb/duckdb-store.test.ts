/** Runs the Store contract suite against the DuckDB backend (in memory and on a file). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runStoreContract } from '../store.case.ts';
import { DuckDBStore } from './duckdb-store.ts';

runStoreContract('duckdb (memory)', () => DuckDBStore.open(':memory:'));

const dir = mkdtempSync(join(tmpdir(), 'atlas-duckdb-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
runStoreContract('duckdb (file)', () => DuckDBStore.open(join(dir, `db${++n}.duckdb`)));
