import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataPath } from '../../core/paths.ts';
import { InputError } from '../../core/errors.ts';
import type { SqlValue, Store } from '../../store/store.ts';
import { storeStats } from '../../store/repo/stats.ts';
import { forEachBackend } from '../../store/test-backends.ts';
import { COAUTHOR_PAIRS_SQL } from '../../network/tie-graph.ts';
import { ingestFiles } from '../run-ingest.ts';

/** The real recorded ICLR 2024 notes page (free text and authors scrubbed at the source) and the real ~Yang_Liu3 profile. */
const PAGE = dataPath('openreview-samples', 'notes-v2-iclr2024-page.json');
const PROFILE = dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json');
type Obj = Record<string, unknown>;
const NOTE = (JSON.parse(readFileSync(PAGE, 'utf8')) as { notes: Obj[] }).notes[0]!;

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-openreview-notes-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, content: string): string => {
  const p = path.join(dir, `${n++}-${name}`);
  writeFileSync(p, content);
  return p;
};

function variant(edit: (c: Record<string, { value: unknown }>, note: Obj) => void): Obj {
  const v = structuredClone(NOTE);
  edit(v['content'] as Record<string, { value: unknown }>, v);
  return v;
}

const counts = async (s: Store): Promise<Record<string, number>> => ({ ...(await storeStats(s)).tables, ingest_runs: 0 });
const one = async <T>(s: Store, sql: string, params: SqlValue[] = []): Promise<T[]> => s.query<T & Record<string, unknown>>(sql, params);

