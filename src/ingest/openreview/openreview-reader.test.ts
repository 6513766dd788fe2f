import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import type { SourceItem } from '../source.ts';
import { detectSource } from '../readers.ts';
import { createOpenReviewReader, profilesArrayLines } from './openreview-reader.ts';

const V1 = dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json');
const V2 = dataPath('openreview-samples', 'profiles-v2-page.json');
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-openreview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function readAll(f: string): Promise<{ items: SourceItem[]; report: Record<string, unknown> }> {
  const reader = createOpenReviewReader();
  const items: SourceItem[] = [];
  for await (const it of reader.read(f, { maxRecordBytes: 1 << 24 })) items.push(it);
  return { items, report: reader.report?.() ?? {} };
}
const factsOf = (items: SourceItem[]): RecordFacts[] => items.flatMap((i) => (i.kind === 'facts' ? [i.facts] : []));
const { contentHash: _h, line: _l, ...v1Body } = await (async () => factsOf((await readAll(V1)).items)[0] as RecordFacts)();

describe('OpenReview profile → facts (real v1 profile of ~Yang_Liu3)', () => {
  it('keys the person by the profile id and names them by the preferred (else first) name', () => {
    expect(v1Body.recordKey).toBe('openreview:profile:~Yang_Liu3');
    expect(v1Body.source).toBe('openreview');
    expect(v1Body.updatedDate).toBe('2021-05-28T19:35:47.219Z');
    expect(v1Body.people).toEqual([{ key: 'openreview:~Yang_Liu3', name: 'Yang Liu', identifiers: [], primary: true }]);
  });

  it('turns every history entry into a dated position; an open end stays open; v1 countries come from the university list', () => {
    expect(v1Body.positions.map((p) => [p.institution, p.position, p.role, p.level, p.domain, p.startYear, p.endYear, p.country, p.countryBasis, p.basis])).toEqual([
      ['name:university california santa cruz', 'Assistant Professor', 'faculty', null, 'ucsc.edu', 2018, null, 'US', 'university_domain', 'profile'],
      ['name:harvard university', 'Postdoc', 'postdoc', null, 'harvard.edu', 2016, 2018, 'US', 'university_domain', 'profile'],
      ['name:university michigan', 'PhD student', 'student', 'doctorate', 'umich.edu', 2010, 2015, 'US', 'university_domain', 'profile'],
    ]);
    expect(v1Body.institutions.map((i) => i.name)).toEqual(['University of California, Santa Cruz', 'Harvard University', 'University of Michigan']);
  });

  it('a student position is also a stated education record', () => {
    expect(v1Body.education).toEqual([
      { person: 'openreview:~Yang_Liu3', institution: 'name:university michigan', country: 'US', degree: 'doctorate', roleTitle: 'PhD student', startYear: 2010, endYear: 2015 },
    ]);
  });

  it('keeps the three advisor relations with the e-mail domain only, never the (masked) address', () => {
    expect(v1Body.relations.map((r) => [r.direction, r.relation, r.otherName, r.other, r.emailDomain, r.startYear, r.endYear])).toEqual([
      ['advisor', 'Postdoc Advisor', 'Yiling Chen', null, 'seas.harvard.edu', 2016, 2018],
      ['advisor', 'Postdoc Advisor', 'David Parkes', null, 'eecs.harvard.edu', 2016, 2018],
      ['advisor', 'PhD Advisor', 'Mingyan Liu', null, 'umich.edu', 2010, 2015],
    ]);
    expect(JSON.stringify(v1Body)).not.toContain('@');
  });
});

