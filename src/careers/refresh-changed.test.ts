/**
 * Careers derived again only for the people whose facts changed (refresh-careers.ts changedOnly), on both backends
 * with real data: after each ingest, the careers, moves and presence runs a refresh leaves equal those of a full
 * derivation of the same store — after new paper lists, ORCID records and OpenReview profiles; after a paper
 * replaced by a copy with two authors fewer and an ORCID record replaced by a copy stating nothing, whose people
 * have no new rows at all (only `career_changes` names them); and a refresh with a new reference year derives
 * everyone.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { refreshMentorships } from '../mentors/refresh-mentorships.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import type { Queryable } from '../store/store.ts';
import { forEachBackend } from '../store/test-backends.ts';
import { CAREER_COLUMNS, refreshCareers, refreshCareersKeepingParams, type RefreshResult } from './refresh-careers.ts';

const V2 = dataPath('orcid-records', 'v2.0-json');
const ORCID = readdirSync(V2).sort().map((f) => path.join(V2, f));
const PARDO = path.join(V2, '0000-0003-2111-1319.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-careers-changed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every derived row, in one order (the refresh id aside). */
async function derived(db: Queryable): Promise<Record<string, unknown>> {
  return {
    careers: await db.query(`SELECT ${CAREER_COLUMNS.map((c) => c.name).join(', ')} FROM careers ORDER BY person_id`),
    moves: await db.query('SELECT person_id, level, seq, from_place, to_place, year FROM moves ORDER BY person_id, level, seq'),
    presence: await db.query('SELECT person_id, level, place, first_year, last_year FROM career_presence ORDER BY person_id, level, place, first_year'),
    people: (await db.query('SELECT people FROM career_params'))[0],
  };
}

forEachBackend((newStore) => {
  it('equal a full derivation after each ingest, replaced records included; a new reference year derives everyone', async () => {
    const store = await newStore();
    /**
     * Ingest and refresh as `atlas ingest` does (refreshDerived: careers, then mentorships), comparing the careers
     * with a full derivation of the same store in between.
     */
    const step = async (files: string[]): Promise<RefreshResult> => {
      await ingestFiles(store, files);
      const careers = await refreshCareersKeepingParams(store);
      const after = await derived(store);
      const full = await refreshCareers(store, careers.params);
      expect(full.mode).toBe('full');
      expect(after).toEqual(await derived(store));
      await refreshMentorships(store); // it creates the people known only from a relation: the next refresh derives them
      return careers;
    };
    const first = await step([dataPath('paperlists', 'corl2021.json.gz'), dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json'), ...ORCID.slice(0, 9)]);
    expect(first.mode).toBe('full'); // nothing derived before
    // the rest of the ORCID records (one names 2023: open employments run further) and the OpenReview profiles
    const more = await step([...ORCID.slice(9), dataPath('openreview-samples', 'profiles-v2-page.json')]);
    expect(more.mode).toBe('changed');
    expect(more.derived).toBeLessThan(more.people);
    expect(more.derived).toBeGreaterThan(0);

    // a 2021 paper replaced by a copy with its last two authors gone, both authors of that paper alone; an ORCID
    // record replaced by a copy stating no education and no employment
    const papers = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', 'corl2021.json.gz'))).toString('utf8')) as Array<{ author: string; authorids: string; aff_unique_norm?: string }>;
    const ids = (p: { authorids: string }): string[] => p.authorids.split(';').map((x) => x.trim());
    const papersOf = new Map<string, number>();
    for (const p of papers) for (const a of ids(p)) papersOf.set(a, (papersOf.get(a) ?? 0) + 1);
    const i = papers.findIndex((p) => ids(p).length >= 4 && p.aff_unique_norm && ids(p).slice(-2).every((a) => a.startsWith('~') && papersOf.get(a) === 1));
    expect(i).toBeGreaterThanOrEqual(0);
    const cut = (v: string): string => v.split(';').slice(0, -2).join(';');
    writeFileSync(path.join(tmp, 'corl2021.json'), JSON.stringify([{ ...papers[i]!, author: cut(papers[i]!.author), authorids: cut(papers[i]!.authorids) }]));
    const pardo = JSON.parse(readFileSync(PARDO, 'utf8')) as Record<string, any>;
    pardo['activities-summary']['educations']['education-summary'] = [];
    pardo['activities-summary']['employments']['employment-summary'] = [];
    writeFileSync(path.join(tmp, path.basename(PARDO)), JSON.stringify(pardo, null, 4));
    const gone = ids(papers[i]!).slice(-2);
    const careerOf = async (sql: string, v: string): Promise<unknown> => (await store.query(`SELECT c.origin, c.first_year FROM careers c WHERE c.person_id IN (${sql})`, [v]))[0];
    const byOpenReview = `SELECT person_id FROM people WHERE person_id = 'openreview:' || $1`;
    const byOrcid = `SELECT person_id FROM person_identifiers WHERE scheme = 'orcid' AND value = $1`;
    expect(await careerOf(byOrcid, '0000-0003-2111-1319')).toMatchObject({ origin: 'BR' });
    const replaced = await step([path.join(tmp, 'corl2021.json'), path.join(tmp, path.basename(PARDO))]);
    expect(replaced.mode).toBe('changed');
    // the people who lost every fact now have careers without an origin or a first year
    expect(await careerOf(byOrcid, '0000-0003-2111-1319')).toEqual({ origin: null, first_year: null });
    for (const a of gone) expect(await careerOf(byOpenReview, a)).toEqual({ origin: null, first_year: null });

    // CoRL 2022: a new reference year moves everyone's career age
    const later = await step([dataPath('paperlists', 'corl2022.json.gz')]);
    expect([later.mode, later.derived]).toEqual(['full', later.people]);
  }, 300_000);
});
