/**
 * What origins and stages rest on: stated vs observed deciding records (and the tie rule), first affiliation, none —
 * the same counts on DuckDB and PostgreSQL, and the reports (cohort, diaspora, returnees, flows) carry them.
 */
import { beforeAll, expect, it } from 'vitest';
import type { ColumnSpec, SqlValue, Store } from '../store/store.ts';
import { forEachBackend } from '../store/test-backends.ts';
import { FIXTURE_COLUMNS } from './fixtures.ts';
import { cohortStages, diaspora, educationEvidence, flows, refreshCareers, returnees } from './index.ts';

const PAPER_COLUMNS: ColumnSpec[] = ['person_id', 'year', 'institution_id', 'country', 'role', 'position', 'level', 'basis', 'source', 'record_key', 'run_id'].map((name) => ({
  name,
  type: name === 'year' || name === 'run_id' ? 'int' : 'text',
}));
/** A paper-list row: (person, year, institution, country, position text, level it names). */
const paper = (p: string, year: number, inst: string, cc: string, position: string | null = null, level: string | null = null): SqlValue[] => [
  p, year, inst, cc, level ? 'student' : 'other', position, level, 'paper', 'paperlist', `pl:${p}:${year}`, 0,
];
const stated = (p: string, inst: string | null, cc: string | null, degree: string, start: number | null, end: number | null): SqlValue[] => [
  p, inst, cc, degree, null, start, end, 'orcid', `orcid:${p}`, 0,
];

async function seed(store: Store): Promise<void> {
  const ids = ['s1', 'o1', 't1', 't2', 'f1', 'n1', 'r1'];
  await store.bulkInsert('people', FIXTURE_COLUMNS.people, ids.map((id) => [id, id, null, null, null, 'synthetic', `p:${id}`, 0]));
  await store.bulkInsert('affiliation_years', PAPER_COLUMNS, [
    // s1: stated bachelor CN decides the origin; the PhD is observed in the US.
    paper('s1', 2016, 'MIT', 'US', 'PhD student', 'doctorate'),
    paper('s1', 2017, 'MIT', 'US', 'PhD student', 'doctorate'),
    // o1: observed undergrad at Tsinghua decides; stated doctorate in the US.
    paper('o1', 2015, 'THU', 'CN', 'Undergrad student', 'bachelor'),
    paper('o1', 2018, 'CMU', 'US', 'Researcher'),
    // t1: a stated and an observed bachelor with the same years and country: the tie rule says stated.
    paper('t1', 2018, 'IITB', 'IN', 'Undergrad student', 'bachelor'),
    // t2: no bachelor; an observed master (2019) is earlier than a stated record without years (sorts last).
    paper('t2', 2019, 'TUM', 'DE', 'MS student', 'master'),
    paper('t2', 2019, 'TUM', 'DE', 'MS student', 'master'),
    paper('t2', 2019, 'ETH', 'CH', 'MS student', 'master'), // dropped by the per-year reduction: not an observation
    // f1: no education at all; r1: leaves CN for the US and comes back, origin from an observed bachelor.
    paper('f1', 2020, 'STAN', 'US', 'Assistant Professor'),
    paper('r1', 2010, 'PKU', 'CN', 'Undergrad student', 'bachelor'),
    paper('r1', 2011, 'PKU', 'CN', 'Undergrad student', 'bachelor'),
    paper('r1', 2012, 'MIT', 'US', 'Postdoc'),
    paper('r1', 2013, 'MIT', 'US', 'Postdoc'),
    paper('r1', 2014, 'PKU', 'CN', 'Assistant Professor'),
    paper('r1', 2015, 'PKU', 'CN', 'Assistant Professor'),
  ]);
  await store.bulkInsert('education', FIXTURE_COLUMNS.education, [
    stated('s1', 'PKU', 'CN', 'bachelor', 2010, 2014),
    stated('o1', 'CMU', 'US', 'doctorate', 2017, 2021),
    stated('t1', 'IITB', 'IN', 'bachelor', 2018, 2018),
    stated('t2', 'UNI', 'FR', 'other', null, null),
  ]);
  await refreshCareers(store);
}

forEachBackend((newStore) => {
  let store: Store;
  beforeAll(async () => {
    store = await newStore();
    await seed(store);
  });

  it('finds the deciding record the way the careers do, and counts its basis', async () => {
    const careers = await store.query<{ person_id: string; origin: string | null; origin_basis: string }>('SELECT person_id, origin, origin_basis FROM careers ORDER BY person_id');
    expect(careers).toEqual([
      { person_id: 'f1', origin: 'US', origin_basis: 'first_affiliation' },
      { person_id: 'n1', origin: null, origin_basis: 'none' },
      { person_id: 'o1', origin: 'CN', origin_basis: 'education' },
      { person_id: 'r1', origin: 'CN', origin_basis: 'education' },
      { person_id: 's1', origin: 'CN', origin_basis: 'education' },
      { person_id: 't1', origin: 'IN', origin_basis: 'education' },
      { person_id: 't2', origin: 'DE', origin_basis: 'education' },
    ]);
    expect(await educationEvidence(store, 'TRUE', [])).toEqual({
      originRestsOn: { stated: 2, observed: 3, first_affiliation: 1, none: 1 }, // stated: s1, t1 (tie); observed: o1, r1, t2
      undergraduate: { stated: 2, observed: 2 }, // s1, t1 stated; o1, r1 observed
      graduate: { stated: 1, observed: 2 }, // o1 stated; s1, t2 observed
    });
    expect((await educationEvidence(store, "c.person_id IN ('t1', 't2')", [])).originRestsOn).toEqual({ stated: 1, observed: 1, first_affiliation: 0, none: 0 });
  });

  it('puts the counts in every report that uses origins', async () => {
    const cohort = await cohortStages(store, { ids: ['s1', 'o1', 't1', 't2', 'f1', 'n1', 'r1'] });
    expect(cohort.originRestsOn).toEqual({ stated: 2, observed: 3, first_affiliation: 1, none: 1 });
    expect(cohort.originBasis).toEqual({ education: 5, first_affiliation: 1, none: 1 }); // kept as before
    expect(cohort.stages.map((s) => s.recordBasis)).toEqual([{ stated: 2, observed: 2 }, { stated: 1, observed: 2 }, null]);
    expect(cohort.stages[1]?.proxy).toBe(3); // f1, r1, t1: no master/doctorate record; the origin stands in
    const cn = await diaspora(store, 'CN');
    expect(cn.origin.originRestsOn).toEqual({ stated: 1, observed: 2, first_affiliation: 0, none: 0 }); // s1 stated; o1, r1 observed
    expect(cn.originRestsOn).toEqual({ stated: 1, observed: 1, first_affiliation: 0, none: 0 }); // abroad: s1, o1
    const back = await returnees(store, 'CN');
    expect(back.returnees).toBe(1);
    expect(back.originRestsOn).toEqual({ stated: 0, observed: 1, first_affiliation: 0, none: 0 });
    const f = await flows(store, { cohort: { origin: 'CN' } });
    expect(f.movers).toBe(2); // r1 twice, o1 once (CN 2015 → US 2018 is confirmed as the last active year)
    expect(f.originRestsOn).toEqual({ stated: 0, observed: 2, first_affiliation: 0, none: 0 });
  });
});
