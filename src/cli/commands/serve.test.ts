/** `atlas serve` end to end: the real binary on a fresh database prints its URL and answers; bad flags exit 2. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../core/paths.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');

describe('atlas serve', () => {
  it('prints the URL, serves /api/stats and /docs, stops on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atlas-serve-'));
    const db = path.join(dir, 'a.duckdb');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-web', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const stats = (await (await fetch(`${url}api/stats`)).json()) as { counts: Record<string, number> };
      expect(stats.counts['people']).toBe(0);
      expect((await fetch(`${url}docs`)).headers.get('content-type')).toContain('text/html');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  it('rejects a bad port with exit code 2', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', 'http'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--port');
  });
});
