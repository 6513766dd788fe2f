/**
 * Pull jobs in the store: what a pull asked for, where its next page starts, and how far it got. A job's
 * position is written only together with the pages it follows (in the ingest's transaction, see run-pull.ts),
 * so after a crash the stored position is always right after the last landed page.
 */
import os from 'node:os';
import { AtlasError } from '../../core/errors.ts';
import type { Queryable, Store } from '../../store/store.ts';

export type JobStatus = 'running' | 'paused' | 'failed' | 'done';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface PullJob {
  id: number;
  /** The client: openalex, openreview, orcid, wikidata. */
  source: string;
  /** What of it: works, authors, institutions, venue, profiles, records, entities… */
  kind: string;
  /** Everything the pull was asked for (filters, ids, options), enough to continue it. */
  query: Record<string, Json>;
  /** The position of the next page; null once the pull is done. */
  state: Json;
  status: JobStatus;
  pages: number;
  records: number;
  calls: number;
  total: number | null;
  createdAt: string;
  updatedAt: string;
  resumeAfter: string | null;
  message: string | null;
  command: string | null;
  /** Records landed that the derived careers and mentorships do not reflect yet. */
  refreshPending: boolean;
  /** `host:pid` of the process that last ran the job. */
  runner: string | null;
}

interface JobRow {
  job_id: number;
  source: string;
  kind: string;
  query: string;
  state: string | null;
  status: JobStatus;
  pages: number;
  records: number;
  calls: number;
  total: number | null;
  created_at: string;
  updated_at: string;
  resume_after: string | null;
  message: string | null;
  command: string | null;
  refresh_pending: number;
  runner: string | null;
}

const COLUMNS = 'job_id, source, kind, query, state, status, pages, records, calls, total, created_at, updated_at, resume_after, message, command, refresh_pending, runner';

function fromRow(r: JobRow): PullJob {
  return {
    id: Number(r.job_id),
    source: r.source,
    kind: r.kind,
    query: JSON.parse(r.query) as Record<string, Json>,
    state: r.state === null ? null : (JSON.parse(r.state) as Json),
    status: r.status,
    pages: Number(r.pages),
    records: Number(r.records),
    calls: Number(r.calls),
    total: r.total === null ? null : Number(r.total),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    resumeAfter: r.resume_after,
    message: r.message,
    command: r.command,
    refreshPending: Number(r.refresh_pending) === 1,
    runner: r.runner,
  };
}

export interface NewJob {
  source: string;
  kind: string;
  query: Record<string, Json>;
  state: Json;
  total?: number | null;
  command?: string | null;
}

export async function createJob(store: Store, job: NewJob): Promise<PullJob> {
  const now = new Date().toISOString();
  return store.transaction(async (tx) => {
    const [row] = await tx.query<{ n: number }>('SELECT COALESCE(MAX(job_id), 0) + 1 AS n FROM pull_jobs');
    const id = Number(row?.n ?? 1);
    await tx.exec(
      `INSERT INTO pull_jobs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, 'running', 0, 0, 0, $6, $7, $7, NULL, NULL, $8, 0, $9)`,
      [id, job.source, job.kind, JSON.stringify(job.query), JSON.stringify(job.state), job.total ?? null, now, job.command ?? null, THIS_RUNNER],
    );
    return (await getJob(tx, id)) as PullJob;
  });
}

const THIS_RUNNER = `${os.hostname()}:${process.pid}`;

/**
 * Whether the process that ran a job is still alive: true or false when it ran on this machine, null when on
 * another (a shared PostgreSQL store) or unknown. A pid reused by an unrelated process reads as alive.
 */
