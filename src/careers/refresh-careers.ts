/**
 * Recompute the derived `careers` and `moves` tables from the view career_affiliation_years and the education
 * table: for every person, or after ingests only for the people whose facts changed (changedOnly). Reads stream
 * one aggregated row per person (ordered by person_id); the derived rows are written with bulkInsert in one
 * transaction that replaces the rows of everyone derived.
 */
import { factsVersion, markDerived } from '../store/repo/derived-state.ts';
import type { ColumnSpec, Queryable, SqlValue, Store } from '../store/store.ts';
import { deriveCareer, presenceRuns, type Career, type CareerAffiliationYear, type CareerEducation } from './derive-career.ts';
import { careerParams, type CareerParams } from './params.ts';
import { CAREER_YEARS_ALL_ROWS_SQL, careerYearsAllRowsOf } from '../store/migrations/004-education-mentorship.ts';
import { careerInputsChangedSql, openEndedSql, parseFactsVersion, withoutCareerSql } from './career-changes.ts';
import { RowColumns } from '../store/row-columns.ts';

const US = '\x1f';
const RS = '\x1e';

export const CAREER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'origin', type: 'text' },
  { name: 'origin_basis', type: 'text' },
  { name: 'edu_origin', type: 'text' },
  { name: 'academic_origin', type: 'text' },
  { name: 'current_country', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'abroad', type: 'bool' },
  { name: 'returnee', type: 'bool' },
  { name: 'return_year', type: 'int' },
  { name: 'first_year', type: 'int' },
  { name: 'last_year', type: 'int' },
  { name: 'undergrad_country', type: 'text' },
  { name: 'graduate_country', type: 'text' },
  { name: 'current_institution', type: 'text' },
  { name: 'country_moves', type: 'int' },
  { name: 'institution_moves', type: 'int' },
  { name: 'career_age', type: 'int' },
  { name: 'early_career', type: 'bool' },
];

export const MOVE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'level', type: 'text' },
  { name: 'seq', type: 'int' },
  { name: 'from_place', type: 'text' },
  { name: 'to_place', type: 'text' },
  { name: 'year', type: 'int' },
];

export const PRESENCE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'level', type: 'text' },
  { name: 'place', type: 'text' },
  { name: 'first_year', type: 'int' },
  { name: 'last_year', type: 'int' },
];

export interface RefreshResult {
  params: CareerParams;
  referenceYear: number | null;
  /** Careers stored after the refresh. */
  people: number;
  /** `full`: every person derived again; `changed`: only the people whose facts changed since the last refresh. */
  mode: 'full' | 'changed';
  /** People derived in this refresh (all of them when full). */
  derived: number;
  /** Moves of the people derived in this refresh. */
  countryMoves: number;
  institutionMoves: number;
  ms: number;
  /** Time spent reading and deriving, and writing the derived tables. */
  phases: { readDeriveMs: number; writeMs: number };
}

/**
 * The rows of the view career_affiliation_years (migrations 1 and 4: paper-list observations reduced per person and year
 * to the most frequent (institution, country), ties kept) WITHOUT the view's duplicate elimination (UNION ALL, no
 * DISTINCT). The derivation dedupes (year, place) itself, so careers are identical, and the bulk refresh runs
 * ~6× faster on DuckDB. careers-store.test.ts checks that it yields the view's rows.
 */
export const CAREER_YEARS_ALL_ROWS = CAREER_YEARS_ALL_ROWS_SQL;

/** One aggregated row per person: affiliation-years and education packed as unit/record-separated text (portable SQL). */
function personRowsSql(where: string, source = 'career_affiliation_years'): string {
  return `WITH a AS (
      SELECT person_id, STRING_AGG(CAST(year AS VARCHAR) || '${US}' || COALESCE(institution_id, '') || '${US}' || country, '${RS}') AS aff
      FROM ${source} cay WHERE country IS NOT NULL ${where ? `AND ${where}` : ''} GROUP BY person_id
    ), e AS (
      SELECT person_id, STRING_AGG(degree || '${US}' || COALESCE(country, '') || '${US}' || COALESCE(CAST(start_year AS VARCHAR), '')
        || '${US}' || COALESCE(CAST(end_year AS VARCHAR), '') || '${US}' || COALESCE(institution_id, ''), '${RS}') AS edu
      FROM education_records ${where ? `WHERE ${where}` : ''} GROUP BY person_id
    )
    SELECT p.person_id, a.aff, e.edu FROM people p LEFT JOIN a ON a.person_id = p.person_id LEFT JOIN e ON e.person_id = p.person_id
    ${where ? `WHERE p.${where}` : ''}
    ORDER BY p.person_id`;
}

function parseAffiliations(packed: string | null): CareerAffiliationYear[] {
  if (!packed) return [];
  return packed.split(RS).map((r) => {
    const [y, inst, c] = r.split(US);
    return { year: Number(y), institutionId: inst ? inst : null, country: c ? c : null };
  });
}

