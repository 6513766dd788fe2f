/**
 * An institution's talent on real data (Paper Copilot lists: CoRL 2021–2024, ICLR 2021), on DuckDB and PostgreSQL:
 * the SQL report equals an independent computation in plain code over the careers, education records and moves,
 * both backends agree, names resolve, and the cohort filter on the current institution picks the same people.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { AtlasError } from '../core/errors.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import type { Backend, Store } from '../store/store.ts';
import { forEachBackend } from '../store/test-backends.ts';
import { cohortStages, findInstitutions, institutionTalent, refreshCareers, resolveInstitution, type InstitutionTalentReport } from './index.ts';

const LISTS = ['iclr2021', 'corl2021', 'corl2022', 'corl2023', 'corl2024'].map((f) => dataPath('paperlists', `${f}.json.gz`));
const THU = 'name:tsinghua university';
const STANFORD = 'name:stanford university';

type Counted = Array<[string, number]>;
const sortCounts = (m: Map<string, Set<string>>): Counted => [...m.entries()].map(([k, v]): [string, number] => [k, v.size]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
const asCounts = (rows: ReadonlyArray<Record<string, unknown>>, key: string, n = 'people'): Counted =>
  rows.map((r): [string, number] => [String(r[key]), Number(r[n])]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
const add = (m: Map<string, Set<string>>, k: string, v: string) => (m.get(k) ?? m.set(k, new Set()).get(k))?.add(v);
const descending = (rows: ReadonlyArray<{ people: number }>) => rows.every((r, i) => i === 0 || (rows[i - 1]?.people ?? 0) >= r.people);

/** The report's figures computed in plain code from the raw tables. */
async function independent(store: Store, id: string) {
  const careers = await store.query<{ person_id: string; current_institution: string | null; current_country: string | null; origin: string | null }>(
    'SELECT person_id, current_institution, current_country, origin FROM careers',
  );
  const edu = await store.query<{ person_id: string; institution_id: string | null; country: string | null; basis: string }>('SELECT person_id, institution_id, country, basis FROM education_records');
  const moves = await store.query<{ person_id: string; from_place: string; to_place: string }>(`SELECT person_id, from_place, to_place FROM moves WHERE level = 'institution'`);
  const byPerson = new Map(careers.map((c) => [c.person_id, c]));
  const here = new Set(careers.filter((c) => c.current_institution === id).map((c) => c.person_id));
  const origin = new Map<string, Set<string>>();
  for (const p of here) add(origin, byPerson.get(p)?.origin ?? 'unknown', p);
  const feeders = new Map<string, Set<string>>();
  const feederStated = new Map<string, Set<string>>();
  for (const e of edu) {
    if (!here.has(e.person_id) || e.institution_id === null) continue;
    add(feeders, e.institution_id, e.person_id);
    if (e.basis === 'stated') add(feederStated, e.institution_id, e.person_id);
  }
  const before = new Map<string, Set<string>>();
  for (const m of moves) if (m.to_place === id) add(before, m.from_place, m.person_id);
  const alumni = new Set(edu.filter((e) => e.institution_id === id).map((e) => e.person_id));
  const former = new Set(moves.filter((m) => m.from_place === id && byPerson.get(m.person_id)?.current_institution !== id).map((m) => m.person_id));
  const whereNow = (people: Set<string>) => {
    const countries = new Map<string, Set<string>>();
    const institutions = new Map<string, Set<string>>();
    for (const p of people) {
      const c = byPerson.get(p);
      if (c?.current_country) add(countries, c.current_country, p);
      if (c?.current_institution && c.current_institution !== id) add(institutions, c.current_institution, p);
    }
    return { people: people.size, byCurrentCountry: sortCounts(countries), byCurrentInstitution: sortCounts(institutions) };
  };
  return {
    current: here.size,
    byOrigin: sortCounts(origin),
    studied: sortCounts(feeders),
    studiedStated: sortCounts(feederStated).filter(([, n]) => n > 0),
    workedBefore: sortCounts(before),
    alumni: { ...whereNow(alumni), stillHere: [...alumni].filter((p) => here.has(p)).length },
    former: whereNow(former),
  };
}

