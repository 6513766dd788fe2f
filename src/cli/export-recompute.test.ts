/**
 * The exports reproduce the figures: a real ingest (Paper Copilot lists with observed education from positions, the
 * ORCID schema samples with stated education, and one open-ended dated position), exported with `atlas export`,
 * and every stored career and move recomputed from the CSVs alone with deriveCareer — on DuckDB and PostgreSQL.
 * Also: the ties export lists the mentorships table, and the careers export carries the cohort stages.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { CAREER_COLUMNS, deriveCareer, refreshCareers, storedCareerParams, type CareerAffiliationYear, type CareerEducation } from '../careers/index.ts';
import { dataPath } from '../core/paths.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, freshPostgresUrl } from '../store/test-backends.ts';
import { runCaptured } from './run-captured.ts';

const FILES = [...['corl2023.json.gz', 'colm2025.json.gz'].map((f) => dataPath('paperlists', f)), dataPath('orcid-schema-samples')];
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-recompute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type CsvRow = Record<string, string>;
const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);
const intOrNull = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));

async function exportCsv(db: string, kind: string): Promise<CsvRow[]> {
  const out = path.join(dir, `${kind}-${Math.random().toString(36).slice(2)}.csv`);
  const r = await runCaptured(['export', kind, '--out', out, '--db', db]);
  expect(r.code, r.err).toBe(0);
  return parse(readFileSync(out), { columns: true }) as CsvRow[];
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

async function withStore<T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(db);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

for (const backend of BACKENDS) {
  describe(backend, () => {
    it('recomputes every stored career and move of a real ingest from the exports alone', async () => {
      const db = backend === 'duckdb' ? path.join(dir, 'real.duckdb') : await freshPostgresUrl();
      // On PostgreSQL the ingest skips its derived steps (the mentorship inference took minutes there when this was
      // written); careers are refreshed below either way, and the ties check then runs on an empty derived table.
      const ingest = await runCaptured(['ingest', ...FILES, '--db', db, ...(backend === 'postgres' ? ['--no-refresh'] : [])]);
      expect(ingest.code, ingest.err).toBe(0);
      // One open-ended dated position (an ORCID-style employment still held): expanded at read time up to the last year of the data.
      await withStore(db, async (s) => {
        await s.bulkInsert(
          'positions',
          ['person_id', 'institution_id', 'country', 'role', 'position', 'start_year', 'end_year', 'basis', 'source', 'record_key', 'run_id'].map((name) => ({
            name,
            type: name.endsWith('year') || name === 'run_id' ? ('int' as const) : ('text' as const),
          })),
          [['openreview:~Allen_Z._Ren1', 'name:princeton university', 'US', 'employment', 'Research scientist', 2022, null, 'employment', 'test', 'test:1', 0]],
        );
        await refreshCareers(s);
      });

      const people = await exportCsv(db, 'people');
      const aff = await exportCsv(db, 'affiliation-years');
      const edu = await exportCsv(db, 'education');
      const careersCsv = await exportCsv(db, 'careers');

      // What the exports hold: observed and stated education, every column the issue names, the expanded position.
      expect(Object.keys(edu[0] ?? {})).toEqual(['person_id', 'institution_id', 'institution_name', 'country', 'degree', 'start_year', 'end_year', 'basis', 'source']);
      expect(Object.keys(aff[0] ?? {})).toEqual(['person_id', 'year', 'institution_id', 'institution_name', 'country', 'role', 'position', 'basis', 'source', 'in_careers']);
      const eduBasis = groupBy(edu, (r) => r['basis'] ?? '');
      expect(eduBasis.get('observed')?.length).toBeGreaterThan(500);
      expect(eduBasis.get('stated')?.length).toBeGreaterThan(0);
      expect(new Set(edu.map((r) => r['degree']))).toEqual(new Set(['bachelor', 'master', 'doctorate', 'other']));
      expect(aff.filter((r) => r['position'] === 'Intern+PhD student').length).toBeGreaterThan(5); // the source's own text, kept whole
      const dropped = aff.filter((r) => r['in_careers'] === 'false' && r['country'] !== '');
      expect(dropped.length).toBeGreaterThan(0); // the per-year reduction drops some paper rows
      expect(dropped.every((r) => r['basis'] === 'paper')).toBe(true);
      const open = aff.filter((r) => r['person_id'] === 'openreview:~Allen_Z._Ren1' && r['source'] === 'test');
      const lastYear = Math.max(...aff.map((r) => Number(r['year'])));
      expect(open.map((r) => Number(r['year']))).toEqual(Array.from({ length: lastYear - 2022 + 1 }, (_, i) => 2022 + i));

      // The recomputation: the rows careers count, the education records, the same parameters and reference year.
      const used = aff.filter((r) => r['in_careers'] === 'true');
      const referenceYear = Math.max(...used.map((r) => Number(r['year'])));
      const affBy = groupBy(used, (r) => r['person_id'] ?? '');
      const eduBy = groupBy(edu, (r) => r['person_id'] ?? '');
      const { stored, careers, moves } = await withStore(db, async (s) => ({
        stored: await storedCareerParams(s),
        careers: await s.query(`SELECT ${CAREER_COLUMNS.map((c) => c.name).join(', ')} FROM careers ORDER BY person_id`), // the derived columns (not the refresh id)
        moves: await s.query(`SELECT person_id, level, seq, from_place, to_place, year FROM moves ORDER BY person_id, level, seq`),
      }));
      expect(stored.referenceYear).toBe(referenceYear);
      const recomputedCareers: Array<Record<string, unknown>> = [];
      const recomputedMoves: Array<Record<string, unknown>> = [];
      for (const id of people.map((p) => p['person_id'] ?? '').sort()) {
        const a: CareerAffiliationYear[] = (affBy.get(id) ?? []).map((r) => ({ year: Number(r['year']), institutionId: orNull(r['institution_id']), country: orNull(r['country']) }));
        const e: CareerEducation[] = (eduBy.get(id) ?? []).map((r) => ({
          institutionId: orNull(r['institution_id']),
          country: orNull(r['country']),
          degree: r['degree'] ?? 'other',
          startYear: intOrNull(r['start_year']),
          endYear: intOrNull(r['end_year']),
        }));
        const c = deriveCareer(a, e, stored, referenceYear, false);
        recomputedCareers.push({
          person_id: id,
          origin: c.origin,
          origin_basis: c.originBasis,
          edu_origin: c.eduOrigin,
          academic_origin: c.academicOrigin,
          current_country: c.currentCountry,
          category: c.category,
          abroad: c.abroad,
          returnee: c.returnee,
          return_year: c.returnYear,
          first_year: c.firstYear,
          last_year: c.lastYear,
          undergrad_country: c.undergradCountry,
          graduate_country: c.graduateCountry,
          current_institution: c.currentInstitution,
          country_moves: c.countryWalk.moves.length,
          institution_moves: c.institutionWalk.moves.length,
          career_age: c.careerAge,
          early_career: c.earlyCareer,
        });
        for (const level of ['country', 'institution'] as const) {
          (level === 'country' ? c.countryWalk : c.institutionWalk).moves.forEach((m, i) =>
            recomputedMoves.push({ person_id: id, level, seq: i + 1, from_place: m.from, to_place: m.to, year: m.year }),
          );
        }
      }
      expect(careers.length).toBeGreaterThan(2000);
      expect(careers.filter((c) => c['undergrad_country'] !== null).length).toBeGreaterThan(50);
      expect(careers.filter((c) => c['graduate_country'] !== null).length).toBeGreaterThan(300);
      expect(recomputedCareers).toEqual(careers);
      expect(recomputedMoves).toEqual(moves);

      // The careers export is the stored careers with the cohort stages (graduate = origin as a flagged proxy).
      const byId = new Map(careers.map((c) => [c['person_id'], c]));
      expect(careersCsv.length).toBe(careers.length);
      for (const r of careersCsv) {
        const c = byId.get(r['person_id']) as Record<string, unknown>;
        for (const k of ['origin', 'origin_basis', 'edu_origin', 'academic_origin', 'current_country', 'category', 'abroad', 'returnee', 'return_year', 'first_year', 'last_year', 'undergrad_country']) {
          expect(r[k], k).toBe(text(c[k]));
        }
        const proxy = c['graduate_country'] === null && c['origin'] !== null;
        expect(r['graduate_proxy']).toBe(String(proxy));
        expect(r['graduate_country']).toBe(text(c['graduate_country'] ?? c['origin']));
      }
      expect(careersCsv.filter((r) => r['graduate_proxy'] === 'true').length).toBeGreaterThan(100);

      // Ties: the mentorships table as a, b = mentor, mentee — first the ties the ingest derived, then two known rows.
      const derived = await withStore(db, (s) => s.query('SELECT mentor AS a, mentee AS b, kind, confidence, start_year, end_year, source FROM mentorships'));
      const key = (r: Record<string, unknown>) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, text(v)]).sort());
      expect((await exportCsv(db, 'ties')).map(key).sort()).toEqual(derived.map(key).sort());
      await withStore(db, async (s) => {
        await s.exec('DELETE FROM mentorships');
        await s.bulkInsert(
          'mentorships',
          ['mentor', 'mentee', 'kind', 'relation', 'confidence', 'start_year', 'end_year', 'source', 'record_key', 'evidence'].map((name) => ({
            name,
            type: name === 'confidence' ? ('double' as const) : name.endsWith('year') ? ('int' as const) : ('text' as const),
          })),
          [
            ['openreview:~Allen_Z._Ren1', 'openreview:~ABULIKEMU_ABUDUWEILI1', 'mentorship-inferred', null, 0.625, 2023, null, 'inferred', null, '{"reasons":[]}'],
            ['openreview:~Aakanksha_Naik1', 'openreview:~Allen_Z._Ren1', 'mentorship', 'PhD Advisor', 1, 2019, 2023, 'openreview', 'openreview:~Allen_Z._Ren1', '{}'],
          ],
        );
      });
      expect(await exportCsv(db, 'ties')).toEqual([
        { a: 'openreview:~Aakanksha_Naik1', b: 'openreview:~Allen_Z._Ren1', kind: 'mentorship', confidence: '1', start_year: '2019', end_year: '2023', source: 'openreview' },
        { a: 'openreview:~Allen_Z._Ren1', b: 'openreview:~ABULIKEMU_ABUDUWEILI1', kind: 'mentorship-inferred', confidence: '0.625', start_year: '2023', end_year: '', source: 'inferred' },
      ]);
    }, 120_000);
  });
}
