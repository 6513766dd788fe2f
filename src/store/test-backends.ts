/**
 * Test helpers that give a test a fresh, migrated store on each backend: an in-memory DuckDB, and a new database
 * on the run's PostgreSQL server (started by test/global-setup-postgres.ts). Every PostgreSQL database gets a
 * unique name, so test files running in parallel never share data. Used by the store contract suite and by
 * analyses tests that must give identical answers on both backends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import { DuckDBStore } from './duckdb/duckdb-store.ts';
import { migrate } from './migrate.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import type { Backend, Store } from './store.ts';

export const BACKENDS: readonly Backend[] = ['duckdb', 'postgres'];

/** The run's PostgreSQL admin URL; throws (so the test fails, never skips) when the server could not start. */
export function postgresAdminUrl(): string {
  const error = inject('postgresError');
  const url = inject('postgresUrl');
  if (error || !url) throw new Error(error || 'no PostgreSQL test server: is test/global-setup-postgres.ts in vitest.config.ts globalSetup?');
  return url;
}

/** CREATE DATABASE with a unique name on the test server; returns its URL. */
export async function freshPostgresUrl(): Promise<string> {
  const admin = postgresAdminUrl();
  const name = `atlas_t_${process.pid}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh empty store on the given backend; migrated to the current schema unless `migrate: false`. */
export async function openFreshStore(backend: Backend, options: { migrate?: boolean } = {}): Promise<Store> {
  const store: Store = backend === 'duckdb' ? await DuckDBStore.open(':memory:') : await PostgresStore.open(await freshPostgresUrl());
  if (options.migrate !== false) await migrate(store);
  return store;
}

/**
 * Declares `describe(backend)` once per backend and calls `fn` inside it with a factory for fresh migrated stores
 * on that backend; every store the factory opened is closed after the block.
 *
 *   forEachBackend((newStore, backend) => {
 *     it('counts flows', async () => { const s = await newStore(); await seed(s); expect(await flows(s)).toEqual(EXPECTED); });
 *   });
 */
export function forEachBackend(fn: (newStore: (options?: { migrate?: boolean }) => Promise<Store>, backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      const opened: Store[] = [];
      afterAll(async () => {
        await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
      });
      fn(async (options) => {
        const s = await openFreshStore(backend, options);
        opened.push(s);
        return s;
      }, backend);
    });
  }
}

/**
 * Runs the same seeding and the same question on a fresh store of every backend, and returns each backend's answer,
 * so a test can `expect(answers.postgres).toEqual(answers.duckdb)`. Stores are closed before returning.
 */
export async function answerOnEachBackend<T>(seed: (store: Store) => Promise<void>, ask: (store: Store) => Promise<T>): Promise<Record<Backend, T>> {
  const out: Partial<Record<Backend, T>> = {};
  for (const backend of BACKENDS) {
    const store = await openFreshStore(backend);
    try {
      await seed(store);
      out[backend] = await ask(store);
    } finally {
      await store.close();
    }
  }
  return out as Record<Backend, T>;
}

/**
 * A store on one DuckDB file or PostgreSQL database that a test closes and opens again, as a new process would,
 * with a cache folder of its own for derived files (ATLAS_CACHE_DIR, restored by tearDown). `open` gives a new
 * store object each time (not migrated: the test migrates the first one).
 */
export function reopenableStore(backend: Backend, label: string): { setUp(): Promise<void>; open(): Promise<Store>; tearDown(): void } {
  let work = '';
  let url = '';
  const saved = process.env['ATLAS_CACHE_DIR'];
  return {
    async setUp() {
      work = mkdtempSync(path.join(tmpdir(), `atlas-${label}-${backend}-`));
      process.env['ATLAS_CACHE_DIR'] = path.join(work, 'cache');
      if (backend === 'postgres') url = await freshPostgresUrl();
    },
    open: () => (backend === 'duckdb' ? DuckDBStore.open(path.join(work, 'atlas.duckdb')) : PostgresStore.open(url)),
    tearDown() {
      if (saved === undefined) delete process.env['ATLAS_CACHE_DIR'];
      else process.env['ATLAS_CACHE_DIR'] = saved;
      if (work) rmSync(work, { recursive: true, force: true });
    },
  };
}
