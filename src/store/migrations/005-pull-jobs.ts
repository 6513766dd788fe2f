/**
 * Migration 5: live pulls. A pull is a job (`pull_jobs`): its source, its query, the position of the next page
 * (an OpenAlex cursor, a batch offset…) and counts, updated in the same transaction that lands a batch of pages —
 * so a killed pull resumes exactly after its last landed page. `pull_pages` lists every page fetched and landed, with its
 * request URL (secrets redacted) and the ingest run it landed in (none for an empty page); `ingest_files.url` gives that URL as the
 * provenance of the page's records, beside the file the page was written to. `refresh_pending` marks a job whose
 * landed records the derived careers and mentorships do not reflect yet (a kill between the last batch and the
 * refresh): `atlas pull --resume` then runs the refresh. `runner` is the `host:pid` of the process running the job,
 * so a second resume of a job still running is refused and `--list` tells a killed run from a live one.
 * `pull_job_ids` holds id lists a job gathers page by page (OpenAlex --with-authors), landed with those pages.
 */
import type { Migration } from '../schema.ts';

export const migration005: Migration = {
  version: 5,
  name: 'pull jobs',
  statements: [
    `ALTER TABLE ingest_files ADD COLUMN url TEXT`,
    `CREATE TABLE pull_jobs (
      job_id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, query TEXT NOT NULL, state TEXT,
      status TEXT NOT NULL, pages INTEGER NOT NULL, records INTEGER NOT NULL, calls INTEGER NOT NULL, total BIGINT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, resume_after TEXT, message TEXT, command TEXT,
      refresh_pending INTEGER NOT NULL, runner TEXT)`,
    // Id lists a job gathers as it goes (the authors of the works pulled, then their institutions), appended with
    // the page that named them, so a job's stored position stays small however long the lists grow.
    `CREATE TABLE pull_job_ids (job_id INTEGER NOT NULL, list TEXT NOT NULL, ord INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (job_id, list, id))`,
    `CREATE TABLE pull_pages (
      job_id INTEGER NOT NULL, page_no INTEGER NOT NULL, url TEXT NOT NULL, records INTEGER NOT NULL,
      run_id INTEGER, landed_at TEXT NOT NULL, PRIMARY KEY (job_id, page_no))`,
  ],
};
