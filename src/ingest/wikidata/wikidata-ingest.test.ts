import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { dataPath } from '../../core/paths.ts';
import { forEachBackend } from '../../store/test-backends.ts';
import { tableCounts, textCellsContaining } from '../orcid/test-store-text.ts';
import { ingestFiles } from '../run-ingest.ts';

const RESEARCHERS = dataPath('wikidata-samples', 'wikidata-researchers.json');
const ORCID_PLACEHOLDER = dataPath('orcid-schema-samples', 'record-full-3.0.json'); // ORCID 0000-0002-7319-2192, Ada's P496
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-wikidata-'));

/** A copy of the researcher fixture with one change, pretty-printed like it; the file and its text. */
function variant(name: string, change: (entities: Record<string, any>) => void): { file: string; text: string } {
  const doc = JSON.parse(readFileSync(RESEARCHERS, 'utf8')) as { entities: Record<string, any> };
  change(doc.entities);
  const file = path.join(tmp, name);
  const text = JSON.stringify(doc, null, 2);
  writeFileSync(file, text);
  return { file, text };
}
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;
const one = async <T,>(p: Promise<T[]>): Promise<T | undefined> => (await p)[0];

forEachBackend((newStore) => {
  it('a researcher entity joins the person an ORCID record brought, with education, positions and stated relations', async () => {
    const store = await newStore();
    await ingestFiles(store, [ORCID_PLACEHOLDER]);
    const person = (await one(store.query<{ person_id: string }>(`SELECT person_id FROM person_identifiers WHERE scheme = 'orcid' AND value = '0000-0002-7319-2192'`)))!.person_id;
    const r = await ingestFiles(store, [RESEARCHERS]);
    expect([r.files[0]?.source, r.inserted]).toEqual(['wikidata', 2]);
    const ids = await store.query(`SELECT scheme, value FROM person_identifiers WHERE person_id = $1 ORDER BY scheme`, [person]);
    expect(ids).toEqual([
      { scheme: 'dblp', value: 'f/AdaFixture' }, { scheme: 'orcid', value: '0000-0002-7319-2192' },
      { scheme: 'scholar', value: 'AdaFixture01' }, { scheme: 'wikidata', value: 'Q990000001' },
    ]);
    const edu = await store.query(`SELECT institution_id, country, degree, role_title, start_year, end_year FROM education WHERE person_id = $1 AND source = 'wikidata' ORDER BY start_year`, [person]);
    expect(edu).toEqual([
      { institution_id: 'wikidata:Q990000103', country: null, degree: 'bachelor', role_title: "bachelor's degree", start_year: 2004, end_year: 2008 },
      // the degree item Q990000301 is not in the bundled table: its label in the input, "Master of Science", names the level
      { institution_id: 'name:fixture research labs', country: 'US', degree: 'master', role_title: 'Master of Science', start_year: 2008, end_year: 2010 },
      // the institution's country: its P17 (Q39), whose entity's P297 is CH
      { institution_id: 'name:fixture institute technology', country: 'CH', degree: 'doctorate', role_title: 'Doctor of Philosophy', start_year: 2010, end_year: 2015 },
    ]);
    const pos = await store.query(`SELECT basis, institution_id, start_year, end_year FROM positions WHERE person_id = $1 AND source = 'wikidata' AND basis = 'employment' ORDER BY start_year`, [person]);
    expect(pos).toEqual([
      { basis: 'employment', institution_id: 'name:fixture institute technology', start_year: 2015, end_year: 2018 },
      { basis: 'employment', institution_id: 'name:fixture research labs', start_year: 2018, end_year: null },
    ]);
    const rel = await store.query(`SELECT direction, relation, other_name, other_scheme, other_value, email_domain FROM relations WHERE person_id = $1 ORDER BY direction`, [person]);
    expect(rel).toEqual([
      { direction: 'advisee', relation: 'doctoral student (P185)', other_name: null, other_scheme: 'wikidata', other_value: 'Q990000003', email_domain: null },
      { direction: 'advisor', relation: 'doctoral advisor (P184)', other_name: 'Bob Fixture-Advisor', other_scheme: 'wikidata', other_value: 'Q990000002', email_domain: null },
    ]);
    const bob = await store.query(`SELECT r.direction, r.other_value FROM relations r JOIN person_identifiers i ON i.person_id = r.person_id WHERE i.scheme = 'wikidata' AND i.value = 'Q990000002'`);
    expect(bob).toEqual([{ direction: 'advisee', other_value: 'Q990000001' }]);
    const inst = await store.query(`SELECT institution_id, name, country, country_basis FROM institutions WHERE source = 'wikidata' ORDER BY institution_id`);
    expect(inst).toEqual([
      { institution_id: 'name:fixture institute technology', name: 'Fixture Institute of Technology', country: 'CH', country_basis: 'source' },
      { institution_id: 'name:fixture research labs', name: 'Fixture Research Labs', country: 'US', country_basis: 'source' },
      { institution_id: 'wikidata:Q990000103', name: null, country: null, country_basis: null },
    ]);
  });

  it('never reads P27 (citizenship) or P172 (ethnic group)', async () => {
    const store = await newStore();
    // Ada's P27 is Q1033, whose entity (P297 NG) is in the input and named by nothing else a person claim uses;
    // her P172 item Q990000401 ("Fixture ethnic group") is in the input too
    const text = readFileSync(RESEARCHERS, 'utf8');
    expect(text).toContain('"property": "P27"');
    expect(text).toContain('"property": "P172"');
    await ingestFiles(store, [RESEARCHERS]);
    for (const needle of ['NG', 'Q1033', 'Nigeria', 'Q990000401', 'Fixture ethnic group']) expect([needle, await textCellsContaining(store, needle)]).toEqual([needle, []]);
    // Douglas Adams's P27 is the United Kingdom (Q145): with his entity alone, nothing stored names GB
    await ingestFiles(store, [dataPath('wikidata-samples', 'Q42.json')]);
    expect(await textCellsContaining(store, 'GB')).toEqual([]);
    expect(await textCellsContaining(store, 'Q145')).toEqual([]);
  });

  it('rejects a malformed time, reversed years and an unknown P297 code with file, line and field; the database unchanged; skip lands the rest', async () => {
    const store = await newStore();
    await ingestFiles(store, [ORCID_PLACEHOLDER]);
    const before = await tableCounts(store);
    const ada = (e: Record<string, any>) => e['Q990000001'];
    const bad = [
      {
        v: variant('wikidata-bad-time.json', (e) => { ada(e).claims.P69[0].qualifiers.P580[0].datavalue.value.time = '+2010-00-00'; }),
        at: '"Q990000001": {', field: 'claims.P69[0].qualifiers.P580', reason: /malformed time "\+2010-00-00"/,
      },
      {
        v: variant('wikidata-reversed.json', (e) => { ada(e).claims.P108[0].qualifiers.P580[0].datavalue.value.time = '+2019-00-00T00:00:00Z'; }),
        at: '"Q990000001": {', field: 'claims.P108[0].qualifiers.P580', reason: /start year 2019 is after end year 2018/,
      },
      {
        v: variant('wikidata-bad-iso.json', (e) => { e['Q39'].claims.P297[0].mainsnak.datavalue.value = 'ZZ'; }),
        at: '"Q39": {', field: 'claims.P297[0].mainsnak', reason: /"ZZ" is not an ISO 3166-1 alpha-2 country code/,
      },
    ];
    for (const b of bad) {
      const err = await ingestFiles(store, [b.v.file]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).location).toEqual({ file: b.v.file, line: lineOf(b.v.text, b.at), field: b.field });
      expect((err as InputError).message).toMatch(b.reason);
      expect(await tableCounts(store)).toEqual(before);
    }
    const skip = await ingestFiles(store, [bad[0]!.v.file], { onError: 'skip' });
    expect(skip.rejected.map((x) => x.field)).toEqual(['claims.P69[0].qualifiers.P580']);
    // Bob lands; Ada (rejected) does not
    const wd = await store.query(`SELECT value FROM person_identifiers WHERE scheme = 'wikidata' ORDER BY value`);
    expect(wd).toEqual([{ value: 'Q990000002' }]);
  });
});