function parseEducation(packed: string | null): CareerEducation[] {
  if (!packed) return [];
  return packed.split(RS).map((r) => {
    const [degree, c, s, e, inst] = r.split(US);
    return { degree: degree ?? 'other', country: c ? c : null, startYear: s ? Number(s) : null, endYear: e ? Number(e) : null, institutionId: inst ? inst : null };
  });
}

/** The affiliation-years and education records careers are derived from, for one person. */
export async function loadCareerInputs(db: Queryable, personId: string): Promise<{ affiliations: CareerAffiliationYear[]; education: CareerEducation[] }> {
  const rows = await db.query<{ aff: string | null; edu: string | null }>(personRowsSql('person_id = $1'), [personId]);
  return { affiliations: parseAffiliations(rows[0]?.aff ?? null), education: parseEducation(rows[0]?.edu ?? null) };
}

/**
 * The year career age is measured in when asOf is not given: the latest active year in the data (the latest year of
 * career_affiliation_years with a country, read from its rows without the view's duplicate elimination, which a
 * maximum does not need: ~100× faster on DuckDB).
 */
export async function dataReferenceYear(db: Queryable): Promise<number | null> {
  const r = await db.query<{ y: number | null }>(`SELECT MAX(year) AS y FROM ${CAREER_YEARS_ALL_ROWS} c WHERE country IS NOT NULL`);
  return r[0]?.y ?? null;
}

function careerRow(personId: string, c: Career): SqlValue[] {
  return [
    personId,
    c.origin,
    c.originBasis,
    c.eduOrigin,
    c.academicOrigin,
    c.currentCountry,
    c.category,
    c.abroad,
    c.returnee,
    c.returnYear,
    c.firstYear,
    c.lastYear,
    c.undergradCountry,
    c.graduateCountry,
    c.currentInstitution,
    c.countryWalk.moves.length,
    c.institutionWalk.moves.length,
    c.careerAge,
    c.earlyCareer,
  ];
}

/** The stored careers row: the derived columns and the refresh that wrote it (migration 12). */
const STORED_CAREER_COLUMNS: readonly ColumnSpec[] = [...CAREER_COLUMNS, { name: 'refresh_id', type: 'int' }];

/** Recompute careers and moves for all people; returns counts and the parameters used. */
export async function refreshCareers(store: Store, partial: Partial<CareerParams> = {}): Promise<RefreshResult> {
  // Under the writer lock (re-entrant): a server re-deriving stale careers at the same time would otherwise delete
  // and rewrite the same rows (PostgreSQL: a deadlock) or read a store half-written.
  return store.withWriterLock(() => refreshCareersLocked(store, partial, false));
}

/** The last refresh, as career_params and derived_state keep it. */
interface LastRefresh {
  params: CareerParams;
  refreshId: number;
  referenceYear: number | null;
  dataLastYear: number | null;
  /** The facts fingerprint it derived (derived-state.ts). */
  inputs: string | null;
}

async function lastRefresh(db: Queryable): Promise<LastRefresh | null> {
  const rows = await db.query<{ origin_years: number; min_stay: number; early_career: number; as_of: number | null; reference_year: number | null; refresh_id: number | null; data_last_year: number | null }>(
    'SELECT origin_years, min_stay, early_career, as_of, reference_year, refresh_id, data_last_year FROM career_params WHERE id = 1',
  );
  const r = rows[0];
  if (!r) return null;
  const state = await db.query<{ inputs: string }>(`SELECT inputs FROM derived_state WHERE name = 'careers'`);
  return {
    params: { originYears: r.origin_years, minStay: r.min_stay, earlyCareer: r.early_career, asOf: r.as_of },
    refreshId: Number(r.refresh_id ?? 0),
    referenceYear: r.reference_year,
    dataLastYear: r.data_last_year,
    inputs: state[0]?.inputs ?? null,
  };
}

/**
 * Who needs deriving again, as a condition on person_id with its parameters: everyone (null), or — when the last
 * refresh used the same parameters and reference year, and only ingests came since (no merge: it moves facts
 * between people) — the people whose facts changed since the run it derived (career-changes.ts), with everyone
 * holding an open-ended position when the last year of the data moved. An erasure needs nothing: it deletes the
 * person's careers with their facts, and a reference year it moves is caught here.
 */
function changedOnly(last: LastRefresh | null, now: { params: CareerParams; inputs: string; referenceYear: number | null; dataLastYear: number | null }): { where: string; params: SqlValue[] } | null {
  if (!last || last.refreshId === 0 || last.dataLastYear === null) return null;
  const before = parseFactsVersion(last.inputs);
  const after = parseFactsVersion(now.inputs);
  if (!before || !after || before.merges !== after.merges || after.runs < before.runs) return null;
  if (JSON.stringify(last.params) !== JSON.stringify(now.params) || last.referenceYear !== now.referenceYear) return null;
  const open = now.dataLastYear !== last.dataLastYear ? ` UNION ${openEndedSql}` : '';
  return { where: `person_id IN (${careerInputsChangedSql(1)} UNION ${withoutCareerSql}${open})`, params: [before.runs] };
}

