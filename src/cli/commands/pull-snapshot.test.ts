/** `atlas pull openalex-snapshot` end to end through the CLI: download from a local bucket, a cut part resumed, then `atlas ingest` checks and lands it. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../ingest/openalex/test-snapshot.ts';
import { startSnapshotServer } from '../../pull/openalex-snapshot/test-snapshot-server.ts';
import { runCaptured } from '../run-captured.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-pull-snapshot-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('atlas pull openalex-snapshot', () => {
  it('downloads the parts of the entity, resumes a part cut short on the next run, and atlas ingest lands exactly the manifest records', async () => {
    const bucket = path.join(tmp, 'bucket');
    mkdirSync(bucket);
    const snap = buildSnapshot(bucket, 'entity', ['authors']);
    const server = await startSnapshotServer(snap.root);
    try {
      const out = path.join(tmp, 'out');
      const args = ['pull', 'openalex-snapshot', 'authors', '--base-url', server.url, '--out', out, '--concurrency', '1', '--retries', '1'];
      // Every try of the first part is cut mid-body: the first run gives up (non-zero, naming the part) but keeps what it got.
      server.inject(snap.parts[0]!.key, { kind: 'reset' }, 2);
      const first = await runCaptured(args);
      expect(first.code).not.toBe(0);
      expect(first.err).toContain(snap.parts[0]!.key.split('/').pop());
      const second = await runCaptured([...args, '--json']);
      expect(second.code, second.err).toBe(0);
      const r = JSON.parse(second.out) as { parts: number; resumed: number; downloaded: number; records: number };
      expect([r.parts, r.resumed, r.downloaded]).toEqual([3, 1, 2]);
      expect(r.records).toBe(snap.parts.reduce((n, p) => n + p.records, 0));
      const db = path.join(tmp, 'a.duckdb');
      const ingest = await runCaptured(['ingest', out, '--db', db, '--json']);
      expect(ingest.code, ingest.err).toBe(0);
      expect((JSON.parse(ingest.out) as { records: number }).records).toBe(r.records);
      // No store is opened by the download itself.
      const bad = await runCaptured(['pull', 'openalex-snapshot', 'authors', '--since', 'yesterday', '--out', out]);
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/--since must be a date YYYY-MM-DD/);
    } finally {
      await server.close();
    }
  });
});
