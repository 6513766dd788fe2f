/**
 * Stated mentorship on real data: the real Paper Copilot lists that name David C. Parkes (~David_C._Parkes1, ICML
 * 2023, harvard.edu; unidentified author slots in NeurIPS 2013–2016 at eecs/seas.harvard.edu), Yiling Chen (two
 * NeurIPS 2016 slots, seas.harvard.edu) and ~Yang_Liu3 (ICML 2023), with the real relations of ~Yang_Liu3's
 * OpenReview profile (/work/shared/data/openreview-api/profile-v1-Yang_Liu3.json, as rows: the profile reader is
 * another module) inserted directly. Both backends.
 */
import { describe, expect, it, vi } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { forEachBackend } from '../store/test-backends.ts';
import type { SqlValue, Store } from '../store/store.ts';
import { refreshMentorships } from './refresh-mentorships.ts';
import { domainUnder, relationPersonId, resolveRelations } from './resolve-relations.ts';

const OWNER = 'openreview:~Yang_Liu3';
const PARKES = 'openreview:~David_C._Parkes1';
const RECORD = 'openreview:profile:~Yang_Liu3';
const list = (name: string): string => dataPath('paperlists', `${name}.json.gz`);

/** The profile's three relations as the reader would stage them (v1: name and e-mail domain, no username). */
const YANG_LIU_RELATIONS: SqlValue[][] = [
  ['advisor', 'Postdoc Advisor', 'Yiling Chen', null, null, 'seas.harvard.edu', 2016, 2018],
  ['advisor', 'Postdoc Advisor', 'David Parkes', null, null, 'eecs.harvard.edu', 2016, 2018],
  ['advisor', 'PhD Advisor', 'Mingyan Liu', null, null, 'umich.edu', 2010, 2015],
];

/** Register the profile file as an ingest run so the evidence can name its file and line. */
async function addRelations(store: Store, rows: readonly SqlValue[][], owner = OWNER, record = RECORD): Promise<void> {
  const [r] = await store.query<{ n: number | null }>('SELECT MAX(run_id) AS n FROM ingest_runs');
  const run = Number(r?.n ?? 0) + 1;
  await store.exec(
    `INSERT INTO ingest_runs (run_id, source, started_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased)
     VALUES ($1, 'openreview', '2026-01-01', 'done', 1, 1, 1, 0, 0, 0, 0, 0)`,
    [run],
  );
  await store.exec(`INSERT INTO ingest_files (run_id, file_no, path, bytes, records, format) VALUES ($1, 1, 'profile-v1-Yang_Liu3.json', 1, 1, 'json')`, [run]);
  await store.exec(`INSERT INTO source_records (record_key, source, kind, content_hash, run_id, file_no, line) VALUES ($1, 'openreview', 'profile', 'h', $2, 1, 1)`, [record, run]);
  for (const x of rows) {
    await store.exec(
      `INSERT INTO relations (person_id, direction, relation, other_name, other_scheme, other_value, email_domain, start_year, end_year, source, record_key, run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'openreview', $10, $11)`,
      [owner, ...x, record, run],
    );
  }
}

describe('domainUnder', () => {
  it('takes a domain as under itself and its parents, never a sibling or a suffix that is not a label', () => {
    expect(domainUnder('eecs.harvard.edu', 'harvard.edu')).toBe(true);
    expect(domainUnder('harvard.edu', 'harvard.edu')).toBe(true);
    expect(domainUnder('harvard.edu', 'eecs.harvard.edu')).toBe(false);
    expect(domainUnder('notharvard.edu', 'harvard.edu')).toBe(false);
    expect(domainUnder('seas.harvard.edu', 'g.harvard.edu')).toBe(false);
  });
});

// PostgreSQL ingests of several real lists take ~30 s on this machine
vi.setConfig({ testTimeout: 240_000 });

