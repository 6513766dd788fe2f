/**
 * The profile API on real data, on DuckDB and PostgreSQL: the ICML 2023 paper list and Yang Liu's real OpenReview
 * profile (data/openreview-samples) ingested by the real runner, careers and mentorships refreshed; then
 * GET /api/people/:id shows his stated education, his stated advisors (David Parkes resolved to his paper-list
 * person), the inferred ties, the timeline's position texts and the origin with its basis. Plus the pure helpers.
 */
import { describe, expect, it } from 'vitest';
import { answerOnEachBackend } from '../store/test-backends.ts';
import { decidingEducation, evidenceSummary, timelineSpans, type EducationRecord, type Profile } from './profile.ts';
import { buildServer } from './server.ts';
import { loadEducationSample } from './test-education-fixture.ts';

const YANG = 'openreview:~Yang_Liu3';

describe('profile API on both backends', () => {
  it('shows education with basis, mentors with evidence, position texts and the origin basis, identically on DuckDB and PostgreSQL', async () => {
    const answers = await answerOnEachBackend(loadEducationSample, async (store) => {
      const app = await buildServer(store, { web: false });
      try {
        const res = await app.inject(`/api/people/${encodeURIComponent('~Yang_Liu3')}`);
        const [observed] = await store.query<{ person_id: string }>(
          `SELECT person_id FROM education_records WHERE basis = 'observed' AND degree = 'bachelor' AND country IS NOT NULL ORDER BY person_id LIMIT 1`,
        );
        const other = observed ? await app.inject(`/api/people/${encodeURIComponent(observed.person_id)}`) : undefined;
        return { status: res.statusCode, body: res.json() as Profile, observed: other?.json() as Profile | undefined };
      } finally {
        await app.close();
      }
    });
    const p = answers.duckdb.body;
    expect(answers.duckdb.status).toBe(200);
    expect(p.person['person_id']).toBe(YANG);
    // The stated PhD from his profile's history, with its basis and source.
    expect(p.education).toContainEqual(expect.objectContaining({ degree: 'doctorate', institution: 'University of Michigan, Ann Arbor', country: 'US', start_year: 2010, end_year: 2015, basis: 'stated', source: 'openreview' }));
    // Three stated advisors; Parkes is the paper-list person, found through the e-mail domain under harvard.edu.
    const stated = p.mentors.filter((m) => m.kind === 'mentorship');
    expect(stated.map((m) => m.display_name).sort()).toEqual(['David C. Parkes', 'Mingyan Liu', 'Yiling Chen']);
    const parkes = stated.find((m) => m.display_name === 'David C. Parkes');
    expect(parkes).toMatchObject({ person_id: 'openreview:~David_C._Parkes1', relation: 'Postdoc Advisor', confidence: 1, start_year: 2016, end_year: 2018, relation_only: false });
    expect(parkes?.evidence).toMatch(/“Postdoc Advisor” David Parkes; read at profile-v1-Yang_Liu3\.json:1; matched by name\+email domain .*harvard\.edu/);
    expect(parkes?.evidence).not.toMatch(/@/);
    expect(stated.filter((m) => m.relation_only).map((m) => m.display_name).sort()).toEqual(['Mingyan Liu', 'Yiling Chen']);
    // Inferred ties carry their reasons.
    for (const t of [...p.mentors, ...p.mentees].filter((x) => x.kind === 'mentorship-inferred')) {
      expect(t.confidence).toBeGreaterThan(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
      expect(t.evidence).toMatch(/co-authored/);
    }
    // The timeline includes the expanded profile positions, each with the source's position text.
    const harvard = p.timeline.find((s) => s.institution_id === 'name:harvard university');
    expect(harvard).toMatchObject({ from: 2016, to: 2018, country: 'US' });
    expect(harvard?.positions).toEqual([{ position: 'Postdoc', from: 2016, to: 2018 }]);
    expect(p.timeline.find((s) => s.institution_id === 'name:university michigan')?.positions).toEqual([{ position: 'PhD student', from: 2010, to: 2015 }]);
    // The origin rests on the education record (his only one: the doctorate), and says so.
    expect(p.origin).toMatchObject({ country: 'US', basis: 'education', originYears: 3 });
    expect(p.origin?.record).toMatchObject({ degree: 'doctorate', basis: 'stated', start_year: 2010 });
    // A paper-list person with an observed bachelor record: the record is there with basis observed, and decides the origin.
    const o = answers.duckdb.observed;
    expect(o?.education.some((e) => e.basis === 'observed' && e.degree === 'bachelor' && e.source === 'paperlist')).toBe(true);
    expect(o?.origin?.basis).toBe('education');
    expect(o?.origin?.record).toMatchObject({ degree: 'bachelor', basis: 'observed' });
    expect(answers.postgres).toEqual(answers.duckdb);
  }, 300_000);
});

const rec = (r: Partial<EducationRecord>): EducationRecord => ({ degree: 'other', role_title: null, institution_id: null, institution: null, country: null, start_year: null, end_year: null, basis: 'observed', source: 'paperlist', ...r });

describe('profile helpers', () => {
  it('timelineSpans gives each span the position texts of its years, consecutive years of one text merged', () => {
    const rows = [2019, 2020, 2021, 2022].map((year) => ({ year, institution_id: 'i1', institution: 'One', country: 'US' }));
    const spans = timelineSpans(rows, [
      { year: 2019, institution_id: 'i1', position: 'PhD student', basis: 'paper' },
      { year: 2020, institution_id: 'i1', position: 'PhD student', basis: 'paper' },
      { year: 2020, institution_id: 'i1', position: 'Intern+PhD student', basis: 'paper' },
      { year: 2022, institution_id: 'i1', position: 'PhD student', basis: 'profile' },
      { year: 2021, institution_id: 'i2', position: 'Researcher', basis: 'paper' },
    ]);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.positions).toEqual([
      { position: 'PhD student', from: 2019, to: 2020 },
      { position: 'Intern+PhD student', from: 2020, to: 2020 },
      { position: 'PhD student', from: 2022, to: 2022 },
    ]);
    expect(spans[0]?.bases).toEqual(['paper', 'profile']);
  });

  it('decidingEducation takes the earliest bachelor with a country, else the earliest record with a country; stated wins a tie', () => {
    const phd = rec({ degree: 'doctorate', country: 'US', start_year: 2010 });
    const ba = rec({ degree: 'bachelor', country: 'CN', start_year: 2012 });
    expect(decidingEducation([phd, ba])).toBe(ba);
    expect(decidingEducation([phd, rec({ degree: 'bachelor', start_year: 2005 })])).toBe(phd);
    const stated = rec({ degree: 'bachelor', country: 'CN', start_year: 2012, basis: 'stated', source: 'orcid' });
    expect(decidingEducation([ba, stated])).toBe(stated);
    expect(decidingEducation([rec({ degree: 'master', country: 'FR' }), rec({ degree: 'master', country: 'DE', end_year: 2001 })])?.country).toBe('DE');
    expect(decidingEducation([rec({ degree: 'master' })])).toBeNull();
  });

  it('evidenceSummary: the reasons of an inference; the relation, file and line and match of a stated tie', () => {
    expect(evidenceSummary('mentorship-inferred', { reasons: ['3 of 4 works together', 'same institution'], model: 'm' })).toBe('3 of 4 works together; same institution');
    expect(evidenceSummary('mentorship', { relation: 'PhD Advisor', name: 'A B', file: '/x/y/p.json', line: 7, how: 'identifier' })).toBe('“PhD Advisor” A B; read at p.json:7; matched by identifier');
  });
});
