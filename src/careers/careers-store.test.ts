import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { forEachBackend } from '../store/test-backends.ts';
import { CAREER_YEARS_ALL_ROWS, cohortStages, diaspora, flows, loadCareerInputs, refreshCareers, returnees } from './index.ts';
import { FIXTURE_COLUMNS, fixtureRows, insertFixtures, workRows, type FixturePerson } from './fixtures.ts';
import { deriveCareer } from './derive-career.ts';
import { careerParams } from './params.ts';

const PEOPLE: FixturePerson[] = [
  { id: 'p1', years: { 2010: 'CN', 2011: 'CN', 2012: 'US', 2013: 'US', 2014: 'CN', 2015: 'CN' }, education: [{ degree: 'bachelor', country: 'CN', start: 2006, end: 2010 }] },
  {
    id: 'p2',
    years: { 2010: 'CN', 2011: 'CN', 2012: 'CN', 2013: 'US', 2014: 'US', 2020: 'US' },
    education: [
      { degree: 'bachelor', country: 'CN', start: 2006 },
      { degree: 'doctorate', country: 'US', start: 2013 },
    ],
  },
  { id: 'p3', years: { 2010: 'US', 2015: 'US', 2020: 'US' } },
  { id: 'p4', years: { 2015: 'IN', 2016: 'IN', 2019: 'IN', 2020: 'US' }, education: [{ degree: 'bachelor', country: 'IN', start: 2010 }] },
  { id: 'p5', years: { 2010: 'DE DE', 2011: 'DE', 2012: 'GB', 2013: 'DE' } }, // a duplicated observation changes nothing
  { id: 'p6', years: { 2015: '-' } },
  { id: 'p7', years: { 2010: 'MIT@GB', 2011: 'MIT@GB', 2012: 'THU@CN', 2013: 'PKU@CN', 2014: 'PKU@CN' }, education: [{ degree: 'master', country: 'GB', start: 2008 }] },
];

