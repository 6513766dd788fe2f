import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { createCsrankingsReader } from './csrankings-reader.ts';

async function read(...parts: string[]): Promise<{ facts: RecordFacts[]; report: Record<string, unknown> }> {
  const reader = createCsrankingsReader();
  const facts: RecordFacts[] = [];
  for await (const item of reader.read(dataPath('csrankings', ...parts), { maxRecordBytes: 1 << 24 })) {
    if (item.kind === 'facts') facts.push(item.facts);
    else throw new Error(item.rejection.reason);
  }
  return { facts, report: reader.report?.() ?? {} };
}

describe('CSRankings', () => {
  it('2017 roster: one faculty affiliation per person in 2017, countries from country-info (uk → GB, unlisted → US)', async () => {
    const { facts } = await read('2017-07-20', 'faculty-affiliations.csv');
    expect(facts.length).toBeGreaterThan(9000);
    const anders = facts.find((f) => f.people[0]?.key === 'csrankings:Anders Møller');
    expect(anders?.affiliationYears).toEqual([
      { person: 'csrankings:Anders Møller', year: 2017, institution: 'name:aarhus university', country: 'DK', countryBasis: 'source', role: 'faculty', basis: 'roster' },
    ]);
    const ays = facts.flatMap((f) => f.affiliationYears);
    expect(ays.filter((a) => a.country === 'GB').length).toBeGreaterThan(50);
    expect(ays.find((a) => a.institution === 'name:university edinburgh')?.country).toBe('GB');
    const bobick = facts.find((f) => f.people[0]?.key === 'csrankings:Aaron Bobick');
    expect(bobick?.affiliationYears[0]).toMatchObject({ institution: 'name:georgia institute technology', country: 'US', countryBasis: 'csrankings_default_us' });
  });

  it('2024 roster: DBLP name variants are one person with every variant and the Scholar id as identifiers', async () => {
    const { facts } = await read('2024-10-24', 'csrankings.csv.gz');
    const iust = facts.filter((f) => f.people[0]?.identifiers.some((i) => i.value === 'pCil4_cAAAAJ'));
    expect(iust).toHaveLength(1);
    expect(iust[0]?.people[0]?.identifiers.filter((i) => i.scheme === 'csrankings').map((i) => i.value).sort()).toEqual(['A. Akbari Azirani', 'A. Akbariazirani', 'Ahmad Akbari', 'Ahmad Akbari Azirani']);
    expect(iust[0]?.affiliationYears[0]).toMatchObject({ year: 2024, country: 'IR', basis: 'roster' });
    const bobick = facts.find((f) => f.people[0]?.key === 'csrankings:Aaron Bobick');
    expect(bobick?.affiliationYears[0]?.institution).toBe('name:washington university st louis');
  });

  it('faculty co-authors: dated co-author ties, each pair-year-area once', async () => {
    const { facts, report } = await read('2017-07-20', 'faculty-coauthors.csv.gz');
    const ties = facts.flatMap((f) => f.ties);
    expect(ties.length).toBeGreaterThan(20000);
    expect(ties.length).toBeLessThanOrEqual(56188);
    expect(report['coauthor_ties']).toBe(ties.length);
    const t = ties.find((x) => x.a === 'csrankings:Amos Fiat' && x.b === 'csrankings:Dimitris Achlioptas' && x.year === 2001);
    expect(t).toMatchObject({ kind: 'coauthor', evidence: 'csrankings:act' });
    expect(new Set(ties.map((x) => `${x.a}|${x.b}|${x.year}|${x.evidence}`)).size).toBe(ties.length);
  });
});