function figures(r: InstitutionTalentReport) {
  return {
    current: r.current.people,
    byOrigin: asCounts(r.current.byOrigin, 'country'),
    studied: asCounts(r.studied.institutions, 'institution_id'),
    studiedStated: asCounts(r.studied.institutions, 'institution_id', 'stated').filter(([, n]) => n > 0),
    workedBefore: asCounts(r.workedBefore.institutions, 'institution_id'),
    alumni: { people: r.alumni.people, byCurrentCountry: asCounts(r.alumni.byCurrentCountry, 'country'), byCurrentInstitution: asCounts(r.alumni.byCurrentInstitution, 'institution_id'), stillHere: r.alumni.stillHere },
    former: { people: r.formerStaff.people, byCurrentCountry: asCounts(r.formerStaff.byCurrentCountry, 'country'), byCurrentInstitution: asCounts(r.formerStaff.byCurrentInstitution, 'institution_id') },
  };
}

const reports: Partial<Record<Backend, InstitutionTalentReport[]>> = {};

forEachBackend((newStore, backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await newStore();
    await ingestFiles(store, LISTS);
    await refreshCareers(store);
  }, 180_000);

  it('equals an independent computation over the careers, education records and moves', async () => {
    const out: InstitutionTalentReport[] = [];
    for (const id of [THU, STANFORD]) {
      const r = await institutionTalent(store, await resolveInstitution(store, id));
      out.push(r);
      expect(figures(r)).toEqual(await independent(store, id));
      for (const list of [r.current.byOrigin, r.studied.institutions, r.studied.countries, r.workedBefore.institutions, r.alumni.byCurrentCountry, r.formerStaff.movedTo]) expect(descending(list)).toBe(true);
      const rests = r.current.originRestsOn;
      expect(rests.stated + rests.observed + rests.first_affiliation + rests.none).toBe(r.current.people);
      expect(r.studied.institutions.every((f) => f.stated + f.observed >= f.people)).toBe(true);
    }
    const [thu, stanford] = out as [InstitutionTalentReport, InstitutionTalentReport];
    // Real figures: Tsinghua's people are of Chinese origin, its PhD students observed there; Stanford hires from elsewhere.
    expect(thu.current.people).toBeGreaterThan(100);
    expect(thu.current.byOrigin[0]?.country).toBe('CN');
    expect(thu.studied.institutions[0]).toMatchObject({ institution_id: THU, country: 'CN' });
    expect(thu.studied.institutions[0]?.observed).toBeGreaterThan(50);
    expect(stanford.current.people).toBeGreaterThan(100);
    expect(stanford.workedBefore.moves).toBeGreaterThan(0);
    expect(stanford.alumni.people).toBeGreaterThan(stanford.alumni.stillHere);
    reports[backend] = out;
  });

  it('resolves ids and names, and says when a name is ambiguous or unknown', async () => {
    expect((await resolveInstitution(store, THU)).institution_id).toBe(THU);
    expect((await resolveInstitution(store, 'Tsinghua University')).institution_id).toBe(THU);
    expect((await resolveInstitution(store, 'tsinghua university')).institution_id).toBe(THU);
    const err = await resolveInstitution(store, 'university').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasError);
    expect((err as AtlasError).code).toBe('AMBIGUOUS');
    expect(((err as AtlasError).details?.['candidates'] as unknown[]).length).toBe(10);
    expect(((await resolveInstitution(store, 'no such place zq').catch((e: unknown) => e)) as AtlasError).code).toBe('NOT_FOUND');
    const found = await findInstitutions(store, 'tsinghua');
    expect(found[0]?.institution_id).toBe(THU);
    expect(found[0]?.current).toBe(reports[backend]?.[0]?.current.people);
  });

  it('restricts a cohort to a current institution', async () => {
    const r = await cohortStages(store, { currentInstitution: STANFORD });
    expect(r.staged).toBe(reports[backend]?.[1]?.current.people);
    expect(r.members).toBe(r.staged);
    expect(r.params.cohort).toEqual({ currentInstitution: STANFORD });
  });
});

describe('both backends', () => {
  it('give the same institution reports', () => {
    const strip = (rs: InstitutionTalentReport[] | undefined) => JSON.parse(JSON.stringify(rs ?? null, (k, v: unknown) => (k === 'refreshedAt' ? undefined : v))) as unknown;
    expect(reports.duckdb?.length).toBe(2);
    expect(strip(reports.postgres)).toEqual(strip(reports.duckdb));
  });
});
