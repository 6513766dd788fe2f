/** The dashboard's static files: builds src/web with Vite when dist is missing or older than its sources, and serves dist. */
import { chmodSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AtlasError } from '../core/errors.ts';
import { PACKAGE_ROOT } from '../core/paths.ts';

export const WEB_ROOT = path.join(PACKAGE_ROOT, 'src', 'web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name.startsWith('dist.') || entry.name.endsWith('.test.ts')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function webBuildIsFresh(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestSource(WEB_ROOT);
}

/** Build the dashboard into src/web/dist unless it is fresh. Builds into a temporary folder and renames, so parallel builds never see half a dist. */
export async function ensureWebBuild(log: (line: string) => void = () => {}): Promise<'fresh' | 'built'> {
  if (webBuildIsFresh()) return 'fresh';
  log('building the dashboard (vite build src/web) …');
  const tmp = mkdtempSync(path.join(WEB_ROOT, 'dist.tmp-'));
  chmodSync(tmp, 0o755);
  try {
    const { build } = await import('vite').catch((e: unknown) => {
      throw new AtlasError('NO_DATA', `the dashboard is not built and Vite is not installed (${String(e)}): run \`npm install\` (with dev dependencies) or \`atlas serve --no-web\``);
    });
    await build({ root: WEB_ROOT, configFile: false, logLevel: 'warn', base: '/', build: { outDir: tmp, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
    rmSync(WEB_DIST, { recursive: true, force: true });
    try {
      renameSync(tmp, WEB_DIST);
    } catch {
      // Another process renamed its build into place first; that one is as good as ours.
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return 'built';
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

/** Read a file under dist for a URL path; undefined for anything outside dist or missing. */
export async function readWebFile(urlPath: string): Promise<{ body: Buffer; type: string } | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(WEB_DIST, '.' + rel);
  if (!file.startsWith(WEB_DIST + path.sep)) return undefined;
  try {
    return { body: await readFile(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
