/** Career parameters (../docs/mobility.md): the defaults the spec gives, validated once, echoed in every output. */
import { AtlasError } from '../core/errors.ts';

export interface CareerParams {
  /** Active years that define the academic origin. */
  originYears: number;
  /** A move is confirmed when the new place is present in at least minStay − 1 later active years. */
  minStay: number;
  /** Career age at or below which a person counts as early career. */
  earlyCareer: number;
  /** Current country "as of" this year; null = after the last active year. */
  asOf: number | null;
}

export const DEFAULT_CAREER_PARAMS: Readonly<CareerParams> = Object.freeze({ originYears: 3, minStay: 2, earlyCareer: 8, asOf: null });

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new AtlasError('BAD_ARGUMENT', `${name} must be a whole number ≥ 1 (got ${v})`);
  return v;
}

/** Fill defaults and validate; throws BAD_ARGUMENT with the offending parameter. */
export function careerParams(p: Partial<CareerParams> = {}): CareerParams {
  const asOf = p.asOf ?? null;
  if (asOf !== null && (!Number.isInteger(asOf) || asOf < 1000 || asOf > 3000)) {
    throw new AtlasError('BAD_ARGUMENT', `asOf must be a year (got ${asOf})`);
  }
  return {
    originYears: positiveInt('originYears', p.originYears ?? DEFAULT_CAREER_PARAMS.originYears),
    minStay: positiveInt('minStay', p.minStay ?? DEFAULT_CAREER_PARAMS.minStay),
    earlyCareer: positiveInt('earlyCareer', p.earlyCareer ?? DEFAULT_CAREER_PARAMS.earlyCareer),
    asOf,
  };
}

/** Parse a year given by a user (CLI flag, query string). */
export function parseYear(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const y = Number(raw);
  if (!/^\d{4}$/.test(raw.trim()) || !Number.isInteger(y)) throw new AtlasError('BAD_ARGUMENT', `${name} must be a four-digit year (got "${raw}")`);
  return y;
}