async function refreshCareersLocked(store: Store, partial: Partial<CareerParams>, onlyChanged: boolean): Promise<RefreshResult> {
  const t0 = performance.now();
  const params = careerParams(partial);
  // Read before the facts are: a write landing meanwhile leaves the careers marked older, so re-derived later.
  const inputs = await factsVersion(store);
  const referenceYear = await dataReferenceYear(store);
  const dataLastYear = (await store.query<{ year: number | null }>('SELECT year FROM data_last_year'))[0]?.year ?? null;
  const last = await lastRefresh(store);
  const only = onlyChanged ? changedOnly(last, { params, inputs, referenceYear, dataLastYear }) : null;
  const refreshId = (last?.refreshId ?? 0) + 1;
  // held by column until written (store/row-columns.ts): a row array each would be most of the heap at a million
  const careers = new RowColumns(STORED_CAREER_COLUMNS, ['person_id']);
  const moves = new RowColumns(MOVE_COLUMNS, ['person_id']);
  const presence = new RowColumns(PRESENCE_COLUMNS, ['person_id']);
  let countryMoves = 0;
  let institutionMoves = 0;
  // Read everything first, then write: a DuckDB connection cannot append while a streamed result is open.
  for await (const batch of store.iterate<{ person_id: string; aff: string | null; edu: string | null }>(personRowsSql(only?.where ?? '', careerYearsAllRowsOf(only?.where)), only?.params ?? [], 20_000)) {
    for (const r of batch) {
      const c = deriveCareer(parseAffiliations(r.aff), parseEducation(r.edu), params, referenceYear, false);
      careers.push([...careerRow(r.person_id, c), refreshId]);
      c.countryWalk.moves.forEach((m, i) => moves.push([r.person_id, 'country', i + 1, m.from, m.to, m.year]));
      c.institutionWalk.moves.forEach((m, i) => moves.push([r.person_id, 'institution', i + 1, m.from, m.to, m.year]));
      for (const [place, first, last] of presenceRuns(c.countryYears)) presence.push([r.person_id, 'country', place, first, last]);
      countryMoves += c.countryWalk.moves.length;
      institutionMoves += c.institutionWalk.moves.length;
    }
  }
  const t1 = performance.now();
  let people = careers.length;
  await store.transaction(async (tx) => {
    const which = only ? ` WHERE ${only.where}` : '';
    for (const t of ['careers', 'moves', 'career_presence']) await tx.exec(`DELETE FROM ${t}${which}`, only?.params ?? []);
    await tx.exec('DELETE FROM career_params');
    await careers.insertInto(tx, 'careers');
    await moves.insertInto(tx, 'moves');
    await presence.insertInto(tx, 'career_presence');
    if (store.backend === 'postgres') {
      for (const t of ['careers', 'moves', 'career_presence']) await tx.exec(`CREATE INDEX IF NOT EXISTS ${t}_person ON ${t} (person_id)`);
    }
    if (only) people = Number((await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM careers'))[0]?.n ?? 0);
    await tx.exec(
      `INSERT INTO career_params (id, origin_years, min_stay, early_career, as_of, reference_year, people, refreshed_at, refresh_id, data_last_year)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [params.originYears, params.minStay, params.earlyCareer, params.asOf, referenceYear, people, new Date().toISOString(), refreshId, dataLastYear],
    );
    await markDerived(tx, 'careers', inputs);
  });
  const t2 = performance.now();
  return {
    params,
    referenceYear,
    people,
    mode: only ? 'changed' : 'full',
    derived: careers.length,
    countryMoves,
    institutionMoves,
    ms: Math.round(t2 - t0),
    phases: { readDeriveMs: Math.round(t1 - t0), writeMs: Math.round(t2 - t1) },
  };
}

/**
 * Re-derive with the parameters the stored careers were derived with (as every ingest and pull does): a
 * `refresh-careers --min-stay 3` stays in force. Only the people whose facts changed are derived again when
 * nothing else moved (changedOnly); their rows are replaced, everyone else's stay.
 */
export async function refreshCareersKeepingParams(store: Store): Promise<RefreshResult> {
  return store.withWriterLock(async () => {
    const { referenceYear: _r, refreshedAt: _a, ...params } = await storedCareerParams(store);
    return refreshCareersLocked(store, params, true);
  });
}

/** The parameters the stored careers were derived with (defaults when never refreshed). */
export async function storedCareerParams(db: Queryable): Promise<CareerParams & { referenceYear: number | null; refreshedAt: string | null }> {
  const rows = await db.query<{ origin_years: number; min_stay: number; early_career: number; as_of: number | null; reference_year: number | null; refreshed_at: string }>(
    'SELECT origin_years, min_stay, early_career, as_of, reference_year, refreshed_at FROM career_params WHERE id = 1',
  );
  const r = rows[0];
  if (!r) return { ...careerParams(), referenceYear: null, refreshedAt: null };
  return { originYears: r.origin_years, minStay: r.min_stay, earlyCareer: r.early_career, asOf: r.as_of, referenceYear: r.reference_year, refreshedAt: r.refreshed_at };
}
