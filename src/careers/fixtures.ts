/** Direct inserts of people, affiliation-years, education, works and authorships — for tests and the benchmark (not for ingest). */
import type { ColumnSpec, Queryable, SqlValue } from '../store/store.ts';

const t = (name: string): ColumnSpec => ({ name, type: 'text' });
const i = (name: string): ColumnSpec => ({ name, type: 'int' });
const PROV = [t('source'), t('record_key'), i('run_id')];

/** Every column of each table, in table order (the DuckDB appender fills whole rows). */
export const FIXTURE_COLUMNS = {
  people: [t('person_id'), t('display_name'), i('source_h_index'), i('source_cited_by'), i('source_works_count'), ...PROV],
  affiliation_years: [t('person_id'), i('year'), t('institution_id'), t('country'), t('country_basis'), t('role'), t('basis'), ...PROV],
  education: [t('person_id'), t('institution_id'), t('country'), t('degree'), t('role_title'), i('start_year'), i('end_year'), ...PROV],
  works: [t('work_id'), t('title'), i('year'), t('venue'), i('cited_by_count'), i('author_count'), t('keywords'), t('topics'), t('abstract'), t('status'), t('doi'), ...PROV],
  authorships: [t('work_id'), t('person_id'), i('position'), t('institution_ids'), ...PROV],
} as const;

export interface FixturePerson {
  id: string;
  name?: string;
  /** year → space-separated countries, or "INST@CC" pairs for institution-level fixtures. */
  years?: Record<number, string>;
  education?: Array<{ degree: string; country: string | null; start: number | null; end?: number | null; institution?: string | null }>;
}

const prov = (key: string): SqlValue[] => ['synthetic', key, 0];

/** Rows for a set of hand-made people (institution = `I-${country}` unless given as INST@CC). */
export function fixtureRows(people: readonly FixturePerson[]): Record<keyof typeof FIXTURE_COLUMNS, SqlValue[][]> {
  const out: Record<keyof typeof FIXTURE_COLUMNS, SqlValue[][]> = { people: [], affiliation_years: [], education: [], works: [], authorships: [] };
  for (const p of people) {
    out.people.push([p.id, p.name ?? p.id, null, null, null, ...prov(`p:${p.id}`)]);
    for (const [y, spec] of Object.entries(p.years ?? {})) {
      for (const token of spec.split(' ').filter(Boolean)) {
        const [inst, cc] = token.includes('@') ? (token.split('@') as [string, string]) : [`I-${token}`, token];
        out.affiliation_years.push([p.id, Number(y), inst, cc === '-' ? null : cc, null, null, 'affiliation', ...prov(`a:${p.id}`)]);
      }
    }
    for (const e of p.education ?? []) out.education.push([p.id, e.institution ?? null, e.country, e.degree, null, e.start, e.end ?? null, ...prov(`e:${p.id}`)]);
  }
  return out;
}

export async function insertFixtures(db: Queryable, rows: Partial<Record<keyof typeof FIXTURE_COLUMNS, SqlValue[][]>>): Promise<void> {
  for (const table of Object.keys(FIXTURE_COLUMNS) as Array<keyof typeof FIXTURE_COLUMNS>) {
    const r = rows[table];
    if (r && r.length) await db.bulkInsert(table, FIXTURE_COLUMNS[table], r);
  }
}

/** A work at a venue and year authored by the given people. */
export function workRows(workId: string, venue: string, year: number, authors: readonly string[]): { works: SqlValue[][]; authorships: SqlValue[][] } {
  return {
    works: [[workId, `work ${workId}`, year, venue, null, authors.length, null, null, null, null, null, ...prov(`w:${workId}`)]],
    authorships: authors.map((a, k) => [workId, a, k + 1, null, ...prov(`w:${workId}`)]),
  };
}
