import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataPath } from '../../core/paths.ts';
import { InputError } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import { storeStats } from '../../store/repo/stats.ts';
import { forEachBackend } from '../../store/test-backends.ts';
import { refreshCareers } from '../../careers/index.ts';
import { searchPeople } from '../../search/index.ts';
import { refreshMentorships } from '../../mentors/index.ts';
import { ingestFiles } from '../run-ingest.ts';

const V1 = dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json');
const V2 = dataPath('openreview-samples', 'profiles-v2-page.json');
/** The bundled Paper Copilot lists in which ~Yang_Liu3 is an author (aistats2025 makes 2025 the data's last year). */
const LISTS = ['iclr2021.json.gz', 'nips2021.json.gz', 'icml2023.json.gz', 'aistats2025.json.gz'].map((f) => dataPath('paperlists', f));
const GOOD = (JSON.parse(readFileSync(V1, 'utf8')) as { profile: Record<string, unknown> }).profile;
type Content = Record<string, Array<Record<string, unknown>>>;

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-openreview-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, content: string): string => {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
};

/** A copy of the real profile under another id, with its content edited. */
function variant(id: string, edit: (c: Content) => void): Record<string, unknown> {
  const p = structuredClone(GOOD);
  p['id'] = id;
  edit(p['content'] as Content);
  return p;
}

const counts = async (s: Store): Promise<Record<string, number>> => {
  const t = (await storeStats(s)).tables;
  return { ...t, ingest_runs: 0 };
};

