/** A progress bar on a terminal (bytes and records), redrawn at most ten times a second; silent when not a terminal. */
import type { Writable } from 'node:stream';

export function progressBar(out: Writable, enabled: boolean): { update(label: string, done: number, total: number, records: number): void; end(): void } {
  let last = 0;
  let drawn = false;
  const mb = (n: number): string => (n / 1048576).toFixed(1);
  return {
    update(label, done, total, records) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const fill = Math.round(frac * width);
      out.write(`\r${label.slice(-40).padEnd(40)} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mb(done)}/${mb(total)} MB ${records.toLocaleString('en-US')} records`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}
