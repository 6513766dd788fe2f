/**
 * bin/cli-bundle.js: the CLI compiled from src/ is made again whenever a source changes, and answers exactly as the
 * TypeScript sources run through tsx (ATLAS_COMPILED_CLI=off) do.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledCliEntry, sourceFingerprint } from '../../bin/cli-bundle.js';
import { PACKAGE_ROOT, dataPath } from '../core/paths.ts';

const run = promisify(execFile);
const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function atlas(compiled: boolean, db: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, CI: 'true', ATLAS_COMPILED_CLI: compiled ? undefined : 'off' };
  try {
    const r = await run('node', [BIN, ...args, '--db', db], { env, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('the compiled CLI', () => {
  it('is fingerprinted by every source: a changed, added or removed file changes it; tests and built dashboards do not', () => {
    const root = path.join(dir, 'tree');
    mkdirSync(path.join(root, 'src', 'a'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'a', 'x.ts'), 'export const x = 1;\n');
    const fp0 = sourceFingerprint(root);
    expect(fp0).toMatch(/^[0-9a-f]{20}$/);
    expect(sourceFingerprint(root)).toBe(fp0);
    writeFileSync(path.join(root, 'src', 'a', 'x.test.ts'), 'test\n');
    mkdirSync(path.join(root, 'src', 'web', 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'web', 'dist', 'index.html'), '<p>\n');
    expect(sourceFingerprint(root)).toBe(fp0);
    writeFileSync(path.join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    const fpAdded = sourceFingerprint(root);
    expect(fpAdded).not.toBe(fp0);
    rmSync(path.join(root, 'src', 'b.ts'));
    expect(sourceFingerprint(root)).toBe(fp0);
    // same size, another modification time: an edit that kept the length
    const x = path.join(root, 'src', 'a', 'x.ts');
    const t = statSync(x).mtime;
    utimesSync(x, t, new Date(t.getTime() + 5000));
    expect(sourceFingerprint(root)).not.toBe(fp0);
    writeFileSync(x, 'export const x = 10;\n');
    const fp1 = sourceFingerprint(root);
    expect(fp1).not.toBe(fp0);
    // DuckDB's node-api is compiled in (with the binding it loads left a package): its upgrade compiles again
    mkdirSync(path.join(root, 'node_modules', '@duckdb', 'node-api'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), '{"version":"1.5.5"}\n');
    const fpApi = sourceFingerprint(root);
    expect(fpApi).not.toBe(fp1);
    writeFileSync(path.join(root, 'node_modules', '@duckdb', 'node-api', 'package.json'), '{"version":"1.5.6"}\n');
    expect(sourceFingerprint(root)).not.toBe(fpApi);
  });

  it('compiles once for the sources, and answers every command as the TypeScript sources do', async () => {
    const entry = await compiledCliEntry();
    expect(entry).toMatch(/node_modules\/\.cache\/talent-atlas\/cli-[0-9a-f]{20}\/main\.js$/);
    const made = statSync(entry!).mtimeMs;
    expect(await compiledCliEntry()).toBe(entry);
    expect(statSync(entry!).mtimeMs).toBe(made);
    // DuckDB's node-api is in the compiled files, not imported (181 CommonJS files scanned for their exports on
    // every call); its native binding is required from there
    const compiled = readdirSync(path.dirname(entry!), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(path.dirname(entry!), f), 'utf8')).join('\n');
    expect(compiled).not.toMatch(/from\s*["']@duckdb\/node-api/);
    expect(compiled).toContain('DuckDBInstance');
    expect(compiled).toMatch(/require\(["']@duckdb\/node-bindings["']\)/);

    const sample = [dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json'), dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json')];
    const dbs = { compiled: path.join(dir, 'compiled.duckdb'), tsx: path.join(dir, 'tsx.duckdb') };
    for (const [mode, db] of Object.entries(dbs)) {
      const ingested = await atlas(mode === 'compiled', db, ['ingest', ...sample, '--json']);
      expect(ingested.code, ingested.stderr).toBe(0);
      expect(JSON.parse(ingested.stdout)).toMatchObject({ records: 31, inserted: 31 });
    }
    const commands: string[][] = [
      ['--help'],
      ['stats', '--json'],
      ['person', 'A5023888391'],
      ['search', 'open access', '--limit', '3', '--json'],
      ['flows', '--json'],
      ['gap', '--current', 'US', '--origin', 'DE', '--level', 'SE', '--json'],
      ['no-such-command'],
      ['person'],
      ['stats', '--bogus'],
    ];
    for (const args of commands) {
      const [compiled, tsx] = [await atlas(true, dbs.compiled, args), await atlas(false, dbs.tsx, args)];
      // the two stores differ only in their paths and the times of their ingests
      const plain = (text: string): string => text.replaceAll(dbs.compiled, 'DB').replaceAll(dbs.tsx, 'DB').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME');
      const same = (r: typeof compiled): typeof compiled => ({ ...r, stdout: plain(r.stdout), stderr: plain(r.stderr) });
      expect(same(compiled), args.join(' ')).toEqual(same(tsx));
    }
  }, 120_000);
});
