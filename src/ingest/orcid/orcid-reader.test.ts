import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { degreeLevel } from './degree-level.ts';
import { createOrcidReader } from './orcid-reader.ts';

async function read(file: string): Promise<RecordFacts> {
  for await (const item of createOrcidReader().read(dataPath('orcid-schema-samples', file), { maxRecordBytes: 1 << 24 })) {
    if (item.kind === 'facts') return item.facts;
    throw new Error(item.rejection.reason);
  }
  throw new Error('no record');
}

describe('ORCID v3.0', () => {
  it('XML record: ORCID iD, employments as one affiliation-year per year, educations with degree level', async () => {
    const f = await read('record-3.0.xml');
    expect(f.people[0]).toMatchObject({ key: 'orcid:8888-8888-8888-8880', name: 'credit-name', identifiers: [{ scheme: 'orcid', value: '8888-8888-8888-8880' }] });
    const years = f.affiliationYears.map((a) => a.year);
    expect(Math.min(...years)).toBe(1948);
    expect(Math.max(...years)).toBe(2025);
    expect(f.affiliationYears.every((a) => a.basis === 'employment' && a.country === 'AF' && a.institution === 'name:employment org')).toBe(true);
    expect(f.education[0]).toMatchObject({ institution: 'name:education org', country: 'AF', degree: 'other', startYear: 1948, endYear: 2019 });
  });

  it('JSON record (public API shape) gives the same kinds of facts', async () => {
    const f = await read('record-full-3.0.json');
    expect(f.people[0]).toMatchObject({ key: 'orcid:0000-0002-7319-2192', name: 'Three releasecandidate1' });
    expect(f.affiliationYears).toEqual([expect.objectContaining({ year: 1948, basis: 'employment', country: 'AF' })]);
    expect(f.education).toHaveLength(3);
  });

  it('sections and single activities: employments, educations, employment, education', async () => {
    expect((await read('employments-3.0.xml')).affiliationYears.length).toBeGreaterThan(0);
    expect((await read('educations-3.0.xml')).education).toHaveLength(2);
    const one = await read('employment-full-3.0.xml');
    expect(one.recordKey).toBe('orcid:employment:8888-8888-8888-8880:0');
    expect(one.affiliationYears).toHaveLength(1);
    expect((await read('education-full-3.0.xml')).education).toHaveLength(1);
  });

  it('parses the degree level from role titles', () => {
    const cases: Record<string, string> = {
      BSc: 'bachelor', 'B.S.': 'bachelor', BA: 'bachelor', 'B.Eng.': 'bachelor', 'Bachelor of Science': 'bachelor',
      MSc: 'master', 'M.S.': 'master', MEng: 'master', MPhil: 'master', 'M.Phil.': 'master', MA: 'master', 'Master of Science': 'master', MBA: 'master',
      PhD: 'doctorate', 'Ph.D.': 'doctorate', 'Ph. D. candidate': 'doctorate', DPhil: 'doctorate', 'Dr. rer. nat.': 'doctorate', Doctorate: 'doctorate',
      'Doctor of Philosophy': 'doctorate', 'Dr.-Ing.': 'doctorate', 'Sc.D.': 'doctorate',
      Postdoc: 'other', 'Visiting student': 'other', '': 'other',
    };
    for (const [title, level] of Object.entries(cases)) expect([title, degreeLevel(title)]).toEqual([title, level]);
  });
});