forEachBackend((newStore) => {
  it('lands the recorded notes page: the work, six authors in order as openreview people, and their co-author pairs', async () => {
    const s = await newStore();
    const r = await ingestFiles(s, [PAGE]);
    expect(r.files[0]).toMatchObject({ source: 'openreview', report: expect.objectContaining({ notes: 1 }) });
    expect(r.inserted).toBe(1);
    expect(await one(s, `SELECT work_id, title, year, venue, author_count, status, source, record_key FROM works`)).toEqual([
      { work_id: 'openreview:rhgIgTSSxW', title: 'Synthetic title text 1.', year: 2024, venue: 'ICLR', author_count: 6, status: 'poster', source: 'openreview', record_key: 'openreview:note:rhgIgTSSxW' },
    ]);
    const authors = await one<{ value: string; position: number }>(
      s,
      `SELECT i.value, a.position FROM authorships a JOIN person_identifiers i ON i.person_id = a.person_id AND i.scheme = 'openreview' ORDER BY a.position`,
    );
    expect(authors.map((a) => [a.value, a.position])).toEqual([8, 9, 10, 11, 12, 13].map((k, i) => [`~Synthetic_Person${k}`, i + 1]));
    expect(Number((await one<{ n: number }>(s, `SELECT COUNT(*) AS n FROM people`))[0]?.n)).toBe(6);
    // co-authorship is derived from the shared work, as for the other paper sources: 6 authors → 15 pairs
    expect(await one(s, COAUTHOR_PAIRS_SQL, [2024, 5, 50])).toHaveLength(15);
    expect(await one(s, `SELECT updated_date FROM source_records WHERE record_key = 'openreview:note:rhgIgTSSxW'`)).toHaveLength(1);
  });

  it('a second ingest (same file, or the same note as the array a pull saves) changes nothing', async () => {
    const s = await newStore();
    await ingestFiles(s, [PAGE]);
    const before = await counts(s);
    const again = await ingestFiles(s, [PAGE]);
    expect([again.inserted, again.replaced, again.unchanged]).toEqual([0, 0, 1]);
    const asArray = await ingestFiles(s, [file('page-0001.json', JSON.stringify([NOTE], null, 2))], { source: 'openreview' });
    expect([asArray.inserted, asArray.replaced, asArray.unchanged]).toEqual([0, 0, 1]);
    expect(await counts(s)).toEqual(before);
  });

  it('a newer copy of a note (later mdate) replaces the older one whole; an older copy is stale', async () => {
    const s = await newStore();
    await ingestFiles(s, [PAGE]);
    const newer = variant((c, note) => {
      c['title'] = { value: 'Synthetic title text 1, camera ready.' };
      (c['authors']!.value as string[]).pop();
      (c['authorids']!.value as string[]).pop();
      note['mdate'] = note['tmdate'] = 1713672174575 + 86_400_000;
    });
    const r = await ingestFiles(s, [file('newer.jsonl', `${JSON.stringify(newer)}\n`)]);
    expect([r.inserted, r.replaced]).toEqual([0, 1]);
    expect(await one(s, `SELECT title, author_count FROM works`)).toEqual([{ title: 'Synthetic title text 1, camera ready.', author_count: 5 }]);
    expect(Number((await one<{ n: number }>(s, `SELECT COUNT(*) AS n FROM authorships`))[0]?.n)).toBe(5);
    const older = await ingestFiles(s, [PAGE]);
    expect([older.inserted, older.replaced, older.stale]).toEqual([0, 0, 1]);
    expect(await one(s, `SELECT title FROM works`)).toEqual([{ title: 'Synthetic title text 1, camera ready.' }]);
  });

  it('a note author and the profile of that id are one person, in either order', async () => {
    // the recorded note's author ids are placeholders: its first author id is set here to the real profile's id
    const note = variant((c) => void ((c['authorids']!.value as string[])[0] = '~Yang_Liu3'));
    const notes = file('notes.json', JSON.stringify({ notes: [note], count: 1 }));
    for (const order of [
      [notes, PROFILE],
      [PROFILE, notes],
    ]) {
      const s = await newStore();
      for (const f of order) await ingestFiles(s, [f]);
      const ids = await one<{ person_id: string }>(s, `SELECT person_id FROM person_identifiers WHERE scheme = 'openreview' AND value = '~Yang_Liu3'`);
      expect(ids).toHaveLength(1);
      const pid = ids[0]!.person_id;
      // the profile is the person's own record: its name wins over the note's author string
      expect(await one(s, `SELECT display_name FROM people WHERE person_id = $1`, [pid])).toEqual([{ display_name: 'Yang Liu' }]);
      expect(await one(s, `SELECT work_id, position FROM authorships WHERE person_id = $1`, [pid])).toEqual([{ work_id: 'openreview:rhgIgTSSxW', position: 1 }]);
      expect(Number((await one<{ n: number }>(s, `SELECT COUNT(*) AS n FROM positions WHERE person_id = $1`, [pid]))[0]?.n)).toBe(3);
      expect(Number((await one<{ n: number }>(s, `SELECT COUNT(*) AS n FROM people`))[0]?.n)).toBe(6);
    }
  });

  it('never stores an author id that is an e-mail address', async () => {
    const s = await newStore();
    const note = variant((c) => void ((c['authorids']!.value as string[])[1] = 'someone.real@example-university.edu'));
    await ingestFiles(s, [file('email.json', JSON.stringify({ notes: [note] }))]);
    const ids = await one<{ scheme: string; value: string }>(s, `SELECT scheme, value FROM person_identifiers ORDER BY scheme, value`);
    expect(ids.filter((i) => /@|example-university/.test(i.value))).toEqual([]);
    expect(ids.filter((i) => i.scheme === 'name')).toEqual([{ scheme: 'name', value: 'openreview:rhgIgTSSxW:2' }]);
    expect(Number((await one<{ n: number }>(s, `SELECT COUNT(*) AS n FROM people WHERE display_name LIKE '%@%' OR person_id LIKE '%@%'`))[0]?.n)).toBe(0);
  });

  it('bad input: the run stops naming file, line and notes[i] field, the database is unchanged; --on-error skip lands the rest', async () => {
    const s = await newStore();
    await ingestFiles(s, [PROFILE]);
    const before = await counts(s);
    const bad = variant((c, note) => {
      note['id'] = 'BadNote001';
      (c['authorids']!.value as string[]).pop();
    });
    const page = JSON.stringify({ notes: [NOTE, bad], count: 2 }, null, 2);
    const f = file('page.json', page);
    const line = page.split('\n').flatMap((l, i) => (l === '    {' ? [i + 1] : []))[1];
    const err = await ingestFiles(s, [f]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).location).toEqual({ file: f, line, field: 'notes[1].content.authorids' });
    expect((err as InputError).message).toMatch(/5 author ids for 6 authors/);
    expect(await counts(s)).toEqual(before);

    const skipped = await ingestFiles(s, [f], { onError: 'skip' });
    expect(skipped.rejected).toEqual([{ file: f, line, field: 'notes[1].content.authorids', reason: expect.stringMatching(/5 author ids/) }]);
    expect(await one(s, `SELECT work_id FROM works`)).toEqual([{ work_id: 'openreview:rhgIgTSSxW' }]);
  });
});
