/**
 * Streams a file (gzip detected by its magic bytes) as lines of strict UTF-8 text with 1-based numbers,
 * in bounded memory: a line longer than maxLineBytes is reported as too long without being buffered whole.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { AtlasError } from '../core/errors.ts';

export type LineItem = { line: number; text: string } | { line: number; problem: 'too-long' | 'invalid-utf8'; bytes: number };

export async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r').catch((e: unknown) => {
    throw new AtlasError('BAD_INPUT', `${file}: cannot open file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  });
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

export async function* readLines(file: string, maxLineBytes: number, onBytes?: (n: number) => void): AsyncGenerator<LineItem> {
  const gz = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let compressedRead = 0;
  raw.on('data', (c) => {
    compressedRead += c.length;
    onBytes?.(compressedRead);
  });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let lineNo = 1;
  const finish = (): LineItem => {
    const bytes = partBytes;
    if (tooLong) {
      parts = [];
      partBytes = 0;
      tooLong = false;
      return { line: lineNo, problem: 'too-long', bytes };
    }
    const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    try {
      let text = decoder.decode(buf);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { line: lineNo, text };
    } catch {
      return { line: lineNo, problem: 'invalid-utf8', bytes };
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        const end = nl < 0 ? chunk.length : nl;
        const len = end - start;
        if (!tooLong) {
          if (partBytes + len > maxLineBytes) {
            tooLong = true;
            parts = [];
          } else if (len > 0) parts.push(chunk.subarray(start, end));
        }
        partBytes += len;
        if (nl < 0) break;
        yield finish();
        lineNo++;
        start = nl + 1;
      }
    }
  } catch (e) {
    if (e instanceof AtlasError) throw e;
    throw new AtlasError('BAD_INPUT', `${file}:${lineNo}: cannot read file: ${(e as Error).message}`, { cause: e });
  }
  if (partBytes > 0 || tooLong) yield finish();
}
