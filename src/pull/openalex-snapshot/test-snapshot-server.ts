/**
 * Test helper: a 127.0.0.1 HTTP server that serves a snapshot folder as S3 does (GET of a key, byte ranges with
 * 206 and Content-Range, 404 for a missing key), with faults injected per key: a connection reset mid-body, a
 * status, another body than the file's, and Range requests ignored. It keeps a log of every request.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type SnapshotFault = { kind: 'reset'; afterBytes?: number } | { kind: 'status'; status: number } | { kind: 'body'; body: Buffer };

export interface SnapshotServer {
  url: string;
  log: { path: string; range: string | null; status: number }[];
  /** The next `times` requests of paths ending so (default 1) meet the fault. */
  inject(pathEnd: string, fault: SnapshotFault, times?: number): void;
  /** Answer Range requests with the whole file (200), as a server without range support does. */
  ignoreRanges: boolean;
  close(): Promise<void>;
}

export async function startSnapshotServer(root: string): Promise<SnapshotServer> {
  const faults: { pathEnd: string; fault: SnapshotFault; left: number }[] = [];
  const log: SnapshotServer['log'] = [];
  const state = { ignoreRanges: false };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range ?? null;
    const entry = { path: urlPath, range, status: 0 };
    log.push(entry);
    const f = faults.find((x) => x.left > 0 && urlPath.endsWith(x.pathEnd));
    if (f) f.left--;
    const file = path.join(root, ...urlPath.split('/').filter((s) => s && s !== '..'));
    const exists = statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
    if (f?.fault.kind !== 'body' && !exists) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const body = f?.fault.kind === 'body' ? f.fault.body : readFileSync(file);
    if (f?.fault.kind === 'status') {
      entry.status = f.fault.status;
      res.writeHead(f.fault.status, { 'content-type': 'application/xml' }).end('<Error><Code>InternalError</Code></Error>');
      return;
    }
    let status = 200;
    let slice = body;
    const headers: Record<string, string> = { 'content-type': 'binary/octet-stream', 'accept-ranges': 'bytes' };
    const m = range && !state.ignoreRanges ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      const from = Number(m[1]);
      status = 206;
      slice = body.subarray(from);
      headers['content-range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
    }
    headers['content-length'] = String(slice.length);
    entry.status = status;
    res.writeHead(status, headers);
    if (f?.fault.kind === 'reset') {
      const cut = Math.min(f.fault.afterBytes ?? Math.floor(slice.length / 2), slice.length - 1);
      // Reset the connection some time after the bytes went out: a reset that comes too soon can reach the client
      // before it has read them (on a loaded machine), and the test would not know how many bytes it kept.
      res.write(slice.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 250));
      return;
    }
    res.end(slice);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    inject(pathEnd, fault, times = 1) {
      faults.push({ pathEnd, fault, left: times });
    },
    get ignoreRanges() {
      return state.ignoreRanges;
    },
    set ignoreRanges(v: boolean) {
      state.ignoreRanges = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
