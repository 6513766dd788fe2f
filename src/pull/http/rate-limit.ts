/**
 * What a response says about the caller's limits: the `x-ratelimit-*` headers OpenAlex (and OpenReview) send, and
 * when a 429 says to come back (`Retry-After` in seconds or as an HTTP date, or OpenAlex's JSON `retryAfter`).
 */

export interface RateLimit {
  /** Calls allowed in the window (OpenAlex: per day). */
  limit: number | null;
  remaining: number | null;
  /** OpenAlex's priced budget, in USD: what is left today and what the last call cost. */
  remainingUsd: number | null;
  costUsd: number | null;
  /** When the window resets (OpenAlex sends seconds from now; OpenReview an epoch in seconds). */
  resetAt: Date | null;
}

const num = (v: string | null): number | null => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The limits a response's headers state, or null when it states none. */
export function readRateLimit(headers: Headers, now: Date = new Date()): RateLimit | null {
  const limit = num(headers.get('x-ratelimit-limit'));
  const remaining = num(headers.get('x-ratelimit-remaining'));
  const remainingUsd = num(headers.get('x-ratelimit-remaining-usd'));
  const costUsd = num(headers.get('x-ratelimit-cost-usd'));
  const reset = num(headers.get('x-ratelimit-reset')) ?? num(headers.get('ratelimit-reset'));
  if ([limit, remaining, remainingUsd, costUsd, reset].every((v) => v === null)) return null;
  // An epoch (seconds since 1970) is far larger than any window length.
  const resetAt = reset === null ? null : new Date(reset > 1e9 ? reset * 1000 : now.getTime() + reset * 1000);
  return { limit, remaining, remainingUsd, costUsd, resetAt };
}

/** Milliseconds a 429 (or 503) asks the caller to wait: the Retry-After header (seconds or a date), else a JSON body's `retryAfter` seconds. */
export function retryAfterMs(headers: Headers, body: string, now: Date = new Date()): number | null {
  const h = headers.get('retry-after');
  if (h !== null) {
    const s = Number(h);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
    const at = Date.parse(h);
    if (Number.isFinite(at)) return Math.max(0, at - now.getTime());
  }
  try {
    const j = JSON.parse(body) as { retryAfter?: unknown };
    if (typeof j.retryAfter === 'number' && Number.isFinite(j.retryAfter)) return Math.max(0, j.retryAfter * 1000);
  } catch {
    // not JSON: no body hint
  }
  return null;
}

/** A URL fit to print or store: secrets and contact addresses in the query (api_key, token, password, mailto) replaced by REDACTED. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:api_key|apikey|token|access_token|password|mailto|email)=)[^&#]*/gi, '$1REDACTED');
}
