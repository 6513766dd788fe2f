/**
 * What a report's origins and education stages rest on (docs/mobility.md "What the figures rest on"): for each person
 * the education record that decides their origin (and their undergraduate and graduate stage) is found the way
 * deriveCareer finds it — earliest by (start year, end year), then country — and its basis (stated or observed)
 * counted. Tie rule: when several records tie with the deciding one (same start year, end year and country — so the
 * same answer), the person rests on a stated record if any of the tied records is stated, else on an observed one.
 */
import type { Queryable, SqlValue } from '../store/store.ts';

/** People by what their origin rests on: a stated or observed education record, the first affiliation, or nothing. */
export interface OriginRestsOn {
  stated: number;
  observed: number;
  first_affiliation: number;
  none: number;
  /** Present only when careers say "education" but no record decides it (careers older than the records: run refresh-careers). */
  unresolved?: number;
}

export interface RecordBasisCounts {
  stated: number;
  observed: number;
}

export interface EducationEvidence {
  originRestsOn: OriginRestsOn;
  /** People whose undergraduate country is known, by the basis of the deciding bachelor record. */
  undergraduate: RecordBasisCounts;
  /** People whose graduate country is known from a record (not a proxy), by the basis of the deciding master/doctorate record. */
  graduate: RecordBasisCounts;
}

const ORDER = 'e.start_year ASC NULLS LAST, e.end_year ASC NULLS LAST, e.country';
/** 2 = a stated record decides, 1 = only observed ones do, 0 = no deciding record of that kind. */
const BASIS_RANK = `CASE WHEN basis = 'stated' THEN 2 ELSE 1 END`;

/**
 * Per person of the selection: u / g / o = 2 (stated), 1 (observed) or NULL (no record) for the undergraduate
 * stage, the graduate stage and the education origin. `selection` is a SELECT of person_id (and any other columns).
 */
export function decidingBasisSql(selection: string): string {
  return `WITH sel AS (${selection}),
    er AS (
      SELECT e.person_id, e.basis, e.degree,
        RANK() OVER (PARTITION BY e.person_id ORDER BY ${ORDER}) AS ra,
        RANK() OVER (PARTITION BY e.person_id, CASE WHEN e.degree = 'bachelor' THEN 1 ELSE 0 END ORDER BY ${ORDER}) AS rb,
        RANK() OVER (PARTITION BY e.person_id, CASE WHEN e.degree IN ('master', 'doctorate') THEN 1 ELSE 0 END ORDER BY ${ORDER}) AS rg
      FROM education_records e
      WHERE e.country IS NOT NULL AND e.country <> '' AND e.person_id IN (SELECT person_id FROM sel)
    ),
    per AS (
      SELECT person_id,
        MAX(CASE WHEN degree = 'bachelor' AND rb = 1 THEN ${BASIS_RANK} END) AS u,
        MAX(CASE WHEN degree IN ('master', 'doctorate') AND rg = 1 THEN ${BASIS_RANK} END) AS g,
        MAX(CASE WHEN ra = 1 THEN ${BASIS_RANK} END) AS a
      FROM er GROUP BY person_id
    )
    SELECT sel.*, per.u, per.g, COALESCE(per.u, per.a) AS o FROM sel LEFT JOIN per ON per.person_id = sel.person_id`;
}

/** Empty counts, for reports over nobody. */
export function emptyEvidence(): EducationEvidence {
  return { originRestsOn: { stated: 0, observed: 0, first_affiliation: 0, none: 0 }, undergraduate: { stated: 0, observed: 0 }, graduate: { stated: 0, observed: 0 } };
}

const basisName = (v: number | null): 'stated' | 'observed' | null => (v === 2 ? 'stated' : v === 1 ? 'observed' : null);

/** Add n people of this origin basis, whose deciding education record has rank `o` (decidingBasisSql), to `rests`. */
export function countRestsOn(rests: OriginRestsOn, originBasis: string | null, o: number | null, n: number): void {
  if (originBasis === 'education') {
    const b = basisName(o);
    if (b) rests[b] += n;
    else rests.unresolved = (rests.unresolved ?? 0) + n;
  } else if (originBasis === 'first_affiliation') rests.first_affiliation += n;
  else rests.none += n;
}

/**
 * What the origins and education stages of the careers matching `where` (a condition over `careers c`, with its
 * parameters) rest on.
 */
export async function educationEvidence(db: Queryable, where: string, params: readonly SqlValue[]): Promise<EducationEvidence> {
  const rows = await db.query<{ origin_basis: string | null; uk: boolean; gk: boolean; u: number | null; g: number | null; o: number | null; n: number }>(
    `SELECT t.origin_basis, t.uk, t.gk, t.u, t.g, t.o, COUNT(*) AS n FROM (${decidingBasisSql(
      `SELECT c.person_id, c.origin_basis, c.undergrad_country IS NOT NULL AS uk, c.graduate_country IS NOT NULL AS gk FROM careers c WHERE ${where}`,
    )}) t GROUP BY t.origin_basis, t.uk, t.gk, t.u, t.g, t.o`,
    [...params],
  );
  const out = emptyEvidence();
  const rests = out.originRestsOn;
  for (const r of rows) {
    countRestsOn(rests, r.origin_basis, r.o, r.n);
    const u = basisName(r.u);
    if (r.uk && u) out.undergraduate[u] += r.n;
    const g = basisName(r.g);
    if (r.gk && g) out.graduate[g] += r.n;
  }
  return out;
}
