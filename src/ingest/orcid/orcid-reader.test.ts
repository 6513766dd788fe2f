import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { degreeLevel } from './degree-level.ts';
import { createOrcidReader } from './orcid-reader.ts';

async function readPath(file: string): Promise<RecordFacts> {
  for await (const item of createOrcidReader().read(file, { maxRecordBytes: 1 << 24 })) {
    if (item.kind === 'facts') return item.facts;
    throw new Error(`${item.rejection.field ?? ''}: ${item.rejection.reason}`);
  }
  throw new Error('no record');
}
const read = (file: string): Promise<RecordFacts> => readPath(dataPath('orcid-schema-samples', file));
const V2 = dataPath('orcid-records', 'v2.0-json');

describe('ORCID v3.0 schema samples', () => {
  it('XML record: ORCID iD, employments as dated positions, educations with degree level', async () => {
    const f = await read('record-3.0.xml');
    expect(f.people[0]).toMatchObject({ key: 'orcid:8888-8888-8888-8880', name: 'credit-name', identifiers: [{ scheme: 'orcid', value: '8888-8888-8888-8880' }] });
    expect(f.affiliationYears).toEqual([]);
    const employments = f.positions.filter((p) => p.basis === 'employment');
    expect(employments.length).toBeGreaterThan(0);
    expect(employments.every((p) => p.country === 'AF' && p.institution === 'name:employment org' && p.startYear === 1948)).toBe(true);
    expect(f.education[0]).toMatchObject({ institution: 'name:education org', country: 'AF', degree: 'other', startYear: 1948, endYear: 2019 });
    expect(f.positions).toContainEqual(expect.objectContaining({ basis: 'education', institution: 'name:education org', startYear: 1948, endYear: 2019, role: 'student' }));
  });

  it('JSON record (public API shape) gives the same kinds of facts', async () => {
    const f = await read('record-full-3.0.json');
    expect(f.people[0]).toMatchObject({ key: 'orcid:0000-0002-7319-2192', name: 'Three releasecandidate1' });
    expect(f.positions.filter((p) => p.basis === 'employment')).toEqual([expect.objectContaining({ startYear: 1948, country: 'AF' })]);
    expect(f.education).toHaveLength(3);
  });

  it('sections and single activities: employments, educations, employment, education', async () => {
    expect((await read('employments-3.0.xml')).positions.length).toBeGreaterThan(0);
    expect((await read('educations-3.0.xml')).education).toHaveLength(2);
    const one = await read('employment-full-3.0.xml');
    expect(one.recordKey).toBe('orcid:employment:8888-8888-8888-8880:0');
    expect(one.positions).toHaveLength(1);
    expect((await read('education-full-3.0.xml')).education).toHaveLength(1);
  });
});

describe('real ORCID records', () => {
  it('parses every one of the 18 v2.0 JSON full records', async () => {
    const files = readdirSync(V2).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(18);
    for (const f of files) {
      const facts = await readPath(`${V2}/${f}`);
      expect(facts.people[0]?.key).toBe(`orcid:${f.replace('.json', '')}`);
    }
  });

  it("Thiago Pardo (v2.0): educations with degrees, years and countries; his open-ended employment", async () => {
    const f = await readPath(`${V2}/0000-0003-2111-1319.json`);
    expect(f.people[0]).toMatchObject({ key: 'orcid:0000-0003-2111-1319', name: 'Pardo, T.A.S.', identifiers: [{ scheme: 'orcid', value: '0000-0003-2111-1319' }] });
    expect(f.updatedDate).toBe(new Date(1654628156823).toISOString());
    const edu = f.education.map((e) => [e.degree, e.institution, e.country, e.startYear, e.endYear]);
    expect(edu).toEqual([
      ['other', 'name:university sao paulo', 'BR', 2005, 2005], // "Post-doctorate in …" is not a degree
      ['doctorate', 'name:university sao paulo', 'BR', 2002, 2005],
      ['master', 'name:federal university sao carlos', 'BR', 2000, 2002],
      ['bachelor', 'name:federal university sao carlos', 'BR', 1996, 1999],
    ]);
    expect(f.positions.filter((p) => p.basis === 'employment')).toEqual([
      expect.objectContaining({ institution: 'name:university sao paulo', country: 'BR', countryBasis: 'source', role: 'faculty', position: 'Associate Professor', startYear: 2006, endYear: null }),
    ]);
    expect(f.positions.filter((p) => p.basis === 'education').map((p) => [p.level, p.startYear, p.endYear, p.role])).toEqual([
      ['other', 2005, 2005, 'postdoc'],
      ['doctorate', 2002, 2005, 'student'],
      ['master', 2000, 2002, 'student'],
      ['bachelor', 1996, 1999, 'student'],
    ]);
    expect(f.institutions.find((i) => i.id === 'name:university sao paulo')).toMatchObject({ name: 'University of São Paulo', country: 'BR' });
  });

  it('the v3.0 XML record and the v2.0 JSON record of the same person give the same education', async () => {
    const xml = await readPath(dataPath('orcid-records', 'v3.0-xml', '0000-0003-4423-4370.xml'));
    const json = await readPath(`${V2}/0000-0003-4423-4370.json`);
    expect(xml.people[0]).toMatchObject({ key: 'orcid:0000-0003-4423-4370', name: 'Charles Tapley Hoyt' });
    const edu = (f: RecordFacts): unknown[] => f.education.map((e) => [e.degree, e.institution, e.country, e.startYear, e.endYear]);
    expect(edu(xml)).toEqual([
      ['doctorate', 'name:rheinische friedrich wilhelms university bonn', 'DE', 2018, 2019],
      ['master', 'name:rheinische friedrich wilhelms university bonn', 'DE', 2015, 2017],
      ['bachelor', 'name:northeastern university', 'US', 2011, 2015],
    ]);
    expect(edu(json)).toEqual(edu(xml));
    // the XML's character reference &#228; is decoded
    expect(xml.institutions.map((i) => i.name)).toContain('Rheinische Friedrich Wilhelms Universität Bonn');
    expect(xml.positions.filter((p) => p.basis === 'employment').length).toBe(5);
  });
});

describe('degree levels from role titles', () => {
  it('parses the degree level from role titles', () => {
    const cases: Record<string, string> = {
      BSc: 'bachelor', 'B.S.': 'bachelor', BA: 'bachelor', 'B.Eng.': 'bachelor', 'Bachelor of Science': 'bachelor',
      MSc: 'master', 'M.S.': 'master', MEng: 'master', MPhil: 'master', 'M.Phil.': 'master', MA: 'master', 'Master of Science': 'master', MBA: 'master',
      PhD: 'doctorate', 'Ph.D.': 'doctorate', 'Ph. D. candidate': 'doctorate', DPhil: 'doctorate', 'Dr. rer. nat.': 'doctorate', Doctorate: 'doctorate',
      'Doctor of Philosophy': 'doctorate', 'Dr.-Ing.': 'doctorate', 'Sc.D.': 'doctorate', 'Dr. Química': 'doctorate',
      Postdoc: 'other', 'Post-doctorate in Computer Science and Applied Math': 'other', 'Pre-doctoral fellow': 'other', 'Visiting student': 'other', '': 'other',
    };
    for (const [title, level] of Object.entries(cases)) expect([title, degreeLevel(title)]).toEqual([title, level]);
  });
});
