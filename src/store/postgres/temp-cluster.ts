/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, started on a free loopback port
 * with its unix socket in that dir, stopped and deleted by stop(). The server refuses to run as root, so as root
 * every step runs as the `postgres` user (runuser). Needs Debian's postgresql binaries (scripts/setup/postgres.sh).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempCluster {
  /** Admin URL (user postgres, database postgres, trust auth on loopback). */
  url: string;
  stop(): void;
}

function findBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql; run scripts/setup/postgres.sh');
  return join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a cluster. `durable: false` (tests) turns off fsync, synchronous commit and full-page writes; benchmarks
 * keep PostgreSQL's defaults. `settings` adds `-c name=value` server options.
 */
export async function startTempCluster(options: { durable?: boolean; settings?: Record<string, string> } = {}): Promise<TempCluster> {
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): string =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { encoding: 'utf8', stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'atlas-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  try {
    const bin = findBin();
    if (asRoot) {
      const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres'], { encoding: 'utf8' }).trim()));
      chownSync(dir, uid as number, gid as number);
    }
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      max_connections: '200',
      ...(options.durable === false ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
      ...options.settings,
    };
    const opts = [`-p ${port}`, `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    run(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', opts, '-w', '-t', '60', 'start']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop() {
        try {
          run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    const stderr = (e as { stderr?: unknown }).stderr;
    const logText = existsSync(log) ? readFileSync(log, 'utf8').slice(-800) : '';
    rmSync(dir, { recursive: true, force: true });
    const first = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(`PostgreSQL could not start: ${first} ${typeof stderr === 'string' ? stderr.slice(0, 400) : ''} ${logText}`.trim(), { cause: e });
  }
}
