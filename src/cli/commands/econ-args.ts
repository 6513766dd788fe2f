/** Shared flag parsing for the economics commands (subsidy, gap, bands): numbers, adjustment method, formatting. */
import { badArgument } from '../../core/errors.ts';
import type { Adjustment } from '../../economics/index.ts';
import type { ParsedValues } from '../command.ts';

export function numberArg(values: ParsedValues, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw badArgument(`--${flag} must be a number, got "${String(raw)}"`);
  return n;
}

export function intArg(values: ParsedValues, flag: string): number | undefined {
  const n = numberArg(values, flag);
  if (n !== undefined && !Number.isInteger(n)) throw badArgument(`--${flag} must be a whole number, got ${n}`);
  return n;
}

export function adjustArg(values: ParsedValues): Adjustment {
  const raw = (values['adjust'] as string | undefined) ?? 'ppp';
  if (raw !== 'ppp' && raw !== 'bigmac') throw badArgument(`--adjust must be ppp or bigmac, got "${raw}"`);
  return raw;
}

export const usd = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '' : Math.round(x).toLocaleString('en-US'));

export const GAP_USAGE = `  --level EN|MI|SE|EX  seniority for everyone (default: from career age: EN ≤ 3, MI 4–8, SE 9–15, EX > 15)
  --family F           role family of the bands (default research-scientist): research-scientist, research-engineer,
                       ml-engineer, data-scientist, data-engineer, software-engineer, other
  --year Y             salary survey year (default 2024; PPP of the latest year ≤ Y)
  --current-pay USD    current pay instead of the current-country band
  --home-offer USD     home-country offer instead of the origin band
  --adjust ppp|bigmac  price-level method for the adjusted gap (default ppp: World Bank PPP ÷ market FX)`;

export const GAP_OPTIONS = {
  level: { type: 'string' },
  family: { type: 'string' },
  year: { type: 'string' },
  'current-pay': { type: 'string' },
  'home-offer': { type: 'string' },
  adjust: { type: 'string' },
} as const;

export function gapOptionsFrom(values: ParsedValues): {
  level: string | undefined;
  family: string | undefined;
  year: number | undefined;
  currentPay: number | undefined;
  homeOffer: number | undefined;
  adjust: Adjustment;
} {
  return {
    level: values['level'] as string | undefined,
    family: values['family'] as string | undefined,
    year: intArg(values, 'year'),
    currentPay: numberArg(values, 'current-pay'),
    homeOffer: numberArg(values, 'home-offer'),
    adjust: adjustArg(values),
  };
}
