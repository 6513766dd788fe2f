import { describe, expect, it } from 'vitest';
import { countryCode, countryFromDomain, countryFromName, isNoCountryName } from './countries.ts';

describe('countries', () => {
  it('maps the names sources use, aliases included; "Unknown" is no country', () => {
    expect(countryFromName('United States')).toBe('US');
    expect(countryFromName('United Kingdom')).toBe('GB');
    expect(countryFromName('Czech Republic')).toBe('CZ');
    expect(countryFromName('Kingdom of Saudi Arabia')).toBe('SA');
    expect(countryFromName('Finland')).toBe('FI');
    expect(countryFromName('Unknown')).toBeNull();
    expect(isNoCountryName('Unknown')).toBe(true);
    expect(countryFromName('Atlantis')).toBeNull();
    expect(isNoCountryName('Atlantis')).toBe(false);
  });
  it('infers a country from a country-code domain, but not from generic ones (.ai, .io, .co) or .edu/.com', () => {
    expect(countryFromDomain('tsinghua.edu.cn')).toBe('CN');
    expect(countryFromDomain('ox.ac.uk')).toBe('GB');
    expect(countryFromDomain('kaist.ac.kr')).toBe('KR');
    expect(countryFromDomain('polimi.it')).toBe('IT');
    for (const d of ['x.ai', 'huggingface.co', 'github.io', 'mit.edu', 'google.com']) expect(countryFromDomain(d)).toBeNull();
  });
  it('validates ISO codes with a clear error', () => {
    expect(countryCode('kr')).toBe('KR');
    expect(() => countryCode('XX')).toThrow(/unknown country code "XX"/);
  });
});
