/**
 * Inferred mentorship: the score's properties (fast-check), and the whole refresh on small constructed data — a PhD
 * student, the advisor (faculty, same institution, on every paper), a senior collaborator on one paper, and a fellow
 * student — on both backends; a stated tie replaces the inferred one; the tie graph and its cache see the refresh.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tieEvidence } from '../network/evidence.ts';
import { tieGraphFor } from '../network/tie-graph-cache.ts';
import { dataVersion } from '../store/repo/data-version.ts';
import { forEachBackend } from '../store/test-backends.ts';
import type { SqlValue, Store } from '../store/store.ts';
import { DEFAULT_INFERENCE, pickAdvisors, scoreCandidate, type Candidate } from './infer-mentorship.ts';
import { refreshMentorships } from './refresh-mentorships.ts';

const base: Candidate = {
  student: 's',
  candidate: 'a',
  degree: 'doctorate',
  basis: 'observed',
  windowStart: 2018,
  windowEnd: 2023,
  shared: 4,
  studentWorks: 4,
  candidateWorks: 10,
  candidateFirstYear: 2005,
  studentFirstYear: 2018,
  faculty: true,
  doctorateEnd: null,
  studentInWindow: false,
  sameInstitution: 'name:mit',
};

const candidate = fc.record({
  shared: fc.integer({ min: 1, max: 20 }),
  extra: fc.integer({ min: 0, max: 20 }),
  candidateWorks: fc.integer({ min: 1, max: 60 }),
  faculty: fc.boolean(),
  same: fc.boolean(),
  firstGap: fc.integer({ min: -5, max: 20 }),
  studentInWindow: fc.boolean(),
});

describe('scoreCandidate', () => {
  it('gives a confidence in (0, 1] to senior non-students and 0 to the rest', () => {
    fc.assert(
      fc.property(candidate, (x) => {
        const c: Candidate = {
          ...base,
          shared: x.shared,
          studentWorks: x.shared + x.extra,
          candidateWorks: Math.max(x.candidateWorks, x.shared),
          faculty: x.faculty,
          sameInstitution: x.same ? 'name:mit' : null,
          candidateFirstYear: 2018 - x.firstGap,
          studentInWindow: x.studentInWindow,
        };
        const s = scoreCandidate(c);
        const senior = (x.faculty || x.firstGap >= DEFAULT_INFERENCE.seniorityGap) && !(x.studentInWindow && !x.faculty);
        expect(s.senior).toBe(senior);
        if (senior) expect(s.confidence > 0 && s.confidence <= 1).toBe(true);
        else expect(s.confidence).toBe(0);
      }),
    );
  });

  it('grows with the shared works and the share of the student’s works', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), (shared, extra) => {
        const lo = scoreCandidate({ ...base, shared, studentWorks: shared + extra + 1 }).confidence;
        const hi = scoreCandidate({ ...base, shared: shared + 1, studentWorks: shared + extra + 1 }).confidence;
        expect(hi).toBeGreaterThan(lo);
      }),
    );
  });

  it('keeps the best candidate, and a second one only when close', () => {
    const s = (candidateId: string, shared: number): { c: Candidate; s: ReturnType<typeof scoreCandidate> } => {
      const c = { ...base, candidate: candidateId, shared };
      return { c, s: scoreCandidate(c) };
    };
    expect(pickAdvisors([s('a', 4), s('b', 1)]).map((x) => x.c.candidate)).toEqual(['a']);
    expect(pickAdvisors([s('a', 4), s('b', 4)]).map((x) => x.c.candidate)).toEqual(['a', 'b']);
    expect(pickAdvisors([s('a', 1)].map((x) => ({ ...x, s: { ...x.s, confidence: 0.1 } })))).toEqual([]);
  });
});

const PROV: SqlValue[] = ['paperlist', 'test', 1];

/** Student s (PhD student at MIT 2019–2022), advisor a (professor at MIT, active since 2005), senior collaborator c (professor at Stanford), fellow student f. */
async function seed(store: Store): Promise<void> {
  const people = [
    ['s', 'Sam Student'],
    ['a', 'Ada Advisor'],
    ['c', 'Cy Collaborator'],
    ['f', 'Fay Fellow'],
  ];
  for (const [id, name] of people) await store.exec(`INSERT INTO people (person_id, display_name, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5)`, [id!, name!, ...PROV]);
  const aff = async (p: string, y: number, inst: string, role: string, position: string, level: string | null): Promise<void> =>
    store.exec(
      `INSERT INTO affiliation_years (person_id, year, institution_id, country, role, basis, position, level, source, record_key, run_id) VALUES ($1, $2, $3, 'US', $4, 'paper', $5, $6, $7, $8, $9)`,
      [p, y, inst, role, position, level, ...PROV],
    );
  const works: Array<[string, number, string[]]> = [
    ['w0', 2005, ['a']],
    ['w1', 2019, ['s', 'a', 'f']],
    ['w2', 2020, ['s', 'a']],
    ['w3', 2021, ['s', 'a', 'c']],
    ['w4', 2022, ['s', 'a']],
    ['w5', 2010, ['c']],
  ];
  for (const [id, year, authors] of works) {
    await store.exec(`INSERT INTO works (work_id, title, year, author_count, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [id, `paper ${id}`, year, authors.length, ...PROV]);
    for (const [i, p] of authors.entries()) await store.exec(`INSERT INTO authorships (work_id, person_id, position, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5, $6)`, [id, p, i + 1, ...PROV]);
    for (const p of authors) {
      if (p === 's') await aff('s', year, 'name:mit', 'student', 'PhD student', 'doctorate');
      if (p === 'a') await aff('a', year, 'name:mit', 'faculty', 'Full Professor', null);
      if (p === 'c') await aff('c', year, 'name:stanford', 'faculty', 'Associate Professor', null);
      if (p === 'f') await aff('f', year, 'name:mit', 'student', 'PhD student', 'doctorate');
    }
  }
}

forEachBackend((newStore) => {
  it('infers the advisor, not the senior collaborator on one paper nor the fellow student', async () => {
    const store = await newStore();
    await seed(store);
    const v0 = await dataVersion(store);
    const r = await refreshMentorships(store);
    expect(await dataVersion(store)).not.toBe(v0);
    const rows = await store.query<{ mentor: string; mentee: string; kind: string; confidence: number; start_year: number; end_year: number; evidence: string }>(
      `SELECT mentor, mentee, kind, confidence, start_year, end_year, evidence FROM mentorships ORDER BY mentee, mentor`,
    );
    // s's window: 2019–2022 (+1); f has one observed PhD year (2019) with a as the only senior co-author
    expect(rows.map((x) => [x.mentor, x.mentee, x.kind])).toEqual([
      ['a', 'f', 'mentorship-inferred'],
      ['a', 's', 'mentorship-inferred'],
    ]);
    const s = rows.find((x) => x.mentee === 's')!;
    expect([s.start_year, s.end_year]).toEqual([2019, 2022]);
    // 4 of 4 works, same institution, faculty, more works: 1 − 0.6^4
    expect(s.confidence).toBeCloseTo(1 - Math.pow(0.6, 4), 6);
    const ev = JSON.parse(s.evidence) as { shared_works: number; same_institution: string; reasons: string[] };
    expect(ev).toMatchObject({ shared_works: 4, same_institution: 'name:mit' });
    expect(ev.reasons.join(' ')).toContain('faculty position in the window');
    expect(r.inferred).toBe(2);

    // the tie graph carries it at 3 × confidence, and the hop's evidence names the inference
    const { graph, params } = await tieGraphFor(store, { halfLife: 5, maxAuthors: 50 });
    const [ia, is] = [graph.index.get('a')!, graph.index.get('s')!];
    let w = 0;
    for (let e = graph.offsets[ia]!; e < graph.offsets[ia + 1]!; e++) if (graph.targets[e] === is) w = graph.weights[e]!;
    const coauthorOnly = 0.5 * (Math.pow(0.5, 3 / 5) + Math.pow(0.5, 1 / 5)) + Math.pow(0.5, 2 / 5) + Math.pow(0.5, 0);
    expect(w).toBeCloseTo(coauthorOnly + 3 * s.confidence, 6);
    const evidence = await tieEvidence(store, 's', 'a', params);
    expect(evidence.find((e) => e.kind === 'mentorship-inferred')).toMatchObject({ mentor: 'a', mentee: 's', confidence: s.confidence, weight: 3 * s.confidence });
  });

  it('a stated tie between the same two people replaces the inferred one, and the cached graph sees the change', async () => {
    const store = await newStore();
    await seed(store);
    await refreshMentorships(store);
    const before = await tieGraphFor(store, { halfLife: 5, maxAuthors: 50 });
    await store.exec(
      `INSERT INTO relations (person_id, direction, relation, other_name, other_scheme, other_value, email_domain, start_year, end_year, source, record_key, run_id)
       VALUES ('s', 'advisor', 'PhD Advisor', 'Ada Advisor', NULL, NULL, NULL, 2019, 2023, 'openreview', 'openreview:profile:s', 1)`,
    );
    const r = await refreshMentorships(store);
    expect(r).toMatchObject({ stated: 1, replacedByStated: 1, inferred: 1 });
    const rows = await store.query<{ mentor: string; mentee: string; kind: string; confidence: number }>(`SELECT mentor, mentee, kind, confidence FROM mentorships ORDER BY mentee`);
    expect(rows).toEqual([
      { mentor: 'a', mentee: 'f', kind: 'mentorship-inferred', confidence: expect.any(Number) },
      { mentor: 'a', mentee: 's', kind: 'mentorship', confidence: 1 },
    ]);
    const after = await tieGraphFor(store, { halfLife: 5, maxAuthors: 50 });
    expect(after.graph).not.toBe(before.graph);
  });
});
