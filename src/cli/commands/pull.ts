/** `atlas pull`: fetch from a live source (OpenAlex, OpenReview, ORCID, Wikidata) into the store as a resumable job; then refresh careers and mentorships. */
import { storedCommandLine } from '../command-line.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AtlasError } from '../../core/errors.ts';
import { refreshDerived } from '../../derived/refresh-derived.ts';
import { sweepAfterLanding } from '../../teams/notify.ts';
import { PULLERS, createJob, isInterrupted, jobToResume, listJobs, markRefreshed, pullerFor, runPull, type HttpEvent, type PullContext, type PullJob, type PullProgress, type PullRunResult } from '../../pull/index.ts';
import type { Store } from '../../store/store.ts';
import type { Command, CommandContext, OptionSpec, ParsedValues } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { keepIndexesCurrent } from '../keep-indexes.ts';
import { pullSnapshotCommand, SNAPSHOT_OPTIONS, SNAPSHOT_SOURCE, SNAPSHOT_USAGE } from './pull-snapshot.ts';
import { progressBar, type ProgressBar } from '../progress.ts';

/** Exit status of a pull its source's budget stopped: not a failure, not finished. */
export const EXIT_PAUSED = 3;

const COMMON: OptionSpec = {
  resume: { type: 'boolean' },
  list: { type: 'boolean' },
  yes: { type: 'boolean' },
  'batch-pages': { type: 'string' },
  'pages-dir': { type: 'string' },
  'keep-pages': { type: 'boolean' },
  'no-refresh': { type: 'boolean' },
  index: { type: 'boolean' },
  'no-index': { type: 'boolean' },
  'on-error': { type: 'string' },
  report: { type: 'string' },
};

const OPTIONS: OptionSpec = Object.assign({}, ...PULLERS.map((p) => p.options), SNAPSHOT_OPTIONS, COMMON) as OptionSpec;

function pagesDir(ctx: CommandContext, values: ParsedValues): string {
  const given = values['pages-dir'];
  if (typeof given === 'string') return given;
  return ctx.db.startsWith('postgres') ? path.join(os.tmpdir(), 'atlas-pulls') : `${path.resolve(ctx.db)}.pulls`;
}

const money = (n: number | null | undefined): string => (n === null || n === undefined ? '?' : `$${n.toFixed(4)}`);

function eta(p: PullProgress): string {
  if (!p.total || p.fetched === 0) return '';
  const rate = p.fetched / ((Date.now() - p.startedAt) / 1000);
  const left = Math.max(0, p.total - p.fetched) / rate;
  return Number.isFinite(left) ? ` ETA ${left < 90 ? `${Math.round(left)} s` : `${Math.round(left / 60)} min`}` : '';
}

function showProgress(ctx: CommandContext, bar: ProgressBar): (p: PullProgress) => void {
  return (p) => {
    const budget = p.rateLimit?.remainingUsd !== null && p.rateLimit?.remainingUsd !== undefined ? ` · ${money(p.rateLimit.remainingUsd)} left` : p.rateLimit?.remaining !== null && p.rateLimit?.remaining !== undefined ? ` · ${p.rateLimit.remaining} calls left` : '';
    const detail = `${p.fetched.toLocaleString('en-US')}${p.total ? `/${p.total.toLocaleString('en-US')}` : ''} results · ${p.calls} calls${budget}${eta(p)}`;
    if (ctx.interactive && !ctx.json) bar.update(`pull ${p.job.id}: ${p.job.source} ${p.job.kind}`, p.total ? p.fetched / p.total : 0, detail);
    else ctx.stderr.write(`pull ${p.job.id}: page of ${p.pageRecords} from ${p.url} — ${detail}\n`);
  };
}

function httpNotice(ctx: CommandContext): (e: HttpEvent) => void {
  return (e) => {
    if (e.kind === 'retry') ctx.stderr.write(`\n  retry ${e.attempt}: ${e.reason}${e.waitMs ? ` — waiting ${(e.waitMs / 1000).toFixed(1)} s as asked` : ''}\n`);
  };
}

/** A job as printed: long id lists in its query (profiles, ORCID iDs) shown as their length and first few. */
function shownJob(j: PullJob): PullJob & { interrupted: boolean } {
  const query = Object.fromEntries(Object.entries(j.query).map(([k, v]) => [k, Array.isArray(v) && v.length > 10 ? { count: v.length, first: v.slice(0, 10) } : v]));
  return { ...j, query, interrupted: isInterrupted(j) };
}

