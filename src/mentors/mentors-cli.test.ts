/**
 * The real CLI on real data: `atlas ingest` of the ICML 2023 Paper Copilot list (which refreshes mentorships), the
 * real "David Parkes" relation of ~Yang_Liu3's OpenReview profile added as a row, then `atlas mentors`,
 * `atlas mentors --evaluate`, and `atlas intro` from a contact list holding ~Yang_Liu3 to a co-author of Parkes:
 * the path runs through the stated mentorship tie and that hop lists its evidence. Then the API route.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../cli/main.ts';
import { dataPath } from '../core/paths.ts';
import type { IntroResult } from '../network/intro-paths.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import type { MentorEvaluation } from './evaluate-mentors.ts';
import type { MentorsResult } from './mentors-of.ts';

let dir: string;
let db: string;

async function atlas(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli([...args, '--db', db], { stdout, stderr });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-mentors-'));
  db = join(dir, 'real.duckdb');
  const ing = await atlas('ingest', dataPath('paperlists', 'icml2023.json.gz'));
  expect(ing.code).toBe(0);
  expect(ing.out).toMatch(/mentorships refreshed: 0 stated .*, \d+ inferred/);
  const store = await DuckDBStore.open(db);
  await store.exec(
    `INSERT INTO relations (person_id, direction, relation, other_name, other_scheme, other_value, email_domain, start_year, end_year, source, record_key, run_id)
     VALUES ('openreview:~Yang_Liu3', 'advisor', 'Postdoc Advisor', 'David Parkes', NULL, NULL, 'eecs.harvard.edu', 2016, 2018, 'openreview', 'openreview:profile:~Yang_Liu3', 1)`,
  );
  await store.close();
}, 180_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

it('atlas mentors lists the stated advisor with its evidence, and --evaluate reports n, precision and recall', async () => {
  const refresh = await atlas('mentors', '--refresh');
  expect(refresh.code).toBe(0);
  expect(refresh.out).toContain('1 stated (1 relations resolved, 0 ambiguous');
  const r = await atlas('mentors', '~Yang_Liu3', '--json');
  expect(r.code).toBe(0);
  const m = JSON.parse(r.out) as MentorsResult;
  expect(m.mentors.find((t) => t.kind === 'mentorship')).toMatchObject({
    person_id: 'openreview:~David_C._Parkes1',
    relation: 'Postdoc Advisor',
    confidence: 1,
    start_year: 2016,
    end_year: 2018,
    evidence: { how: 'name+email domain', relation: 'Postdoc Advisor', years: [2016, 2018] },
  });
  const text = await atlas('mentors', '~Yang_Liu3');
  expect(text.out).toContain('resolved by name+email domain');

  const ev = await atlas('mentors', '--evaluate', '--json');
  expect(ev.code).toBe(0);
  const e = JSON.parse(ev.out) as MentorEvaluation;
  // one mentee with one stated tie; ~Yang_Liu3 is an assistant professor in ICML 2023, so no student window: nothing inferred
  expect(e).toMatchObject({ people: 1, stated: 1, inferred: 0, correct: 0, precision: null, recall: 0, withStudentWindow: 0 });
  const evText = await atlas('mentors', '--evaluate');
  expect(evText.out).toContain('precision n/a  recall 0.0%  (n = 1 people)');
});

it('atlas intro finds a path through the mentorship tie, and that hop lists its evidence', async () => {
  const file = join(dir, 'contacts.csv');
  await writeFile(file, `name,openreview,strength,note\nYang Liu,~Yang_Liu3,4,former colleague\n`);
  const imp = await atlas('contacts', 'import', file, '--owner', 'rita');
  expect(imp.out).toContain('imported 1 contact(s) for rita');
  const r = await atlas('intro', '~Matthias_Gerstgrasser1', '--owner', 'rita', '--k', '3', '--json');
  expect(r.code).toBe(0);
  const res = JSON.parse(r.out) as IntroResult;
  const best = res.paths[0]!;
  expect(best.nodes).toEqual(['me:rita', 'openreview:~Yang_Liu3', 'openreview:~David_C._Parkes1', 'openreview:~Matthias_Gerstgrasser1']);
  const hop = best.hops[1]!;
  expect(hop.weight).toBeCloseTo(3, 6); // no shared paper: the tie is the stated mentorship alone, w = 3 × 1
  expect(hop.evidence).toEqual([
    expect.objectContaining({ kind: 'mentorship', mentor: 'openreview:~David_C._Parkes1', mentee: 'openreview:~Yang_Liu3', relation: 'Postdoc Advisor', confidence: 1, detail: expect.objectContaining({ how: 'name+email domain' }) }),
  ]);
  const text = await atlas('intro', '~Matthias_Gerstgrasser1', '--owner', 'rita', '--k', '1');
  expect(text.out).toContain('mentorship "Postdoc Advisor" (2016–2018, confidence 1; openreview');
});

it('GET /api/people/:id/mentors answers with the same ties, and a bad id is a 404', async () => {
  const { buildServer } = await import('../api/server.ts');
  const store = await DuckDBStore.open(db);
  const app = await buildServer(store);
  try {
    const r = await app.inject({ method: 'GET', url: `/api/people/${encodeURIComponent('openreview:~Yang_Liu3')}/mentors` });
    expect(r.statusCode).toBe(200);
    const body = r.json() as MentorsResult;
    expect(body.mentors.some((t) => t.person_id === 'openreview:~David_C._Parkes1' && t.kind === 'mentorship')).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/people/nobody-here/mentors' })).statusCode).toBe(404);
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.includes('/mentors'))).toBe(true);
  } finally {
    await app.close();
    await store.close();
  }
});
