import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveCareer, placeYears, presenceRuns, walkPlaces, type CareerAffiliationYear, type CareerEducation } from './derive-career.ts';
import { careerParams } from './params.ts';

const P = careerParams();

/** Affiliation-years from a compact spec: { 2010: 'US', 2011: 'US GB' } (space-separated countries; institution = `I-${country}`). */
function affs(spec: Record<number, string>): CareerAffiliationYear[] {
  return Object.entries(spec).flatMap(([y, cs]) => cs.split(' ').map((c) => ({ year: Number(y), institutionId: `I-${c}`, country: c })));
}

const edu = (degree: string, country: string | null, startYear: number | null, endYear: number | null = null): CareerEducation => ({
  degree,
  country,
  startYear,
  endYear,
  institutionId: null,
});

const decisions = (spec: Record<number, string>, p = P) => deriveCareer(affs(spec), [], p).countryWalk.steps.map((s) => `${s.year}:${s.decision}:${s.current}`);

describe('the walk (spec: Current country and moves)', () => {
  it('a single country: non-mobile, no move', () => {
    const c = deriveCareer(affs({ 2010: 'US', 2011: 'US', 2012: 'US' }), [], P);
    expect(c.countryWalk.moves).toEqual([]);
    expect(c.category).toBe('non-mobile');
    expect(c.currentCountry).toBe('US');
    expect(c.origin).toBe('US');
    expect(c.originBasis).toBe('first_affiliation');
    expect(c.abroad).toBe(false);
    expect([c.firstYear, c.lastYear]).toEqual([2010, 2012]);
  });

  it('a confirmed move needs the new country in minStay − 1 = 1 later active year', () => {
    const c = deriveCareer(affs({ 2010: 'US', 2011: 'US', 2012: 'GB', 2013: 'GB' }), [], P);
    expect(c.countryWalk.moves).toEqual([{ from: 'US', to: 'GB', year: 2012 }]);
    expect(c.category).toBe('migrant');
    expect(c.currentCountry).toBe('GB');
    expect(c.abroad).toBe(true);
    expect(c.countryWalk.steps[2]?.reason).toMatch(/move US → GB confirmed/);
  });

  it('a blip (a year abroad not seen again) is ignored: traveller', () => {
    expect(decisions({ 2010: 'US', 2011: 'GB', 2012: 'US', 2013: 'US' })).toEqual(['2010:first:US', '2011:blip:US', '2012:stay:US', '2013:stay:US']);
    const c = deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'US' }), [], P);
    expect(c.category).toBe('traveller');
    expect(c.countryWalk.moves).toEqual([]);
  });

  it('a move in the last active year is confirmed without later years', () => {
    const c = deriveCareer(affs({ 2010: 'US', 2011: 'US', 2012: 'DE' }), [], P);
    expect(c.countryWalk.moves).toEqual([{ from: 'US', to: 'DE', year: 2012 }]);
    expect(c.countryWalk.steps[2]?.reason).toMatch(/last active year/);
  });

  it('concurrent affiliations do not move anyone', () => {
    expect(decisions({ 2010: 'US', 2011: 'US CA', 2012: 'CA US', 2013: 'US' })).toEqual(['2010:first:US', '2011:concurrent:US', '2012:concurrent:US', '2013:stay:US']);
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'US CA', 2012: 'US CA' }), [], P).category).toBe('traveller');
  });

  it('first year with several countries: most active years overall wins', () => {
    const c = deriveCareer(affs({ 2010: 'US GB', 2011: 'GB', 2012: 'GB' }), [], P);
    expect(c.countryWalk.steps[0]?.current).toBe('GB');
    expect(c.countryWalk.steps[0]?.reason).toMatch(/tie broken by most active years \(GB: 3, US: 1\)/);
    expect(c.countryWalk.moves).toEqual([]);
  });

  it('first year tie on active years: alphabetical', () => {
    const c = deriveCareer(affs({ 2010: 'US DE', 2011: 'US', 2012: 'DE' }), [], P);
    expect(c.countryWalk.steps.map((s) => `${s.decision}:${s.current}`)).toEqual(['first:DE', 'blip:DE', 'stay:DE']);
    expect(c.countryWalk.steps[0]?.reason).toMatch(/broken alphabetically/);
  });

  it('candidate among several new countries: most active years, then alphabetical', () => {
    const byYears = deriveCareer(affs({ 2010: 'US', 2011: 'US', 2012: 'FR GB', 2013: 'GB', 2014: 'GB' }), [], P);
    expect(byYears.countryWalk.moves).toEqual([{ from: 'US', to: 'GB', year: 2012 }]);
    const alpha = deriveCareer(affs({ 2010: 'US', 2011: 'US', 2012: 'FR GB', 2013: 'FR GB' }), [], P);
    expect(alpha.countryWalk.moves).toEqual([{ from: 'US', to: 'FR', year: 2012 }]);
    expect(alpha.countryWalk.steps[2]?.reason).toMatch(/alphabetically/);
    expect(alpha.countryWalk.steps[3]?.decision).toBe('concurrent');
  });

  it('gaps between active years do not matter: the walk is over active years', () => {
    const c = deriveCareer(affs({ 2005: 'US', 2006: 'US', 2015: 'GB', 2016: 'GB' }), [], P);
    expect(c.countryWalk.moves).toEqual([{ from: 'US', to: 'GB', year: 2015 }]);
    expect(c.academicOrigin).toBe('US');
    expect(c.careerAge).toBe(12);
  });

  it('minStay = 3 needs two later years', () => {
    const p = careerParams({ minStay: 3 });
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'GB', 2013: 'US' }), [], p).countryWalk.moves).toEqual([]);
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'GB', 2013: 'GB' }), [], p).countryWalk.moves).toEqual([{ from: 'US', to: 'GB', year: 2011 }]);
  });

  it('affiliation-years without a country are ignored by every rule', () => {
    const rows: CareerAffiliationYear[] = [...affs({ 2011: 'US', 2012: 'US' }), { year: 2010, institutionId: 'I-X', country: null }, { year: 2013, institutionId: 'I-Y', country: null }];
    const c = deriveCareer(rows, [], P);
    expect([c.firstYear, c.lastYear]).toEqual([2011, 2012]);
    expect(c.institutionWalk.steps.map((s) => s.current)).toEqual(['I-US', 'I-US']);
    const none = deriveCareer([{ year: 2010, institutionId: 'I-X', country: null }], [], P);
    expect(none).toMatchObject({ origin: null, originBasis: 'none', category: null, currentCountry: null, firstYear: null, abroad: null, careerAge: null });
  });
});

