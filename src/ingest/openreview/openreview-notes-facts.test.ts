import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dataPath } from '../../core/paths.ts';
import type { RecordFacts } from '../facts.ts';
import { KnownInstitutions } from '../paperlists/known-institutions.ts';
import { newPaperlistStats, paperFacts } from '../paperlists/paper-facts.ts';
import { detectSource } from '../readers.ts';
import type { Rejection } from '../source.ts';
import { createOpenReviewReader } from './openreview-reader.ts';
import { isOpenReviewNote, newNoteStats, NoteProblem, openReviewNoteFacts } from './openreview-notes-facts.ts';

/** The real recorded `GET /notes?content.venueid=ICLR.cc/2024/Conference` page (free text and authors scrubbed at the source). */
const PAGE = dataPath('openreview-samples', 'notes-v2-iclr2024-page.json');
const PAGE_TEXT = readFileSync(PAGE, 'utf8');
type Obj = Record<string, unknown>;
const NOTE = (JSON.parse(PAGE_TEXT) as { notes: Obj[] }).notes[0]!;
const PROFILE = (JSON.parse(readFileSync(dataPath('openreview-samples', 'profiles-v2-page.json'), 'utf8')) as { profiles: Obj[] }).profiles[0]!;

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-openreview-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Writes a file under its own fresh folder, so its base name is exactly `name` (source detection reads names). */
const file = (name: string, content: string | Buffer): string => {
  const p = path.join(mkdtempSync(path.join(dir, 'f-')), name);
  writeFileSync(p, content);
  return p;
};

/** A copy of the recorded note with its content (v2 `{value}` fields) and note-level fields edited. */
function variant(edit: (c: Record<string, { value: unknown }>, note: Obj) => void): Obj {
  const v = structuredClone(NOTE);
  edit(v['content'] as Record<string, { value: unknown }>, v);
  return v;
}

async function read(f: string): Promise<{ facts: RecordFacts[]; rejected: Rejection[]; report: Record<string, unknown> }> {
  const reader = createOpenReviewReader();
  const facts: RecordFacts[] = [];
  const rejected: Rejection[] = [];
  for await (const item of reader.read(f, { maxRecordBytes: 1 << 24 })) {
    if (item.kind === 'facts') facts.push(item.facts);
    else rejected.push(item.rejection);
  }
  return { facts, rejected, report: reader.report?.() ?? {} };
}

/** The line the page's one note starts on (the file is JSON.stringify(…, null, 1): the note's `{` alone on its line). */
const noteLine = PAGE_TEXT.split('\n').indexOf('  {') + 1;

