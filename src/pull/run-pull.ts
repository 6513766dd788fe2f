/**
 * The pull driver, the same for every source: ask the source for the page at the job's position, write each
 * page to a file, and land batches of pages through the ingest runner (validation, provenance, all or nothing).
 * The job's next position is saved inside the ingest's transaction, so a pull killed at any instant resumes right
 * after its last landed page: no record lost, none landed twice. A source that says to wait longer than we will
 * (an exhausted daily budget) pauses the job with the time to resume; any other failure marks it failed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AtlasError, InputError } from '../core/errors.ts';
import { ingestFiles, type IngestResult } from '../ingest/run-ingest.ts';
import type { IngestSource } from '../ingest/readers.ts';
import type { Rejection } from '../ingest/source.ts';
import type { Store } from '../store/store.ts';
import type { RateLimit } from './http/rate-limit.ts';
import { advanceJob, claimJob, setJobStatus, type Json, type PullJob } from './jobs/pull-jobs.ts';

export interface Page<S extends Json> {
  /** The records of the page, as the source's reader reads them from a JSON array. */
  records: unknown[];
  /** The request URL, secrets redacted: the records' provenance. */
  url: string;
  /** The position of the page after this one; null when this was the last. */
  next: S | null;
  /** How many results the whole query has, when the source says (OpenAlex `meta.count`). */
  total?: number | null;
  /**
   * For a reader that reads one document a file (an ORCID record): the page file holds this document as the API
   * gave it, instead of the `records` array; `records` then says what it holds (one record, or none: nothing lands).
   */
  document?: unknown;
  /** Ids to add to the job's id lists (pull_job_ids), landed with this page. */
  ids?: Record<string, string[]>;
  /** Land the batch right after this page (before the next is fetched): the next page reads what this one adds. */
  flush?: boolean;
}

export interface PullPlan<S extends Json> {
  /** The reader the pages go through. */
  ingestSource: IngestSource;
  /** The page at a position; null when the job turns out to be done without another call (an empty id list). */
  fetchPage(state: S): Promise<Page<S> | null>;
  /** Calls made so far, retries included, and the last rate-limit headers seen. */
  calls(): number;
  rateLimit(): RateLimit | null;
}

export interface PullProgress {
  job: PullJob;
  /** Records fetched so far by the job (landed plus waiting in the current batch). */
  fetched: number;
  total: number | null;
  calls: number;
  rateLimit: RateLimit | null;
  url: string;
  pageRecords: number;
  startedAt: number;
}

export interface RunPullOptions {
  /** Pages landed per ingest transaction (default 5). */
  batchPages?: number;
  /** Stop after this many records in all (the job is then done). */
  maxRecords?: number;
  /** Where pages are written before they are ingested; each job gets a folder `job-<id>` under it. */
  pagesDir: string;
  /** Keep the page files after they landed (default: removed; their URLs stay in the store). */
  keepPages?: boolean;
  command?: string;
  /**
   * 'fail' (default): a record the reader rejects fails the job (and every resume, at the same page, until the
   * reader or the data changes). 'skip': the good records of the page land, the rejected are listed in the result.
   */
  onError?: 'fail' | 'skip';
  onPage?: (p: PullProgress) => void;
  onLanded?: (r: IngestResult, job: PullJob) => void;
}

export interface PullRunResult {
  job: PullJob;
  /** Pages and records this run landed (a resumed job's earlier ones not included). */
  pages: number;
  records: number;
  inserted: number;
  replaced: number;
  unchanged: number;
  runs: number[];
  /** Records the reader rejected (with --on-error skip), each naming its page URL, line and field. */
  rejected: Array<Rejection & { url: string | null }>;
  /** Set when the source's budget stopped the pull: resume after this time. */
  paused: { resumeAfter: string | null; message: string } | null;
}

interface Pending {
  url: string;
  records: number;
  file: string | null;
  ids?: Record<string, string[]>;
}

