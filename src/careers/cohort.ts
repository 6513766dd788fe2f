/**
 * Cohorts: the set of people an analysis is restricted to, chosen before anything is counted — by origin country,
 * by current institution (careers.current_institution), by venue and year (all authors of its works), or by an
 * explicit list of person ids. Restrictions combine with AND.
 */
import { readFileSync } from 'node:fs';
import { AtlasError } from '../core/errors.ts';
import type { Queryable, SqlValue } from '../store/store.ts';

export interface Cohort {
  /** Origin country (careers.origin). */
  origin?: string | undefined;
  /** Current institution id (careers.current_institution: the institution walk's current place). */
  currentInstitution?: string | undefined;
  /** Venue name (matched case-insensitively) and year of the works whose authors form the cohort. */
  venue?: { venue: string; year: number } | undefined;
  /** Explicit person ids (from a file, or from a search). */
  ids?: readonly string[] | undefined;
  /** How the ids were chosen, for the echo (e.g. "file cohort.txt", "search: diffusion"). */
  idsLabel?: string | undefined;
}

export function isEmptyCohort(c: Cohort | undefined): boolean {
  return !c || (c.origin === undefined && c.currentInstitution === undefined && c.venue === undefined && c.ids === undefined);
}

/** The cohort as stated, for echoing in outputs. */
export function describeCohort(c: Cohort | undefined): Record<string, unknown> | null {
  if (isEmptyCohort(c) || !c) return null;
  const out: Record<string, unknown> = {};
  if (c.origin !== undefined) out['origin'] = c.origin;
  if (c.currentInstitution !== undefined) out['currentInstitution'] = c.currentInstitution;
  if (c.venue) {
    out['venue'] = c.venue.venue;
    out['year'] = c.venue.year;
  }
  if (c.ids) {
    out['ids'] = c.idsLabel ?? `${c.ids.length} person ids`;
    out['idsGiven'] = c.ids.length;
  }
  return out;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * A SQL condition restricting `column` (a person id column) to the cohort; pushes its parameters onto `params`
 * (numbered after those already there). Id lists are inlined as quoted literals: no parameter-count limit.
 */
export function cohortCondition(column: string, cohort: Cohort | undefined, params: SqlValue[]): string {
  if (!cohort) return 'TRUE';
  const parts: string[] = [];
  if (cohort.origin !== undefined) {
    params.push(cohort.origin);
    parts.push(`${column} IN (SELECT person_id FROM careers WHERE origin = $${params.length})`);
  }
  if (cohort.currentInstitution !== undefined) {
    params.push(cohort.currentInstitution);
    parts.push(`${column} IN (SELECT person_id FROM careers WHERE current_institution = $${params.length})`);
  }
  if (cohort.venue) {
    params.push(cohort.venue.venue, cohort.venue.year);
    parts.push(
      `${column} IN (SELECT au.person_id FROM authorships au JOIN works w ON w.work_id = au.work_id
        WHERE LOWER(w.venue) = LOWER($${params.length - 1}) AND w.year = $${params.length})`,
    );
  }
  if (cohort.ids) {
    parts.push(cohort.ids.length === 0 ? 'FALSE' : `${column} IN (${[...new Set(cohort.ids)].map(quote).join(', ')})`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** Number of distinct people the cohort names, and how many of them have a derived career. */
export async function cohortSize(db: Queryable, cohort: Cohort | undefined): Promise<{ members: number; withCareer: number }> {
  const params: SqlValue[] = [];
  const cond = cohortCondition('c.person_id', cohort, params);
  const withCareer = (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM careers c WHERE ${cond}`, params))[0]?.n ?? 0;
  let members = withCareer;
  const careersOnly = cohort?.origin !== undefined || cohort?.currentInstitution !== undefined;
  if (cohort?.ids && !careersOnly && !cohort.venue) members = new Set(cohort.ids).size;
  else if (cohort?.venue && !careersOnly && !cohort.ids) {
    const r = await db.query<{ n: number }>(
      `SELECT COUNT(DISTINCT au.person_id) AS n FROM authorships au JOIN works w ON w.work_id = au.work_id WHERE LOWER(w.venue) = LOWER($1) AND w.year = $2`,
      [cohort.venue.venue, cohort.venue.year],
    );
    members = r[0]?.n ?? 0;
  }
  return { members, withCareer };
}

/** Parse the contents of a file of person ids: one per line (or comma/whitespace separated); # starts a comment. */
export function parseIdList(text: string, file: string): string[] {
  const ids = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, ''))
    .flatMap((l) => l.split(/[,\s]+/))
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s !== 'person_id');
  if (ids.length === 0) throw new AtlasError('BAD_INPUT', `${file}: no person ids found (expected one id per line)`);
  return ids;
}

/** Reads a file of person ids for a --ids option; an unreadable file is the user's argument error. */
export function readIdFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AtlasError('BAD_ARGUMENT', `--ids: cannot read ${file} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseIdList(text, file);
}
