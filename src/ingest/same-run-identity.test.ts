/** Keys of one run that share an identifier land as one person, as they do across runs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