forEachBackend((newStore) => {
  it('resolves the real relations of ~Yang_Liu3: Parkes by name + e-mail domain, Mingyan Liu by his one umich.edu author slot, Yiling Chen ambiguous, an unknown name new', async () => {
    const store = await newStore();
    await ingestFiles(store, ['icml2023', 'nips2013', 'nips2014', 'nips2015', 'nips2016', 'icml2018'].map(list), { source: 'paperlist' });
    await addRelations(store, [...YANG_LIU_RELATIONS, ['advisee', 'PhD Advisee', 'Quirinus Vandermolen', null, null, 'ucsc.edu', 2019, null]]);
    const { report, ties, newPeople } = await resolveRelations(store);
    const item = (name: string) => report.items.find((i) => i.name === name)!;

    expect(item('David Parkes')).toMatchObject({ outcome: 'resolved', person: PARKES, how: 'name+email domain' });
    // the unidentified NeurIPS author slots named "David C. Parkes" at eecs.harvard.edu were set aside for the identified one
    expect(item('David Parkes').setAside).toBeGreaterThanOrEqual(3);
    const parkes = ties.find((t) => t.mentor === PARKES)!;
    expect(parkes).toMatchObject({ mentee: OWNER, kind: 'mentorship', relation: 'Postdoc Advisor', confidence: 1, startYear: 2016, endYear: 2018, source: 'openreview' });
    expect(JSON.parse(parkes.evidence)).toMatchObject({ file: 'profile-v1-Yang_Liu3.json', line: 1, relation: 'Postdoc Advisor', years: [2016, 2018], how: 'name+email domain' });

    // two NeurIPS 2016 author slots "Yiling Chen" at seas.harvard.edu, none identified: no choice
    expect(item('Yiling Chen').outcome).toBe('ambiguous');
    expect(item('Yiling Chen').candidates?.length).toBe(2);
    // "Mingyan Liu": one ICML 2018 author slot at umich.edu (the CVPR 2019 slot carries no affiliation row) — the one candidate
    expect(item('Mingyan Liu')).toMatchObject({ outcome: 'resolved', person: 'name:icml2018:2075:3', how: 'name+email domain' });

    const quirinus = item('Quirinus Vandermolen');
    expect(quirinus).toMatchObject({ outcome: 'new', how: 'new', person: relationPersonId(RECORD, 'advisee', 'Quirinus Vandermolen') });
    expect(newPeople.map((p) => p.name)).toEqual(['Quirinus Vandermolen']);
    expect(ties.find((t) => t.mentee === quirinus.person)).toMatchObject({ mentor: OWNER, kind: 'mentorship' });
    expect(report).toMatchObject({ relations: 4, resolved: 2, ambiguous: 1, new: 1, dropped: 0 });
  });

  it('resolves by identifier and by co-authorship; a tombstoned identifier never resolves; relation-only people come and go with their relation', async () => {
    const store = await newStore();
    await ingestFiles(store, [list('icml2023')], { source: 'paperlist' });
    // ~Matthias_Gerstgrasser1 co-authored with Parkes in ICML 2023: the name plus that shared work is the evidence
    await addRelations(
      store,
      [
        ['advisor', 'Postdoc Advisor', 'David C. Parkes', null, null, null, 2021, 2023],
        ['advisor', 'PhD Advisor', 'Someone Else', 'openreview', '~David_C._Parkes1', null, 2015, 2019],
        ['advisee', 'PhD Advisee', 'Erased Student', 'openreview', '~Erased_Student1', null, 2018, 2022],
        ['advisee', 'Research Mentee', 'Ottilie Brandvold', null, null, null, 2020, 2021],
      ],
      'openreview:~Matthias_Gerstgrasser1',
      'openreview:profile:~Matthias_Gerstgrasser1',
    );
    await store.exec(`INSERT INTO tombstones (scheme, value, erased_at) VALUES ('openreview', '~Erased_Student1', '2026-01-01')`);
    const r = await refreshMentorships(store);
    const by = (name: string) => r.report.items.find((i) => i.name === name)!;
    expect(by('David C. Parkes')).toMatchObject({ outcome: 'resolved', person: PARKES, how: 'name+coauthor' });
    expect(by('Someone Else')).toMatchObject({ outcome: 'resolved', person: PARKES, how: 'identifier' });
    expect(by('Erased Student')).toMatchObject({ outcome: 'dropped' });
    expect(by('Ottilie Brandvold').outcome).toBe('new');
    const stated = await store.query<{ mentor: string; mentee: string }>(`SELECT mentor, mentee FROM mentorships WHERE kind = 'mentorship' ORDER BY relation`);
    expect(stated).toHaveLength(3);
    const relPeople = await store.query<{ person_id: string; display_name: string }>(`SELECT person_id, display_name FROM people WHERE source = 'relation'`);
    expect(relPeople.map((p) => p.display_name)).toEqual(['Ottilie Brandvold']);
    // refresh again: same person id, nothing duplicated
    await refreshMentorships(store);
    expect(await store.query(`SELECT person_id FROM people WHERE source = 'relation'`)).toEqual([{ person_id: relPeople[0]!.person_id }]);
    // the relation goes (a newer profile without it): the relation-only person goes at the next refresh
    await store.exec(`DELETE FROM relations WHERE other_name = 'Ottilie Brandvold'`);
    const again = await refreshMentorships(store);
    expect(again.relationPeople).toEqual({ created: 0, removed: 1 });
    expect(await store.query(`SELECT person_id FROM people WHERE source = 'relation'`)).toEqual([]);
  });

  it('erasure removes the relations that resolved to the erased person, so a name match cannot bring them back', async () => {
    const store = await newStore();
    await ingestFiles(store, [list('icml2023')], { source: 'paperlist' });
    await addRelations(store, YANG_LIU_RELATIONS.slice(1, 2)); // "David Parkes", eecs.harvard.edu
    await refreshMentorships(store);
    expect(await store.query(`SELECT mentor FROM mentorships WHERE kind = 'mentorship'`)).toEqual([{ mentor: PARKES }]);
    const erased = await erasePerson(store, PARKES);
    expect(erased.removed['relations_naming_them']).toBe(1);
    await refreshMentorships(store);
    // without the deletion the name would now match nobody and make a relation-only "David Parkes"
    expect(await store.query(`SELECT mentor FROM mentorships WHERE kind = 'mentorship'`)).toEqual([]);
    expect(await store.query(`SELECT person_id FROM people WHERE source = 'relation' OR display_name LIKE '%Parkes%'`)).toEqual([]);
    expect(await store.query(`SELECT COUNT(*) AS n FROM relations WHERE person_id = $1`, [OWNER])).toEqual([{ n: 0 }]);
  });

  it('erasing a profile owner removes the people known only from their relations', async () => {
    const store = await newStore();
    await ingestFiles(store, [list('icml2023')], { source: 'paperlist' });
    await addRelations(store, [['advisee', 'PhD Advisee', 'Quirinus Vandermolen', null, null, null, 2019, null]]);
    await refreshMentorships(store);
    expect(await store.query(`SELECT COUNT(*) AS n FROM people WHERE source = 'relation'`)).toEqual([{ n: 1 }]);
    const erased = await erasePerson(store, OWNER);
    expect(erased.removed['relation_only_people']).toBe(1);
    expect(await store.query(`SELECT COUNT(*) AS n FROM people WHERE source = 'relation'`)).toEqual([{ n: 0 }]);
  });
});