describe('OpenReview API v2 page (values wrapped as {"value": …}, usernames, stated countries)', () => {
  it('reads each profile of the page with the line it starts on', async () => {
    const { items } = await readAll(V2);
    const facts = factsOf(items);
    // each profile's opening brace is the line above its "id"
    const idLine = (id: string): number => readFileSync(V2, 'utf8').split('\n').findIndex((l) => l.includes(`"id": "${id}"`)) + 1;
    expect(facts.map((f) => [f.recordKey, f.line])).toEqual([
      ['openreview:profile:~Yang_Liu3', idLine('~Yang_Liu3') - 1],
      ['openreview:profile:~Ada_Example1', idLine('~Ada_Example1') - 1],
    ]);
    expect(facts[0]?.line).toBe(3);
  });

  it('unwraps v2 values: the same positions and education as v1, with the stated country (basis source) and the advisor username', async () => {
    const yang = factsOf((await readAll(V2)).items)[0] as RecordFacts;
    expect(yang.positions.map((p) => [p.institution, p.startYear, p.endYear, p.country, p.countryBasis])).toEqual(
      v1Body.positions.map((p) => [p.institution, p.startYear, p.endYear, 'US', 'source']),
    );
    expect(yang.education).toEqual(v1Body.education);
    expect(yang.relations.find((r) => r.otherName === 'David Parkes')?.other).toEqual({ scheme: 'openreview', value: '~David_C._Parkes1' });
    expect(yang.relations.filter((r) => r.other === null).map((r) => r.otherName)).toEqual(['Yiling Chen', 'Mingyan Liu']);
  });

  it('link fields become identifiers (not homepage or LinkedIn); other usernames are extra OpenReview ids; the preferred name wins', async () => {
    const ada = factsOf((await readAll(V2)).items)[1] as RecordFacts;
    expect(ada.people).toEqual([
      {
        key: 'openreview:~Ada_Example1',
        name: 'Ada Example',
        primary: true,
        identifiers: [
          { scheme: 'openreview', value: '~Ada_B._Example1' },
          { scheme: 'dblp', value: '00/0000-1' },
          { scheme: 'scholar', value: 'AbCdEfGhIjKl' },
          { scheme: 'orcid', value: '0000-0002-1825-0097' },
          { scheme: 'semanticscholar', value: '123456789' },
        ],
      },
    ]);
  });

  it('countries: stated, else the university list through a parent domain (cs.tsinghua.edu.cn), else none for a generic domain', async () => {
    const ada = factsOf((await readAll(V2)).items)[1] as RecordFacts;
    expect(ada.positions.map((p) => [p.institution, p.country, p.countryBasis, p.startYear, p.endYear])).toEqual([
      ['name:example ai lab', null, null, 2021, null],
      ['name:tsinghua university', 'CN', 'university_domain', 2017, 2021],
      ['name:eth zurich', 'CH', 'source', 2015, 2017],
      ['name:university tokyo', 'JP', 'university_domain', 2011, 2015],
    ]);
    expect(ada.education.map((e) => [e.degree, e.institution, e.country, e.roleTitle])).toEqual([
      ['doctorate', 'name:tsinghua university', 'CN', 'PhD student'],
      ['master', 'name:eth zurich', 'CH', 'MS student'],
      ['bachelor', 'name:university tokyo', 'JP', 'Undergrad student'],
    ]);
  });

  it('keeps only mentorship relations (advisor / advisee / mentor), drops the rest unread, and counts them', async () => {
    const { items, report } = await readAll(V2);
    const ada = factsOf(items)[1] as RecordFacts;
    expect(ada.relations.map((r) => [r.direction, r.relation, r.otherName, r.emailDomain])).toEqual([
      ['advisor', 'PhD Advisor', 'Bob Example', 'tsinghua.edu.cn'],
      ['advisor', 'Research Mentor', 'Eve Example', 'ethz.ch'],
      ['advisee', 'PhD Advisee', 'Fay Example', 'example.ai'],
    ]);
    const text = JSON.stringify(factsOf(items).map(({ contentHash: _, ...f }) => f));
    for (const never of ['@', 'Carol Example', 'Dan Example', 'Sibling', 'Coauthor', 'Female', 'she/her', 'example-university.edu', 'example.org', 'example.net']) {
      expect(text).not.toContain(never);
    }
    expect(report).toMatchObject({ profiles: 2, mentorship_relations: 6, relations_dropped_not_mentorship: 3, stated_education: 4, expertise_keywords: 2 });
  });

  it('expertise keywords with their years, repeated keywords once', async () => {
    const ada = factsOf((await readAll(V2)).items)[1] as RecordFacts;
    expect(ada.keywords).toEqual([
      { person: 'openreview:~Ada_Example1', keyword: 'quantum annealing', startYear: 2019, endYear: null },
      { person: 'openreview:~Ada_Example1', keyword: 'combinatorial optimisation', startYear: 2019, endYear: null },
    ]);
  });
});

