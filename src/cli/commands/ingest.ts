/** `atlas ingest <files…>`: load OpenAlex, Paper Copilot, CSRankings, ORCID, OpenReview or Wikidata files; then refresh derived careers and the search index. */
import { storedCommandLine } from '../command-line.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { AtlasError, InputError } from '../../core/errors.ts';
import type { IngestResult } from '../../ingest/run-ingest.ts';
import { inputFiles } from '../../ingest/input-files.ts';
import { splitLanded, type SkippedFile } from '../../ingest/landed-files.ts';
import { isIngestSource, type IngestSource } from '../../ingest/readers.ts';
import { refreshDerived } from '../../derived/refresh-derived.ts';
import { sweepAfterLanding } from '../../teams/notify.ts';
import type { Command } from '../command.ts';
import { keepIndexesCurrent } from '../keep-indexes.ts';
import { printJson } from '../output.ts';
import { progressBar, showIngestProgress } from '../progress.ts';

type Totals = Record<'records' | 'inserted' | 'replaced' | 'unchanged' | 'stale' | 'erased' | 'rejected' | 'refusedJoins', number>;

function totals(results: readonly IngestResult[]): Totals {
  const sum = (f: (r: IngestResult) => number): number => results.reduce((n, r) => n + f(r), 0);
  return {
    records: sum((r) => r.records),
    inserted: sum((r) => r.inserted),
    replaced: sum((r) => r.replaced),
    unchanged: sum((r) => r.unchanged),
    stale: sum((r) => r.stale),
    erased: sum((r) => r.erased),
    rejected: sum((r) => r.rejected.length),
    refusedJoins: sum((r) => r.refusedJoins),
  };
}