/** Every text value in every base table, with where it sits. */
async function allText(s: Store): Promise<Array<{ at: string; value: string }>> {
  const cols = await s.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema IN ('main', 'public')
       AND lower(c.data_type) IN ('text', 'varchar', 'character varying')
     ORDER BY c.table_name, c.column_name`,
  );
  expect(cols.length).toBeGreaterThan(40);
  const out: Array<{ at: string; value: string }> = [];
  for (const c of cols) {
    for (const r of await s.query<{ v: string }>(`SELECT ${c.column_name} AS v FROM ${c.table_name} WHERE ${c.column_name} IS NOT NULL`)) {
      out.push({ at: `${c.table_name}.${c.column_name}`, value: r.v });
    }
  }
  return out;
}

forEachBackend((newStore) => {
  it('never stores an e-mail address (not even masked), gender, or a relation that is not a mentorship', async () => {
    const s = await newStore();
    await ingestFiles(s, [V1]);
    await ingestFiles(s, [V2]);
    // the derived tables too, as `atlas ingest` refreshes them
    await refreshCareers(s);
    await refreshMentorships(s);
    expect(Number((await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM mentorships`))[0]?.n)).toBeGreaterThan(0);
    const text = await allText(s);
    expect(text.some((t) => t.at === 'relations.email_domain' && t.value === 'eecs.harvard.edu')).toBe(true);
    const emails = ['****@seas.harvard.edu', '****@ucsc.edu', '****@eecs.harvard.edu', '****@umich.edu', 'ada.example@example-university.edu', 'carol@example.org', 'fay@example.ai'];
    const never = ['@', '****', ...emails, 'example-university.edu', 'example.org', 'example.net', 'Female', 'she/her', 'Carol Example', 'Dan Example', 'Sibling', 'Coauthor', 'Coworker', 'linkedin'];
    for (const bad of never) expect(text.filter((t) => t.value.toLowerCase().includes(bad.toLowerCase()))).toEqual([]);
    const rel = await s.query<{ relation: string; direction: string }>(`SELECT relation, direction FROM relations ORDER BY relation, other_name`);
    expect(rel.map((r) => r.relation).every((r) => /advisor|advisee|mentor|supervisor/i.test(r))).toBe(true);
    expect(rel).toHaveLength(6);
  });

  it("joins the paper-list person ~Yang_Liu3: positions, open end to the data's last year, stated education, advisors, careers", async () => {
    const s = await newStore();
    await ingestFiles(s, LISTS);
    const r = await ingestFiles(s, [V1]);
    expect(r.files[0]?.source).toBe('openreview');
    expect(r.files[0]?.report).toMatchObject({ profiles: 1, mentorship_relations: 3, stated_education: 1, country_university_domain: 3 });
    const ids = await s.query<{ person_id: string }>(`SELECT person_id FROM person_identifiers WHERE scheme = 'openreview' AND value = '~Yang_Liu3'`);
    expect(ids).toHaveLength(1);
    const pid = ids[0]!.person_id;
    const authored = await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM authorships WHERE person_id = $1`, [pid]);
    expect(Number(authored[0]?.n)).toBeGreaterThanOrEqual(10);
    expect(await s.query(`SELECT display_name FROM people WHERE person_id = $1`, [pid])).toEqual([{ display_name: 'Yang Liu' }]);

    const years = async (): Promise<Record<string, string>> => {
      const rows = await s.query<{ institution_id: string; country: string; lo: number; hi: number; n: number }>(
        `SELECT institution_id, country, MIN(year) AS lo, MAX(year) AS hi, COUNT(*) AS n FROM affiliation_years_all
         WHERE person_id = $1 AND basis = 'profile' GROUP BY institution_id, country ORDER BY institution_id`,
        [pid],
      );
      return Object.fromEntries(rows.map((x) => [x.institution_id, `${x.country} ${x.lo}-${x.hi} (${Number(x.n)})`]));
    };
    expect(await years()).toEqual({
      'name:university michigan': 'US 2010-2015 (6)',
      'name:harvard university': 'US 2016-2018 (3)',
      'name:university california santa cruz': 'US 2018-2025 (8)',
    });
    expect(await s.query(`SELECT institution_id, country, country_basis, position, role, level, start_year, end_year FROM positions WHERE person_id = $1 ORDER BY start_year`, [pid])).toEqual([
      { institution_id: 'name:university michigan', country: 'US', country_basis: 'university_domain', position: 'PhD student', role: 'student', level: 'doctorate', start_year: 2010, end_year: 2015 },
      { institution_id: 'name:harvard university', country: 'US', country_basis: 'university_domain', position: 'Postdoc', role: 'postdoc', level: null, start_year: 2016, end_year: 2018 },
      { institution_id: 'name:university california santa cruz', country: 'US', country_basis: 'university_domain', position: 'Assistant Professor', role: 'faculty', level: null, start_year: 2018, end_year: null },
    ]);
    expect(await s.query(`SELECT institution_id, country, degree, start_year, end_year, basis, source FROM education_records WHERE person_id = $1`, [pid])).toEqual([
      { institution_id: 'name:university michigan', country: 'US', degree: 'doctorate', start_year: 2010, end_year: 2015, basis: 'stated', source: 'openreview' },
    ]);
    expect(await s.query(`SELECT direction, relation, other_name, other_scheme, email_domain, start_year, end_year FROM relations WHERE person_id = $1 ORDER BY other_name`, [pid])).toEqual([
      { direction: 'advisor', relation: 'Postdoc Advisor', other_name: 'David Parkes', other_scheme: null, email_domain: 'eecs.harvard.edu', start_year: 2016, end_year: 2018 },
      { direction: 'advisor', relation: 'PhD Advisor', other_name: 'Mingyan Liu', other_scheme: null, email_domain: 'umich.edu', start_year: 2010, end_year: 2015 },
      { direction: 'advisor', relation: 'Postdoc Advisor', other_name: 'Yiling Chen', other_scheme: null, email_domain: 'seas.harvard.edu', start_year: 2016, end_year: 2018 },
    ]);

    await refreshCareers(s);
    // no bachelor listed: the education origin is the earliest education record with a country (the UMich PhD)
    expect(await s.query(`SELECT origin, origin_basis, edu_origin, undergrad_country, graduate_country, current_country FROM careers WHERE person_id = $1`, [pid])).toEqual([
      { origin: 'US', origin_basis: 'education', edu_origin: 'US', undergrad_country: null, graduate_country: 'US', current_country: 'US' },
    ]);

    // the open end keeps up: a later list extends the data's last year, and the UCSC position reaches it unchanged
    const later = path.join(mkdtempSync(path.join(dir, 'later-')), 'iclr2027.json');
    writeFileSync(later, JSON.stringify([{ id: 'x2027', title: 'A later paper', author: 'Someone Else', authorids: '~Someone_Else1', aff: 'Carnegie Mellon University', aff_domain: 'cmu.edu', position: 'PhD student' }]));
    await ingestFiles(s, [later]);
    expect((await years())['name:university california santa cruz']).toBe('US 2018-2027 (10)');
    expect(await s.query(`SELECT end_year FROM positions WHERE person_id = $1 AND start_year = 2018`, [pid])).toEqual([{ end_year: null }]);
  }, 240_000); // four real lists (~220k lines) and a careers refresh: ~30 s on PostgreSQL alone, more on a loaded machine

  it('a missing start with a known end is the end year alone; an entry without years keeps its education record, with no years', async () => {
    const s = await newStore();
    const p = variant('~Partial_Years1', (c) => {
      delete c['history']![1]!['start']; // Harvard postdoc: end 2018 only
      c['history']![2]!['start'] = null; // UMich PhD: no years at all
      c['history']![2]!['end'] = '';
    });
    await ingestFiles(s, [file('partial.jsonl', `${JSON.stringify(p)}\n`)], { source: 'openreview' });
    expect(await s.query(`SELECT institution_id, year FROM affiliation_years_all WHERE institution_id <> 'name:university california santa cruz' ORDER BY year`)).toEqual([
      { institution_id: 'name:harvard university', year: 2018 },
    ]);
    expect(await s.query(`SELECT degree, start_year, end_year FROM education_records`)).toEqual([{ degree: 'doctorate', start_year: null, end_year: null }]);
  });

  it('re-ingesting the same profile (from another file shape) changes nothing', async () => {
    const s = await newStore();
    await ingestFiles(s, [V1]);
    const before = await counts(s);
    const again = await ingestFiles(s, [file('again.jsonl', `${JSON.stringify({ profiles: [GOOD] })}\n`)]);
    expect(again.inserted + again.replaced).toBe(0);
    expect(again.unchanged).toBe(1);
    expect(await counts(s)).toEqual(before);
  });

  it('expertise keywords feed search: a person whose only match is a profile keyword is found, and the result says so', async () => {
    const s = await newStore();
    await ingestFiles(s, [dataPath('paperlists', 'corl2023.json.gz'), V2]);
    const r = await searchPeople(s, 'quantum annealing');
    const ada = await s.query<{ person_id: string }>(`SELECT person_id FROM person_identifiers WHERE scheme = 'openreview' AND value = '~Ada_Example1'`);
    expect(r.results.map((x) => x.personId)).toContain(ada[0]!.person_id);
    const hit = r.results.find((x) => x.personId === ada[0]!.person_id)!;
    expect(hit.matchedWorks).toEqual([
      expect.objectContaining({ title: 'expertise: combinatorial optimisation; quantum annealing', venue: 'profile (openreview)', matchedTerms: ['quantum', 'annealing'] }),
    ]);
    // an expertise document is no work: it adds no works, citations or h-index
    expect(hit.breakdown).toMatchObject({ worksInStore: 0, citations: 0, hIndex: 0 });
    expect((await searchPeople(s, 'combinatorial optimisation')).results.map((x) => x.personId)).toContain(ada[0]!.person_id);
  });

  const bad: Array<[string, (c: Content) => void, string, RegExp]> = [
    ['a non-numeric year', (c) => void (c['history']![1]!['start'] = 'twenty sixteen'), 'content.history[1].start', /expected a year/],
    ['reversed years', (c) => void (c['history']![2]!['start'] = 2019), 'content.history[2].start', /start year 2019 is after end year 2015/],
    ['an unknown country code', (c) => void ((c['history']![0]!['institution'] as Record<string, unknown>)['country'] = 'XX'), 'content.history[0].institution.country', /unknown country code "XX"/],
    ['a mentorship relation without a name or username', (c) => void delete c['relations']![1]!['name'], 'content.relations[1].name', /names no one/],
    ['reversed relation years', (c) => void (c['relations']![0]!['end'] = 2001), 'content.relations[0].start', /after end year 2001/],
  ];
  for (const [name, edit, field, reason] of bad) {
    it(`bad input, ${name}: the run stops naming file, line and field, and the database is unchanged; --on-error skip lands the good profiles`, async () => {
      const s = await newStore();
      await ingestFiles(s, [V1]);
      const before = await counts(s);
      const page = JSON.stringify({ profiles: [variant('~Good_Person1', () => undefined), variant('~Bad_Person1', edit)] }, null, 2);
      const f = file('profiles.json', page);
      const line = page.split('\n').findIndex((l) => l.includes('"~Bad_Person1"'));
      const err = await ingestFiles(s, [f]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).location).toEqual({ file: f, line, field });
      expect((err as InputError).message).toMatch(reason);
      expect(await counts(s)).toEqual(before);

      const skipped = await ingestFiles(s, [f], { onError: 'skip' });
      expect(skipped.rejected).toEqual([{ file: f, line, field, reason: expect.stringMatching(reason) }]);
      const landed = await s.query<{ value: string }>(`SELECT value FROM person_identifiers WHERE scheme = 'openreview' ORDER BY value`);
      expect(landed.map((x) => x.value)).toEqual(['~Good_Person1', '~Yang_Liu3']);
    });
  }
});
