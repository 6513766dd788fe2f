/**
 * Room in the database that holds no data: a DuckDB write killed before its commit (an ingest, a pull batch)
 * leaves the blocks it had written at the end of the file, and an erasure leaves the erased rows' old blocks
 * until they are written over. Said when it is worth `atlas vacuum`.
 */
import type { Store } from '../store.ts';

/** Worth saying: at least 16 MiB and a fifth of the file. */
const MIN_BYTES = 16 * 1024 * 1024;
const MIN_SHARE = 0.2;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** A one-line note when much of the store holds no data, else null. */
export async function unusedSpaceNote(store: Store): Promise<string | null> {
  const s = await store.size();
  if (s.unusedBytes === null || s.unusedBytes < MIN_BYTES || s.unusedBytes < MIN_SHARE * s.bytes) return null;
  return `${formatBytes(s.unusedBytes)} of ${store.location} (${formatBytes(s.bytes)}) holds no data (left by a write that was killed, or by erased rows); \`atlas vacuum\` gives it back`;
}
