import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import { forEachBackend } from '../../store/test-backends.ts';
import { ingestFiles } from '../run-ingest.ts';
import { tableCounts, textCellsContaining } from './test-store-text.ts';

const V2 = dataPath('orcid-records', 'v2.0-json');
const ALL = [...readdirSync(V2).map((f) => path.join(V2, f)), dataPath('orcid-records', 'v3.0-xml', '0000-0003-4423-4370.xml')];
const PARDO = path.join(V2, '0000-0003-2111-1319.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-orcid-'));

/** A copy of a real record with one change, pretty-printed like the original; returns the file and its text. */
function variant(name: string, from: string, change: (doc: Record<string, any>) => void): { file: string; text: string } {
  const doc = JSON.parse(readFileSync(from, 'utf8')) as Record<string, any>;
  change(doc);
  const file = path.join(tmp, name);
  const text = JSON.stringify(doc, null, 4);
  writeFileSync(file, text);
  return { file, text };
}
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

forEachBackend((newStore) => {
  it('ingests every real record (18 v2.0 JSON, one v3.0 XML): positions, education; open employment ends run to the last year of the data', async () => {
    const store = await newStore();
    const r = await ingestFiles(store, ALL); // detected as ORCID from their iD-named files
    expect(r.files.every((f) => f.source === 'orcid')).toBe(true);
    // the XML and the v2.0 JSON of 0000-0003-4423-4370 are one record (same key): one copy lands
    expect([r.records, r.inserted, r.rejected.length]).toEqual([19, 18, 0]);
    expect(await store.query(`SELECT degree, COUNT(*) AS n FROM education GROUP BY degree ORDER BY degree`)).toEqual([
      { degree: 'bachelor', n: 4 }, { degree: 'doctorate', n: 7 }, { degree: 'master', n: 7 }, { degree: 'other', n: 7 },
    ]);
    expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM affiliation_years`))[0]?.n)).toBe(0);
    const last = Number((await store.query<{ year: number }>(`SELECT year FROM data_last_year`))[0]?.year);
    expect(last).toBe(2023); // the newest year any record names (the v3.0 XML copy, which lands)
    const pardo = await store.query<{ year: number; basis: string; country: string }>(
      `SELECT year, basis, country FROM affiliation_years_all a JOIN person_identifiers i ON i.person_id = a.person_id
       WHERE i.scheme = 'orcid' AND i.value = '0000-0003-2111-1319' ORDER BY basis, year`,
    );
    const years = (basis: string): number[] => pardo.filter((p) => p.basis === basis).map((p) => Number(p.year));
    expect(years('employment')).toEqual(Array.from({ length: last - 2006 + 1 }, (_, i) => 2006 + i));
    // 1996–1999 bachelor, 2000–2002 master, 2002–2005 doctorate, 2005 postdoc: one row per record and year
    expect(years('education')).toEqual([1996, 1997, 1998, 1999, 2000, 2001, 2002, 2002, 2003, 2004, 2005, 2005]);
    expect(new Set(pardo.map((p) => p.country))).toEqual(new Set(['BR']));
  });

  it('stores no e-mail, no residence country, biography or keywords', async () => {
    const store = await newStore();
    // 0000-0002-1023-5407 states no employment or education; give it a residence in a country nothing else names
    const resident = variant('0000-0002-1023-5407.json', path.join(V2, '0000-0002-1023-5407.json'), (d) => {
      d['person']['addresses']['address'] = [{ country: { value: 'NZ' }, visibility: 'PUBLIC' }];
      d['person']['biography'] = { content: 'Biography text never stored', visibility: 'PUBLIC' };
    });
    await ingestFiles(store, [...ALL.filter((f) => !f.endsWith('0000-0002-1023-5407.json')), resident.file]);
    const emails = ALL.flatMap((f) => readFileSync(f, 'utf8').match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []);
    expect(emails.length).toBe(3); // the real records do carry e-mail addresses
    expect(await textCellsContaining(store, '@')).toEqual([]);
    expect(await textCellsContaining(store, 'NZ')).toEqual([]);
    expect(await textCellsContaining(store, 'Biography text')).toEqual([]);
    const kw = JSON.parse(readFileSync(PARDO, 'utf8')).person.keywords.keyword as Array<{ content: string }>;
    for (const k of kw) expect(await textCellsContaining(store, k.content)).toEqual([]);
  });

  it('rejects non-numeric and reversed dates and a non-ISO country with file, line and field; the database unchanged; skip lands the rest', async () => {
    const store = await newStore();
    await ingestFiles(store, [path.join(V2, '0000-0001-9655-3870.json')]);
    const before = await tableCounts(store);
    const edu = (i: number) => (d: Record<string, any>) => d['activities-summary']['educations']['education-summary'][i];
    const bad = [
      { v: variant('bad-year.json', PARDO, (d) => { edu(1)(d)['start-date']['year']['value'] = '20O2'; }), field: 'activities-summary.educations.education-summary[1].start-date.year', at: '/education/3957738', reason: /"20O2" is not a four-digit number/ },
      { v: variant('reversed.json', PARDO, (d) => { d['activities-summary']['employments']['employment-summary'][0]['end-date'] = { year: { value: '2001' } }; }), field: 'activities-summary.employments.employment-summary[0].end-date.year', at: '/employment/3957763', reason: /end year 2001 is before start year 2006/ },
      { v: variant('country.json', PARDO, (d) => { edu(3)(d)['organization']['address']['country'] = 'BRA'; }), field: 'activities-summary.educations.education-summary[3].organization.address.country', at: '/education/3957718', reason: /"BRA" is not an ISO 3166-1/ },
    ];
    for (const b of bad) {
      const err = await ingestFiles(store, [path.join(V2, '0000-0002-3650-7247.json'), b.v.file], { source: 'orcid' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      const loc = (err as InputError).location;
      expect(loc).toEqual({ file: b.v.file, line: lineOf(b.v.text, b.at), field: b.field });
      expect((err as InputError).message).toMatch(b.reason);
      expect(await tableCounts(store)).toEqual(before);
    }
    const skip = await ingestFiles(store, [path.join(V2, '0000-0002-3650-7247.json'), ...bad.map((b) => b.v.file)], { source: 'orcid', onError: 'skip' });
    expect(skip.inserted).toBe(1);
    expect(skip.rejected.map((x) => x.field)).toEqual(bad.map((b) => b.field));
    const landed = await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'orcid' ORDER BY value`);
    expect(landed).toEqual([{ value: '0000-0001-9655-3870' }, { value: '0000-0002-3650-7247' }]);
  });
});
