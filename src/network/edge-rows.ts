/** The tie graph as rows (a, b, weight, kinds) for `atlas export edges`: each undirected tie once, a < b by id. */
import type { Row, Store } from '../store/store.ts';
import { kindNames } from './csr.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, type TieParams } from './tie-graph.ts';

export async function* edgeRows(store: Store, params: TieParams = DEFAULT_TIE_PARAMS, batchSize = 10_000): AsyncIterable<Row[]> {
  const { graph } = await buildTieGraph(store, params, { owners: 'all' });
  const { ids, offsets, targets, weights, kinds } = graph;
  // order nodes by id so the export is stable whatever the interning order
  const order = ids.map((_, i) => i).sort((x, y) => ((ids[x] as string) < (ids[y] as string) ? -1 : 1));
  let batch: Row[] = [];
  for (const u of order) {
    const a = ids[u] as string;
    const nb: Array<{ b: string; e: number }> = [];
    for (let e = offsets[u] as number; e < (offsets[u + 1] as number); e++) {
      const b = ids[targets[e] as number] as string;
      if (a < b) nb.push({ b, e });
    }
    nb.sort((x, y) => (x.b < y.b ? -1 : 1));
    for (const { b, e } of nb) batch.push({ a, b, weight: weights[e] as number, kinds: kindNames(kinds[e] as number).join('+') });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
