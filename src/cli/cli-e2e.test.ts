/** The real `atlas` binary on the bundled data: ingest, person, stats, export, and a bad file. */
import { describe, expect, it, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT, dataPath } from '../core/paths.ts';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'atlas-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = path.join(dir, 'e2e.duckdb');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'atlas.js');

async function atlas(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return atlasOn(db, ...args);
}

async function atlasOn(database: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('node', [BIN, ...args, '--db', database], { env: { ...process.env, CI: 'true' }, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('atlas (the real binary)', () => {
  it('ingests the shared OpenAlex sample and shows Jason Priem by year; a second ingest changes no count', async () => {
    const files = [dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json'), dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json')];
    const first = await atlas('ingest', ...files, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ records: 31, inserted: 31 });
    const stats1 = JSON.parse((await atlas('stats', '--json')).stdout) as { tables: Record<string, number> };
    const second = JSON.parse((await atlas('ingest', ...files, '--json')).stdout) as { unchanged: number };
    expect(second.unchanged).toBe(31);
    const stats2 = JSON.parse((await atlas('stats', '--json')).stdout) as { tables: Record<string, number> };
    expect({ ...stats2.tables, ingest_runs: 0 }).toEqual({ ...stats1.tables, ingest_runs: 0 });
    const person = await atlas('person', 'A5023888391');
    expect(person.code).toBe(0);
    expect(person.stdout).toMatch(/Jason Priem/);
    expect(person.stdout).toMatch(/2021\s+OurResearch\s+CA/);
    expect(person.stdout).toMatch(/2014\s+University of North Carolina at Chapel Hill\s+US/);
  });

  it('exports affiliation-years as CSV with the documented columns', async () => {
    const out = path.join(dir, 'aff.csv');
    const r = await atlas('export', 'affiliation-years', '--format', 'csv', '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('person_id,year,institution_id,institution_name,country,role,position,basis,source,in_careers');
    expect(lines).toContain('openalex:A5023888391,2021,I4200000001,OurResearch,CA,,,affiliation,openalex,true');
  });

  it('a bad file: one line naming file, line and field, non-zero exit, nothing written', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": "https://openalex.org/A1", "display_name": "A"}\n{"id": "https://openalex.org/A2", "display_name": ["x"]}\n');
    const before = (await atlas('stats', '--json')).stdout;
    const r = await atlas('ingest', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`error [BAD_INPUT]: ${bad}:2 field display_name: expected a string, got an array; nothing was written (use --on-error skip to land the good records)`]);
    expect(JSON.parse((await atlas('stats', '--json')).stdout).tables).toEqual(JSON.parse(before).tables);
  });

  it('unknown commands and bad flags are usage errors (exit 2)', async () => {
    expect((await atlas('frobnicate')).code).toBe(2);
    const r = await atlas('ingest', '--on-error', 'maybe', 'x.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--on-error must be "fail" or "skip"/);
  });
});

describe('atlas ingest --each-file', () => {
  it('lands a folder one run per file; a bad file stops there, keeps the files before it, and says so', async () => {
    const folder = path.join(dir, 'each');
    mkdirSync(folder);
    const rag = JSON.parse(readFileSync(dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json'), 'utf8')) as unknown[];
    writeFileSync(path.join(folder, 'part_000.jsonl'), rag.slice(0, 10).map((a) => JSON.stringify(a)).join('\n') + '\n');
    writeFileSync(path.join(folder, 'part_001.jsonl'), rag.slice(10, 20).map((a) => JSON.stringify(a)).join('\n') + '\n');
    writeFileSync(path.join(folder, 'part_002.jsonl'), '{"id": "https://openalex.org/A9", "display_name": 7}\n');
    const eachDb = path.join(dir, 'each.duckdb');
    const r = await atlasOn(eachDb, 'ingest', folder, '--each-file');
    expect(r.code).toBe(1);
    const runs = (await atlasOn(eachDb, 'stats', '--json')).stdout;
    expect(JSON.parse(runs).tables.people).toBe(20);
    expect(r.stderr.trim().split('\n')).toEqual([
      `error [BAD_INPUT]: ${path.join(folder, 'part_002.jsonl')}:1 field display_name: expected a string, got number; nothing was written (use --on-error skip to land the good records); this was file 3 of 3; the 2 before it had landed (runs 1–2)`,
    ]);
    // After the fix, --resume reads only the third file; the two landed ones are skipped by path and size.
    writeFileSync(path.join(folder, 'part_002.jsonl'), JSON.stringify(rag[20]) + '\n');
    type Out = { runs: unknown[]; unchanged: number; inserted: number; skipped: Array<{ path: string; runId: number }> };
    const resumed = JSON.parse((await atlasOn(eachDb, 'ingest', folder, '--each-file', '--resume', '--json')).stdout) as Out;
    expect(resumed.runs).toHaveLength(1);
    expect(resumed.inserted).toBe(1);
    expect(resumed.skipped).toEqual([{ path: path.join(folder, 'part_000.jsonl'), runId: 1 }, { path: path.join(folder, 'part_001.jsonl'), runId: 2 }]);
    const nothing = await atlasOn(eachDb, 'ingest', folder, '--each-file', '--resume');
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to ingest: all 3 files landed before');
    // Without --resume every file is read again and found unchanged.
    const again = JSON.parse((await atlasOn(eachDb, 'ingest', folder, '--each-file', '--json')).stdout) as Out;
    expect(again.runs).toHaveLength(3);
    expect({ unchanged: again.unchanged, inserted: again.inserted }).toEqual({ unchanged: 21, inserted: 0 });
  });

  it('totals the identifier joins each run refused, in the summary line and in --json', async () => {
    // two real CoRL lists whose shifted DBLP columns give two researchers one id (docs/identity.md)
    const folder = path.join(dir, 'corl');
    mkdirSync(folder);
    for (const y of [2022, 2023]) copyFileSync(dataPath('paperlists', `corl${y}.json.gz`), path.join(folder, `corl${y}.json.gz`));
    type Out = { runs: Array<{ refusedJoins: number }>; refusedJoins: number };
    const json = JSON.parse((await atlasOn(path.join(dir, 'corl-json.duckdb'), 'ingest', folder, '--each-file', '--json')).stdout) as Out;
    expect(json.runs).toHaveLength(2);
    expect(json.runs.every((r) => r.refusedJoins > 0)).toBe(true);
    expect(json.refusedJoins).toBe(json.runs[0]!.refusedJoins + json.runs[1]!.refusedJoins);
    const text = await atlasOn(path.join(dir, 'corl-text.duckdb'), 'ingest', folder, '--each-file');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^2 runs: .* rejected; ${json.refusedJoins} identifier joins refused$`, 'm'));
  }, 120_000);
});
