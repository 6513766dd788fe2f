/** Lists read line by line from a bundle file: the same lines as the whole list, each read alone; damage refused. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleFile, writeBundle } from './array-bundle.ts';
import { FileLines } from './file-lines.ts';

describe('file lines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-lines-'));
  const file = path.join(dir, 'l.bundle');
  const ids = ['W1', '', 'Ünïcode ✓ 𝔘', 'W22', '', 'x'.repeat(5000), 'W5'];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each line alone, as the whole list holds it; iteration and load read the list once', () => {
    expect(writeBundle(file, { meta: {}, arrays: { a: Int32Array.from([7]) }, lines: { ids, empty: [], plain: ['p'] }, indexed: ['ids', 'empty'] })).toBe(true);
    const f = BundleFile.open(file)!;
    const lines = FileLines.of(f, 'ids')!;
    expect(lines.length).toBe(ids.length);
    // backwards, so that no line is found from the one read before it
    for (let i = ids.length - 1; i >= 0; i--) expect(lines.line(i)).toBe(ids[i]);
    expect(lines.line(ids.length)).toBeUndefined();
    expect(lines.line(-1)).toBeUndefined();
    expect(lines.loaded).toBe(false);
    const view = lines.toArray();
    expect(view[2]).toBe(ids[2]);
    expect(view.length).toBe(ids.length);
    expect(lines.loaded).toBe(false);
    expect([...view]).toEqual(ids);
    expect(lines.loaded).toBe(true);
    expect(view.map((s) => s.length)).toEqual(ids.map((s) => s.length));
    expect(FileLines.of(f, 'empty')!.toArray()).toHaveLength(0);
    expect(FileLines.of(f, 'plain')).toBeNull(); // written without its ends
    f.close();
  });

  it('a list whose ends do not fit its bytes is refused', () => {
    writeBundle(file, { meta: {}, arrays: {}, lines: { ids }, indexed: ['ids'] });
    const bytes = readFileSync(file);
    // the last end (a float64 at the file's end) made one byte short
    const last = bytes.readDoubleLE(bytes.length - 8);
    bytes.writeDoubleLE(last - 1, bytes.length - 8);
    writeFileSync(file, bytes);
    const f = BundleFile.open(file)!;
    expect(FileLines.of(f, 'ids')).toBeNull();
    f.close();
  });

  it('read as bytes, its lines are found by their ends; an end off its line break is refused as damage', () => {
    writeBundle(file, { meta: {}, arrays: {}, lines: { ids }, indexed: ['ids'] });
    const good = FileLines.of(BundleFile.open(file)!, 'ids')!;
    good.loadBytes();
    expect(good.loaded).toBe(false);
    for (let i = ids.length - 1; i >= 0; i--) expect(good.line(i)).toBe(ids[i]);
    expect(good.load()).toEqual(ids);
    const bytes = readFileSync(file);
    // the first end (the first float64 of the ends, the file's last section) one byte further
    const first = bytes.length - 8 * ids.length;
    bytes.writeDoubleLE(bytes.readDoubleLE(first) + 1, first);
    writeFileSync(file, bytes);
    const f = BundleFile.open(file)!;
    const lines = FileLines.of(f, 'ids')!;
    expect(() => lines.loadBytes()).toThrow(/damaged/);
    f.close();
  });
});
