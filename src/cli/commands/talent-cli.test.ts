/**
 * `atlas person` (education with basis and years, mentors and mentees) and `atlas institution` (talent both ways,
 * --find), and `--institution` as a cohort, driven through the real CLI on a real ingest (CoRL 2023, COLM 2025 and
 * the ORCID samples).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataPath } from '../../core/paths.ts';
import { openStore } from '../../store/open-store.ts';
import type { ColumnSpec } from '../../store/store.ts';
import { runCaptured, type CliOutcome } from '../run-captured.ts';

let dir: string;
let db: string;
const atlas = (...args: string[]): Promise<CliOutcome> => runCaptured([...args, '--db', db]);
const STUDENT = 'openreview:~ABULIKEMU_ABUDUWEILI1';
const MENTOR = 'openreview:~Allen_Z._Ren1';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atlas-talent-cli-'));
  db = path.join(dir, 'talent.duckdb');
  const files = [dataPath('paperlists', 'corl2023.json.gz'), dataPath('paperlists', 'colm2025.json.gz'), dataPath('orcid-schema-samples')];
  const r = await runCaptured(['ingest', ...files, '--db', db]);
  expect(r.code, r.err).toBe(0);
  const store = await openStore(db);
  const cols: ColumnSpec[] = ['mentor', 'mentee', 'kind', 'relation', 'confidence', 'start_year', 'end_year', 'source', 'record_key', 'evidence'].map((name) => ({
    name,
    type: name === 'confidence' ? 'double' : name.endsWith('year') ? 'int' : 'text',
  }));
  await store.exec('DELETE FROM mentorships'); // the ingest's inferred ties: replaced by two known ones
  await store.bulkInsert('mentorships', cols, [
    [MENTOR, STUDENT, 'mentorship', 'PhD Advisor', 1, 2021, 2024, 'openreview', 'openreview:x', '{"relation":"PhD Advisor","file":"x.json","line":1}'],
    [STUDENT, 'openreview:~Aakanksha_Naik1', 'mentorship-inferred', 'inferred doctoral advisor', 0.5, 2023, null, 'inferred', null, '{"reasons":["co-authored 2 works"]}'],
  ]);
  await store.close();
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas person', () => {
  it('shows education with basis, years and source, and mentors and mentees with kind and confidence', async () => {
    const t = await atlas('person', STUDENT); // the mentee below is not in this ingest: no name, the tie still shows
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/education \(basis: stated/);
    expect(t.out).toMatch(/doctorate\s+[^\n]*Carnegie Mellon University\s+US\s+2023\s+observed\s+paperlist\s+PhD student/);
    expect(t.out).toMatch(/mentors \(kind mentorship = stated/);
    expect(t.out).toMatch(/openreview:~Allen_Z\._Ren1\s+Allen Z\. Ren\s+mentorship\s+PhD Advisor\s+1\s+2021–2024\s+openreview/);
    expect(t.out).toMatch(/mentees[^\n]*\n[^\n]*\n[^\n]*\nopenreview:~Aakanksha_Naik1\s+mentorship-inferred\s+inferred doctoral advisor\s+0\.500\s+2023–\s+inferred/);
    expect(t.out).toMatch(/institutions by year:/); // the existing sections stay
    const j = JSON.parse((await atlas('person', STUDENT, '--json')).out);
    expect(j.education[0]).toMatchObject({ degree: 'doctorate', basis: 'observed', source: 'paperlist', start_year: 2023, end_year: 2023, country: 'US' });
    expect(j.mentors).toEqual([
      expect.objectContaining({ person_id: MENTOR, kind: 'mentorship', confidence: 1, start_year: 2021, end_year: 2024, evidence: { relation: 'PhD Advisor', file: 'x.json', line: 1 } }),
    ]);
    expect(j.mentees[0]).toMatchObject({ person_id: 'openreview:~Aakanksha_Naik1', kind: 'mentorship-inferred', confidence: 0.5, evidence: { reasons: ['co-authored 2 works'] } });
    const stated = JSON.parse((await atlas('person', 'orcid:0000-0002-7319-2192', '--json')).out);
    expect(stated.education.length).toBeGreaterThan(0);
    expect(stated.education.every((e: { basis: string; source: string }) => e.basis === 'stated' && e.source === 'orcid')).toBe(true);
    expect(stated.mentors).toEqual([]);
  });
});

describe('atlas institution', () => {
  it('prints who is there now, feeders with basis, hires, alumni and former staff', async () => {
    const t = await atlas('institution', 'Stanford University', '--top', '5');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^Stanford University {2}\[name:stanford university\] {2}US\n/);
    expect(t.out).toMatch(/there now: \d+ people \(current institution\)/);
    expect(t.out).toMatch(/there now origin rests on: stated records \d+, observed records \d+, first affiliation \d+, none \d+/);
    expect(t.out).toMatch(/where they studied: \d+ of them/);
    expect(t.out).toMatch(/where they worked before: \d+ confirmed moves in/);
    expect(t.out).toMatch(/alumni \(an education record there\): \d+, \d+ still there/);
    expect(t.out).toMatch(/former staff \(a confirmed move out, now elsewhere\): \d+/);
    const j = JSON.parse((await atlas('institution', 'name:stanford university', '--json')).out);
    expect(j.institution).toEqual({ institution_id: 'name:stanford university', name: 'Stanford University', country: 'US' });
    expect(j.studied.institutions.some((f: { institution_id: string; observed: number }) => f.institution_id === 'name:stanford university' && f.observed > 0)).toBe(true);
    const cohort = JSON.parse((await atlas('cohort', '--institution', 'Stanford University', '--json')).out);
    expect(cohort.staged).toBe(j.current.people);
    expect(cohort.originRestsOn).toEqual(j.current.originRestsOn);
    const found = await atlas('institution', '--find', 'stanford');
    expect(found.out.split('\n')[2]).toMatch(/^name:stanford university\s+Stanford University\s+US\s+\d+/);
  });

  it('says which institutions a vague name matches, and fails on bad flags', async () => {
    const vague = await atlas('institution', 'university');
    expect(vague.code).not.toBe(0);
    expect(vague.err).toMatch(/AMBIGUOUS.*"university" matches \d+\+? institutions: .* — give the id/);
    const none = await atlas('institution', 'no such place zq');
    expect(none.err).toMatch(/NOT_FOUND/);
    expect((await atlas('institution')).err).toMatch(/BAD_ARGUMENT/);
    expect((await atlas('institution', 'x', '--top', '0')).err).toMatch(/BAD_ARGUMENT.*--top/);
    expect((await atlas('flows', '--institution', 'university')).err).toMatch(/AMBIGUOUS/);
  });
});