describe('origins, returnees, as-of', () => {
  it('education origin beats academic origin; earliest bachelor by start then end year', () => {
    const c = deriveCareer(affs({ 2012: 'US', 2013: 'US' }), [edu('master', 'GB', 2008), edu('bachelor', 'IN', 2004, 2008), edu('bachelor', 'CN', 2004, 2007)], P);
    expect(c).toMatchObject({ eduOrigin: 'CN', academicOrigin: 'US', origin: 'CN', originBasis: 'education', abroad: true, undergradCountry: 'CN', graduateCountry: 'GB' });
  });

  it('no bachelor: the earliest education record with a country', () => {
    const c = deriveCareer([], [edu('doctorate', 'FR', 2009), edu('master', 'IT', 2007), edu('other', null, 2001)], P);
    expect(c).toMatchObject({ eduOrigin: 'IT', origin: 'IT', originBasis: 'education', undergradCountry: null, graduateCountry: 'IT', currentCountry: null, abroad: null });
  });

  it('academic origin: most years in the first 3 active years; ties by earliest appearance, then alphabetical', () => {
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'GB', 2013: 'US', 2014: 'US' }), [], P).academicOrigin).toBe('GB');
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'FR' }), [], P).academicOrigin).toBe('US');
    expect(deriveCareer(affs({ 2010: 'US DE', 2011: 'US DE', 2012: 'FR' }), [], P).academicOrigin).toBe('DE');
    expect(deriveCareer(affs({ 2010: 'US', 2011: 'GB', 2012: 'GB' }), [], careerParams({ originYears: 1 })).academicOrigin).toBe('US');
  });

  it('a return: move away from the origin, then a move back; return year = first move back', () => {
    const c = deriveCareer(affs({ 2010: 'CN', 2011: 'CN', 2012: 'US', 2013: 'US', 2014: 'GB', 2015: 'GB', 2016: 'CN', 2017: 'CN', 2018: 'US', 2019: 'US', 2020: 'CN' }), [], P);
    expect(c.countryWalk.moves.map((m) => `${m.from}>${m.to}@${m.year}`)).toEqual(['CN>US@2012', 'US>GB@2014', 'GB>CN@2016', 'CN>US@2018', 'US>CN@2020']);
    expect(c).toMatchObject({ returnee: true, returnYear: 2016, currentCountry: 'CN', abroad: false, category: 'migrant' });
  });

  it('no move away from the origin: not a returnee (education origin CN, first affiliation abroad)', () => {
    const c = deriveCareer(affs({ 2012: 'US', 2013: 'US', 2014: 'CN', 2015: 'CN' }), [edu('bachelor', 'CN', 2006, 2010)], P);
    expect(c.countryWalk.moves).toEqual([{ from: 'US', to: 'CN', year: 2014 }]);
    expect(c).toMatchObject({ origin: 'CN', returnee: false, returnYear: null, abroad: false });
  });

  it('current country as of a year: after the last active year ≤ asOf', () => {
    const spec = { 2010: 'CN', 2011: 'CN', 2013: 'US', 2014: 'US', 2016: 'CN', 2017: 'CN' };
    expect(deriveCareer(affs(spec), [], careerParams({ asOf: 2015 })).currentCountry).toBe('US');
    expect(deriveCareer(affs(spec), [], careerParams({ asOf: 2012 })).currentCountry).toBe('CN');
    expect(deriveCareer(affs(spec), [], careerParams({ asOf: 2009 }))).toMatchObject({ currentCountry: null, careerAge: null });
    expect(deriveCareer(affs(spec), [], careerParams({ asOf: 2015 })).careerAge).toBe(6);
  });

  it('career age in the reference year; early career ≤ 8', () => {
    expect(deriveCareer(affs({ 2015: 'US', 2016: 'US' }), [], P, 2022)).toMatchObject({ careerAge: 8, earlyCareer: true });
    expect(deriveCareer(affs({ 2014: 'US', 2016: 'US' }), [], P, 2022)).toMatchObject({ careerAge: 9, earlyCareer: false });
  });

  it('institution level: same walk over institution ids (a move inside one country)', () => {
    const rows: CareerAffiliationYear[] = [
      { year: 2010, institutionId: 'I1', country: 'US' },
      { year: 2011, institutionId: 'I1', country: 'US' },
      { year: 2012, institutionId: 'I2', country: 'US' },
      { year: 2013, institutionId: 'I2', country: 'US' },
    ];
    const c = deriveCareer(rows, [], P);
    expect(c.countryWalk.moves).toEqual([]);
    expect(c.institutionWalk.moves).toEqual([{ from: 'I1', to: 'I2', year: 2012 }]);
    expect(c.currentInstitution).toBe('I2');
  });
});

