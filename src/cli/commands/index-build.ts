/** `atlas index`: build (or bring up to date) the search index and the tie graph the store keeps for the next processes. */
import { AtlasError } from '../../core/errors.ts';
import { storeCacheDir } from '../../store/cache-dir.ts';
import type { Command } from '../command.ts';
import { KEPT_STRUCTURES, keepInProcess, keptLine, type KeptStructure } from '../keep-indexes.ts';
import { printJson } from '../output.ts';

export const indexCommand: Command = {
  name: 'index',
  summary: 'Build, or bring up to date, the search index and the tie graph the store keeps, so searches and intros read them',
  usage: `atlas index [--only search|graph] [--json]

  An ingest or pull does this itself (unless --no-index): the search index and the tie graph (co-authorship and
  mentorship ties, default parameters) are kept in files beside the store (docs/search.md, docs/network.md), so a
  new \`atlas search\` or \`atlas intro\` reads them instead of building them from every work and tie (about a
  minute each at a million people). Kept ones are brought up to date after later ingests; one of an older data
  version that cannot be updated is built again.

  --only search|graph   only the search index, or only the tie graph`,
  options: { only: { type: 'string' } },
  async run(ctx, values) {
    const only = values['only'];
    if (only !== undefined && !(KEPT_STRUCTURES as readonly unknown[]).includes(only))
      throw new AtlasError('BAD_ARGUMENT', `--only takes ${KEPT_STRUCTURES.join(' or ')}, got "${String(only)}"`);
    const store = await ctx.store();
    if (!storeCacheDir(store)) throw new AtlasError('BAD_ARGUMENT', 'this store has no folder to keep an index in (ATLAS_CACHE_DIR=off): searches and intros build their own');
    const which: KeptStructure[] = only ? [only as KeptStructure] : [...KEPT_STRUCTURES];
    const done: Record<string, { how: string; ms: number }> = {};
    for (const w of which) {
      const kept = await keepInProcess(store, w, true, true);
      if (!kept) throw new AtlasError('BAD_ARGUMENT', `the ${w} could not be kept for this store`);
      done[w] = { how: kept.first ? 'built' : kept.how, ms: Math.round(kept.ms) };
      if (!ctx.json) ctx.stderr.write(`${keptLine(w, kept)}\n`);
    }
    if (ctx.json) printJson(ctx.stdout, done);
  },
};
