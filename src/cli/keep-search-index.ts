/**
 * After an ingest or a pull landed records: the search index the store keeps (in its file) is brought up to date
 * there and then (search/index-update.ts), so the next `atlas search` reads it ready. Nothing is built when no
 * index is kept. The records have landed whatever happens here: a failure is said, not thrown.
 */
import { updateKeptSearchIndex } from '../search/index.ts';
import type { Store } from '../store/store.ts';
import type { CommandContext } from './command.ts';

export async function keepSearchIndexCurrent(store: Store, ctx: Pick<CommandContext, 'json' | 'stderr'>): Promise<void> {
  try {
    const kept = await updateKeptSearchIndex(store);
    if (kept && !ctx.json) ctx.stderr.write(`search index ${kept.how === 'updated' ? 'brought up to date' : kept.how === 'built' ? 'built again (it could not be updated)' : 'already current'} in ${(kept.ms / 1000).toFixed(1)} s\n`);
  } catch (e) {
    ctx.stderr.write(`warning: the search index was not brought up to date (the next search will): ${(e as Error).message}\n`);
  }
}
