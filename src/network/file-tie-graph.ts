/**
 * A tie graph read from its file (tie-graph-file.ts) without reading its ties: a new process (every `atlas intro`)
 * reads the ids, their order and the row offsets (a few MB at a million people) and leaves the rest of the file
 * (hundreds of MB) where it is. A path query reaches a few hundred rows; each row's targets and costs are read from
 * the file when the search first reaches it (`lazy.need`), and the weight of each hop shown by itself. The whole
 * arrays — what an update, an export or a file rewrite reads — are read on first use, in place of the rows read
 * so far; once all four are in, the file is closed.
 *
 * The file stays open from the first read (BundleFile): a newer graph renamed over it, or its deletion, by another
 * process changes nothing this graph reads. It is closed when every array is in, by `close()` (a graph no caller
 * holds), or when the graph is collected.
 */
import type { BundleFile } from '../core/array-bundle.ts';
import { SortedIdIndex, type LazyRows, type TieGraph } from './csr.ts';

interface Columns {
  targets: Int32Array;
  costs: Float64Array;
  weights: Float64Array;
  kinds: Uint8Array;
}

export class FileTieGraph implements TieGraph {
  readonly index: SortedIdIndex;
  readonly lazy: LazyRows;
  /** Full-length arrays filled as they are read: a page never written takes no memory. */
  private readonly columns: Columns;
  private readonly whole = new Set<keyof Columns>();
  private readonly rowRead: Uint8Array;

  constructor(
    private readonly file: BundleFile<unknown>,
    readonly ids: readonly string[],
    order: Int32Array,
    /** Checked by the caller: ascending from 0 to the sections' length. */
    readonly offsets: Int32Array,
  ) {
    this.index = new SortedIdIndex(ids, order);
    const m = offsets[ids.length] as number;
    this.columns = { targets: new Int32Array(m), costs: new Float64Array(m), weights: new Float64Array(m), kinds: new Uint8Array(m) };
    this.rowRead = new Uint8Array(ids.length);
    const { targets, costs, weights } = this.columns;
    this.lazy = {
      targets,
      costs,
      need: (u) => {
        if (this.rowRead[u]) return;
        const from = offsets[u] as number, to = offsets[u + 1] as number;
        if (!this.whole.has('targets')) this.file.readInto('targets', targets, from, to);
        if (!this.whole.has('costs')) this.file.readInto('costs', costs, from, to);
        this.rowRead[u] = 1;
      },
      weight: (e) => {
        if (!this.whole.has('weights')) this.file.readInto('weights', weights, e, e + 1);
        return weights[e] as number;
      },
    };
  }

  get targets(): Int32Array {
    return this.wholeOf('targets');
  }

  get costs(): Float64Array {
    return this.wholeOf('costs');
  }

  get weights(): Float64Array {
    return this.wholeOf('weights');
  }

  get kinds(): Uint8Array {
    return this.wholeOf('kinds');
  }

  /** The arrays read whole so far. */
  get wholeArrays(): Array<keyof Columns> {
    return [...this.whole];
  }

  /** Whether the file is still open (something of it is still to be read). */
  get fileOpen(): boolean {
    return !this.file.closed;
  }

  /** Close the file (a graph no caller holds any more); a read after this throws. */
  close(): void {
    this.file.close();
  }

  private wholeOf<K extends keyof Columns>(name: K): Columns[K] {
    const a = this.columns[name];
    if (!this.whole.has(name)) {
      this.file.readInto(name, a);
      this.whole.add(name);
      if (this.whole.has('targets') && this.whole.has('costs')) this.rowRead.fill(1);
      if (this.whole.size === 4) this.file.close();
    }
    return a;
  }
}
