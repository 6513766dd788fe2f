/**
 * Lists spliced from other lists' lines and new strings: the lines are the ones spliced, in order, whatever their
 * source; written to a bundle, a file's lines are copied as bytes (never made into strings) and read back the same,
 * each line alone too; a splice of a splice stays flat; a new line holding a line break makes the list unwritable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleFile, encodeBundle, writeBundle } from './array-bundle.ts';
import { FileLines } from './file-lines.ts';
import { LineSplice, sourceOf } from './line-source.ts';

describe('spliced lines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-splice-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const old = ['W1', '', 'Ünïcode ✓ 𝔘', 'W22', '', 'x'.repeat(70_000), 'W5', 'W6', 'W7'];
  const written = (name: string, lines: readonly string[]): FileLines => {
    const file = path.join(dir, name);
    expect(writeBundle(file, { meta: {}, arrays: {}, lines: { ids: lines }, indexed: ['ids'] })).toBe(true);
    return FileLines.of(BundleFile.open(file)!, 'ids')!;
  };

  it('holds the lines spliced, in order; a file\'s lines are copied into the next file as bytes', () => {
    const fromFile = written('old.bundle', old);
    const view = fromFile.toArray();
    expect(sourceOf(view)).toBe(fromFile);
    const plain = ['p0', 'p1', 'p2'];
    const s = new LineSplice();
    s.keep(view, 0, 2);
    s.add('new ✓');
    s.keep(view, 3, 6); // holds the 70,000-byte line: a part of its own
    s.keep(plain, 1);
    s.keep(view, 7);
    s.add('');
    s.keep(view, 8);
    s.keep(plain, 2);
    const expected = ['W1', '', 'new ✓', 'W22', '', 'x'.repeat(70_000), 'p1', 'W6', '', 'W7', 'p2'];
    const list = s.list();
    expect(list.length).toBe(expected.length);
    expect([...list]).toEqual(expected);
    for (let i = expected.length - 1; i >= 0; i--) expect(list[i]).toBe(expected[i]);
    expect(list[expected.length]).toBeUndefined();
    expect(fromFile.loaded).toBe(false); // nothing made every line of the file
    const next = written('next.bundle', list);
    expect(fromFile.loaded).toBe(false); // written from the file's bytes, not its strings
    expect(fromFile.bytesHeld).toBe(false); // copied from the file as ranges of it, not read whole into memory
    expect(next.length).toBe(expected.length);
    for (let i = expected.length - 1; i >= 0; i--) expect(next.line(i)).toBe(expected[i]);
    expect(next.load()).toEqual(expected);
  });

  it('a run of a million lines and more is copied from its file in chunks, its line ends in slices, and reads back the same', () => {
    const n = (1 << 20) + 70_000; // past one slice of line ends; 8 MB of lines, past one 4 MB chunk of the copy
    const lines = Array.from({ length: n }, (_, i) => (i % 1000 === 7 ? `é${i}` : `W${i}`));
    const fromFile = written('big.bundle', lines);
    const view = fromFile.toArray();
    const s = new LineSplice();
    s.keep(view, 0, n - 3);
    s.add('new');
    s.keep(view, n - 2, n);
    const expected = [...lines.slice(0, n - 3), 'new', ...lines.slice(n - 2)];
    const next = written('big-next.bundle', s.list());
    expect(fromFile.bytesHeld).toBe(false);
    for (const i of [0, 1, 6, 7, 1006, 1 << 20, (1 << 20) + 1, n - 4, n - 3, n - 2, n - 1]) expect(next.line(i)).toBe(expected[i]);
    expect(next.load()).toEqual(expected);
    // the bytes in memory (encodeBundle, what the tie graph writes) are the bytes of the file
    const bytes = Buffer.concat(encodeBundle({ meta: {}, arrays: {}, lines: { ids: s.list() }, indexed: ['ids'] })!);
    expect(bytes.equals(readFileSync(path.join(dir, 'big-next.bundle')))).toBe(true);
  });

  it('a splice of a splice is made of the first one\'s runs', () => {
    const a = new LineSplice();
    a.keep(old, 0, 4);
    a.add('A');
    a.keep(old, 6, 9);
    const first = a.list();
    const b = new LineSplice();
    b.keep(first, 2, 7); // across three runs of the first
    b.add('B');
    b.keep(first, 7, 8);
    const second = b.list();
    expect([...second]).toEqual(['Ünïcode ✓ 𝔘', 'W22', 'A', 'W5', 'W6', 'B', 'W7']);
    const runs = sourceOf(second).runs!;
    expect(runs.every((r) => sourceOf(first) !== r.src)).toBe(true);
    expect(runs.length).toBe(5); // old 2–4, A, old 6–8, B, old 8–9
    expect(written('second.bundle', second).load()).toEqual([...second]);
  });

  it('a new line holding a line break makes the list unwritable, and nothing is left behind', () => {
    const s = new LineSplice();
    s.keep(old, 0, 2);
    s.add('two\nlines');
    const file = path.join(dir, 'broken.bundle');
    expect(writeBundle(file, { meta: {}, arrays: {}, lines: { ids: s.list() }, indexed: ['ids'] })).toBe(false);
    expect(BundleFile.open(file)).toBeNull();
  });
});