describe('every shape the API and dumps come in', () => {
  const profile = (JSON.parse(readFileSync(V1, 'utf8')) as { profile: Record<string, unknown> }).profile;
  const other = { ...profile, id: '~Yang_Liu99' };
  const shapes: Array<[string, string | Buffer]> = [
    ['page.json', JSON.stringify({ profiles: [profile, other], count: 2 }, null, 1)],
    ['page-one-line.json', JSON.stringify({ profiles: [profile, other] })],
    ['array.json', JSON.stringify([profile, { profile: other }], null, 2)],
    ['lines.jsonl', `${JSON.stringify(profile)}\n${JSON.stringify({ profile: other })}\n`],
    ['lines.jsonl.gz', gzipSync(`${JSON.stringify({ profiles: [profile] })}\n${JSON.stringify(other)}\n`)],
    ['pages.jsonl', `${JSON.stringify({ profiles: [profile] })}\n\n${JSON.stringify({ profiles: [other] })}\n`],
  ];
  for (const [name, content] of shapes) {
    it(name, async () => {
      const { items } = await readAll(file(name, content));
      const facts = factsOf(items);
      expect(items.filter((i) => i.kind === 'rejected')).toEqual([]);
      expect(facts.map((f) => f.people[0]?.key)).toEqual(['openreview:~Yang_Liu3', 'openreview:~Yang_Liu99']);
      const { contentHash: _c, line: _n, ...body } = facts[0] as RecordFacts;
      expect(body).toEqual(v1Body);
      // the same profile hashes the same whatever the file's layout, so a re-ingest from another shape changes nothing
      expect((facts[0] as RecordFacts).contentHash).toBe((factsOf((await readAll(V1)).items)[0] as RecordFacts).contentHash);
    });
  }

  it('line numbers of a multi-line page follow the profiles array only, whatever other arrays the page holds', () => {
    const text = '{\n "meta": [1,\n 2],\n "profiles": [\n  {"id": "~A1", "x": [1, 2]},\n  {"id": "~B1"}\n ],\n "more": [3]\n}';
    expect(profilesArrayLines(text, 1)).toEqual([5, 6]);
    expect(profilesArrayLines('{"profiles": []}', 7)).toEqual([]);
  });

  it('an object that is not a profile is a rejection naming its place', async () => {
    const f = file('notprofiles.json', JSON.stringify({ profiles: [profile, { title: 'a note' }] }, null, 1));
    const { items } = await readAll(f);
    expect(items.filter((i) => i.kind === 'rejected').map((i) => i.kind === 'rejected' && i.rejection)).toEqual([
      { file: f, line: expect.any(Number), field: 'profiles[1]', reason: expect.stringMatching(/expected an OpenReview profile/) },
    ]);
  });
});

describe('source detection', () => {
  const profile = readFileSync(V1, 'utf8');
  it('recognises OpenReview profile files by name, and by their first KB whatever the name (gzipped too)', () => {
    expect(detectSource(V1)).toBe('openreview');
    expect(detectSource(V2)).toBe('openreview');
    expect(detectSource('/x/openreview-dump.jsonl.gz')).toBe('openreview');
    expect(detectSource(file('dump.json', profile))).toBe('openreview');
    expect(detectSource(file('dump2.jsonl.gz', gzipSync(JSON.stringify(JSON.parse(profile)).repeat(50))))).toBe('openreview');
    expect(detectSource(file('page.json', JSON.stringify({ profiles: [] })))).toBe('openreview');
  });
  it('leaves the other sources as they were', () => {
    expect(detectSource(dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json'))).toBe('openalex');
    expect(detectSource(dataPath('openalex-samples', 'openalex-research-rag', 'works_sample.json.gz'))).toBe('openalex');
    expect(detectSource(dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json'))).toBe('openalex');
    expect(detectSource(dataPath('paperlists', 'icml2023.json.gz'))).toBe('paperlist');
    expect(detectSource('/x/record.json')).toBe('orcid');
    expect(detectSource('/x/0000-0003-4423-4370.xml')).toBe('orcid');
    expect(detectSource('/x/missing-file.json')).toBe('openalex');
  });
});
