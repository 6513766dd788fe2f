/** `atlas pull openalex-snapshot <entity>`: download an OpenAlex snapshot's parts, resumably and each verified, for `atlas ingest`. */
import path from 'node:path';
import { AtlasError } from '../../core/errors.ts';
import { pullOpenAlexSnapshot, type SnapshotPullProgress } from '../../pull/openalex-snapshot/download-snapshot.ts';
import type { CommandContext, OptionSpec, ParsedValues } from '../command.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

export const SNAPSHOT_SOURCE = 'openalex-snapshot';

export const SNAPSHOT_USAGE = `atlas pull openalex-snapshot <entity> [--since YYYY-MM-DD] [--out DIR] [--base-url URL] [--concurrency N] [--retries N]
    the parts of an OpenAlex snapshot's entity (authors, works, institutions, …) its manifest lists, from
    https://openalex.s3.amazonaws.com (no key, no budget), into DIR (default ./openalex-snapshot) with the bucket's
    data/… layout; --since only partitions updated_date ≥ the date. A part already whole is not fetched again, a
    partial one is continued; each is checked against the manifest's length and record count. Then: atlas ingest DIR`;

export const SNAPSHOT_OPTIONS: OptionSpec = {
  since: { type: 'string' },
  out: { type: 'string' },
  concurrency: { type: 'string' },
};

const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;

export async function pullSnapshotCommand(ctx: CommandContext, values: ParsedValues, args: readonly string[]): Promise<number> {
  const [entity, extra] = args;
  if (!entity) throw new AtlasError('BAD_ARGUMENT', 'say which entity: atlas pull openalex-snapshot authors|works|institutions|… [--since YYYY-MM-DD]');
  if (extra !== undefined) throw new AtlasError('BAD_ARGUMENT', `unexpected argument "${extra}" after the entity`);
  const out = path.resolve(typeof values['out'] === 'string' ? values['out'] : 'openalex-snapshot');
  const concurrency = values['concurrency'] === undefined ? 3 : Number(values['concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new AtlasError('BAD_ARGUMENT', '--concurrency must be a whole number from 1 to 16');
  const retries = values['retries'] === undefined ? undefined : Number(values['retries']);
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 20)) throw new AtlasError('BAD_ARGUMENT', '--retries must be a whole number from 0 to 20');
  const bar = progressBar(ctx.stderr, ctx.interactive && !ctx.json);
  const show = (p: SnapshotPullProgress): void => {
    if (ctx.json) return;
    if (p.kind === 'manifest') ctx.stderr.write(`${p.url}: ${p.parts} parts of ${entity}, ${mb(p.bytes)}, ${p.records.toLocaleString('en-US')} records${p.leftOut ? ` (${p.leftOut} parts before --since left out)` : ''}\n`);
    else if (p.kind === 'retry') ctx.stderr.write(`\n  retry ${p.attempt}: ${p.reason}\n`);
    else if (ctx.interactive) bar.update(`snapshot ${entity}`, p.bytesTotal ? p.bytesDone / p.bytesTotal : p.done / p.total, `${p.done}/${p.total} parts · ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}`);
    else ctx.stderr.write(`part ${p.done}/${p.total} ${p.status}: ${p.file}\n`);
  };
  let result;
  try {
    result = await pullOpenAlexSnapshot({
      entity,
      out,
      concurrency,
      onProgress: show,
      ...(retries === undefined ? {} : { maxRetries: retries, http: { maxRetries: retries } }),
      ...(typeof values['since'] === 'string' ? { since: values['since'] } : {}),
      ...(typeof values['base-url'] === 'string' ? { baseUrl: values['base-url'] } : {}),
    });
  } finally {
    bar.end();
  }
  if (ctx.json) printJson(ctx.stdout, result);
  else {
    ctx.stdout.write(
      `${result.parts} parts of ${entity} checked in ${out} (${result.downloaded} downloaded, ${result.resumed} completed, ${result.present} already there; ${mb(result.bytesFetched)} fetched, ${result.records.toLocaleString('en-US')} records) in ${result.seconds.toFixed(1)} s\n` +
        `land them with: atlas ingest ${out}\n`,
    );
  }
  return 0;
}
