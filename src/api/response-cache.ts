/**
 * A small LRU of serialised JSON bodies (as bytes, so a hit costs no re-encoding) keyed by URL, with a time-to-live
 * as a last resort. The server clears it when the data version changes (an ingest by this or another process); a
 * body computed before a clear (its `generation` is older) is never stored after it.
 */
export class ResponseCache {
  private readonly map = new Map<string, { body: Buffer; at: number }>();
  /** Bumped by every clear(); a caller reads it before computing a body and passes it to set(). */
  generation = 0;
  constructor(
    private readonly maxEntries = 2000,
    private readonly ttlMs = 60_000,
  ) {}

  get(key: string): Buffer | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (Date.now() - e.at > this.ttlMs) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.body;
  }

  set(key: string, body: Buffer, generation = this.generation): void {
    if (this.maxEntries <= 0 || generation !== this.generation) return;
    this.map.delete(key);
    this.map.set(key, { body, at: Date.now() });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }

  clear(): void {
    this.generation += 1;
    this.map.clear();
  }
}
