/**
 * Vitest global setup: starts a throwaway PostgreSQL cluster for the run (src/store/postgres/temp-cluster.ts,
 * durability off for speed), provides its admin URL to tests as `inject('postgresUrl')`, and stops and deletes it
 * at teardown. ATLAS_TEST_POSTGRES_URL points the tests at an existing server instead. If the cluster cannot
 * start, the reason is provided as `postgresError` and every PostgreSQL test fails with it (never skips), in CI
 * and out; tests that do not need PostgreSQL still run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTempCluster } from '../src/store/postgres/temp-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Graph files of the run's stores (network/tie-graph-file.ts) go to one folder deleted at the end, not the
  // user's cache folder; the workers and the CLI processes tests start inherit it.
  const own = process.env['ATLAS_CACHE_DIR'] === undefined ? mkdtempSync(path.join(tmpdir(), 'atlas-test-cache-')) : null;
  if (own) process.env['ATLAS_CACHE_DIR'] = own;
  const stopPostgres = await startPostgres(project);
  return async () => {
    await stopPostgres();
    if (own) rmSync(own, { recursive: true, force: true });
  };
}

async function startPostgres(project: TestProject): Promise<() => unknown> {
  const external = process.env['ATLAS_TEST_POSTGRES_URL'];
  if (external) {
    project.provide('postgresUrl', external);
    project.provide('postgresError', '');
    return () => undefined;
  }
  try {
    const cluster = await startTempCluster({ durable: false });
    project.provide('postgresUrl', cluster.url);
    project.provide('postgresError', '');
    return () => cluster.stop();
  } catch (e) {
    project.provide('postgresUrl', '');
    project.provide('postgresError', e instanceof Error ? e.message : String(e));
    return () => undefined;
  }
}
