/**
 * Where files derived from a store are kept for the next process (the tie graph, the search index): beside a
 * DuckDB file (`<file>.cache/`); for PostgreSQL under the user's cache folder, one folder per database URL;
 * `ATLAS_CACHE_DIR` overrides both, `ATLAS_CACHE_DIR=off` (or an in-memory store) keeps nothing on disk.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Store } from './store.ts';

export function storeCacheDir(store: Pick<Store, 'backend' | 'location'>): string | null {
  const env = process.env['ATLAS_CACHE_DIR'];
  if (env === 'off' || store.location === ':memory:') return null;
  const slug = createHash('sha1').update(`${store.backend}\u0000${store.location}`).digest('hex').slice(0, 16);
  if (env) return path.join(env, slug);
  if (store.backend === 'duckdb') return `${store.location}.cache`;
  return path.join(process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'talent-atlas', slug);
}