async function listCommand(ctx: CommandContext, store: Store): Promise<void> {
  const jobs = await listJobs(store);
  if (ctx.json) return printJson(ctx.stdout, { jobs: jobs.map(shownJob) });
  ctx.stdout.write(
    formatTable(
      jobs.map((j) => ({
        job: j.id,
        source: j.source,
        kind: j.kind,
        status: isInterrupted(j) ? 'interrupted' : j.status,
        pages: j.pages,
        records: j.records,
        count: j.total ?? '',
        calls: j.calls,
        updated: j.updatedAt.slice(0, 19),
        note: j.status === 'paused' ? `resume after ${j.resumeAfter ?? '?'}` : isInterrupted(j) ? `its process is gone: atlas pull --resume ${j.id}` : (j.message ?? '').slice(0, 80),
      })),
    ),
  );
}

async function run(ctx: CommandContext, values: ParsedValues, store: Store, job: PullJob, pctx: PullContext): Promise<number> {
  const puller = pullerFor(job.source);
  const bar = progressBar(ctx.stderr, ctx.interactive && !ctx.json);
  const batch = values['batch-pages'] === undefined ? (puller.batchPages ?? 5) : Number(values['batch-pages']);
  if (!Number.isInteger(batch) || batch < 1) throw new AtlasError('BAD_ARGUMENT', '--batch-pages must be a whole number ≥ 1');
  const onError = values['on-error'] ?? 'fail';
  if (onError !== 'fail' && onError !== 'skip') throw new AtlasError('BAD_ARGUMENT', `--on-error must be "fail" or "skip", not "${String(onError)}"`);
  const started = Date.now();
  let result: PullRunResult;
  try {
    const plan = await puller.plan(pctx, job);
    result = await runPull(store, job, plan, {
      pagesDir: pagesDir(ctx, values),
      batchPages: batch,
      keepPages: values['keep-pages'] === true,
      onError,
      command: storedCommandLine(ctx.argv),
      onPage: showProgress(ctx, bar),
    });
  } finally {
    bar.end();
  }
  // Also after a kill between the job's last batch and its refresh (refresh_pending), when nothing new landed now.
  const refresh = values['no-refresh'] !== true && result.job.refreshPending;
  let reportFile: string | null = null;
  if (result.rejected.length) {
    reportFile = typeof values['report'] === 'string' ? values['report'] : path.join(pagesDir(ctx, values), `job-${result.job.id}-rejected.jsonl`);
    await mkdir(path.dirname(reportFile), { recursive: true });
    await writeFile(reportFile, result.rejected.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  const refreshStartedAt = new Date().toISOString();
  const derived = refresh ? await refreshDerived(store) : null;
  const careers = derived?.careers ?? null;
  const mentorships = derived?.mentorships ?? null;
  if (refresh) await markRefreshed(store, result.job, refreshStartedAt);
  if (result.records > 0 || refresh) await keepIndexesCurrent(store, ctx, { build: refresh && values['no-index'] !== true, suggest: refresh });
  // the store may have been closed for a build in another process: taken again
  const alerts = careers ? await sweepAfterLanding(await ctx.store()) : null;
  if (alerts && !ctx.json) ctx.stderr.write(`${alerts}\n`);
  const seconds = (Date.now() - started) / 1000;
  if (ctx.json) {
    printJson(ctx.stdout, { job: shownJob(result.job), pages: result.pages, records: result.records, inserted: result.inserted, replaced: result.replaced, unchanged: result.unchanged, runs: result.runs, rejected: result.rejected.length, rejectedReport: reportFile, paused: result.paused, careersRefreshed: careers !== null, mentorships: mentorships ? { stated: mentorships.stated, inferred: mentorships.inferred } : null, seconds });
  } else {
    const j = result.job;
    ctx.stdout.write(`pull job ${j.id} (${j.source} ${j.kind}): this run landed ${result.records} records from ${result.pages} pages with records (${result.inserted} new, ${result.replaced} replaced, ${result.unchanged} unchanged) in ${seconds.toFixed(1)} s; the job has ${j.records} records, ${j.pages} pages, ${j.calls} calls\n`);
    if (reportFile) ctx.stdout.write(`${result.rejected.length} records rejected (--on-error skip), listed with their page URL, line and field in ${reportFile}\n`);
    if (result.paused) ctx.stdout.write(`paused: ${result.paused.message}\n`);
    else ctx.stdout.write(`job ${j.id} is done\n`);
    if (values['no-refresh'] === true && j.refreshPending) ctx.stdout.write('careers and mentorships not refreshed (--no-refresh): run `atlas refresh-careers`\n');
    if (careers) ctx.stdout.write('careers and mentorships refreshed\n');
  }
  return result.paused ? EXIT_PAUSED : 0;
}

export const pullCommand: Command = {
  name: 'pull',
  summary: 'fetch from OpenAlex, OpenReview, ORCID or Wikidata into the store, politely and resumably',
  usage: `atlas pull <source> … [--yes] [--batch-pages N] [--keep-pages] [--pages-dir DIR] [--no-refresh] [--no-index] [--on-error fail|skip] [--report FILE]
atlas pull --resume [JOB]     continue a job after a kill, a failure or a spent budget, after its last landed page
atlas pull --list             every pull job: state, pages, records, calls

${PULLERS.map((p) => p.usage).join('\n\n')}

${SNAPSHOT_USAGE}

  Each pull is a job in the store. Pages land in batches (--batch-pages, default 5 pages; 50 one-record ORCID pages) through the ingest, each batch
  all-or-nothing with the job's position, so a pull killed at any moment resumes exactly after its last landed page.
  --on-error skip lands a page's good records and lists the rejected ones (page URL, line, field) in --report FILE
  (default <pages dir>/job-<id>-rejected.jsonl); by default a rejected record fails the job, naming its page.
  A source whose daily budget runs out pauses the job (exit status ${EXIT_PAUSED}) and says when to resume.
  Secrets (API keys, passwords) are never stored: give them again (or keep them in the environment) to resume.
  After the records land, the search index and tie graph the store keeps are brought up to date, and built when it
  keeps none yet, unless --no-index (as \`atlas ingest\`).
  See docs/pull.md.`,
  positionals: true,
  options: OPTIONS,
  async run(ctx, values, args) {
    // A snapshot is files, not pages, and needs no store: it is resumed by running it again (whole parts are kept).
    if (!values['list'] && !values['resume'] && args[0] === SNAPSHOT_SOURCE) return pullSnapshotCommand(ctx, values, args.slice(1));
    const store = await ctx.store();
    if (values['list']) {
      await listCommand(ctx, store);
      return 0;
    }
    const pctx: PullContext = { store, env: process.env, values, onHttpEvent: httpNotice(ctx) };
    if (values['resume']) {
      if (args.length > 1 || (args[0] !== undefined && !/^\d+$/.test(args[0]))) throw new AtlasError('BAD_ARGUMENT', 'give `atlas pull --resume` a job number (or none for the newest unfinished job)');
      const job = await jobToResume(store, args[0] === undefined ? undefined : Number(args[0]));
      if (!ctx.json) ctx.stderr.write(`resuming pull job ${job.id} (${job.source} ${job.kind}) after page ${job.pages}: ${job.records} records landed so far\n`);
      return run(ctx, values, store, job, pctx);
    }
    const [source, ...rest] = args;
    if (!source) throw new AtlasError('BAD_ARGUMENT', `say what to pull: atlas pull ${[...PULLERS.map((p) => p.source), SNAPSHOT_SOURCE].join('|')} …, or --resume, or --list`);
    const puller = pullerFor(source);
    const prepared = await puller.prepare(pctx, rest);
    if (prepared.preview) {
      if (!ctx.json) ctx.stderr.write(`${prepared.preview.summary}\n`);
      if (prepared.preview.needsConfirmation && values['yes'] !== true) {
        throw new AtlasError('BAD_ARGUMENT', `${prepared.preview.summary}: that is a large pull; run it again with --yes to go ahead`);
      }
    }
    const job = await createJob(store, { source, kind: prepared.kind, query: prepared.query, state: prepared.state, total: prepared.total ?? null, command: storedCommandLine(ctx.argv) });
    return run(ctx, values, store, job, pctx);
  },
};
