import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { detectSource } from '../readers.ts';
import type { SourceItem } from '../source.ts';
import { countryOfItem } from './wikidata-countries.ts';
import { createWikidataReader } from './wikidata-reader.ts';

const Q42 = dataPath('wikidata-samples', 'Q42.json');
const Q42_ST_JOHNS = dataPath('wikidata-samples', 'wikidata-q42-st-johns.jsonl');
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-wikidata-'));

async function readAll(file: string): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of createWikidataReader().read(file, { maxRecordBytes: 1 << 24 })) out.push(item);
  return out;
}
async function people(file: string): Promise<RecordFacts[]> {
  return (await readAll(file)).map((i) => {
    if (i.kind === 'rejected') throw new Error(`${i.rejection.field ?? ''}: ${i.rejection.reason}`);
    return i.facts;
  });
}
const strip = ({ line: _l, contentHash: _h, ...f }: RecordFacts): Omit<RecordFacts, 'line' | 'contentHash'> => f;

describe('Wikidata entity JSON', () => {
  it('Q42 (Douglas Adams): P69 with P512/P580/P582 → stated education and education positions; dated P108 → positions', async () => {
    const [f, ...rest] = await people(Q42);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ recordKey: 'wikidata:entity:Q42', source: 'wikidata', kind: 'entity', updatedDate: '2021-05-29T01:20:27Z', line: 1 });
    expect(f!.people).toEqual([{ key: 'wikidata:Q42', name: 'Douglas Adams', identifiers: [{ scheme: 'wikidata', value: 'Q42' }], primary: true }]);
    // St John's College (Q691283): P512 Q1765120 Bachelor of Arts, 1971–1974; Brentwood School (Q4961791), 1959–1970, no degree
    expect(f!.education).toEqual([
      { person: 'wikidata:Q42', institution: 'wikidata:Q691283', country: null, degree: 'bachelor', roleTitle: 'Bachelor of Arts', startYear: 1971, endYear: 1974 },
      { person: 'wikidata:Q42', institution: 'wikidata:Q4961791', country: null, degree: 'other', roleTitle: null, startYear: 1959, endYear: 1970 },
    ]);
    expect(f!.positions.map((p) => [p.basis, p.institution, p.startYear, p.endYear, p.level])).toEqual([
      ['education', 'wikidata:Q691283', 1971, 1974, 'bachelor'],
      ['education', 'wikidata:Q4961791', 1959, 1970, 'other'],
      // BBC (Q9531) has no dates and gives no position; The Digital Village (Q3520623) from 1996, open
      ['employment', 'wikidata:Q3520623', 1996, null, null],
    ]);
    expect(f!.relations).toEqual([]);
    // P27 (citizenship) is Q145 (United Kingdom): nothing in the facts names it
    expect(readFileSync(Q42, 'utf8')).toMatch(/"P27":\[\{"mainsnak":\{"snaktype":"value","property":"P27","datavalue":\{"value":\{"entity-type":"item","numeric-id":145,/);
    expect(JSON.stringify(f)).not.toMatch(/Q145|"GB"/);
  });

  it("with St John's College's own entity in the input (JSONL): the institution by name, its country from its P17", async () => {
    const [f] = await people(Q42_ST_JOHNS);
    expect(f!.institutions).toContainEqual({ id: "name:st john s college", name: "St John's College", country: 'GB', countryBasis: 'source', type: null, ror: null });
    expect(f!.education[0]).toMatchObject({ institution: 'name:st john s college', country: 'GB', degree: 'bachelor', startYear: 1971, endYear: 1974 });
    expect(f!.education[1]).toMatchObject({ institution: 'wikidata:Q4961791', country: null });
  });

  it('reads every shape alike: document, bare entity, array, JSONL, gzipped', async () => {
    const doc = JSON.parse(readFileSync(Q42, 'utf8')) as { entities: Record<string, unknown> };
    const sj = JSON.parse(readFileSync(dataPath('wikidata-samples', 'Q691283.json'), 'utf8')) as { entities: Record<string, unknown> };
    const bare = path.join(tmp, 'q42-bare.json');
    writeFileSync(bare, JSON.stringify(doc.entities['Q42'], null, 2));
    const arr = path.join(tmp, 'q42-array.json');
    writeFileSync(arr, `[\n${JSON.stringify(doc.entities['Q42'])},\n${JSON.stringify(sj.entities['Q691283'])}\n]\n`);
    const gz = path.join(tmp, 'q42.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(Q42_ST_JOHNS)));
    const base = (await people(Q42)).map(strip);
    expect((await people(bare)).map(strip)).toEqual(base);
    const withLookup = (await people(Q42_ST_JOHNS)).map(strip);
    expect((await people(arr)).map(strip)).toEqual(withLookup);
    expect((await people(gz)).map(strip)).toEqual(withLookup);
  });

  it('detects Wikidata and ORCID iD-named files by name', () => {
    expect(detectSource(Q42)).toBe('wikidata');
    expect(detectSource('/x/Q5.jsonl.gz')).toBe('wikidata');
    expect(detectSource(dataPath('wikidata-samples', 'wikidata-researchers.json'))).toBe('wikidata');
    expect(detectSource('/x/0000-0003-2111-1319.json')).toBe('orcid');
    expect(detectSource('/x/0000-0002-2725-476X.json')).toBe('orcid');
    expect(detectSource('/x/icml2017.json.gz')).toBe('paperlist');
  });

  it('maps country items to ISO codes from the bundled country table', () => {
    const want = 'Q30 US Q148 CN Q145 GB Q183 DE Q142 FR Q17 JP Q884 KR Q16 CA Q668 IN Q38 IT Q29 ES Q55 NL Q39 CH Q34 SE Q408 AU Q801 IL Q334 SG Q865 TW Q8646 HK Q159 RU Q155 BR Q40 AT Q31 BE Q35 DK Q33 FI Q20 NO Q45 PT Q36 PL Q27 IE Q664 NZ'.split(' ');
    for (let i = 0; i < want.length; i += 2) expect([want[i], countryOfItem(want[i]!)]).toEqual([want[i], want[i + 1]]);
    expect(countryOfItem('Q5')).toBeNull();
  });
});
