/** The bundle codec: arrays and string lists back bit for bit, lazy lists behave as arrays, damage reads as null. */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pbkdf2 } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleFile, decodeBundle, readBundle, writeBundle } from './array-bundle.ts';
import { FileLines } from './file-lines.ts';

describe('array bundle', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'atlas-bundle-'));
  const file = path.join(dir, 'b.bundle');
  const arrays = { a: Int32Array.from([1, -2, 3]), f: Float32Array.from([0.5, 1.25]), d: Float64Array.from([Math.PI, -0, 1e-300]), u: Uint8Array.from([1, 2, 3, 4, 5]), e: new Int32Array(0) };
  const lines = { ids: ['W1', 'W22', '', 'Ünïcode ✓', 'W5'], none: [] as string[], one: ['x'] };

  it('round-trips arrays and lines, eager and lazy; a lazy list indexes, iterates and maps like an array', () => {
    expect(writeBundle(file, { meta: { v: 1 }, arrays, lines })).toBe(true);
    for (const lazy of [[], ['ids', 'none', 'one']]) {
      const b = readBundle<{ v: number }>(file, { lazyLines: lazy });
      expect(b?.meta).toEqual({ v: 1 });
      for (const [k, v] of Object.entries(arrays)) expect([...(b!.arrays[k] as Int32Array)]).toEqual([...v]);
      expect(Object.is((b!.arrays['d'] as Float64Array)[1], -0)).toBe(true);
      const ids = b!.lines['ids'] as string[];
      expect(ids.length).toBe(5);
      expect(ids[3]).toBe('Ünïcode ✓');
      expect(ids[2]).toBe('');
      expect(ids[5]).toBeUndefined();
      expect([...ids]).toEqual(lines.ids);
      expect(ids.map((x) => x.length)).toEqual(lines.ids.map((x) => x.length));
      expect(b!.lines['none']).toEqual([]);
      expect([...(b!.lines['one'] as string[])]).toEqual(['x']);
    }
  });

  it('refuses lines with a line break, and reads cut, padded or foreign bytes as null', () => {
    expect(writeBundle(path.join(dir, 'bad.bundle'), { meta: {}, arrays: {}, lines: { x: ['a\nb'] } })).toBe(false);
    expect(readBundle(path.join(dir, 'bad.bundle'))).toBeNull();
    writeBundle(file, { meta: { v: 1 }, arrays, lines });
    const bytes = readFileSync(file);
    expect(decodeBundle(bytes.subarray(0, bytes.length - 8))).toBeNull();
    expect(decodeBundle(Buffer.concat([bytes, Buffer.alloc(8)]))).toBeNull();
    expect(decodeBundle(Buffer.from('ATLASTG2 something else'))).toBeNull();
    rmSync(dir, { recursive: true, force: true });
  });

  it("tells whether lines at given indices ascend in JavaScript's string order, with and without characters past U+E000", () => {
    const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const next = rand(7);
    const pick = (chars: string[]) => Array.from({ length: 1 + Math.floor(next() * 4) }, () => chars[Math.floor(next() * chars.length)]).join('');
    const ascii = ['a', 'b', 'A', '0', ':', '~'];
    const wide = [...ascii, 'é', '\uE000', '\uFFFD', '😀', '𝔸']; // U+E000–U+FFFF sort after, astral characters before, in UTF-16
    for (const chars of [ascii, wide]) {
      for (let round = 0; round < 40; round++) {
        const list = [...new Set(Array.from({ length: 30 }, () => pick(chars)))];
        writeBundle(file, { meta: {}, arrays: {}, lines: { ids: list } });
        const f = BundleFile.open(file)!;
        const l = f.lines('ids', true)!;
        const sorted = Int32Array.from(list.map((_, i) => i).sort((x, y) => (list[x]! < list[y]! ? -1 : 1)));
        expect(l.ascending(sorted)).toBe(true);
        const swapped = sorted.slice();
        const k = Math.floor(next() * (swapped.length - 1));
        [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
        if (swapped.length > 1) expect(l.ascending(swapped)).toBe(false);
        const dup = Int32Array.from([0, 0]);
        expect(l.ascending(dup)).toBe(false);
        // in their own order (the identity: a graph numbered by id), compared each with the next one
        const identity = Int32Array.from(list.map((_, i) => i));
        expect(l.ascending(identity)).toBe(list.every((s, i) => i === 0 || list[i - 1]! < s));
        f.close();
        const inOrder = sorted.length > 0 ? Array.from(sorted, (i) => list[i]!) : [];
        writeBundle(file, { meta: {}, arrays: {}, lines: { ids: inOrder } });
        const g = BundleFile.open(file)!;
        const m = g.lines('ids', true)!;
        expect(m.ascending(identity)).toBe(true);
        if (inOrder.length > 1) {
          const k2 = Math.floor(next() * (inOrder.length - 1));
          const bad = inOrder.slice();
          [bad[k2], bad[k2 + 1]] = [bad[k2 + 1]!, bad[k2]!];
          writeBundle(file, { meta: {}, arrays: {}, lines: { ids: bad } });
          const h = BundleFile.open(file)!;
          expect(h.lines('ids', true)!.ascending(identity)).toBe(false);
          h.close();
        }
        g.close();
      }
    }
  });

  it('reads a whole section by the thread pool as readInto does; closed during such a read, the descriptor is closed when the read ends', async () => {
    const big = { big: Float64Array.from({ length: 300_000 }, (_, i) => i * 0.5 - 7), ...arrays };
    writeBundle(file, { meta: { v: 2 }, arrays: big, lines });
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const open0 = fds();
    const f = BundleFile.open(file)!;
    expect(fds()).toBe(open0 + 1);
    for (const [name, a] of Object.entries(big)) {
      const into = f.emptyArray(name)!;
      await f.readIntoAsync(name, into);
      expect(Array.from(into)).toEqual(Array.from(a));
    }
    await expect(f.readIntoAsync('a', new Int32Array(2))).rejects.toThrow(/no Int32Array section "a" of 2 elements/);
    // close() while the read waits in the thread pool (kept busy by four slow hashes), and a file opened next: the
    // descriptor is not closed before the read ends, so the next open cannot take its number and be read instead
    const other = path.join(dir, 'other.bin');
    writeFileSync(other, Buffer.alloc(big.big.byteLength + 4096, 0x7f));
    const busy = Array.from({ length: 4 }, () => new Promise((done) => pbkdf2('x', 'y', 200_000, 32, 'sha256', done)));
    const into = f.emptyArray('big') as Float64Array;
    const reading = f.readIntoAsync('big', into);
    f.close();
    expect(f.closed).toBe(true);
    const next = openSync(other, 'r');
    await reading;
    await Promise.all(busy);
    closeSync(next);
    expect(Array.from(into)).toEqual(Array.from(big.big));
    expect(fds()).toBe(open0);
    await expect(f.readIntoAsync('a', new Int32Array(3))).rejects.toThrow(/was closed/);
  });

  it('writes a list of more bytes than one part (lines of every UTF-8 width, one longer than a part) and reads each line back, whole and alone', () => {
    const widths = ['a', 'é', '✓', '😀', '\ud800'];
    const list = Array.from({ length: 120_000 }, (_, i) => `${i}:${widths[i % widths.length]!.repeat(i % 97)}`);
    list[70_000] = '✓'.repeat(6_000_000); // 18 MB: longer than a part by itself
    list[70_001] = '';
    const big = path.join(dir, 'lines.bundle');
    expect(writeBundle(big, { meta: {}, arrays: {}, lines: { list }, indexed: ['list'] })).toBe(true);
    const expected = list.map((l) => Buffer.from(l, 'utf8').toString('utf8')); // a lone surrogate is written as U+FFFD
    expect([...(readBundle(big)!.lines['list'] as string[])]).toEqual(expected);
    const f = BundleFile.open(big)!;
    const lines = FileLines.of(f as BundleFile<unknown>, 'list')!;
    for (const i of [0, 1, 4, 65_535, 65_536, 69_999, 70_000, 70_001, 70_002, 119_999]) expect(lines.line(i)).toBe(expected[i]);
    f.close();
    // a line break in a line of a later part: nothing is written
    const broken = [...list];
    broken[100_000] = 'two\nlines';
    expect(writeBundle(path.join(dir, 'broken.bundle'), { meta: {}, arrays: {}, lines: { list: broken } })).toBe(false);
    expect(readBundle(path.join(dir, 'broken.bundle'))).toBeNull();
  });

  it('finds a line by comparing bytes as JavaScript compares strings, and declines where byte order may differ', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atlas-find-'));
    try {
      let seed = 7;
      const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
      const alphabet = ['A', 'b', '5', ':', 'é', 'Ж', '学', '𝔘', '~', '\u00ff'];
      const word = (): string => Array.from({ length: 1 + rnd(6) }, () => alphabet[rnd(alphabet.length)]).join('');
      const ids = [...new Set(Array.from({ length: 3000 }, word))].filter((w) => !w.includes('𝔘') || rnd(2) === 0);
      const order = Int32Array.from(ids.keys()).sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));
      const file = path.join(dir, 'ids.bundle');
      expect(writeBundle(file, { meta: {}, arrays: {}, lines: { ids, odd: ['a', '\ue000b', 'c'] } })).toBe(true);
      const f = BundleFile.open(file)!;
      const list = f.lineList('ids')!;
      for (const [i, id] of ids.entries()) expect(list.find(id, order)).toBe(id.includes('𝔘') ? null : i);
      for (let k = 0; k < 500; k++) {
        const probe = word().replaceAll('𝔘', 'u');
        expect(list.find(probe, order)).toBe(ids.includes(probe) ? ids.indexOf(probe) : undefined);
      }
      expect(list.find('x\uf000', order)).toBeNull(); // the key holds a character of U+E000 and up
      expect(list.find('b𝔘', order)).toBeNull(); // or a surrogate pair
      expect(f.lineList('odd')!.find('a', Int32Array.from([0, 1, 2]))).toBeNull(); // so do the lines
      // the lines written in order: the first not below a probe, within any range, as strings bisect it
      const sorted = ids.filter((w) => !w.includes('𝔘')).sort((a, b) => (a < b ? -1 : 1));
      expect(writeBundle(file, { meta: {}, arrays: {}, lines: { sorted } })).toBe(true);
      const g = BundleFile.open(file)!;
      const inOrder = g.lineList('sorted')!;
      const byStrings = (id: string, lo: number, hi: number): number => {
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((sorted[mid] as string) < id) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      for (let k = 0; k < 500; k++) {
        const probe = k % 3 === 0 ? (sorted[rnd(sorted.length)] as string) : word().replaceAll('𝔘', 'u');
        const lo = rnd(sorted.length), hi = lo + rnd(sorted.length - lo + 1);
        expect(inOrder.lowerBound(probe, lo, hi)).toBe(byStrings(probe, lo, hi));
        expect(inOrder.lowerBound(probe)).toBe(byStrings(probe, 0, sorted.length));
      }
      expect(inOrder.lowerBound('b𝔘')).toBeNull();
      g.close();
      f.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