/** A failure in --each-file mode says which file of how many, and that the files before it did land. */
function withEarlierRuns(e: AtlasError, landed: readonly IngestResult[], index: number, count: number): AtlasError {
  const runs = landed.map((r) => r.runId);
  const note = `this was file ${index + 1} of ${count}; the ${landed.length} before it had landed (run${runs.length > 1 ? `s ${runs[0]}–${runs.at(-1)}` : ` ${runs[0]}`})`;
  return e instanceof InputError ? new InputError(e.location, `${e.reason}; ${note}`, { cause: e }) : new AtlasError(e.code, `${e.message}; ${note}`, { cause: e });
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'load data files (OpenAlex, Paper Copilot lists, CSRankings, ORCID, OpenReview, Wikidata) into the talent graph',
  usage: `atlas ingest <files or folders…> [--source openalex|paperlist|csrankings|orcid|openreview|wikidata] [--on-error fail|skip] [--report FILE] [--no-refresh] [--no-index]

  Files may be OpenAlex API pages, JSON arrays, single objects or snapshot JSONL, gzipped or not.
  A folder stands for every data file under it (.json, .jsonl, .ndjson, .xml, .csv, .gz), e.g. an OpenAlex
  snapshot's data/authors folder with its updated_date=…/part_*.gz files. A snapshot folder with a manifest
  (data/<entity>/manifest, data/jsonl/<entity>/manifest.json or data/jsonl/manifest.json) is checked first:
  a listed part that is missing, or whose length or record count differs, stops the ingest before it writes.
  The source is detected from each file's name unless --source is given.
  Of several copies of one record, the one with the newest updated_date lands, whatever the file order.
  --on-error fail   (default) the first bad record stops the run; the database stays exactly as before
  --on-error skip   good records land; rejected ones are listed (file, line, field, reason) in --report FILE
                    (default: atlas-rejected.jsonl beside the database)
  --each-file       one all-or-nothing run per file instead of one for all (a large snapshot folder: a failure
                    keeps the files before it, and a rerun finds them unchanged)
  --resume          skip the files an earlier run landed (same path and size), e.g. to go on after a failure
                    with --each-file without reading the landed files again
  --no-refresh      do not recompute derived careers and mentorship ties after the load (nor build indexes)
  --no-index        do not build the search index and the tie graph when the store keeps none yet (by default
                    they are built after the load, so that even the first search and intro answer at once: about a
                    minute each at a million people, each then in a process of its own; \`atlas index\` builds
                    them later). Kept ones are always brought up to date. (--index, the default, is still accepted.)
  Ingesting the same file twice changes nothing; a record with newer content replaces its older facts.`,
  positionals: true,
  options: {
    source: { type: 'string' },
    'on-error': { type: 'string', default: 'fail' },
    report: { type: 'string' },
    'no-refresh': { type: 'boolean' },
    index: { type: 'boolean' },
    'no-index': { type: 'boolean' },
    'max-record-mb': { type: 'string' },
    'each-file': { type: 'boolean' },
    resume: { type: 'boolean' },
  },
  async run(ctx, values, files) {
    // the readers load when an ingest runs, not with every `atlas` command
    const { ingestFiles } = await import('../../ingest/run-ingest.ts');
    if (files.length === 0) throw new AtlasError('BAD_ARGUMENT', 'give at least one file or folder to ingest, e.g. `atlas ingest data/openalex-samples/openalex-research-rag/authors_sample.json`');
    const onError = values['on-error'];
    if (onError !== 'fail' && onError !== 'skip') throw new AtlasError('BAD_ARGUMENT', `--on-error must be "fail" or "skip", not "${String(onError)}"`);
    const source = values['source'] as string | undefined;
    if (source !== undefined && !isIngestSource(source)) throw new AtlasError('BAD_ARGUMENT', `unknown --source "${source}" (openalex, paperlist, csrankings, orcid)`);
    const maxMb = values['max-record-mb'] === undefined ? 64 : Number(values['max-record-mb']);
    if (!Number.isFinite(maxMb) || maxMb <= 0) throw new AtlasError('BAD_ARGUMENT', '--max-record-mb must be a positive number');
    const store = await ctx.store();
    const bar = progressBar(ctx.stderr, ctx.interactive && !ctx.json);
    const started = Date.now();
    const options = {
      ...(source ? { source: source as IngestSource } : {}),
      onError,
      maxRecordBytes: Math.round(maxMb * 1024 * 1024),
      command: storedCommandLine(ctx.argv),
      onProgress: showIngestProgress(bar),
    } as const;
    // --resume: leave out the files earlier runs landed (same path and size).
    // A snapshot folder with a manifest is checked against it first (parts present, lengths, record counts).
    const snapshots: { folder: string; manifests: string[]; parts: number; records: number; bytes: number; notDownloaded: string[] }[] = [];
    let inputs = await inputFiles(files, {
      snapshot: {
        onProgress: (p) => bar.update('checking snapshot parts', p.total ? p.done / p.total : 1, `${p.done}/${p.total} parts`),
        onChecked: (folder, c) => snapshots.push({ folder, manifests: c.manifests, parts: c.parts, records: c.records, bytes: c.bytes, notDownloaded: c.notDownloaded }),
      },
    }).catch((e: unknown) => {
      bar.end();
      throw e;
    });
    let skipped: SkippedFile[] = [];
    if (values['resume']) ({ todo: inputs, skipped } = await splitLanded(store, inputs));
    // One all-or-nothing run for everything, or (--each-file) one per file, so a whole snapshot need not be one transaction.
    const groups = inputs.length === 0 ? [] : values['each-file'] ? inputs.map((f) => [f.file]) : [inputs.map((f) => f.file)];
    const results: IngestResult[] = [];
    for (const [i, group] of groups.entries()) {
      try {
        results.push(await ingestFiles(store, group, options));
      } catch (e) {
        bar.end();
        throw results.length && e instanceof AtlasError ? withEarlierRuns(e, results, i, groups.length) : e;
      }
    }
    bar.end();
    const rejected = results.flatMap((r) => r.rejected);
    let reportFile: string | null = null;
    if (rejected.length) {
      reportFile = (values['report'] as string | undefined) ?? path.join(path.dirname(path.resolve(ctx.db.startsWith('postgres') ? '.' : ctx.db)), 'atlas-rejected.jsonl');
      writeFileSync(reportFile, rejected.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    const refresh = !values['no-refresh'] && results.length > 0;
    if (refresh && !ctx.json) ctx.stderr.write(`landed run${results.length > 1 ? 's' : ''} ${results.map((r) => r.runId).join(', ')}; deriving careers and mentorship ties…\n`);
    const derived = refresh ? await refreshDerived(store) : null;
    const careers = derived?.careers ?? null;
    const mentorships = derived?.mentorships ?? null;
    if (results.length > 0) await keepIndexesCurrent(store, ctx, { build: refresh && values['no-index'] !== true, suggest: refresh });
    // the store may have been closed for a build in another process: taken again
    const alerts = careers ? await sweepAfterLanding(await ctx.store()) : null;
    if (alerts && !ctx.json) ctx.stderr.write(`${alerts}\n`);
    const seconds = (Date.now() - started) / 1000;
    if (ctx.json) {
      const only = results.length === 1 && !values['each-file'] && !values['resume'] ? results[0] : undefined;
      const ties = mentorships ? { ...mentorships, report: undefined } : null;
      const checked = snapshots.length ? { snapshots } : {};
      printJson(ctx.stdout, only ? { ...only, ...checked, rejectedReport: reportFile, careers, mentorships: ties, seconds } : { runs: results, ...totals(results), ...checked, skipped, rejectedReport: reportFile, careers, mentorships: ties, seconds });
      return;
    }
    for (const c of snapshots) {
      const skippedEntities = c.notDownloaded.length ? `; not downloaded, not checked: ${c.notDownloaded.join(', ')}` : '';
      ctx.stdout.write(`${c.folder}: ${c.parts} parts checked against ${c.manifests.join(', ')} (${c.records.toLocaleString('en-US')} records, ${c.bytes.toLocaleString('en-US')} bytes)${skippedEntities}\n`);
    }
    for (const f of skipped) ctx.stdout.write(`${f.path}: skipped, landed in run ${f.runId} (--resume)\n`);
    if (results.length === 0) ctx.stdout.write(`nothing to ingest: all ${skipped.length} files landed before\n`);
    for (const result of results) {
      for (const f of result.files) {
        const by = f.reader === 'duckdb-scan' ? 'read by DuckDB' : f.scanDeclined ? `JS reader; DuckDB scan declined: ${f.scanDeclined}` : 'JS reader';
        ctx.stdout.write(`${f.path}: ${f.records} records${f.rejected ? `, ${f.rejected} rejected` : ''} (${f.source}, ${by})\n`);
        if (f.report) ctx.stdout.write(`  report: ${JSON.stringify(f.report)}\n`);
      }
      ctx.stdout.write(
        `run ${result.runId}: ${result.records} records${results.length === 1 ? ` in ${seconds.toFixed(1)} s` : ''} — ${result.inserted} new, ${result.replaced} replaced, ${result.unchanged} unchanged, ${result.stale} stale (older than stored), ${result.erased} erased people skipped, ${result.rejected.length} rejected\n`,
      );
      if (result.refusedJoins) ctx.stdout.write(`  ${result.refusedJoins} identifier joins refused: the two sides differ in a strong identifier or co-author one work (docs/identity.md)\n`);
    }
    if (results.length > 1) {
      const t = totals(results);
      ctx.stdout.write(`${results.length} runs: ${t.records} records in ${seconds.toFixed(1)} s — ${t.inserted} new, ${t.replaced} replaced, ${t.unchanged} unchanged, ${t.stale} stale, ${t.rejected} rejected${t.refusedJoins ? `; ${t.refusedJoins} identifier joins refused` : ''}\n`);
    }
    if (reportFile) ctx.stdout.write(`rejected records listed in ${reportFile}\n`);
    if (careers) ctx.stdout.write(`careers refreshed: ${careers.mode === 'full' ? `all ${careers.people} people derived` : `${careers.derived} of ${careers.people} people derived again (the others' facts did not change)`} in ${(careers.ms / 1000).toFixed(1)} s\n`);
    if (mentorships) {
      const m = mentorships;
      ctx.stdout.write(`mentorships refreshed: ${m.stated} stated (${m.relations.resolved} resolved, ${m.relations.ambiguous} ambiguous, ${m.relations.new} known only from the relation, ${m.relations.dropped} dropped), ${m.inferred} inferred\n`);
    }
  },
};
