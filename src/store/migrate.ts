/** Applies the versioned schema migrations not yet applied, each in its own transaction; returns a per-migration result. */
import { AtlasError } from '../core/errors.ts';
import { MIGRATIONS, type Migration } from './schema.ts';
import type { Store } from './store.ts';

export interface MigrationResult {
  version: number;
  name: string;
  status: 'applied' | 'already-applied';
}

export async function migrate(store: Store, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult[]> {
  await store.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set((await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new AtlasError('DB_ERROR', `the database has schema version ${newest}, newer than this atlas understands (${known}); upgrade talent-atlas`);
  }
  const results: MigrationResult[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) {
      results.push({ version: m.version, name: m.name, status: 'already-applied' });
      continue;
    }
    await store.transaction(async (tx) => {
      for (const s of [...m.statements, ...(m.backendStatements?.[store.backend] ?? [])]) await tx.exec(s);
      await tx.exec('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    });
    results.push({ version: m.version, name: m.name, status: 'applied' });
  }
  return results;
}
