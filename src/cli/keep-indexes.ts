/**
 * After an ingest or a pull landed records: the search index and the tie graph the store keeps (in their files, or
 * in this process) are brought up to date there and then (search/index-update.ts, network/tie-graph-update.ts), so
 * the next `atlas search` and `atlas intro` read them ready. Nothing is built when none is kept. The records have
 * landed whatever happens here: a failure is said, not thrown.
 */
import { updateKeptTieGraph } from '../network/index.ts';
import { updateKeptSearchIndex } from '../search/index.ts';
import type { Store } from '../store/store.ts';
import type { CommandContext } from './command.ts';

type Kept = { how: 'updated' | 'built' | 'current'; ms: number; newRefYear?: number } | null;

export async function keepIndexesCurrent(store: Store, ctx: Pick<CommandContext, 'json' | 'stderr'>): Promise<void> {
  await keep('search index', 'the next search', () => updateKeptSearchIndex(store), ctx);
  await keep('tie graph', 'the next intro', () => updateKeptTieGraph(store), ctx);
}

async function keep(what: string, next: string, update: () => Promise<Kept>, ctx: Pick<CommandContext, 'json' | 'stderr'>): Promise<void> {
  try {
    const kept = await update();
    const how = kept?.newRefYear !== undefined ? `built for the data's new reference year ${kept.newRefYear}` : kept?.how === 'updated' ? 'brought up to date' : kept?.how === 'built' ? 'built again (it could not be updated)' : 'already current';
    if (kept && !ctx.json) ctx.stderr.write(`${what} ${how} in ${(kept.ms / 1000).toFixed(1)} s\n`);
  } catch (e) {
    ctx.stderr.write(`warning: the ${what} was not brought up to date (${next} will): ${(e as Error).message}\n`);
  }
}
