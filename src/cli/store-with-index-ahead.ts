/**
 * The store, opened while node's thread pool reads the kept search index's whole sections (search-index-file.ts
 * `prefetchSearchIndexFile`): for a command whose next step is a search (`atlas search`, a cohort taken from a search),
 * so that a new process waits for the longer of the two instead of one after the other (docs/search.md "End to end").
 */
import { prefetchSearchIndexFile } from '../search/search-index-file.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { backendOf } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { CommandContext } from './command.ts';

export function storeWithIndexAhead(ctx: Pick<CommandContext, 'store' | 'db'>): Promise<Store> {
  const opening = ctx.store();
  prefetchSearchIndexFile(storeCacheDir({ backend: backendOf(ctx.db), location: ctx.db }));
  return opening;
}
