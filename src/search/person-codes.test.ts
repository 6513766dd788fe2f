import { describe, expect, it } from 'vitest';
import { FLAG_ABROAD, FLAG_CAREERS, FLAG_RETURNEE, MAX_TYPES, basisOf, codePersonFacts, personFactsAt } from './person-codes.ts';
import type { PersonFactsInput } from './search-index.ts';

describe('person facts as codes', () => {
  const facts: (PersonFactsInput | undefined)[] = [
    { origin: 'KR', originBasis: 'education', currentCountry: 'US', abroad: true, returnee: false, firstYear: 2015, latestInstitutionTypes: ['company', 'education'] },
    undefined,
    { origin: 'US', originBasis: 'first_affiliation', currentCountry: 'US', abroad: false, returnee: true, firstYear: null, latestInstitutionTypes: ['education'] },
    { latestInstitutionTypes: ['facility'] },
  ];

  it('numbers countries, bases and institution types as first met, and gives each person their facts back', () => {
    const c = codePersonFacts(facts, facts.length);
    expect(c.countries).toEqual(['', 'KR', 'US']);
    expect(c.bases).toEqual(['', 'education', 'first_affiliation']);
    expect(c.instTypes).toEqual(['company', 'education', 'facility']);
    expect([...c.flags]).toEqual([FLAG_CAREERS | FLAG_ABROAD, 0, FLAG_CAREERS | FLAG_RETURNEE, 0]);
    expect(basisOf(c, 2)).toBe('first_affiliation');
    expect(basisOf(c, 1)).toBeNull();
    expect(personFactsAt(c, 0)).toEqual(facts[0]);
    expect(personFactsAt(c, 1)).toBeUndefined();
    expect(personFactsAt(c, 2)).toEqual(facts[2]);
    // without careers, abroad is unknown (null) and returnee reads as false
    expect(personFactsAt(c, 3)).toEqual({ origin: null, originBasis: null, currentCountry: null, abroad: null, returnee: false, firstYear: null, latestInstitutionTypes: ['facility'] });
  });

  it('gives the first 32 institution types a bit each and later ones none', () => {
    const many = [{ latestInstitutionTypes: Array.from({ length: MAX_TYPES + 3 }, (_, i) => `type${i}`) }];
    const c = codePersonFacts(many, 1);
    expect(c.instTypes.length).toBe(MAX_TYPES);
    expect(c.instMask[0]).toBe(0xffffffff);
    expect(personFactsAt(c, 0)?.latestInstitutionTypes).toEqual(many[0]!.latestInstitutionTypes.slice(0, MAX_TYPES));
  });
});
