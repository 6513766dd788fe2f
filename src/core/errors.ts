/** Typed errors with a stable code and a message that tells the user what to do; translated to exit codes / HTTP only at the edges. */

export type ErrorCode =
  | 'BAD_ARGUMENT'
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'AMBIGUOUS'
  | 'UNKNOWN_COUNTRY'
  | 'UNSUPPORTED_FORMAT'
  | 'DB_ERROR'
  | 'DB_LOCKED'
  | 'CONFLICT'
  | 'NO_DATA'
  | 'OUT_OF_MEMORY'
  /** A remote API answered with an error, a body that is not the JSON asked for, or not at all (after retries). */
  | 'REMOTE_ERROR'
  /** A remote API needs a login (OpenReview's browser check, a 401). */
  | 'LOGIN_REQUIRED'
  /** A remote API's daily budget or rate limit stops the pull until a stated time; the job can be resumed then. */
  | 'BUDGET_EXHAUSTED'
  /** A team server needs an API key (none given, malformed, unknown, revoked). */
  | 'UNAUTHORIZED'
  /** The caller's role may not do this. */
  | 'FORBIDDEN'
  /** A request body above the server's size limit. */
  | 'TOO_LARGE'
  /** Too many requests for one key (or address) in the current window. */
  | 'RATE_LIMITED';

export class AtlasError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AtlasError';
    this.code = code;
    this.details = options?.details;
  }
}

/** Where in an input file a problem is: file, 1-based line, and the JSON path / column of the field. */
export interface InputLocation {
  file: string;
  line: number;
  field?: string | undefined;
}

export class InputError extends AtlasError {
  readonly location: InputLocation;
  readonly reason: string;
  constructor(location: InputLocation, reason: string, options?: { cause?: unknown }) {
    const where = `${location.file}:${location.line}${location.field ? ` field ${location.field}` : ''}`;
    super('BAD_INPUT', `${where}: ${reason}`, options);
    this.name = 'InputError';
    this.location = location;
    this.reason = reason;
  }
}

export function isAtlasError(e: unknown): e is AtlasError {
  return e instanceof AtlasError;
}

export function badArgument(message: string): AtlasError {
  return new AtlasError('BAD_ARGUMENT', message);
}

export function notFound(message: string): AtlasError {
  return new AtlasError('NOT_FOUND', message);
}
