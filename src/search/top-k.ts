/**
 * The small ranking primitives the search index's query paths share: a person's three best work scores, the bounded
 * heap of the best (score desc, person asc) people, and a bit count.
 */

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Insert score s (work w) into the descending top-3 at base b; ties keep the lower work ordinal first. */
export function insertTop(top: Float32Array, topWork: Int32Array, b: number, s: number, w: number): void {
  if (s <= 0) return;
  for (let j = 0; j < 3; j++) {
    const cur = top[b + j] as number;
    if (s > cur || (s === cur && cur > 0 && w < (topWork[b + j] as number))) {
      for (let k = 2; k > j; k--) {
        top[b + k] = top[b + k - 1] as number;
        topWork[b + k] = topWork[b + k - 1] as number;
      }
      top[b + j] = s;
      topWork[b + j] = w;
      return;
    }
  }
}

const before = (a: { p: number; score: number }, b: { p: number; score: number }): boolean => a.score > b.score || (a.score === b.score && a.p < b.p);

/** The first n candidates in (score desc, person asc) order, by a bounded binary heap: O(N log n). */
export function selectTop<T extends { p: number; score: number }>(cand: T[], n: number): T[] {
  if (n <= 0) return [];
  if (cand.length <= n * 4) return [...cand].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)).slice(0, n);
  // min-heap of the worst kept candidate at the root
  const heap: T[] = [];
  const worse = (i: number, j: number): boolean => before(heap[j] as T, heap[i] as T);
  const swap = (i: number, j: number): void => {
    const t = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = t;
  };
  for (const c of cand) {
    if (heap.length < n) {
      heap.push(c);
      let i = heap.length - 1;
      while (i > 0 && worse(i, (i - 1) >> 1)) {
        swap(i, (i - 1) >> 1);
        i = (i - 1) >> 1;
      }
    } else if (before(c, heap[0] as T)) {
      heap[0] = c;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(l, m)) m = l;
        if (r < heap.length && worse(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** Bounded heap keeping the n best (score desc, person asc) in typed arrays; the root is the worst kept. */
export class TopHeap {
  private readonly score: Float64Array;
  private readonly person: Int32Array;
  private readonly rel: Float64Array;
  private size = 0;
  constructor(private readonly cap: number) {
    this.score = new Float64Array(Math.max(1, cap));
    this.person = new Int32Array(Math.max(1, cap));
    this.rel = new Float64Array(Math.max(1, cap));
  }
  /** True when the heap holds as many people as it keeps. */
  get full(): boolean {
    return this.size >= this.cap;
  }
  /** The score of the worst person kept (the one a newcomer must beat); meaningful when full. */
  get worst(): number {
    return this.score[0] as number;
  }
  /** a ranks before b */
  private better(sa: number, pa: number, sb: number, pb: number): boolean {
    return sa > sb || (sa === sb && pa < pb);
  }
  private set(i: number, s: number, p: number, r: number): void {
    this.score[i] = s;
    this.person[i] = p;
    this.rel[i] = r;
  }
  offer(s: number, p: number, r: number): void {
    const { score, person, rel } = this;
    if (this.cap <= 0) return;
    if (this.size < this.cap) {
      let i = this.size++;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (!this.better(score[up] as number, person[up] as number, s, p)) break; // parent is worse-or-equal: stop
        this.set(i, score[up] as number, person[up] as number, rel[up] as number);
        i = up;
      }
      this.set(i, s, p, r);
      return;
    }
    if (!this.better(s, p, score[0] as number, person[0] as number)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const rr = l + 1;
      let m = -1;
      let ms = s;
      let mp = p;
      if (l < this.size && this.better(ms, mp, score[l] as number, person[l] as number)) (m = l), (ms = score[l] as number), (mp = person[l] as number);
      if (rr < this.size && this.better(ms, mp, score[rr] as number, person[rr] as number)) m = rr;
      if (m < 0) break;
      this.set(i, score[m] as number, person[m] as number, rel[m] as number);
      i = m;
    }
    this.set(i, s, p, r);
  }
  sorted(): Array<{ p: number; score: number; rel: number }> {
    const out = Array.from({ length: this.size }, (_, i) => ({ p: this.person[i] as number, score: this.score[i] as number, rel: this.rel[i] as number }));
    return out.sort((a, b) => (this.better(a.score, a.p, b.score, b.p) ? -1 : this.better(b.score, b.p, a.score, a.p) ? 1 : 0));
  }
}
