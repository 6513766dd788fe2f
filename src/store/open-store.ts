/** Opens the store named by --db / ATLAS_DB: a postgres:// URL selects PostgreSQL, anything else is a DuckDB file path. */
import { DuckDBStore } from './duckdb/duckdb-store.ts';
import { migrate } from './migrate.ts';
import type { Store } from './store.ts';
import { AtlasError } from '../core/errors.ts';

export const DEFAULT_DB = 'atlas.duckdb';

export function resolveDbLocation(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['ATLAS_DB'] ?? DEFAULT_DB;
}

/** The backend a location names. */
export const backendOf = (location: string): Store['backend'] => (/^postgres(ql)?:\/\//.test(location) ? 'postgres' : 'duckdb');

export async function openStore(location: string, options: { migrate?: boolean } = {}): Promise<Store> {
  let store: Store;
  if (backendOf(location) === 'postgres') {
    const mod = await import('./postgres/postgres-store.ts').catch((e: unknown) => {
      throw new AtlasError('DB_ERROR', `the PostgreSQL backend could not be loaded: ${String(e)}`);
    });
    store = await mod.PostgresStore.open(location);
  } else {
    store = await DuckDBStore.open(location);
  }
  if (options.migrate !== false) {
    try {
      await migrate(store);
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  return store;
}