/** Run (or continue) a job until its source has no more pages, its budget stops it, or something fails. */
export async function runPull<S extends Json>(store: Store, job: PullJob, plan: PullPlan<S>, options: RunPullOptions): Promise<PullRunResult> {
  await claimJob(store, job);
  const dir = path.join(options.pagesDir, `job-${job.id}`);
  // Page files left by a killed run were never landed (or landed and then not removed): they are fetched again.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const out: PullRunResult = { job, pages: 0, records: 0, inserted: 0, replaced: 0, unchanged: 0, runs: [], rejected: [], paused: null };
  const batchPages = Math.max(1, options.batchPages ?? 5);
  const startedAt = Date.now();
  let state = job.state as S | null;
  let total: number | null = job.total;
  let batch: Pending[] = [];
  let fetched = job.records;
  // A job's calls add up over its runs (a resumed job's earlier runs included).
  const callsBefore = job.calls;
  const calls = (): number => callsBefore + plan.calls();

  const land = async (next: S | null): Promise<void> => {
    const files = batch.filter((p): p is Pending & { file: string } => p.file !== null);
    const landed = batch;
    if (files.length === 0) {
      await store.transaction((tx) => advanceJob(tx, job, landed.map((p) => ({ url: p.url, records: 0, runId: null, ...(p.ids ? { ids: p.ids } : {}) })), next, calls(), total));
      batch = [];
      return;
    }
    const fileUrls = new Map(files.map((p) => [p.file, p.url]));
    let result: IngestResult;
    try {
      result = await ingestFiles(store, files.map((p) => p.file), {
        source: plan.ingestSource,
        fileUrls,
        ...(options.command ? { command: options.command } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
        inTransaction: (tx, r) => advanceJob(tx, job, landed.map((p) => ({ url: p.url, records: p.records, runId: p.file === null ? null : r.runId, ...(p.ids ? { ids: p.ids } : {}) })), next, calls(), total),
      });
    } catch (e) {
      // Name the page, not only the file it was written to (kept for inspection).
      if (e instanceof InputError) {
        const url = fileUrls.get(e.location.file);
        throw new AtlasError('BAD_INPUT', `${url ? `page ${url} (saved as ${e.location.file})` : e.location.file}:${e.location.line}${e.location.field ? ` field ${e.location.field}` : ''}: ${e.reason}`, { cause: e });
      }
      throw e;
    }
    batch = [];
    out.pages += files.length;
    out.records += result.records;
    out.inserted += result.inserted;
    out.replaced += result.replaced;
    out.unchanged += result.unchanged;
    out.runs.push(result.runId);
    for (const r of result.rejected) out.rejected.push({ ...r, url: fileUrls.get(r.file) ?? null });
    options.onLanded?.(result, job);
    if (!options.keepPages) await Promise.all(files.map((p) => rm(p.file, { force: true })));
  };

  let fetching = false;
  try {
    while (state !== null) {
      fetching = true;
      const page = await plan.fetchPage(state);
      fetching = false;
      if (page === null) {
        state = null;
        await land(null);
        break;
      }
      if (page.total !== undefined && page.total !== null) total = page.total;
      let records = page.records;
      let next = page.next;
      if (options.maxRecords !== undefined && fetched + records.length >= options.maxRecords) {
        records = records.slice(0, Math.max(0, options.maxRecords - fetched));
        next = null;
      }
      let file: string | null = null;
      if (records.length > 0) {
        file = path.join(dir, `page-${String(job.pages + batch.length + 1).padStart(6, '0')}.json`);
        await writeFile(file, JSON.stringify(page.document !== undefined ? page.document : records));
      }
      batch.push({ file, url: page.url, records: records.length, ...(page.ids ? { ids: page.ids } : {}) });
      fetched += records.length;
      state = next;
      options.onPage?.({ job, fetched, total, calls: calls(), rateLimit: plan.rateLimit(), url: page.url, pageRecords: records.length, startedAt });
      if (batch.length >= batchPages || state === null || page.flush) await land(state);
    }
  } catch (e) {
    // A fetch failed: what was fetched before it is good, so land it and a resume starts after it. (A failed
    // landing is not retried here: its pages stay unlanded and the job's position before them.)
    if (fetching && batch.length > 0) await land(state);
    if (e instanceof AtlasError && e.code === 'BUDGET_EXHAUSTED') {
      const resumeAfter = typeof e.details?.['resumeAfter'] === 'string' ? e.details['resumeAfter'] : null;
      await setJobStatus(store, job, 'paused', { message: e.message, resumeAfter, calls: calls() });
      out.paused = { resumeAfter, message: e.message };
      return out;
    }
    await setJobStatus(store, job, 'failed', { message: e instanceof Error ? e.message : String(e), calls: calls() });
    throw e;
  }
  if (!options.keepPages) await rm(dir, { recursive: true, force: true });
  return out;
}
