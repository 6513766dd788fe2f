/**
 * After an ingest or a pull landed records: the search index and the tie graph the store keeps (in their files, or
 * in this process) are brought up to date there and then (search/index-update.ts, network/tie-graph-update.ts), so
 * the next `atlas search` and `atlas intro` read them ready. Those the store keeps none of yet (its first ingest, or
 * after an erasure) are built and kept now, unless the caller says not to (`--no-index`), so that even the first
 * search and intro answer from their files. A small store builds them in this process. A large one builds each in a
 * process of its own (`atlas index --only …`): at a million people a build takes about a minute and ~2 GiB, and
 * built after an ingest in the ingest's process the peak was 3.04 GiB, since memory freed is not given back to the
 * system (docs/ingest.md "Peak memory"). The records have landed whatever happens here: a failure is said, not thrown.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { updateKeptTieGraph } from '../network/index.ts';
import { updateKeptSearchIndex } from '../search/index.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import type { Store } from '../store/store.ts';
import type { CommandContext } from './command.ts';

type Kept = { how: 'updated' | 'built' | 'current'; ms: number; newRefYear?: number; first?: boolean } | null;

/** What `atlas index --only` names. */
export const KEPT_STRUCTURES = ['search', 'graph'] as const;
export type KeptStructure = (typeof KEPT_STRUCTURES)[number];

const WHAT: Record<KeptStructure, { what: string; next: string; command: string }> = {
  search: { what: 'search index', next: 'the next search', command: '`atlas search`' },
  graph: { what: 'tie graph', next: 'the next intro', command: '`atlas intro`' },
};

/**
 * Stores of at most this many people build a first index and graph in the ingest's own process (at 200,000 people
 * a build takes ~12 s and under 1 GB); larger ones in a process each. `ATLAS_INDEX_IN_PROCESS_MAX` sets another.
 */
export const IN_PROCESS_MAX_PEOPLE = 200_000;

function inProcessMax(): number {
  const v = process.env['ATLAS_INDEX_IN_PROCESS_MAX'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : IN_PROCESS_MAX_PEOPLE;
}

/**
 * Bring one kept structure up to date (or, with `build`, make it when none is kept), in this process; `solo`: the
 * process does nothing else meanwhile (`atlas index`), so a search index build gives memory back as it goes.
 */
export function keepInProcess(store: Store, which: KeptStructure, build: boolean, solo = false): Promise<Kept> {
  return which === 'search' ? updateKeptSearchIndex(store, { build, solo }) : updateKeptTieGraph(store, { build });
}

/**
 * `build`: make those the store keeps none of yet (false: --no-index, or an ingest that derived nothing); `suggest`:
 * when not building, say that the first search and intro will (default true). The caller's store may be closed when
 * this returns (a build in another process needs the file to itself): take it again from `ctx.store()`.
 */
export async function keepIndexesCurrent(
  store: Store,
  ctx: Pick<CommandContext, 'json' | 'stderr' | 'db' | 'releaseStore'>,
  options: { build?: boolean; suggest?: boolean } = {},
): Promise<void> {
  const none: KeptStructure[] = [];
  for (const which of KEPT_STRUCTURES) if (!(await report(which, () => keepInProcess(store, which, false), ctx))) none.push(which);
  if (!none.length || !storeCacheDir(store)) return;
  if (options.build) {
    if ((await peopleCount(store)) <= inProcessMax()) {
      for (const which of none) await report(which, () => keepInProcess(store, which, true), ctx);
      return;
    }
    await ctx.releaseStore();
    for (const which of none) await buildInChild(which, ctx);
    return;
  }
  if (options.suggest !== false && !ctx.json) {
    const them = none.length > 1 ? 'them' : 'it';
    ctx.stderr.write(
      `note: this store keeps no ${none.map((n) => WHAT[n].what).join(' or ')} yet: the first ${none.map((n) => WHAT[n].command).join(' and ')} will build ${them} ` +
        `(about a minute each at a million people); \`atlas index\` builds ${them} now\n`,
    );
  }
}

async function peopleCount(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM people');
  return row?.n ?? 0;
}

/** The line that says how a kept structure was made current, e.g. "search index brought up to date in 5.3 s". */
export function keptLine(which: KeptStructure, kept: NonNullable<Kept>): string {
  const how = kept.first
    ? 'built and kept for the next ones'
    : kept.newRefYear !== undefined
      ? `built for the data's new reference year ${kept.newRefYear}`
      : kept.how === 'updated'
        ? 'brought up to date'
        : kept.how === 'built'
          ? 'built again (it could not be updated)'
          : 'already current';
  return `${WHAT[which].what} ${how} in ${(kept.ms / 1000).toFixed(1)} s`;
}

/** Say how a kept structure was brought up to date; false when none is kept (nothing was built). */
async function report(which: KeptStructure, update: () => Promise<Kept>, ctx: Pick<CommandContext, 'json' | 'stderr'>): Promise<boolean> {
  const { what, next } = WHAT[which];
  try {
    const kept = await update();
    if (!kept) return false;
    if (!ctx.json) ctx.stderr.write(`${keptLine(which, kept)}\n`);
  } catch (e) {
    ctx.stderr.write(`warning: the ${what} was not brought up to date (${next} will): ${(e as Error).message}\n`);
  }
  return true;
}

/** The `atlas` program of this checkout (bin/atlas.js), which a child process runs. */
const ATLAS_BIN = fileURLToPath(new URL('../../bin/atlas.js', import.meta.url));

/** Build one structure in `atlas index --only <which>`, a process of its own; its lines are said as this process's. */
async function buildInChild(which: KeptStructure, ctx: Pick<CommandContext, 'json' | 'stderr' | 'db'>): Promise<void> {
  const { what, next } = WHAT[which];
  // --expose-gc: the build collects its garbage before it lays out and writes the index (build-from-store.ts)
  const child = spawn(process.execPath, ['--expose-gc', ATLAS_BIN, 'index', '--only', which, '--db', ctx.db], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(signal ? null : c));
  }).catch((e: unknown) => {
    err += (e as Error).message;
    return -1;
  });
  if (code === 0) {
    if (!ctx.json) ctx.stderr.write(err);
    return;
  }
  const why = err.trim().split('\n').at(-1) || (code === null ? 'the process was killed' : `exit ${code}`);
  ctx.stderr.write(`warning: the ${what} was not built (${next} will build it): ${why}\n`);
}
