/** The contract between a source's reader (file → records → facts) and the ingest runner (staging, all-or-nothing merge). */
import type { RecordFacts, SourceName } from './facts.ts';

/** A record the reader could not turn into facts: where it is and why. */
export interface Rejection {
  file: string;
  line: number;
  field?: string | undefined;
  reason: string;
}

export type SourceItem = { kind: 'facts'; facts: RecordFacts } | { kind: 'rejected'; rejection: Rejection };

export interface ReadOptions {
  /** Called with the number of (compressed) bytes read so far, for progress bars. */
  onBytes?: (bytesRead: number) => void;
  /** A single record larger than this is rejected instead of being buffered. */
  maxRecordBytes: number;
}

export interface SourceReader {
  readonly source: SourceName;
  /** Yields the facts of each record of one file, or a rejection for each bad record; throws AtlasError when the file as a whole cannot be read. */
  read(file: string, options: ReadOptions): AsyncIterable<SourceItem>;
  /** Optional cross-record summary the reader wants reported (e.g. papers whose per-author lists were skipped). */
  report?(): Record<string, number | string | Array<Record<string, unknown>>>;
}
