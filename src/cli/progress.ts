/** A progress bar on a terminal, redrawn at most ten times a second; silent when not a terminal. */
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { IngestProgress } from '../ingest/run-ingest.ts';

export interface ProgressBar {
  /** Draw label, a bar filled to fraction (0–1) and a detail text; the final state (fraction 1) is always drawn. */
  update(label: string, fraction: number, detail: string): void;
  end(): void;
}

export function progressBar(out: Writable, enabled: boolean): ProgressBar {
  let last = 0;
  let drawn = false;
  let width = 0;
  return {
    update(label, fraction, detail) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const frac = Math.max(0, Math.min(1, fraction));
      const fill = Math.round(frac * 30);
      const line = `${label.slice(-40).padEnd(40)} [${'#'.repeat(fill)}${'.'.repeat(30 - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${detail}`;
      out.write(`\r${line.padEnd(width)}`);
      width = line.length;
      drawn = true;
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

const mb = (n: number): string => (n / 1048576).toFixed(1);

/** An ingest's progress on a bar: bytes and records while files are read, then the merge's steps. */
export function showIngestProgress(bar: ProgressBar): (p: IngestProgress) => void {
  return (p) => {
    if (p.phase === 'read') {
      bar.update(path.basename(p.file), p.fileBytes > 0 ? p.bytesRead / p.fileBytes : 1, `${mb(p.bytesRead)}/${mb(p.fileBytes)} MB ${p.records.toLocaleString('en-US')} records`);
    } else {
      bar.update('merging into the talent graph', p.done / p.total, `step ${Math.min(p.done + 1, p.total)}/${p.total}: ${p.step}`);
    }
  };
}
