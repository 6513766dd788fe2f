/** The diaspora of a country (people of that origin who are abroad, by current country) and its returnees by year. */
import type { Queryable } from '../store/store.ts';
import { storedCareerParams } from './refresh-careers.ts';
import { educationEvidence, type OriginRestsOn } from './origin-rests-on.ts';

export interface DiasporaReport {
  params: { country: string; career: Record<string, unknown> };
  /** People whose origin is the country, by basis of that origin. */
  origin: { total: number; originBasis: Record<string, number>; originRestsOn: OriginRestsOn };
  atHome: number;
  abroad: number;
  /** Origin is the country but the current country is unknown (no active years). */
  currentUnknown: number;
  /** Diaspora members by basis of their origin. */
  originBasis: Record<string, number>;
  /** Diaspora members by what their origin rests on (stated / observed education record, first affiliation). */
  originRestsOn: OriginRestsOn;
  byCurrentCountry: Array<{ country: string; people: number; share: number }>;
}

function basisCounts(rows: ReadonlyArray<{ origin_basis: string | null; n: number }>): Record<string, number> {
  const out: Record<string, number> = { education: 0, first_affiliation: 0, none: 0 };
  for (const r of rows) out[r.origin_basis ?? 'none'] = (out[r.origin_basis ?? 'none'] ?? 0) + r.n;
  return out;
}

export async function diaspora(db: Queryable, country: string): Promise<DiasporaReport> {
  const rows = await db.query<{ current_country: string | null; origin_basis: string; abroad: boolean | null; n: number }>(
    `SELECT current_country, origin_basis, abroad, COUNT(*) AS n FROM careers WHERE origin = $1
     GROUP BY current_country, origin_basis, abroad`,
    [country],
  );
  const byCountry = new Map<string, number>();
  const diasporaBasis: Array<{ origin_basis: string; n: number }> = [];
  let total = 0;
  let atHome = 0;
  let abroad = 0;
  let unknown = 0;
  for (const r of rows) {
    total += r.n;
    if (r.current_country === null) unknown += r.n;
    else if (r.abroad) {
      abroad += r.n;
      byCountry.set(r.current_country, (byCountry.get(r.current_country) ?? 0) + r.n);
      diasporaBasis.push(r);
    } else atHome += r.n;
  }
  const byCurrentCountry = [...byCountry.entries()]
    .map(([c, n]) => ({ country: c, people: n, share: abroad ? n / abroad : 0 }))
    .sort((a, b) => b.people - a.people || a.country.localeCompare(b.country));
  return {
    params: { country, career: { ...(await storedCareerParams(db)) } },
    origin: { total, originBasis: basisCounts(rows), originRestsOn: (await educationEvidence(db, 'c.origin = $1', [country])).originRestsOn },
    atHome,
    abroad,
    currentUnknown: unknown,
    originBasis: basisCounts(diasporaBasis),
    originRestsOn: (await educationEvidence(db, 'c.origin = $1 AND c.abroad AND c.current_country IS NOT NULL', [country])).originRestsOn,
    byCurrentCountry,
  };
}

export interface ReturneesReport {
  params: { country: string; since: number | null; career: Record<string, unknown> };
  returnees: number;
  /** Returnees by basis of their origin. */
  originBasis: Record<string, number>;
  /** Returnees by what their origin rests on (stated / observed education record, first affiliation). */
  originRestsOn: OriginRestsOn;
  /** People of this origin who ever moved away (a confirmed move out of the origin) — the pool returnees come from. */
  everLeft: number;
  byYear: Array<{ year: number; returnees: number }>;
  /** The country returnees came back from (the from-country of the first move back). */
  returnedFrom: Array<{ country: string; returnees: number }>;
}

export async function returnees(db: Queryable, country: string, since?: number): Promise<ReturneesReport> {
  const params = since === undefined ? [country] : [country, since];
  const cond = `c.origin = $1 AND c.returnee${since === undefined ? '' : ' AND c.return_year >= $2'}`;
  const byYear = await db.query<{ year: number; n: number }>(
    `SELECT c.return_year AS year, COUNT(*) AS n FROM careers c WHERE ${cond} GROUP BY c.return_year ORDER BY c.return_year`,
    params,
  );
  const basis = await db.query<{ origin_basis: string; n: number }>(
    `SELECT c.origin_basis, COUNT(*) AS n FROM careers c WHERE ${cond} GROUP BY c.origin_basis`,
    params,
  );
  const from = await db.query<{ country: string; n: number }>(
    `SELECT m.from_place AS country, COUNT(*) AS n FROM careers c
     JOIN moves m ON m.person_id = c.person_id AND m.level = 'country' AND m.year = c.return_year AND m.to_place = c.origin
     WHERE ${cond} GROUP BY m.from_place ORDER BY n DESC, m.from_place`,
    params,
  );
  const left = await db.query<{ n: number }>(
    `SELECT COUNT(DISTINCT c.person_id) AS n FROM careers c JOIN moves m ON m.person_id = c.person_id AND m.level = 'country' AND m.from_place = c.origin
     WHERE c.origin = $1`,
    [country],
  );
  return {
    params: { country, since: since ?? null, career: { ...(await storedCareerParams(db)) } },
    returnees: byYear.reduce((s, r) => s + r.n, 0),
    originBasis: basisCounts(basis),
    originRestsOn: (await educationEvidence(db, cond, params)).originRestsOn,
    everLeft: left[0]?.n ?? 0,
    byYear: byYear.map((r) => ({ year: r.year, returnees: r.n })),
    returnedFrom: from.map((r) => ({ country: r.country, returnees: r.n })),
  };
}
