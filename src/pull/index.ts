/**
 * Live pulls: one Puller per source, the shared HTTP layer (rate limits, retries, budgets) and the job driver that
 * lands pages through the ingest runner. The public face of src/pull.
 */
import { AtlasError } from '../core/errors.ts';
import { openalexPuller } from './openalex/openalex-puller.ts';
import { openreviewPuller } from './openreview/openreview-puller.ts';
import { orcidPuller } from './orcid/orcid-puller.ts';
import { wikidataPuller } from './wikidata/wikidata-puller.ts';
import type { Puller } from './puller.ts';

export const PULLERS: readonly Puller[] = [openalexPuller, openreviewPuller, orcidPuller, wikidataPuller];

export function pullerFor(source: string): Puller {
  const p = PULLERS.find((x) => x.source === source);
  if (!p) throw new AtlasError('BAD_ARGUMENT', `unknown source "${source}": pull from ${PULLERS.map((x) => x.source).join(', ')}`);
  return p;
}

export { createJob, isInterrupted, jobToResume, listJobs, markRefreshed, type PullJob } from './jobs/pull-jobs.ts';
export { runPull, type PullProgress, type PullRunResult } from './run-pull.ts';
export type { PreparedPull, PullContext, Puller, PullPreview } from './puller.ts';
export type { HttpEvent } from './http/http-client.ts';