describe('OpenReview notes reader', () => {
  it('reads the recorded v2 notes page: one work, six authorships in order, people keyed by profile id', async () => {
    const { facts, rejected, report } = await read(PAGE);
    expect(rejected).toEqual([]);
    expect(facts).toHaveLength(1);
    const f = facts[0]!;
    expect(noteLine).toBeGreaterThan(2);
    expect(f).toMatchObject({ recordKey: 'openreview:note:rhgIgTSSxW', source: 'openreview', kind: 'note', line: noteLine, updatedDate: new Date(1713672174575).toISOString() });
    expect(f.works).toEqual([
      {
        id: 'openreview:rhgIgTSSxW',
        title: 'Synthetic title text 1.',
        year: 2024,
        venue: 'ICLR',
        citedByCount: null,
        authorCount: 6,
        keywords: ['Synthetic keywords text 14.', 'Synthetic keywords text 15.', 'Synthetic keywords text 16.', 'Synthetic keywords text 17.', 'Synthetic keywords text 18.'],
        topics: ['Synthetic primary area text 21.'],
        abstract: 'Synthetic abstract text 20.',
        status: 'poster',
        doi: null,
      },
    ]);
    expect(f.people.map((p) => [p.key, p.name, p.primary])).toEqual([2, 3, 4, 5, 6, 7].map((i) => [`openreview:~Synthetic_Person${i + 6}`, `Synthetic Author ${i}`, false]));
    expect(f.authorships.map((a) => [a.person, a.position, a.work])).toEqual(f.people.map((p, i) => [p.key, i + 1, 'openreview:rhgIgTSSxW']));
    // the scrubbed `_bibtex` holds an e-mail-like placeholder: nothing the reader keeps mentions it
    expect(JSON.stringify({ ...f, contentHash: '' })).not.toMatch(/@|example\.org/);
    expect(report).toMatchObject({ notes: 1, notes_without_authors: 0, note_authors_without_profile_id: 0, profiles: 0 });
  });

  it('the same note as a JSON array, JSONL and gzipped gives the same facts and the same content hash', async () => {
    const page = (await read(PAGE)).facts[0]!;
    for (const [name, text] of [
      ['notes-array.json', JSON.stringify([NOTE], null, 2)],
      ['notes.jsonl', `${JSON.stringify(NOTE)}\n`],
      ['notes.jsonl.gz', gzipSync(`${JSON.stringify(NOTE)}\n`)],
    ] as const) {
      const got = await read(file(name, text));
      expect(got.rejected).toEqual([]);
      expect({ ...got.facts[0]!, line: 0 }).toEqual({ ...page, line: 0 });
    }
  });

  it('reads an API v1 note (plain content fields) as the v2 note it mirrors', async () => {
    // built here from the recorded v2 note by unwrapping every `{value}`: no real v1 note is bundled
    const v1 = structuredClone(NOTE);
    v1['content'] = Object.fromEntries(Object.entries(NOTE['content'] as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
    const f = openReviewNoteFacts(v1, JSON.stringify(v1), 1, newNoteStats());
    const v2 = openReviewNoteFacts(NOTE, JSON.stringify(NOTE), 1, newNoteStats());
    expect({ ...f, contentHash: '' }).toEqual({ ...v2, contentHash: '' });
  });

  it('an author id that is an e-mail is never a key, identifier or name: the author gets a per-note name key', async () => {
    const note = variant((c) => {
      (c['authorids']!.value as string[])[2] = 'someone.real@example-university.edu';
    });
    const { facts, report } = await read(file('email.jsonl', `${JSON.stringify(note)}\n`));
    const f = facts[0]!;
    expect(f.people[2]).toEqual({ key: 'name:openreview:rhgIgTSSxW:3', name: 'Synthetic Author 4', identifiers: [], primary: false });
    expect(f.authorships[2]).toMatchObject({ person: 'name:openreview:rhgIgTSSxW:3', position: 3 });
    expect(JSON.stringify({ ...f, contentHash: '' })).not.toMatch(/@|example-university/);
    expect(report).toMatchObject({ notes: 1, note_authors_without_profile_id: 1 });
  });

  it('names the venue as the paper lists do, with track and status, for other venue ids', () => {
    // the CoRL venue id of the OpenReview puller's replay; a real corl2021 paper-list paper names the same venue
    const corlRow = (JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', 'corl2021.json.gz'))).toString('utf8')) as Obj[])[0]!;
    const fromList = paperFacts(corlRow, { file: 'corl2021.json.gz', line: 1, venueCode: 'corl', year: 2021 }, KnownInstitutions.bundled(), newPaperlistStats());
    const work = (edit: (c: Record<string, { value: unknown }>, note: Obj) => void) => openReviewNoteFacts(variant(edit), '{}', 1, newNoteStats()).works[0]!;
    const corl = work((c) => {
      c['venueid'] = { value: 'robot-learning.org/CoRL/2021/Conference' };
      c['venue'] = { value: 'CoRL 2021 Oral' };
    });
    expect('works' in fromList && fromList.works[0]?.venue).toBe('CoRL');
    expect([corl.venue, corl.year, corl.status]).toEqual(['CoRL', 2021, 'oral']);
    const db = work((c) => {
      c['venueid'] = { value: 'NeurIPS.cc/2023/Track/Datasets_and_Benchmarks' };
      c['venue'] = { value: 'NeurIPS 2023 Datasets and Benchmarks Spotlight' };
    });
    expect([db.venue, db.year, db.status]).toEqual(['NeurIPS (Datasets and Benchmarks)', 2023, 'spotlight']);
    const rejected = work((c) => {
      c['venueid'] = { value: 'ICLR.cc/2024/Conference/Rejected_Submission' };
      c['venue'] = { value: 'Submitted to ICLR 2024' };
    });
    expect([rejected.venue, rejected.year, rejected.status]).toEqual(['ICLR', 2024, 'reject']);
    // no venue id and no venue: the year is the publication date's (pdate 1705411064826 = 2024-01-16)
    const bare = work((c, note) => {
      delete c['venueid'];
      delete c['venue'];
      note['pdate'] = 1705411064826;
    });
    expect([bare.venue, bare.year, bare.status]).toEqual([null, 2024, null]);
  });

  it('tells notes from profiles per record: a JSONL file with a profile and a note gives one of each', async () => {
    expect([isOpenReviewNote(NOTE), isOpenReviewNote(PROFILE)]).toEqual([true, false]);
    const { facts, rejected } = await read(file('mixed.jsonl', `${JSON.stringify(PROFILE)}\n${JSON.stringify(NOTE)}\n`));
    expect(rejected).toEqual([]);
    expect(facts.map((f) => [f.kind, f.recordKey, f.line])).toEqual([
      ['profile', `openreview:profile:${String(PROFILE['id'])}`, 1],
      ['note', 'openreview:note:rhgIgTSSxW', 2],
    ]);
  });

  const bad: Array<[string, (c: Record<string, { value: unknown }>, note: Obj) => void, string, RegExp]> = [
    ['no title', (c) => void delete c['title'], 'content.title', /no title/],
    ['more author ids than authors', (c) => void (c['authorids']!.value as string[]).push('~Synthetic_Extra1'), 'content.authorids', /7 author ids for 6 authors/],
    ['an author that is no string', (c) => void ((c['authors']!.value as unknown[])[2] = 42), 'content.authors[2]', /expected a string, got 42/],
    ['a modification date that is no number', (_c, note) => void (note['mdate'] = 'yesterday'), 'mdate', /epoch milliseconds/],
    ['no id', (_c, note) => void delete note['id'], 'id', /note's id/],
  ];
  for (const [name, edit, field, reason] of bad) {
    it(`rejects a note with ${name}, naming file, line and notes[i] field; the good note still reads`, async () => {
      const page = JSON.stringify({ notes: [NOTE, variant(edit)], count: 2 }, null, 2);
      const f = file('page.json', page);
      const starts = page.split('\n').flatMap((l, i) => (l === '    {' ? [i + 1] : []));
      expect(starts).toHaveLength(2);
      const second = starts[1];
      const { facts, rejected } = await read(f);
      expect(facts.map((x) => x.recordKey)).toEqual(['openreview:note:rhgIgTSSxW']);
      expect(rejected).toEqual([{ file: f, line: second, field: `notes[1].${field}`, reason: expect.stringMatching(reason) }]);
    });
  }

  it('a bare note in JSONL names the field without a page prefix; a note-less page element is rejected as a note', async () => {
    const f = file('bad.jsonl', `${JSON.stringify(NOTE)}\n${JSON.stringify(variant((c) => void delete c['title']))}\n`);
    expect((await read(f)).rejected).toEqual([{ file: f, line: 2, field: 'content.title', reason: 'the note has no title' }]);
    // the recorded count call (select=id) answers notes with ids only: each is a note without content
    const ids = file('ids.json', JSON.stringify({ notes: [{ id: 'rhgIgTSSxW' }, 7], count: 2260 }));
    expect((await read(ids)).rejected).toEqual([
      { file: ids, line: 1, field: 'notes[0].content', reason: 'the note has no content object' },
      { file: ids, line: 1, field: 'notes[1]', reason: expect.stringMatching(/expected an OpenReview note/) },
    ]);
    expect(() => openReviewNoteFacts(variant((c) => void (c['title'] = { value: ['a'] })), '{}', 1, newNoteStats())).toThrow(NoteProblem);
  });

  it('detects notes files as OpenReview, also under a venueYYYY.json name; paper lists stay paper lists', () => {
    expect(detectSource(PAGE)).toBe('openreview');
    expect(detectSource(file('iclr2024.json', PAGE_TEXT))).toBe('openreview');
    expect(detectSource(file('page-0001.json', JSON.stringify([NOTE])))).toBe('openreview');
    expect(detectSource(file('page-0002.json.gz', gzipSync(JSON.stringify([NOTE]))))).toBe('openreview');
    expect(detectSource(dataPath('paperlists', 'corl2021.json.gz'))).toBe('paperlist');
    expect(detectSource(dataPath('paperlists', 'iclr2021.json.gz'))).toBe('paperlist');
  });
});