forEachBackend((newStore) => {
  let store: Store;

  beforeAll(async () => {
    store = await newStore();
    const rows = fixtureRows(PEOPLE);
    const w1 = workRows('W1', 'icml', 2023, ['p2', 'p4', 'p6', 'p7']);
    const w2 = workRows('W2', 'ICML', 2022, ['p3']);
    await insertFixtures(store, { ...rows, works: [...w1.works, ...w2.works], authorships: [...w1.authorships, ...w2.authorships] });
    // p8: paper-list observations, reduced per year to the most frequent country by the view.
    await store.bulkInsert('people', FIXTURE_COLUMNS.people, [['p8', 'P8', null, null, null, 'paperlist', 'x', 0]]);
    const paper = (year: number, cc: string) => ['p8', year, `I-${cc}`, cc, null, null, 'paper', 'paperlist', 'x', 0];
    await store.bulkInsert('affiliation_years', FIXTURE_COLUMNS.affiliation_years, [paper(2018, 'FR'), paper(2018, 'FR'), paper(2018, 'GB'), paper(2019, 'GB'), paper(2019, 'GB'), paper(2019, 'FR'), paper(2020, 'GB')]);
    await refreshCareers(store);
  });

  describe('refreshCareers', () => {
    it('writes one careers row per person with the export columns', async () => {
      const rows = await store.query(
        `SELECT person_id, origin, origin_basis, edu_origin, academic_origin, current_country, category, abroad, returnee, return_year, first_year, last_year
         FROM careers ORDER BY person_id`,
      );
      expect(rows).toEqual([
        { person_id: 'p1', origin: 'CN', origin_basis: 'education', edu_origin: 'CN', academic_origin: 'CN', current_country: 'CN', category: 'migrant', abroad: false, returnee: true, return_year: 2014, first_year: 2010, last_year: 2015 },
        { person_id: 'p2', origin: 'CN', origin_basis: 'education', edu_origin: 'CN', academic_origin: 'CN', current_country: 'US', category: 'migrant', abroad: true, returnee: false, return_year: null, first_year: 2010, last_year: 2020 },
        { person_id: 'p3', origin: 'US', origin_basis: 'first_affiliation', edu_origin: null, academic_origin: 'US', current_country: 'US', category: 'non-mobile', abroad: false, returnee: false, return_year: null, first_year: 2010, last_year: 2020 },
        { person_id: 'p4', origin: 'IN', origin_basis: 'education', edu_origin: 'IN', academic_origin: 'IN', current_country: 'US', category: 'migrant', abroad: true, returnee: false, return_year: null, first_year: 2015, last_year: 2020 },
        { person_id: 'p5', origin: 'DE', origin_basis: 'first_affiliation', edu_origin: null, academic_origin: 'DE', current_country: 'DE', category: 'traveller', abroad: false, returnee: false, return_year: null, first_year: 2010, last_year: 2013 },
        { person_id: 'p6', origin: null, origin_basis: 'none', edu_origin: null, academic_origin: null, current_country: null, category: null, abroad: null, returnee: false, return_year: null, first_year: null, last_year: null },
        { person_id: 'p7', origin: 'GB', origin_basis: 'education', edu_origin: 'GB', academic_origin: 'GB', current_country: 'CN', category: 'migrant', abroad: true, returnee: false, return_year: null, first_year: 2010, last_year: 2014 },
        { person_id: 'p8', origin: 'GB', origin_basis: 'first_affiliation', edu_origin: null, academic_origin: 'GB', current_country: 'GB', category: 'migrant', abroad: false, returnee: false, return_year: null, first_year: 2018, last_year: 2020 },
      ]);
    });

    it('writes the confirmed moves at both levels, numbered per person', async () => {
      const moves = await store.query(`SELECT person_id, level, seq, from_place, to_place, year FROM moves WHERE person_id IN ('p1', 'p7') ORDER BY person_id, level, seq`);
      expect(moves).toEqual([
        { person_id: 'p1', level: 'country', seq: 1, from_place: 'CN', to_place: 'US', year: 2012 },
        { person_id: 'p1', level: 'country', seq: 2, from_place: 'US', to_place: 'CN', year: 2014 },
        { person_id: 'p1', level: 'institution', seq: 1, from_place: 'I-CN', to_place: 'I-US', year: 2012 },
        { person_id: 'p1', level: 'institution', seq: 2, from_place: 'I-US', to_place: 'I-CN', year: 2014 },
        { person_id: 'p7', level: 'country', seq: 1, from_place: 'GB', to_place: 'CN', year: 2012 },
        { person_id: 'p7', level: 'institution', seq: 1, from_place: 'MIT', to_place: 'PKU', year: 2013 },
      ]);
    });

    it('is repeatable: a second refresh replaces, never duplicates', async () => {
      const before = await store.query('SELECT COUNT(*) AS n FROM moves');
      const r = await refreshCareers(store);
      expect(r.people).toBe(8);
      expect(r.referenceYear).toBe(2020);
      expect(await store.query('SELECT COUNT(*) AS n FROM moves')).toEqual(before);
      expect(await store.query('SELECT COUNT(*) AS n FROM careers')).toEqual([{ n: 8 }]);
    });

    it('the bulk source yields exactly the rows of the view career_affiliation_years', async () => {
      const diff = async (a: string, b: string) => store.query(`SELECT person_id, year, institution_id, country FROM ${a} x EXCEPT SELECT person_id, year, institution_id, country FROM ${b} y`);
      expect(await diff(CAREER_YEARS_ALL_ROWS, 'career_affiliation_years')).toEqual([]);
      expect(await diff('career_affiliation_years', CAREER_YEARS_ALL_ROWS)).toEqual([]);
      const p8 = await store.query(`SELECT year, country FROM ${CAREER_YEARS_ALL_ROWS} x WHERE person_id = 'p8' ORDER BY year`);
      expect(p8).toEqual([{ year: 2018, country: 'FR' }, { year: 2019, country: 'GB' }, { year: 2020, country: 'GB' }]);
    });

    it('loadCareerInputs gives the same career as the stored row', async () => {
      const { affiliations, education } = await loadCareerInputs(store, 'p2');
      const c = deriveCareer(affiliations, education, careerParams(), 2020);
      expect(c.countryWalk.moves).toEqual([{ from: 'CN', to: 'US', year: 2013 }]);
      expect(c.graduateCountry).toBe('US');
    });
  });

  describe('analyses', () => {
    it('flows in a window with net flows, rates and denominators', async () => {
      const f = await flows(store, { from: 2012, to: 2013 });
      expect(f.params).toMatchObject({ level: 'country', from: 2012, to: 2013, top: 20, cohort: null, career: { originYears: 3, minStay: 2, earlyCareer: 8, asOf: null } });
      expect(f.pairs).toEqual([
        { from: 'CN', to: 'US', moves: 2 },
        { from: 'GB', to: 'CN', moves: 1 },
      ]);
      expect(f.totalMoves).toBe(3);
      expect(f.movers).toBe(3);
      expect(f.originBasis).toEqual({ education: 3, first_affiliation: 0, none: 0 });
      const cn = f.net.find((n) => n.place === 'CN');
      expect(cn).toEqual({ place: 'CN', inflow: 1, outflow: 2, net: -1, active: 2, netRatePer1000: -500 });
      expect(f.net.find((n) => n.place === 'US')).toMatchObject({ net: 2, active: 2, netRatePer1000: 1000 });
      expect(f.net.reduce((s, n) => s + n.net, 0)).toBe(0);
    });

    it('top-N, institution level and cohorts (origin, venue case-insensitive, ids)', async () => {
      expect((await flows(store, { top: 1 })).top).toEqual([{ from: 'CN', to: 'US', moves: 2 }]);
      const inst = await flows(store, { level: 'institution', from: 2013, to: 2013 });
      expect(inst.pairs).toEqual([
        { from: 'I-CN', to: 'I-US', moves: 1 },
        { from: 'MIT', to: 'PKU', moves: 1 },
      ]);
      expect(inst.net.find((n) => n.place === 'I-US')).toMatchObject({ inflow: 1, outflow: 0, active: 2, netRatePer1000: 500 });
      expect((await flows(store, { cohort: { origin: 'CN' } })).totalMoves).toBe(3);
      const venue = await flows(store, { cohort: { venue: { venue: 'ICML', year: 2023 } } });
      expect(venue.pairs.map((p) => `${p.from}>${p.to}`)).toEqual(['CN>US', 'GB>CN', 'IN>US']);
      expect((await flows(store, { cohort: { ids: ["p4", "o'brien"] } })).pairs).toEqual([{ from: 'IN', to: 'US', moves: 1 }]);
      await expect(flows(store, { from: 2015, to: 2010 })).rejects.toThrow(/from ≤ to/);
    });

    it('diaspora by current country, with origin basis counts', async () => {
      const d = await diaspora(store, 'CN');
      expect(d).toMatchObject({ origin: { total: 2, originBasis: { education: 2, first_affiliation: 0, none: 0 } }, atHome: 1, abroad: 1, currentUnknown: 0 });
      expect(d.byCurrentCountry).toEqual([{ country: 'US', people: 1, share: 1 }]);
    });

    it('returnees by year, where from, and since', async () => {
      const r = await returnees(store, 'CN');
      expect(r).toMatchObject({ returnees: 1, everLeft: 2, byYear: [{ year: 2014, returnees: 1 }], returnedFrom: [{ country: 'US', returnees: 1 }] });
      expect((await returnees(store, 'CN', 2015)).returnees).toBe(0);
    });

    it('cohort stages for a venue cohort with unknown and proxy counts', async () => {
      const s = await cohortStages(store, { venue: { venue: 'Icml', year: 2023 } });
      expect(s.members).toBe(4);
      expect(s.staged).toBe(4);
      const [u, g, c] = s.stages;
      expect(u).toMatchObject({ stage: 'undergraduate', known: 2, unknown: 2, proxy: 0 });
      expect(u?.countries).toEqual([
        { country: 'CN', people: 1, share: 0.25 },
        { country: 'IN', people: 1, share: 0.25 },
      ]);
      expect(g).toMatchObject({ stage: 'graduate', known: 3, unknown: 1, proxy: 1 });
      expect(c).toMatchObject({ stage: 'current', known: 3, unknown: 1 });
      expect(c?.countries[0]).toEqual({ country: 'US', people: 2, share: 0.5 });
      expect(s.transitions.undergraduateToGraduate).toEqual([
        { from: 'CN', to: 'US', people: 1 },
        { from: 'IN', to: 'IN', people: 1 },
      ]);
      expect(s.transitions.unknownPairs).toEqual({ undergraduateToGraduate: 2, graduateToCurrent: 1 });
      expect(s.transitions.graduateToCurrent).toHaveLength(3);
    });
  });

});

