/**
 * Keys of one run that share an identifier land as one person, as they do across runs; keys that differ in a strong
 * identifier, or co-author one work, never do (a source stating one person's identifier for another).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { forEachBackend } from '../store/test-backends.ts';
import { ingestFiles } from './run-ingest.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-same-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An ORCID v3.0 record (public API JSON shape) stating Jason Priem's iD, which his real OpenAlex author record also states.
const orcidFile = path.join(dir, '0000-0001-6187-6610.json');
writeFileSync(
  orcidFile,
  JSON.stringify({
    'orcid-identifier': { path: '0000-0001-6187-6610' },
    person: { name: { 'given-names': { value: 'Jason' }, 'family-name': { value: 'Priem' } } },
    'activities-summary': {
      educations: {
        'affiliation-group': [
          {
            summaries: [
              {
                'education-summary': {
                  'role-title': 'PhD',
                  'start-date': { year: { value: '2009' } },
                  'end-date': { year: { value: '2013' } },
                  organization: { name: 'University of North Carolina at Chapel Hill', address: { country: 'US' } },
                },
              },
            ],
          },
        ],
      },
    },
  }),
);
const author = dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json');

forEachBackend((newStore) => {
  for (const order of [[author, orcidFile], [orcidFile, author]]) {
    it(`an OpenAlex author and an ORCID record with the same iD in one run are one person (${path.basename(order[0] as string)} first)`, async () => {
      const store = await newStore();
      await ingestFiles(store, order);
      const people = await store.query<{ person_id: string }>(
        `SELECT DISTINCT person_id FROM person_identifiers WHERE (scheme = 'orcid' AND value = '0000-0001-6187-6610') OR (scheme = 'openalex' AND value = 'A5023888391')`,
      );
      expect(people).toHaveLength(1);
      const edu = await store.query<{ person_id: string; degree: string }>('SELECT person_id, degree FROM education');
      expect(edu).toEqual([{ person_id: people[0]?.person_id, degree: 'doctorate' }]);
      expect(await store.query('SELECT person_id FROM people WHERE person_id = $1', ['orcid:0000-0001-6187-6610'])).toHaveLength(people[0]?.person_id === 'orcid:0000-0001-6187-6610' ? 1 : 0);
      const [n] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM people WHERE person_id IN ('orcid:0000-0001-6187-6610', 'openalex:A5023888391')`);
      expect(Number(n?.n)).toBe(1);
    });
  }
  it('a later run still joins the person the first run made', async () => {
    const store = await newStore();
    await ingestFiles(store, [author]);
    await ingestFiles(store, [orcidFile]);
    const [n] = await store.query<{ n: number }>(`SELECT COUNT(DISTINCT person_id) AS n FROM person_identifiers WHERE scheme IN ('orcid', 'openalex')`);
    expect(Number(n?.n)).toBe(1);
  });

  // Real data: CoRL 2022's paper by Kun Huang, Edward S. Hu and Dinesh Jayaraman lists the DBLP ids one author early
  // (";145/3870;245/4627": Kun Huang has none, so Edward S. Hu is given Dinesh Jayaraman's 145/3870), and CoRL 2023
  // states 145/3870 for Dinesh Jayaraman. Two OpenReview profiles are two people whatever else they seem to share.
  const corl = (year: number): string => dataPath('paperlists', `corl${year}.json.gz`);
  const two = async (store: Awaited<ReturnType<typeof newStore>>): Promise<void> => {
    const rows = await store.query<{ person_id: string; display_name: string }>(
      `SELECT p.person_id, p.display_name FROM people p JOIN person_identifiers i ON i.person_id = p.person_id
       WHERE i.scheme = 'openreview' AND i.value IN ('~Edward_S._Hu1', '~Dinesh_Jayaraman2') ORDER BY p.person_id`,
    );
    expect(rows).toEqual([
      { person_id: 'openreview:~Dinesh_Jayaraman2', display_name: 'Dinesh Jayaraman' },
      { person_id: 'openreview:~Edward_S._Hu1', display_name: 'Edward S. Hu' },
    ]);
    const multi = await store.query(`SELECT person_id FROM person_identifiers WHERE scheme = 'openreview' GROUP BY person_id HAVING COUNT(*) > 1`);
    expect(multi).toEqual([]);
  };
  it('two OpenReview profiles that a shifted DBLP column makes share an id stay two people in one run', async () => {
    const store = await newStore();
    const r = await ingestFiles(store, [corl(2022), corl(2023)]);
    await two(store);
    expect(r.refusedJoins).toBeGreaterThan(0);
    // the contested id goes to the person stating it on more records, then the smaller id (here one each: Dinesh Jayaraman)
    expect(await store.query(`SELECT person_id FROM person_identifiers WHERE scheme = 'dblp' AND value = '145/3870'`)).toEqual([{ person_id: 'openreview:~Dinesh_Jayaraman2' }]);
  });
  for (const order of [[2022, 2023], [2023, 2022]]) {
    it(`…and across runs (CoRL ${order.join(', then ')})`, async () => {
      const store = await newStore();
      for (const y of order) await ingestFiles(store, [corl(y)]);
      await two(store);
    });
  }
  it('two authors of one work never become one person, even stating one ORCID iD', async () => {
    // the real work W2741809807 with its first author's ORCID iD given to the second author too (an OpenAlex slip)
    const work = JSON.parse(readFileSync(dataPath('openalex-samples', 'b-vitamins-fixtures', 'W2741809807.json'), 'utf8')) as { authorships: Array<{ author: { orcid: string | null } }> };
    work.authorships[1]!.author.orcid = work.authorships[0]!.author.orcid;
    const file = path.join(dir, 'W2741809807-one-id-twice.json');
    writeFileSync(file, JSON.stringify(work));
    const store = await newStore();
    const r = await ingestFiles(store, [file]);
    expect(r.refusedJoins).toBe(1);
    const [n] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM people WHERE person_id IN ('openalex:A5048491430', 'openalex:A5023888391')`);
    expect(Number(n?.n)).toBe(2);
    const [authors] = await store.query<{ n: number }>(`SELECT COUNT(DISTINCT person_id) AS n FROM authorships WHERE work_id = 'W2741809807'`);
    expect(Number(authors?.n)).toBe(work.authorships.length);
  });
});
