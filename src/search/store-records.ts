/**
 * The records the search index is made of, read from a store through the Store contract only (plain SELECTs
 * streamed with iterate), so it works on every backend: all of them for a build (build-from-store.ts), the changed
 * ones for an update (index-update.ts).
 */
import { dataReferenceYear } from '../careers/refresh-careers.ts';
import { careerYearsAllRowsOf } from '../store/migrations/004-education-mentorship.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import type { SearchIndexBuilder } from './index-builder.ts';
import type { PersonFactsInput } from './search-index.ts';

/** Works whose status says they were not published (rejected or withdrawn submissions) are not indexed. */
export const UNPUBLISHED_STATUS = /reject|withdraw|desk/i;

interface WorkRow {
  work_id: string;
  title: string | null;
  year: number | null;
  venue: string | null;
  cited_by_count: number | null;
  keywords: string | null;
  topics: string | null;
  abstract: string | null;
  status: string | null;
}

export async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = $1`, [table]);
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * The published works (`where`: a condition on work_id, or '' for all) and their authorships, into a builder, in
 * work_id order; links in authorship order.
 */
export async function addWorks(db: Queryable, b: SearchIndexBuilder, where: string, params: SqlValue[]): Promise<void> {
  for await (const batch of db.iterate<WorkRow>(
    `SELECT work_id, title, year, venue, cited_by_count, keywords, topics, abstract, status FROM works ${where} ORDER BY work_id`,
    params,
  )) {
    for (const w of batch) {
      if (w.status && UNPUBLISHED_STATUS.test(w.status)) continue;
      b.addWork(w.work_id, w, w.year, w.cited_by_count);
    }
  }
  for await (const batch of db.iterate<{ work_id: string; person_id: string }>(`SELECT work_id, person_id FROM authorships ${where} ORDER BY work_id, position`, params)) {
    for (const a of batch) b.addAuthorship(a.work_id, a.person_id);
  }
}

/** Each person's expertise keywords (OpenReview profiles; `where`: a condition on person_id) as one more document of theirs, matched like a work's keywords. */
export async function addExpertise(db: Queryable, b: SearchIndexBuilder, where: string, params: SqlValue[]): Promise<void> {
  let kwPerson: string | null = null;
  let kws: string[] = [];
  for await (const batch of db.iterate<{ person_id: string; keyword: string }>(`SELECT DISTINCT person_id, keyword FROM person_keywords ${where} ORDER BY person_id, keyword`, params)) {
    for (const k of batch) {
      if (k.person_id !== kwPerson) {
        if (kwPerson !== null) b.addExpertise(kwPerson, kws);
        kwPerson = k.person_id;
        kws = [];
      }
      kws.push(k.keyword);
    }
  }
  if (kwPerson !== null) b.addExpertise(kwPerson, kws);
}

export interface PersonRow {
  person_id: string;
  display_name: string | null;
  source_h_index: number | null;
}

/** The people rows (`where`: a condition on person_id, or '' for all). */
export async function forPeople(db: Queryable, where: string, params: SqlValue[], fn: (p: PersonRow) => void): Promise<void> {
  for await (const batch of db.iterate<PersonRow>(`SELECT person_id, display_name, source_h_index FROM people ${where}`, params)) for (const p of batch) fn(p);
}

/**
 * Career facts (careers, and the institution types of each person's latest affiliation-year) — of everyone, or of
 * the people `only` names (a SELECT of person ids, with its parameters) — whether careers were computed, and the
 * latest year of the careers' data.
 */
export async function readPersonFacts(
  db: Queryable,
  only?: { ids: string; params: SqlValue[] },
): Promise<{ facts: Map<string, PersonFactsInput>; careersPresent: boolean; latestDataYear: number | null }> {
  const facts = new Map<string, PersonFactsInput>();
  const careersPresent = (await tableExists(db, 'careers')) && Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers'))[0]?.n ?? 0) > 0;
  const params = only?.params ?? [];
  if (careersPresent) {
    for await (const batch of db.iterate<{
      person_id: string;
      origin: string | null;
      origin_basis: string | null;
      current_country: string | null;
      abroad: boolean | null;
      returnee: boolean | null;
      first_year: number | null;
    }>(`SELECT person_id, origin, origin_basis, current_country, abroad, returnee, first_year FROM careers${only ? ` WHERE person_id IN (${only.ids})` : ''}`, params)) {
      for (const c of batch) {
        facts.set(c.person_id, {
          origin: c.origin,
          originBasis: c.origin_basis,
          currentCountry: c.current_country,
          abroad: c.abroad === true,
          returnee: c.returnee === true,
          firstYear: c.first_year,
          latestInstitutionTypes: [],
        });
      }
    }
  }
  // institution types of each person's latest affiliation-year (the careers view's rows, so paper-list noise is
  // reduced; without its duplicate elimination, which the DISTINCT here makes up for: ~10× faster on DuckDB), in
  // code-unit order whatever order the rows come in
  // (for some people: their ids and their rows each made once, not once per use — 0.22–0.27 s instead of 0.34–0.74 s
  // for the 12,000 people of a 1 % ingest at 1M)
  const rows = only ? 'rows_of' : careerYearsAllRowsOf();
  const some = only ? `only_ids AS MATERIALIZED (${only.ids}), rows_of AS MATERIALIZED ${careerYearsAllRowsOf('person_id IN (SELECT person_id FROM only_ids)')},` : '';
  for await (const batch of db.iterate<{ person_id: string; type: string }>(
    `WITH ${some} last AS (SELECT person_id, MAX(year) AS y FROM ${rows} c GROUP BY person_id)
     SELECT DISTINCT a.person_id, i.type FROM ${rows} a
     JOIN last l ON l.person_id = a.person_id AND l.y = a.year
     JOIN institutions i ON i.institution_id = a.institution_id
     WHERE i.type IS NOT NULL`,
    params,
  )) {
    for (const r of batch) {
      let f = facts.get(r.person_id);
      if (!f) facts.set(r.person_id, (f = { latestInstitutionTypes: [] }));
      (f.latestInstitutionTypes as string[]).push(r.type);
    }
  }
  for (const f of facts.values()) if ((f.latestInstitutionTypes?.length ?? 0) > 1) (f.latestInstitutionTypes as string[]).sort();
  return { facts, careersPresent, latestDataYear: await dataReferenceYear(db) };
}
