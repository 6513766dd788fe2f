/**
 * An institution's talent, both ways (docs/mobility.md "Institution talent"): who is there now, where they studied
 * (education records, stated and observed) and where they worked before (institution-level moves in), and where
 * its alumni (education there) and former staff (institution-level moves out) are now.
 *
 * - **There now**: careers.current_institution = the institution (the spec's institution walk, current place after
 *   the last active year, or as of the careers' asOf). Beside it, `activeInReferenceYear` counts people with a
 *   career affiliation-year there in the careers' reference year (the last year of the data), the looser reading.
 * - **Studied**: the education records of the people there now, per institution and per country: distinct people,
 *   and how many of them have a stated / an observed record there (a person with both counts in both).
 * - **Worked before**: every confirmed institution-level move into the institution (anyone, whether still there or not).
 * - **Alumni**: people with any education record there; where they are now excludes nobody by country, and the
 *   current-institution list leaves out those still there (`stillHere`).
 * - **Former staff**: people with a confirmed institution-level move out whose current institution is another one.
 */
import { AtlasError } from '../core/errors.ts';
import { institutionKey } from '../identity/names.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import { educationEvidence, type OriginRestsOn } from './origin-rests-on.ts';
import { storedCareerParams } from './refresh-careers.ts';

export type InstitutionRef = {
  institution_id: string;
  name: string | null;
  country: string | null;
};

export type InstitutionMatch = InstitutionRef & { current: number };

export type PlaceCount = {
  institution_id: string;
  name: string | null;
  country: string | null;
  people: number;
};

export type CountryCount = { country: string; people: number };
export type FeederInstitution = PlaceCount & { stated: number; observed: number };
export type FeederCountry = CountryCount & { stated: number; observed: number };

export interface InstitutionTalentReport {
  params: { institution: string; career: Record<string, unknown> };
  institution: InstitutionRef;
  current: {
    people: number;
    activeInReferenceYear: number;
    originRestsOn: OriginRestsOn;
    byOrigin: CountryCount[];
    members: Array<{ person_id: string; display_name: string | null; origin: string | null; current_country: string | null; works: number }>;
  };
  studied: { people: number; institutions: FeederInstitution[]; countries: FeederCountry[] };
  workedBefore: { people: number; moves: number; institutions: Array<PlaceCount & { moves: number }>; countries: CountryCount[] };
  alumni: { people: number; stillHere: number; byCurrentCountry: CountryCount[]; byCurrentInstitution: PlaceCount[] };
  formerStaff: { people: number; movedTo: Array<PlaceCount & { moves: number }>; byCurrentCountry: CountryCount[]; byCurrentInstitution: PlaceCount[] };
}

