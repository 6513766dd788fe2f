/** Translating errors to HTTP at the edge: AtlasError code → status and a `{code, message}` body; bad input is never a 500. */
import type { z } from 'zod';
import { AtlasError, isAtlasError, type ErrorCode } from '../core/errors.ts';

export interface ErrorBody {
  code: string;
  message: string;
  candidates?: unknown;
}

const STATUS: Record<ErrorCode, number> = {
  BAD_ARGUMENT: 400,
  BAD_INPUT: 400,
  UNKNOWN_COUNTRY: 400,
  UNSUPPORTED_FORMAT: 400,
  NOT_FOUND: 404,
  NO_DATA: 404,
  AMBIGUOUS: 409,
  CONFLICT: 409,
  DB_LOCKED: 503,
  DB_ERROR: 500,
  OUT_OF_MEMORY: 507,
  REMOTE_ERROR: 502,
  LOGIN_REQUIRED: 502,
  BUDGET_EXHAUSTED: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** Codes for Fastify's own 4xx errors (malformed URL, body too large, unsupported media type, …). */
const FASTIFY_CODES: Record<number, string> = { 404: 'NOT_FOUND', 413: 'TOO_LARGE', 415: 'UNSUPPORTED_FORMAT', 429: 'RATE_LIMITED' };

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** One readable line out of a zod failure: `limit: Too big: expected number to be <=200; q: …`. */
export function validationError(where: string, error: z.ZodError): AtlasError {
  const issues = error.issues;
  const country = issues.find((i) => i.code === 'custom' && (i.params as { code?: string } | undefined)?.code === 'UNKNOWN_COUNTRY');
  const text = issues.map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`).join('; ');
  return new AtlasError(country ? 'UNKNOWN_COUNTRY' : 'BAD_ARGUMENT', `invalid ${where}: ${text}`);
}

/** Status and body for any thrown value. Unknown errors are 500 with a generic message (details go to the log). */
export function toHttpError(e: unknown): { status: number; body: ErrorBody } {
  if (isAtlasError(e)) {
    const body: ErrorBody = { code: e.code, message: e.message };
    if (e.details && 'candidates' in e.details) body.candidates = e.details['candidates'];
    const status = statusOf(e.code);
    return { status, body: status === 500 ? { code: e.code, message: 'database error; see the server log' } : body };
  }
  // Fastify's own client errors (malformed URL, bad content type, body too large, …) carry a 4xx statusCode.
  const statusCode = typeof e === 'object' && e !== null && 'statusCode' in e ? Number((e as { statusCode: unknown }).statusCode) : 500;
  if (statusCode >= 400 && statusCode < 500) {
    const message = e instanceof Error ? e.message : 'bad request';
    return { status: statusCode, body: { code: FASTIFY_CODES[statusCode] ?? 'BAD_ARGUMENT', message } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error (a bug in talent-atlas); see the server log' } };
}
