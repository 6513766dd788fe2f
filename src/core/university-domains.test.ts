import { describe, expect, it } from 'vitest';
import { countryFromUniversityDomain, normaliseDomain } from './university-domains.ts';

describe('university domains (bundled world university list)', () => {
  it('gives the country of a listed university domain', () => {
    expect(countryFromUniversityDomain('umich.edu')).toBe('US');
    expect(countryFromUniversityDomain('ox.ac.uk')).toBe('GB');
    expect(countryFromUniversityDomain('ecnu.edu.cn')).toBe('CN');
    expect(countryFromUniversityDomain('fho.edu.br')).toBe('BR');
  });

  it('matches parent domains: a department domain takes its university’s country', () => {
    expect(countryFromUniversityDomain('cs.umich.edu')).toBe('US');
    expect(countryFromUniversityDomain('eecs.harvard.edu')).toBe('US');
    expect(countryFromUniversityDomain('WWW.CS.OX.AC.UK')).toBe('GB');
  });

  it('gives nothing for unlisted domains and never matches a bare top-level domain', () => {
    expect(countryFromUniversityDomain('google.com')).toBeNull();
    expect(countryFromUniversityDomain('edu')).toBeNull();
    expect(countryFromUniversityDomain('nowhere.invalid-university.edu')).toBeNull();
    expect(countryFromUniversityDomain('')).toBeNull();
    expect(countryFromUniversityDomain(null)).toBeNull();
  });

  it('normalises URLs and e-mail style input to a bare domain', () => {
    expect(normaliseDomain('https://www.umich.edu/about')).toBe('umich.edu');
    expect(normaliseDomain('****@seas.harvard.edu')).toBe('seas.harvard.edu');
  });
});
