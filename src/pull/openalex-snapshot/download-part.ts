/**
 * One snapshot part downloaded to its file, resumably and verified: the bytes go to `<file>.partial` (never to
 * the part's own name, so an ingest never sees half a part), a connection lost mid-body is retried with a Range
 * request from the bytes already there, and only a part of the manifest's length and record count is renamed into
 * place. A server that serves another length than the manifest states is an error naming the part, not retried.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import pRetry from 'p-retry';
import { AtlasError } from '../../core/errors.ts';
import { countRecords } from '../../ingest/openalex/snapshot-manifest.ts';
import type { HttpClient } from '../http/http-client.ts';

export interface PartToFetch {
  url: string;
  file: string;
  contentLength: number;
  recordCount: number;
}

export type PartOutcome = { status: 'present' | 'downloaded' | 'resumed'; bytesFetched: number; attempts: number };

export interface PartDownloadOptions {
  /** Retries of a body cut short or stalled, after the first attempt (statuses are the HTTP client's to retry). */
  maxRetries: number;
  minBackoffMs: number;
  /** A body that sends nothing for this long is abandoned and retried from where it stopped. */
  idleTimeoutMs: number;
  onRetry?: (e: { url: string; attempt: number; reason: string }) => void;
}

const sizeOf = async (file: string): Promise<number | null> => (await stat(file).catch(() => null))?.size ?? null;

/** A body that ended wrong in a way another attempt may mend (reset, stall, short body). */
class Interrupted extends Error {}

function mismatch(part: PartToFetch, what: string, details: Record<string, unknown>): AtlasError {
  return new AtlasError('REMOTE_ERROR', `${part.url}: ${what}; the part ${part.file} is not kept (is the manifest of another release than the parts?)`, { details: { url: part.url, part: part.file, ...details } });
}

/** One attempt: from the bytes `.partial` holds (Range) or from the start; resolves when the partial file is whole. */
/** One attempt; `got.bytes` grows by every byte received, also of an attempt that fails. */
async function attempt(http: HttpClient, part: PartToFetch, partial: string, options: PartDownloadOptions, got: { bytes: number }): Promise<{ resumed: boolean }> {
  let have = (await sizeOf(partial)) ?? 0;
  if (have > part.contentLength) {
    await rm(partial, { force: true });
    have = 0;
  }
  if (have === part.contentLength) return { resumed: false };
  const stall = new AbortController();
  const res = await http.fetchOk(part.url, { headers: { accept: '*/*', ...(have > 0 ? { range: `bytes=${have}-` } : {}) }, signal: stall.signal });
  let append = false;
  if (res.status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!range || Number(range[1]) !== have) {
      await res.body?.cancel();
      throw new Interrupted(`answered a range request with "${res.headers.get('content-range')}"`);
    }
    if (range[3] !== '*' && Number(range[3]) !== part.contentLength) {
      await res.body?.cancel();
      throw mismatch(part, `the server has ${range[3]} bytes, the manifest says ${part.contentLength} (content_length)`, { field: 'content_length', expected: part.contentLength, found: Number(range[3]) });
    }
    append = true;
  } else {
    const length = res.headers.get('content-length');
    if (length !== null && Number(length) !== part.contentLength) {
      await res.body?.cancel();
      throw mismatch(part, `the server serves ${length} bytes, the manifest says ${part.contentLength} (content_length)`, { field: 'content_length', expected: part.contentLength, found: Number(length) });
    }
    if (have > 0) await truncate(partial, 0);
  }
  let written = append ? have : 0;
  let idle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => stall.abort(new Error(`no data for ${options.idleTimeoutMs / 1000} s`)), options.idleTimeoutMs);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      got.bytes += chunk.length;
      arm();
      if (written > part.contentLength) done(mismatch(part, `the server sent more than the manifest's ${part.contentLength} bytes (content_length)`, { field: 'content_length', expected: part.contentLength }));
      else done(null, chunk);
    },
  });
  if (!res.body) throw new Interrupted('no body');
  arm();
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(partial, { flags: append ? 'a' : 'w' }));
  } catch (e) {
    if (e instanceof AtlasError) throw e;
    throw new Interrupted(`the body stopped after ${written} of ${part.contentLength} bytes (${(e as Error).message})`);
  } finally {
    clearTimeout(idle);
  }
  if (written < part.contentLength) {
    // A body that ended cleanly but short: with no Content-Length to say otherwise, the server holds another file.
    if (res.headers.get('content-length') === null && res.status !== 206) throw mismatch(part, `the server sent ${written} bytes, the manifest says ${part.contentLength} (content_length)`, { field: 'content_length', expected: part.contentLength, found: written });
    throw new Interrupted(`the body ended after ${written} of ${part.contentLength} bytes`);
  }
  return { resumed: append };
}

/** Download a part unless it is already there with its length; verify length and record count; move it into place. */
export async function downloadPart(http: HttpClient, part: PartToFetch, options: PartDownloadOptions): Promise<PartOutcome> {
  if ((await sizeOf(part.file)) === part.contentLength) return { status: 'present', bytesFetched: 0, attempts: 0 };
  await mkdir(path.dirname(part.file), { recursive: true });
  const partial = `${part.file}.partial`;
  const resumedFrom = (await sizeOf(partial)) ?? 0;
  const got = { bytes: 0 };
  let resumed = false;
  let attempts = 0;
  await pRetry(
    async () => {
      attempts++;
      const r = await attempt(http, part, partial, options, got);
      resumed ||= r.resumed;
    },
    {
      retries: options.maxRetries,
      minTimeout: options.minBackoffMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof Interrupted,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (error instanceof Interrupted && retriesLeft > 0) options.onRetry?.({ url: part.url, attempt: attemptNumber, reason: error.message });
      },
    },
  ).catch(async (e: unknown) => {
    if (e instanceof Interrupted) {
      const kept = (await sizeOf(partial)) ?? 0;
      throw new AtlasError('REMOTE_ERROR', `${part.url}: ${e.message} (gave up after ${options.maxRetries + 1} attempts; run the pull again to go on from the ${kept} bytes kept)`, { details: { url: part.url, part: part.file } });
    }
    // The server holds another file than the manifest lists: what came of it is not kept.
    if (e instanceof AtlasError && e.details?.['part'] === part.file) await rm(partial, { force: true });
    throw e;
  });
  const records = await countRecords(partial).catch(async (e: unknown) => {
    await rm(partial, { force: true });
    throw mismatch(part, `the downloaded part cannot be read as gzipped JSON lines (${(e as Error).message})`, { field: 'record_count' });
  });
  if (records !== part.recordCount) {
    await rm(partial, { force: true });
    throw mismatch(part, `the downloaded part holds ${records} records, the manifest says ${part.recordCount} (record_count)`, { field: 'record_count', expected: part.recordCount, found: records });
  }
  await rename(partial, part.file);
  return { status: resumed ? 'resumed' : 'downloaded', bytesFetched: got.bytes, attempts };
}