describe('flow invariants on the database (property)', () => {
  it('flows sum to the number of moves; net flows sum to zero; current country = last move destination', async () => {
    const cc = fc.constantFrom('US', 'GB', 'CN', 'DE');
    const person = fc.dictionary(fc.integer({ min: 2000, max: 2012 }).map(String), fc.array(cc, { minLength: 1, maxLength: 2 }).map((a) => a.join(' ')), { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 12 }), fc.integer({ min: 2000, max: 2012 }), async (careers, y1) => {
        const d = mkdtempSync(path.join(tmpdir(), 'atlas-careers-p-'));
        const s = await DuckDBStore.open(path.join(d, 'p.duckdb'));
        try {
          await migrate(s);
          await insertFixtures(s, fixtureRows(careers.map((years, k) => ({ id: `q${k}`, years: years as Record<number, string> }))));
          await refreshCareers(s);
          const all = await flows(s, { from: y1 });
          const n = await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM moves WHERE level = 'country' AND year >= $1`, [y1]);
          expect(all.totalMoves).toBe(n[0]?.n);
          expect(all.pairs.reduce((a, p) => a + p.moves, 0)).toBe(all.totalMoves);
          expect(all.net.reduce((a, p) => a + p.net, 0)).toBe(0);
          const mismatch = await s.query(
            `SELECT c.person_id FROM careers c JOIN moves m ON m.person_id = c.person_id AND m.level = 'country'
             WHERE m.seq = c.country_moves AND m.to_place <> c.current_country`,
          );
          expect(mismatch).toEqual([]);
        } finally {
          await s.close();
          rmSync(d, { recursive: true, force: true });
        }
      }),
      { numRuns: 8 },
    );
  });
});