/** Institutions whose id or name contains the query (case-insensitive), most people there now first. */
export async function findInstitutions(db: Queryable, q: string, limit = 50): Promise<InstitutionMatch[]> {
  const needle = `%${q.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db.query<InstitutionMatch>(
    `SELECT i.institution_id, i.name, i.country, COALESCE(n.current, 0) AS current FROM institutions i
     LEFT JOIN (SELECT current_institution, COUNT(*) AS current FROM careers GROUP BY current_institution) n ON n.current_institution = i.institution_id
     WHERE LOWER(i.name) LIKE $1 ESCAPE '\\' OR LOWER(i.institution_id) LIKE $1 ESCAPE '\\'
     ORDER BY current DESC, i.name, i.institution_id LIMIT ${Math.max(1, Math.min(1000, Math.floor(limit)))}`,
    [needle],
  );
}

/**
 * One institution from an id or a name: the exact id; else the id the name normalises to (`name:…`, as paper lists
 * key name-only institutions); else the one institution of that exact name (any case); else the one whose name
 * contains it. Several candidates: AMBIGUOUS with the candidates; none: NOT_FOUND.
 */
export async function resolveInstitution(db: Queryable, q: string): Promise<InstitutionRef> {
  const query = q.trim();
  if (!query) throw new AtlasError('BAD_ARGUMENT', 'give an institution id or name, e.g. "Tsinghua University"');
  const byId = async (id: string | null) =>
    id === null ? [] : db.query<InstitutionRef>('SELECT institution_id, name, country FROM institutions WHERE institution_id = $1', [id]);
  const exact = (await byId(query))[0] ?? (await byId(institutionKey(query)))[0];
  if (exact) return exact;
  const named = await db.query<InstitutionRef>('SELECT institution_id, name, country FROM institutions WHERE LOWER(name) = LOWER($1) ORDER BY institution_id', [query]);
  const candidates = named.length ? named : await findInstitutions(db, query, 20);
  if (candidates.length === 1) return candidates[0] as InstitutionRef;
  if (candidates.length === 0) throw new AtlasError('NOT_FOUND', `no institution matches "${query}": try a shorter part of its name`);
  const list = candidates.slice(0, 10).map((c) => ({ institution_id: c.institution_id, name: c.name, country: c.country }));
  throw new AtlasError('AMBIGUOUS', `"${query}" matches ${candidates.length}${candidates.length >= 20 ? '+' : ''} institutions: ${list.map((c) => `${c.institution_id} (${c.name ?? '?'}, ${c.country ?? '?'})`).join('; ')} — give the id`, {
    details: { candidates: list },
  });
}

const countries = (rows: Array<{ country: string | null; people: number }>): CountryCount[] =>
  rows.map((r) => ({ country: r.country ?? 'unknown', people: r.people }));

/** The talent report of one institution (given by id). */
export async function institutionTalent(db: Queryable, institution: InstitutionRef): Promise<InstitutionTalentReport> {
  const id = institution.institution_id;
  const p: SqlValue[] = [id];
  const career = await storedCareerParams(db);
  const cur = `SELECT person_id FROM careers WHERE current_institution = $1`;
  const [{ n: people = 0 } = {}] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM careers WHERE current_institution = $1`, p);
  const [{ n: activeInReferenceYear = 0 } = {}] = await db.query<{ n: number }>(
    `SELECT COUNT(DISTINCT person_id) AS n FROM career_affiliation_years WHERE institution_id = $1 AND country IS NOT NULL
       AND year = (SELECT reference_year FROM career_params WHERE id = 1)`,
    p,
  );
  const byOrigin = await db.query<{ country: string | null; people: number }>(
    `SELECT origin AS country, COUNT(*) AS people FROM careers WHERE current_institution = $1 GROUP BY origin ORDER BY people DESC, origin NULLS LAST`,
    p,
  );
  const members = await db.query<InstitutionTalentReport['current']['members'][number]>(
    `SELECT c.person_id, pe.display_name, c.origin, c.current_country, COALESCE(w.n, 0) AS works FROM careers c
     LEFT JOIN people pe ON pe.person_id = c.person_id
     LEFT JOIN (SELECT person_id, COUNT(DISTINCT work_id) AS n FROM authorships WHERE person_id IN (${cur}) GROUP BY person_id) w ON w.person_id = c.person_id
     WHERE c.current_institution = $1 ORDER BY works DESC, c.person_id LIMIT 200`,
    p,
  );
  const edu = `SELECT e.person_id, e.institution_id, e.country, e.basis FROM education_records e WHERE e.person_id IN (${cur})`;
  const [{ n: studiedPeople = 0 } = {}] = await db.query<{ n: number }>(`SELECT COUNT(DISTINCT person_id) AS n FROM (${edu}) t`, p);
  const feederInstitutions = await db.query<FeederInstitution>(
    `SELECT t.institution_id, MAX(i.name) AS name, MAX(COALESCE(t.country, i.country)) AS country, COUNT(DISTINCT t.person_id) AS people,
       COUNT(DISTINCT CASE WHEN t.basis = 'stated' THEN t.person_id END) AS stated, COUNT(DISTINCT CASE WHEN t.basis = 'observed' THEN t.person_id END) AS observed
     FROM (${edu}) t LEFT JOIN institutions i ON i.institution_id = t.institution_id WHERE t.institution_id IS NOT NULL
     GROUP BY t.institution_id ORDER BY people DESC, t.institution_id`,
    p,
  );
  const feederCountries = await db.query<FeederCountry>(
    `SELECT t.country, COUNT(DISTINCT t.person_id) AS people,
       COUNT(DISTINCT CASE WHEN t.basis = 'stated' THEN t.person_id END) AS stated, COUNT(DISTINCT CASE WHEN t.basis = 'observed' THEN t.person_id END) AS observed
     FROM (${edu}) t WHERE t.country IS NOT NULL GROUP BY t.country ORDER BY people DESC, t.country`,
    p,
  );
  const movesIn = await db.query<PlaceCount & { moves: number }>(
    `SELECT m.from_place AS institution_id, MAX(i.name) AS name, MAX(i.country) AS country, COUNT(DISTINCT m.person_id) AS people, COUNT(*) AS moves
     FROM moves m LEFT JOIN institutions i ON i.institution_id = m.from_place WHERE m.level = 'institution' AND m.to_place = $1
     GROUP BY m.from_place ORDER BY people DESC, moves DESC, m.from_place`,
    p,
  );
  const [inTotals = { people: 0, moves: 0 }] = await db.query<{ people: number; moves: number }>(
    `SELECT COUNT(DISTINCT person_id) AS people, COUNT(*) AS moves FROM moves WHERE level = 'institution' AND to_place = $1`,
    p,
  );
  const inCountries = await db.query<{ country: string | null; people: number }>(
    `SELECT i.country, COUNT(DISTINCT m.person_id) AS people FROM moves m LEFT JOIN institutions i ON i.institution_id = m.from_place
     WHERE m.level = 'institution' AND m.to_place = $1 GROUP BY i.country ORDER BY people DESC, i.country NULLS LAST`,
    p,
  );
  const alumni = `SELECT DISTINCT person_id FROM education_records WHERE institution_id = $1`;
  const former = `SELECT DISTINCT m.person_id FROM moves m JOIN careers c ON c.person_id = m.person_id
    WHERE m.level = 'institution' AND m.from_place = $1 AND (c.current_institution IS NULL OR c.current_institution <> $1)`;
  const whereNow = async (set: string) => ({
    people: (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (${set}) s`, p))[0]?.n ?? 0,
    byCurrentCountry: countries(
      await db.query(`SELECT c.current_country AS country, COUNT(*) AS people FROM careers c WHERE c.person_id IN (${set}) AND c.current_country IS NOT NULL
        GROUP BY c.current_country ORDER BY people DESC, c.current_country`, p),
    ),
    byCurrentInstitution: await db.query<PlaceCount>(
      `SELECT c.current_institution AS institution_id, MAX(i.name) AS name, MAX(i.country) AS country, COUNT(*) AS people FROM careers c
       LEFT JOIN institutions i ON i.institution_id = c.current_institution
       WHERE c.person_id IN (${set}) AND c.current_institution IS NOT NULL AND c.current_institution <> $1
       GROUP BY c.current_institution ORDER BY people DESC, c.current_institution`,
      p,
    ),
  });
  const alumniNow = await whereNow(alumni);
  const [{ n: stillHere = 0 } = {}] = await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM careers WHERE current_institution = $1 AND person_id IN (${alumni})`, p);
  const formerNow = await whereNow(former);
  const movedTo = await db.query<PlaceCount & { moves: number }>(
    `SELECT m.to_place AS institution_id, MAX(i.name) AS name, MAX(i.country) AS country, COUNT(DISTINCT m.person_id) AS people, COUNT(*) AS moves
     FROM moves m LEFT JOIN institutions i ON i.institution_id = m.to_place WHERE m.level = 'institution' AND m.from_place = $1
     GROUP BY m.to_place ORDER BY people DESC, moves DESC, m.to_place`,
    p,
  );
  return {
    params: { institution: id, career: { ...career } },
    institution,
    current: {
      people,
      activeInReferenceYear,
      originRestsOn: (await educationEvidence(db, 'c.current_institution = $1', p)).originRestsOn,
      byOrigin: countries(byOrigin),
      members,
    },
    studied: { people: studiedPeople, institutions: feederInstitutions, countries: feederCountries },
    workedBefore: { people: inTotals.people, moves: inTotals.moves, institutions: movesIn, countries: countries(inCountries) },
    alumni: { ...alumniNow, stillHere },
    formerStaff: { ...formerNow, movedTo },
  };
}