export function runnerAlive(runner: string | null): boolean | null {
  const m = runner ? /^(.*):(\d+)$/.exec(runner) : null;
  if (!m || m[1] !== os.hostname()) return null;
  const pid = Number(m[2]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A job shown as interrupted: marked running, but its process is gone (killed, or the machine restarted). */
export function isInterrupted(job: PullJob): boolean {
  return job.status === 'running' && runnerAlive(job.runner) === false;
}

/** Take a job for this process; refused while another live process on this machine runs it. */
export async function claimJob(store: Store, job: PullJob): Promise<void> {
  await store.transaction(async (tx) => {
    const now = await getJob(tx, job.id);
    if (now && now.status === 'running' && now.runner !== THIS_RUNNER && runnerAlive(now.runner) === true) {
      throw new AtlasError('CONFLICT', `pull job ${job.id} is being run by process ${(now.runner ?? '').split(':').pop()} on this machine; wait for it, or stop it first`);
    }
    await tx.exec("UPDATE pull_jobs SET status = 'running', runner = $2 WHERE job_id = $1", [job.id, THIS_RUNNER]);
  });
  job.status = 'running';
  job.runner = THIS_RUNNER;
}

export async function getJob(db: Queryable, id: number): Promise<PullJob | null> {
  const [r] = await db.query<JobRow>(`SELECT ${COLUMNS} FROM pull_jobs WHERE job_id = $1`, [id]);
  return r ? fromRow(r) : null;
}

/** The job to resume: the one named, else the newest that is not done. */
export async function jobToResume(db: Queryable, id?: number): Promise<PullJob> {
  if (id !== undefined) {
    const job = await getJob(db, id);
    if (!job) throw new AtlasError('NOT_FOUND', `no pull job ${id}; \`atlas pull --list\` shows the jobs`);
    if (job.status === 'done' && !job.refreshPending) throw new AtlasError('CONFLICT', `pull job ${id} is done (${job.records} records in ${job.pages} pages); nothing to resume`);
    return job;
  }
  const [r] = await db.query<JobRow>(`SELECT ${COLUMNS} FROM pull_jobs WHERE status <> 'done' OR refresh_pending = 1 ORDER BY job_id DESC LIMIT 1`);
  if (!r) throw new AtlasError('NOT_FOUND', 'no unfinished pull job to resume; `atlas pull --list` shows the jobs');
  return fromRow(r);
}

export async function listJobs(db: Queryable): Promise<PullJob[]> {
  return (await db.query<JobRow>(`SELECT ${COLUMNS} FROM pull_jobs ORDER BY job_id`)).map(fromRow);
}

export interface PageLanded {
  url: string;
  records: number;
  /** The ingest run the page's records landed in; null for a page without records. */
  runId: number | null;
  /** Ids the page adds to the job's id lists (by list name); an id already in a list keeps its place. */
  ids?: Readonly<Record<string, readonly string[]>>;
}

/** Append ids to a job's lists, each once, in the order first seen. */
async function appendIds(tx: Queryable, jobId: number, list: string, ids: readonly string[]): Promise<void> {
  const fresh = [...new Set(ids)];
  for (let i = 0; i < fresh.length; i += 500) {
    const chunk = fresh.slice(i, i + 500);
    const [m] = await tx.query<{ n: number }>('SELECT COALESCE(MAX(ord), 0) AS n FROM pull_job_ids WHERE job_id = $1 AND list = $2', [jobId, list]);
    const base = Number(m?.n ?? 0);
    const values = chunk.map((_, k) => `($1, $2, $${k * 2 + 3}, $${k * 2 + 4})`).join(', ');
    await tx.exec(`INSERT INTO pull_job_ids (job_id, list, ord, id) VALUES ${values} ON CONFLICT DO NOTHING`, [jobId, list, ...chunk.flatMap((id, k) => [base + k + 1, id])]);
  }
}

/** Up to `limit` ids of a job's list after position `after`, with the position of the last. */
export async function jobIds(db: Queryable, jobId: number, list: string, after: number, limit: number): Promise<{ ids: string[]; last: number }> {
  const rows = await db.query<{ ord: number; id: string }>('SELECT ord, id FROM pull_job_ids WHERE job_id = $1 AND list = $2 AND ord > $3 ORDER BY ord LIMIT $4', [jobId, list, after, limit]);
  return { ids: rows.map((r) => r.id), last: rows.length ? Number(rows[rows.length - 1]!.ord) : after };
}

/** Inside the transaction that landed pages: record them and move the job's position past them. */
export async function advanceJob(tx: Queryable, job: PullJob, pages: readonly PageLanded[], next: Json, calls: number, total: number | null): Promise<void> {
  const now = new Date().toISOString();
  for (const [i, p] of pages.entries()) {
    await tx.exec('INSERT INTO pull_pages (job_id, page_no, url, records, run_id, landed_at) VALUES ($1, $2, $3, $4, $5, $6)', [job.id, job.pages + i + 1, p.url, p.records, p.runId, now]);
    for (const [list, ids] of Object.entries(p.ids ?? {})) await appendIds(tx, job.id, list, ids);
  }
  const records = pages.reduce((n, p) => n + p.records, 0);
  await tx.exec(
    `UPDATE pull_jobs SET ${records > 0 ? 'refresh_pending = 1, ' : ''}state = $2, pages = pages + $3, records = records + $4, calls = $5, total = COALESCE(CAST($6 AS BIGINT), total), updated_at = $7,
       status = $8, resume_after = NULL, message = NULL WHERE job_id = $1`,
    [job.id, next === null ? null : JSON.stringify(next), pages.length, records, calls, total, now, next === null ? 'done' : 'running'],
  );
  job.pages += pages.length;
  job.records += records;
  job.calls = calls;
  if (total !== null) job.total = total;
  job.state = next;
  if (next === null) job.status = 'done';
  if (records > 0) job.refreshPending = true;
}

/**
 * The derived careers and mentorships, refreshed from a start at `refreshStartedAt`, now reflect what this job
 * landed — and what every other job landed before that start (a refresh reads the whole store), so earlier pulls
 * run with --no-refresh are settled too. A batch landed after the start stays pending.
 */
export async function markRefreshed(db: Queryable, job: PullJob, refreshStartedAt: string): Promise<void> {
  await db.exec('UPDATE pull_jobs SET refresh_pending = 0 WHERE refresh_pending = 1 AND (job_id = $1 OR updated_at <= $2)', [job.id, refreshStartedAt]);
  job.refreshPending = false;
}

/** Mark how a pull run ended without landing pages: paused (until resumeAfter), failed (message), or done. */
export async function setJobStatus(db: Queryable, job: PullJob, status: JobStatus, fields: { message?: string | null; resumeAfter?: string | null; calls?: number } = {}): Promise<void> {
  await db.exec('UPDATE pull_jobs SET status = $2, message = $3, resume_after = $4, calls = COALESCE($5, calls), updated_at = $6 WHERE job_id = $1', [
    job.id,
    status,
    fields.message ?? null,
    fields.resumeAfter ?? null,
    fields.calls ?? null,
    new Date().toISOString(),
  ]);
  job.status = status;
  job.message = fields.message ?? null;
  job.resumeAfter = fields.resumeAfter ?? null;
}
