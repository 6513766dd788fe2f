/**
 * After an ingest or a pull landed records: the search index and the tie graph the store keeps (in their files, or
 * in this process) are brought up to date there and then (search/index-update.ts, network/tie-graph-update.ts), so
 * the next `atlas search` and `atlas intro` read them ready. With `build` (--index, on an ingest or pull that
 * derived careers) those the store keeps none of yet are built and kept now, so that even the first search and
 * intro after the first ingest answer from their files; without it a note says that the first search and intro
 * will build them (at 1M people about a minute each, and a build's memory on top of the ingest's: docs/ingest.md
 * "Peak memory"). The records have landed whatever happens here: a failure is said, not thrown.
 */
import { updateKeptTieGraph } from '../network/index.ts';
import { updateKeptSearchIndex } from '../search/index.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import type { Store } from '../store/store.ts';
import type { CommandContext } from './command.ts';

type Kept = { how: 'updated' | 'built' | 'current'; ms: number; newRefYear?: number; first?: boolean } | null;

/** `build`: make those the store keeps none of yet (--index); `suggest`: else say that --index would (default true). */
export async function keepIndexesCurrent(store: Store, ctx: Pick<CommandContext, 'json' | 'stderr'>, options: { build?: boolean; suggest?: boolean } = {}): Promise<void> {
  const none: Array<{ what: string; command: string }> = [];
  if (!(await keep('search index', 'the next search', () => updateKeptSearchIndex(store, options), ctx))) none.push({ what: 'search index', command: '`atlas search`' });
  if (!(await keep('tie graph', 'the next intro', () => updateKeptTieGraph(store, options), ctx))) none.push({ what: 'tie graph', command: '`atlas intro`' });
  if (none.length && options.suggest !== false && storeCacheDir(store) && !ctx.json) {
    const them = none.length > 1 ? 'them' : 'it';
    ctx.stderr.write(
      `note: this store keeps no ${none.map((n) => n.what).join(' or ')} yet: the first ${none.map((n) => n.command).join(' and ')} will build ${them} ` +
        `(about a minute each at a million people); --index builds ${them} now\n`,
    );
  }
}

/** Bring one kept structure up to date and say so; false when none is kept (nothing was built). */
async function keep(what: string, next: string, update: () => Promise<Kept>, ctx: Pick<CommandContext, 'json' | 'stderr'>): Promise<boolean> {
  try {
    const kept = await update();
    if (!kept) return false;
    const how = kept.first
      ? 'built and kept for the next ones'
      : kept.newRefYear !== undefined
        ? `built for the data's new reference year ${kept.newRefYear}`
        : kept.how === 'updated'
          ? 'brought up to date'
          : kept.how === 'built'
            ? 'built again (it could not be updated)'
            : 'already current';
    if (!ctx.json) ctx.stderr.write(`${what} ${how} in ${(kept.ms / 1000).toFixed(1)} s\n`);
  } catch (e) {
    ctx.stderr.write(`warning: the ${what} was not brought up to date (${next} will): ${(e as Error).message}\n`);
  }
  return true;
}
