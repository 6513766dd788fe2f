/** A binary min-heap of integer items keyed by a float, for best-first searches. */
export class MinHeap {
  private items = new Int32Array(64);
  private keys = new Float64Array(64);
  size = 0;

  push(item: number, key: number): void {
    if (this.size === this.items.length) {
      const items = new Int32Array(this.size * 2), keys = new Float64Array(this.size * 2);
      items.set(this.items);
      keys.set(this.keys);
      this.items = items;
      this.keys = keys;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((this.keys[p] as number) <= key) break;
      this.items[i] = this.items[p] as number;
      this.keys[i] = this.keys[p] as number;
      i = p;
    }
    this.items[i] = item;
    this.keys[i] = key;
  }

  peekKey(): number {
    return this.size ? (this.keys[0] as number) : Infinity;
  }

  /** Remove and return the item with the smallest key (the heap must not be empty). */
  pop(): number {
    const top = this.items[0] as number;
    const n = --this.size;
    if (n > 0) {
      const item = this.items[n] as number, key = this.keys[n] as number;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && (this.keys[c + 1] as number) < (this.keys[c] as number)) c++;
        if ((this.keys[c] as number) >= key) break;
        this.items[i] = this.items[c] as number;
        this.keys[i] = this.keys[c] as number;
        i = c;
      }
      this.items[i] = item;
      this.keys[i] = key;
    }
    return top;
  }

  clear(): void {
    this.size = 0;
  }
}
