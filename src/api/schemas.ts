/** Shared zod pieces for API inputs: pagination, country codes, year windows, person ids. Parsed once at the edge, typed after. */
import { z } from 'zod';
import { isCountryCode } from '../core/countries.ts';

export const MAX_LIMIT = 200;

export const pagination = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50).describe(`page size, 1..${MAX_LIMIT}`),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0).describe('rows to skip'),
};

/** An ISO 3166-1 alpha-2 code in any case; unknown codes fail with UNKNOWN_COUNTRY. */
export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => isCountryCode(s), { message: 'unknown country code (expected ISO 3166-1 alpha-2, e.g. US, KR, GB)', params: { code: 'UNKNOWN_COUNTRY' } })
  .describe('ISO 3166-1 alpha-2 country code');

export const year = z.coerce.number().int().min(1900).max(2100);

/** `from`/`to` year window; `from` must not be after `to`. */
export function yearWindow<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ from: year.optional().describe('first year (inclusive)'), to: year.optional().describe('last year (inclusive)'), ...shape })
    .refine(
      (v) => {
        const w = v as { from?: number; to?: number };
        return w.from === undefined || w.to === undefined || w.from <= w.to;
      },
      { message: 'reversed window: from must be <= to', path: ['from'] },
    );
}

export const personIdParam = z.object({ id: z.string().trim().min(1).max(200).describe('person id or any identifier (ORCID, OpenAlex id)') });

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function page<T>(all: T[], limit: number, offset: number): Page<T> {
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
}