describe('presence runs (net-rate denominators)', () => {
  it('splits at gaps in calendar years, per place', () => {
    const years = placeYears(affs({ 2010: 'US', 2011: 'US GB', 2012: 'GB', 2014: 'US', 2015: 'US' }), 'country');
    expect(presenceRuns(years)).toEqual([
      ['US', 2010, 2011],
      ['GB', 2011, 2012],
      ['US', 2014, 2015],
    ]);
  });
});

describe('walk invariants (property)', () => {
  const countries = fc.constantFrom('US', 'GB', 'CN', 'DE', 'FR');
  const career = fc.array(fc.record({ year: fc.integer({ min: 2000, max: 2024 }), country: fc.option(countries, { nil: null }), inst: fc.constantFrom('a', 'b', 'c') }), { maxLength: 30 });
  it('moves chain, never stay in place, and the current place is the last move’s destination', () => {
    fc.assert(
      fc.property(career, fc.integer({ min: 1, max: 4 }), (rows, minStay) => {
        const p = careerParams({ minStay });
        const c = deriveCareer(rows.map((r) => ({ year: r.year, country: r.country, institutionId: r.inst })), [], p);
        for (const walk of [c.countryWalk, c.institutionWalk]) {
          const first = walk.steps[0]?.current ?? null;
          let cur = first;
          let lastYear = -Infinity;
          for (const m of walk.moves) {
            expect(m.from).toBe(cur);
            expect(m.to).not.toBe(m.from);
            expect(m.year).toBeGreaterThan(lastYear);
            cur = m.to;
            lastYear = m.year;
          }
          expect(walk.steps[walk.steps.length - 1]?.current ?? null).toBe(cur);
        }
        expect(c.currentCountry).toBe(c.countryWalk.moves.at(-1)?.to ?? c.countryWalk.steps[0]?.current ?? null);
        expect(c.category === 'migrant').toBe(c.countryWalk.moves.length > 0);
        const quiet = deriveCareer(rows.map((r) => ({ year: r.year, country: r.country, institutionId: r.inst })), [], p, null, false);
        expect({ ...quiet, countryWalk: quiet.countryWalk.moves, institutionWalk: quiet.institutionWalk.moves }).toEqual({ ...c, countryWalk: c.countryWalk.moves, institutionWalk: c.institutionWalk.moves });
        const years = placeYears(rows.map((r) => ({ year: r.year, country: r.country, institutionId: r.inst })), 'country');
        expect(walkPlaces(years, p).steps.length).toBe(years.length);
      }),
      { numRuns: 300 },
    );
  });
});
