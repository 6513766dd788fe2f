/**
 * bin/atlas.js run as a program (how `npx atlas` runs it): node is started in the same process (exec, so a signal
 * or a kill reaches the CLI itself) with glibc's malloc asked for huge pages — added to tunables the user set,
 * left out with ATLAS_HUGE_PAGES=off.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../core/paths.ts';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-entry-'));

/** The environment and program name of a served `atlas serve` started as a program, then its exit code on SIGTERM. */
async function served(env: Record<string, string | undefined>): Promise<{ tunables: string | undefined; comm: string; code: number | null }> {
  // glibc parses GLIBC_TUNABLES in place (its copy in /proc/<pid>/environ ends at the first ':'), so node itself says
  // what it was given, from a module preloaded through NODE_OPTIONS.
  const say = `--import=data:text/javascript,${encodeURIComponent("console.log('tunables:'+JSON.stringify(process.env.GLIBC_TUNABLES??null))")}`;
  const nodeOptions = [process.env.NODE_OPTIONS, say].filter(Boolean).join(' ');
  const child = spawn(BIN, ['serve', '--port', '0', '--no-web', '--db', path.join(dir, 'a.duckdb')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions } });
  try {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => (out += d.toString()) && /dashboard: http/.test(out) && resolve());
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)));
    });
    const comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
    const said = /^tunables:(.*)$/m.exec(out)?.[1];
    const tunables = said === undefined ? 'not said' : ((JSON.parse(said) as string | null) ?? undefined);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { tunables, comm, code };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('bin/atlas.js as a program', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs node in its own process with huge pages asked for, after the tunables the user set', async () => {
    const plain = await served({ GLIBC_TUNABLES: undefined, ATLAS_HUGE_PAGES: undefined });
    expect(plain).toEqual({ tunables: 'glibc.malloc.hugetlb=1', comm: 'node', code: 0 });
    const kept = await served({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2', ATLAS_HUGE_PAGES: undefined });
    expect(kept.tunables).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    const off = await served({ GLIBC_TUNABLES: undefined, ATLAS_HUGE_PAGES: 'off' });
    expect(off).toEqual({ tunables: undefined, comm: 'node', code: 0 });
  }, 60_000);
});
