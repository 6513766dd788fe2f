/**
 * The contract of one live source for `atlas pull`: how the command's arguments become a stored job (its query
 * and first position, after any count call the source offers), and how a job — new or resumed — becomes the
 * plan that fetches its pages. Secrets (API keys, passwords, tokens) are never part of a job: they come from
 * the options or the environment each time a job runs.
 */
import { AtlasError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { HttpClientOptions, HttpEvent } from './http/http-client.ts';
import type { Json, PullJob } from './jobs/pull-jobs.ts';
import type { PullPlan } from './run-pull.ts';

/** Parsed command options, as node:util parseArgs gives them. */
export type PullOptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;
export type PullOptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: string | boolean }>;

export interface PullContext {
  store: Store;
  env: NodeJS.ProcessEnv;
  /** The options the command was given (this run's: on a resume, the resume command's). */
  values: PullOptionValues;
  onHttpEvent?: (e: HttpEvent) => void;
  /** Retry and timeout settings over the source's defaults (tests shorten the backoff). */
  http?: Pick<HttpClientOptions, 'maxRetries' | 'minBackoffMs' | 'timeoutMs' | 'maxWaitSeconds'>;
}

/** What one count call says a pull will cost, before it starts. */
export interface PullPreview {
  results: number;
  calls: number;
  /** Estimated cost in USD (OpenAlex prices calls), when the source prices them. */
  costUsd: number | null;
  /** What the source says is left of today's budget, when it says. */
  remainingUsd: number | null;
  /** The pull is large enough that the user must confirm it with --yes. */
  needsConfirmation: boolean;
  /** One line for the user: "148,174 results in 1,482 calls ≈ $0.15 of $0.90 left today". */
  summary: string;
}

export interface PreparedPull {
  kind: string;
  query: Record<string, Json>;
  state: Json;
  total?: number | null;
  preview?: PullPreview;
}

export interface Puller {
  /** The word after `atlas pull`: openalex, openreview, orcid, wikidata. */
  source: string;
  /** Usage lines for `atlas pull --help`. */
  usage: string;
  /** Pages landed per ingest transaction when --batch-pages is not given (default 5; more for one-record pages). */
  batchPages?: number;
  /** Options this source reads (merged into the command's). */
  options: PullOptionSpec;
  /** The job for these arguments (positionals after the source word); may call the API (a count) and read the store (--from-store). */
  prepare(ctx: PullContext, args: readonly string[]): Promise<PreparedPull>;
  /** The plan that fetches a job's pages from its stored position: for a new job and for a resumed one alike. */
  plan(ctx: PullContext, job: PullJob): Promise<PullPlan<Json>>;
}

export const DEFAULT_USER_AGENT = 'talent-atlas/0.1 (open-data research tool; https://github.com/talent-atlas)';

/** A string option, or undefined. */
export function stringOption(values: PullOptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A whole-number option from 1 to max (the source's limit), or null when not given; anything else is a BAD_ARGUMENT naming the option. */
export function wholeOption(values: PullOptionValues, name: string, max = Infinity): number | null {
  const v = stringOption(values, name);
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new AtlasError('BAD_ARGUMENT', `--${name} must be a whole number from 1 to ${max === Infinity ? 'any' : max}, not "${v}"`);
  return n;
}
