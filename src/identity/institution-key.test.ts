import { describe, expect, it } from 'vitest';
import { institutionKey } from './names.ts';

describe('institutionKey', () => {
  it('keeps the campus of a university system: the campuses of the University of California are different institutions', () => {
    const berkeley = ['University of California, Berkeley', 'University of California Berkeley', 'University of California at Berkeley', 'University of California, Berkeley, USA', 'University of California, Berkeley '];
    expect(new Set(berkeley.map(institutionKey))).toEqual(new Set(['name:university california berkeley']));
    expect(institutionKey('University of California, Los Angeles, CA 90095, USA')).toBe('name:university california los angeles');
    expect(institutionKey('University of California, Santa Cruz')).toBe('name:university california santa cruz');
    expect(institutionKey('University of Illinois, Urbana-Champaign')).toBe(institutionKey('University of Illinois at Urbana-Champaign'));
    expect(institutionKey('University of Texas, Austin')).toBe('name:university texas austin');
  });

  it('does not take a country, state or postcode for a campus', () => {
    expect(institutionKey('University of California, USA')).toBe('name:university california');
    expect(institutionKey('University of California, CA 94720')).toBe('name:university california');
    expect(institutionKey('University of Texas, Texas')).toBe('name:university texas');
  });

  it('leaves other names as they were: the part before the comma, or the institution after a department', () => {
    expect(institutionKey('University of Oxford, UK')).toBe('name:university oxford');
    expect(institutionKey('Stanford University, Stanford, CA')).toBe('name:stanford university');
    expect(institutionKey('Department of Computer Science, Columbia University')).toBe('name:columbia university');
    expect(institutionKey('University of Michigan, Ann Arbor')).toBe('name:university michigan');
  });
});
