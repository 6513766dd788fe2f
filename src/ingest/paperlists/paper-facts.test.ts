import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { KnownInstitutions } from './known-institutions.ts';
import { newPaperlistStats, paperFacts, paperlistReport, venueYearFromFile, type PaperlistStats } from './paper-facts.ts';

import { roleFromPosition } from './roles.ts';

const known = KnownInstitutions.bundled();

function parseFile(name: string, stats: PaperlistStats = newPaperlistStats()): { facts: RecordFacts[]; rejected: number; stats: PaperlistStats } {
  const arr = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', `${name}.json.gz`))).toString()) as unknown[];
  const vy = venueYearFromFile(`${name}.json.gz`);
  if (!vy) throw new Error('no venue/year');
  const facts: RecordFacts[] = [];
  let rejected = 0;
  arr.forEach((p, i) => {
    const r = paperFacts(p, { file: `${name}.json.gz`, line: i + 1, ...vy }, known, stats);
    if ('reason' in r) rejected++;
    else facts.push(r);
  });
  return { facts, rejected, stats };
}

describe('Paper Copilot paper lists', () => {
  it('colm2024 (layout A): works, OpenReview authors with dblp/scholar/orcid, stated countries', () => {
    const { facts, rejected, stats } = parseFile('colm2024');
    expect(facts).toHaveLength(299);
    expect(rejected).toBe(0);
    const paper = facts.find((f) => f.works[0]?.id === 'paperlist:colm2024:0VLBwQGWpA');
    expect(paper?.works[0]).toMatchObject({ venue: 'COLM', year: 2024, status: 'poster', citedByCount: 9, authorCount: 6 });
    expect(paper?.works[0]?.keywords).toContain('language agent');
    const peng = paper?.people.find((p) => p.key === 'openreview:~Peng_Li2');
    expect(peng?.identifiers).toEqual(
      expect.arrayContaining([
        { scheme: 'dblp', value: '83/6353-30' },
        { scheme: 'scholar', value: 'hgYzkOQAAAAJ' },
        { scheme: 'orcid', value: '0000-0003-1374-5979' },
      ]),
    );
    const fei = paper?.people.find((p) => p.key === 'openreview:~Fei_Huang1');
    expect(fei?.identifiers).toContainEqual({ scheme: 'scholar', value: 'lVhoKNcAAAAJ' });
    const zonghan = paper?.affiliationYears.find((a) => a.person === 'openreview:~Zonghan_Yang1');
    expect(zonghan).toMatchObject({ year: 2024, institution: 'name:tsinghua university', country: 'CN', countryBasis: 'source', role: 'student', basis: 'paper' });
    expect(stats.misaligned.size).toBe(0);
  });

  it('icml2017 (layout B): authors keyed by name within the paper, gs_citation, countries by name', () => {
    const { facts } = parseFile('icml2017');
    const p = facts.find((f) => f.works[0]?.id === 'paperlist:icml2017:874');
    expect(p?.works[0]).toMatchObject({ venue: 'ICML', year: 2017, citedByCount: 2324, authorCount: 11 });
    expect(p?.people[0]).toMatchObject({ key: 'name:icml2017:874:1', name: 'Devansh Arpit' });
    expect(p?.affiliationYears).toHaveLength(0); // its aff list is all empty
    const iowa = facts.flatMap((f) => f.affiliationYears).find((a) => a.institution === 'name:university iowa');
    expect(iowa).toMatchObject({ country: 'US', countryBasis: 'source' });
    const uk = facts.flatMap((f) => f.affiliationYears).filter((a) => a.country === 'GB');
    expect(uk.length).toBeGreaterThan(5);
  });

  it('iclr2021: misaligned per-author lists are skipped and counted, never guessed; countries inferred', () => {
    const { facts, stats } = parseFile('iclr2021');
    expect(facts).toHaveLength(3014);
    expect(stats.misaligned.get('iclr2021.json.gz')).toBe(1621);
    const report = paperlistReport(stats);
    expect(report['papers_per_author_lists_skipped']).toBe(1621);
    expect(report['skipped_misaligned:iclr2021.json.gz']).toBe(1621);
    const ex = stats.misalignedExamples[0];
    expect(ex && ex.aff !== ex.authors).toBe(true);
    const skipped = facts.find((f) => f.works[0]?.id.endsWith(`:${ex?.paper}`));
    expect(skipped?.affiliationYears).toHaveLength(0);
    expect(skipped?.authorships.length).toBe(ex?.authors);
    const ays = facts.flatMap((f) => f.affiliationYears);
    expect(ays.every((a) => a.countryBasis !== 'source')).toBe(true); // no country field in this file
    expect(ays.filter((a) => a.countryBasis === 'known_institution').length).toBeGreaterThan(1000);
    const cctld = ays.find((a) => a.countryBasis === 'cctld');
    expect(cctld?.country).toMatch(/^[A-Z]{2}$/);
  });

  it('~Mengfan_Xu1: Northwestern PhD student in 2021 and 2023, UMass Amherst faculty in 2025', () => {
    const stats = newPaperlistStats();
    const obs = ['iclr2021', 'icml2023', 'aistats2025']
      .flatMap((f) => parseFile(f, stats).facts)
      .flatMap((f) => f.affiliationYears)
      .filter((a) => a.person === 'openreview:~Mengfan_Xu1')
      .map((a) => [a.year, a.institution, a.country, a.role]);
    expect(obs).toEqual(
      expect.arrayContaining([
        [2021, 'name:northwestern university', 'US', 'student'],
        [2023, 'name:northwestern university', 'US', 'student'],
        [2025, 'name:university massachusetts amherst', 'US', 'faculty'],
      ]),
    );
  });

  it('maps positions to roles', () => {
    const cases: Array<[string, string | null, string | null]> = [
      ['PhD student', null, 'student'],
      ['MS student', null, 'student'],
      ['Undergrad student', null, 'student'],
      ['Postdoc', null, 'postdoc'],
      ['Full Professor', null, 'faculty'],
      ['Assistant Professor', null, 'faculty'],
      ['Lecturer', null, 'faculty'],
      ['Research Scientist', 'google.com', 'industry researcher'],
      ['Researcher', 'microsoft.com', 'industry researcher'],
      ['Researcher', 'cs.stanford.edu', 'other'],
      ['Founder', null, 'industry researcher'],
      ['Amazon Scholar', null, 'other'],
      ['', null, null],
    ];
    for (const [p, d, role] of cases) expect([p, roleFromPosition(p, d)]).toEqual([p, role]);
  });
});

describe('paperlist reader', () => {
  it('reads a real file with line numbers and reports the skipped papers', async () => {
    const { createPaperlistReader } = await import('./paperlist-reader.ts');
    const reader = createPaperlistReader(known);
    const lines: number[] = [];
    for await (const item of reader.read(dataPath('paperlists', 'corl2024.json.gz'), { maxRecordBytes: 1 << 24 })) {
      if (item.kind === 'facts') lines.push(item.facts.line);
    }
    expect(lines).toHaveLength(264);
    expect(lines[0]).toBe(2);
    expect(lines.every((l, i) => i === 0 || l > (lines[i - 1] ?? 0))).toBe(true);
    expect(reader.report?.()).toMatchObject({ papers: 264, papers_per_author_lists_skipped: 1, 'skipped_misaligned:corl2024.json.gz': 1 });
  });
});
