/** The terminal progress bar: what an ingest shows while it reads files and while it merges. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar, showIngestProgress } from './progress.ts';

function sink(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({ write: (chunk: Buffer, _enc, done) => ((text += chunk.toString()), done()) });
  return { out, text: () => text };
}

describe('ingest progress bar', () => {
  it('shows megabytes and records while reading, then the merge step, and ends with a newline', () => {
    const { out, text } = sink();
    const bar = progressBar(out, true);
    const show = showIngestProgress(bar);
    show({ phase: 'read', file: '/data/works.jsonl.gz', fileBytes: 4 * 1048576, bytesRead: 4 * 1048576, records: 12345 });
    expect(text()).toContain('works.jsonl.gz');
    expect(text()).toContain('100% 4.0/4.0 MB 12,345 records');
    show({ phase: 'merge', step: 'people', done: 1, total: 10 });
    show({ phase: 'merge', step: 'commit', done: 9, total: 10 });
    // Throttled to ten redraws a second: a merge step right after another is drawn once a fraction reaches 1 only.
    bar.update('merging into the talent graph', 1, 'step 10/10: commit');
    bar.end();
    const frames = text().split('\r').filter(Boolean);
    expect(frames.at(-1)).toMatch(/^merging into the talent graph +\[#{30}\] 100% step 10\/10: commit *\n$/);
    // A shorter frame blanks out what a longer one left behind.
    expect(frames.every((f, i) => i === 0 || f.replace(/\n$/, '').length >= (frames[i - 1] ?? '').length)).toBe(true);
  });

  it('draws nothing when not on a terminal', () => {
    const { out, text } = sink();
    const bar = progressBar(out, false);
    showIngestProgress(bar)({ phase: 'read', file: 'a.jsonl', fileBytes: 10, bytesRead: 10, records: 1 });
    bar.end();
    expect(text()).toBe('');
  });
});
