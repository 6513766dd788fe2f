/** Runs the Store contract suite against the PostgreSQL backend, each store on its own fresh database. */
import { describe, expect, it } from 'vitest';
import { AtlasError } from '../../core/errors.ts';
import { openStore } from '../open-store.ts';
import { MIGRATIONS } from '../schema.ts';
import { runStoreContract } from '../store.case.ts';
import { freshPostgresUrl } from '../test-backends.ts';
import { PostgresStore, redactUrl } from './postgres-store.ts';

runStoreContract('postgres', async () => PostgresStore.open(await freshPostgresUrl()));

describe('PostgresStore specifics', () => {
  it('openStore selects PostgreSQL for a postgres:// URL and migrates it', async () => {
    const url = await freshPostgresUrl();
    const s = await openStore(url);
    try {
      expect(s.backend).toBe('postgres');
      expect(s.location).toBe(redactUrl(url));
      expect(await s.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([{ n: MIGRATIONS.length }]);
    } finally {
      await s.close();
    }
  });

  it('reports an unreachable server as DB_ERROR and hides the password', async () => {
    const e = await PostgresStore.open('postgres://u:secret@127.0.0.1:1/x').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AtlasError);
    expect((e as AtlasError).code).toBe('DB_ERROR');
    expect(redactUrl('postgres://u:secret@h:5/db')).toBe('postgres://u@h:5/db');
  });
});
