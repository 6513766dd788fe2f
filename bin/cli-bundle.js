// @ts-check
/**
 * The CLI as plain JavaScript, compiled from src/ when the sources change, so `atlas` starts without a TypeScript
 * loader. Running src/cli/main.ts through tsx's loader costs ~0.2 s before the first module (its hooks run in a
 * thread of their own, and every module import crosses over to it); the compiled CLI is a few files node loads
 * itself (docs/search.md, "End to end").
 *
 * The compiled files live in node_modules/.cache/talent-atlas/cli-<fingerprint>/, the fingerprint being a digest of
 * every source file's path, size and modification time (and of this file, package.json, tsconfig.json and the
 * compiler's version): a changed, added or removed source makes another fingerprint, and the first run after it
 * compiles again (esbuild, ~0.3 s). Nothing stale can run. Several processes compiling at once each write their own
 * folder and rename it into place; the first rename wins and the others discard theirs.
 *
 * Where the cache cannot be written, or the compile fails, or ATLAS_COMPILED_CLI=off, the CLI runs through tsx as
 * before. Module-relative paths (import.meta.url) keep naming the source file they are written in.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'src/cli/main.ts';
/** Folders of fingerprints other than the current one are removed once this old (a process may still be reading one). */
const OLD_BUNDLE_MS = 10 * 60_000;

/**
 * A digest of what the compiled CLI is made from: every file under src/ but tests and built dashboards (relative
 * path, size, mtime in ns), this file, package.json, tsconfig.json and the installed esbuild's package.json.
 * @param {string} [root]
 * @returns {string}
 */
export function sourceFingerprint(root = ROOT) {
  const hash = createHash('sha256');
  /** @param {string} file */
  const add = (file) => {
    try {
      const s = statSync(file, { bigint: true });
      hash.update(`${path.relative(root, file)}\0${s.size}\0${s.mtimeNs}\n`);
    } catch {
      hash.update(`${path.relative(root, file)}\0missing\n`);
    }
  };
  /** @param {string} dir */
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.endsWith('.test.ts') || e.name === 'dist' || e.name.startsWith('dist.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(path.join(root, 'src'));
  for (const f of ['bin/cli-bundle.js', 'package.json', 'tsconfig.json', 'node_modules/esbuild/package.json', ...BUNDLED.map((p) => `node_modules/${p}/package.json`)]) add(path.join(root, f));
  return hash.digest('hex').slice(0, 20);
}

/**
 * Packages compiled into the CLI instead of imported: @duckdb/node-api is 181 CommonJS files, and importing them from
 * an ES module made node resolve, read and compile each and scan each for its exports (cjs-module-lexer), ~0.15 s
 * of every `atlas` call that opens a store. Its native binding (@duckdb/node-bindings) stays a package, loaded with
 * `require` (a CommonJS load needs no export scan). Their package.json files are in the fingerprint: an upgrade
 * compiles again.
 */
const BUNDLED = ['@duckdb/node-api'];

/** esbuild plugin: every package but BUNDLED stays an import. */
const packagesBut = {
  name: 'packages-but-bundled',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUNDLED.some((p) => args.path === p || args.path.startsWith(`${p}/`))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/**
 * What a bundled CommonJS package's `require` of a package left out calls: node's own, resolving from the chunk's
 * place (node_modules/.cache/… under the project, so the project's node_modules is found).
 */
const REQUIRE_BANNER = "import { createRequire as __atlasCreateRequire } from 'node:module'; const require = __atlasCreateRequire(import.meta.url);";

/** esbuild plugin: `import.meta.url` in a source file becomes that file's own URL (the bundle lives elsewhere). */
const keepModuleUrls = {
  name: 'keep-module-urls',
  /** @param {import('esbuild').PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const contents = text.includes('import.meta.url') ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : text;
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Compile src/cli/main.ts with its modules (split per lazily loaded command) into outDir; packages stay imports, but BUNDLED.
 * @param {string} outDir
 * @param {string} [root]
 */
export async function compileCli(outDir, root = ROOT) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, ENTRY)],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: REQUIRE_BANNER },
    outdir: outDir,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    plugins: [packagesBut, keepModuleUrls],
  });
}

/**
 * The compiled CLI's entry file, compiling it first when the sources changed; undefined when it cannot be had.
 * @param {string} [root]
 * @returns {Promise<string | undefined>}
 */
export async function compiledCliEntry(root = ROOT) {
  const cache = path.join(root, 'node_modules', '.cache', 'talent-atlas');
  const name = `cli-${sourceFingerprint(root)}`;
  const dir = path.join(cache, name);
  const entry = path.join(dir, 'main.js');
  try {
    statSync(entry);
    return entry;
  } catch {
    // not compiled for these sources yet
  }
  try {
    mkdirSync(cache, { recursive: true });
    const tmp = path.join(cache, `${name}.tmp-${process.pid}-${Date.now()}`);
    try {
      await compileCli(tmp, root);
      statSync(path.join(tmp, 'main.js'));
      try {
        renameSync(tmp, dir);
      } catch {
        // another process renamed its compile into place first; that one is as good as ours
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    removeOldCompiles(cache, name);
    statSync(entry);
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * @param {string} cache
 * @param {string} keep
 */
function removeOldCompiles(cache, keep) {
  for (const e of readdirSync(cache)) {
    if (!e.startsWith('cli-') || e === keep) continue;
    const p = path.join(cache, e);
    try {
      if (Date.now() - statSync(p).mtimeMs > OLD_BUNDLE_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // removed by another process
    }
  }
}

/** Start the CLI: compiled when it can be, else through tsx. */
export async function startCli() {
  const entry = process.env['ATLAS_COMPILED_CLI'] === 'off' ? undefined : await compiledCliEntry();
  if (entry) {
    // stack traces (an internal error's report) name the TypeScript sources
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(entry).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
