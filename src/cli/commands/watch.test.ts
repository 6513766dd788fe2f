/**
 * `atlas watch` and `atlas alerts` through the real CLI on a DuckDB file: a cohort watch started on CoRL 2021, then
 * `atlas ingest` of CoRL 2022 reports new alerts on its own; `atlas alerts` lists them (the same as the store's
 * rows), marks them read; bad input gets a clear error and exit status 2; with users, --user is required.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../core/paths.ts';
import { openStore } from '../../store/open-store.ts';
import { runCaptured } from '../run-captured.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-watch-'));
const db = path.join(dir, 'atlas.duckdb');
const atlas = (...args: string[]) => runCaptured([...args, '--db', db]);

beforeAll(async () => {
  const ing = await atlas('ingest', dataPath('paperlists', 'corl2021.json.gz'));
  expect(ing.code, ing.err).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atlas watch and atlas alerts', () => {
  it('a cohort watch, then an ingest reports its alerts; atlas alerts lists and marks them read', async () => {
    const w = await atlas('watch', 'cohort', '--venue', 'CoRL', '--year', '2021', '--json');
    expect(w.code, w.err).toBe(0);
    const watch = JSON.parse(w.out) as { watch_id: string; following: number; label: string };
    expect(watch.following).toBeGreaterThan(400);
    expect(JSON.parse((await atlas('alerts', '--json')).out).alerts).toEqual([]);
    const ing = await atlas('ingest', dataPath('paperlists', 'corl2022.json.gz'));
    expect(ing.code, ing.err).toBe(0);
    const said = /new alerts: (\d+) for local/.exec(ing.err);
    expect(said, ing.err).not.toBeNull();
    const listed = await atlas('alerts', '--json', '--limit', '100000');
    expect(listed.code, listed.err).toBe(0);
    const alerts = (JSON.parse(listed.out) as { alerts: Array<{ seq: number; kind: string; watch_id: string }> }).alerts;
    expect(alerts.length).toBe(Number(said![1]));
    expect(alerts.every((a) => a.watch_id === watch.watch_id)).toBe(true);
    const s = await openStore(db);
    const [n] = await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts WHERE read_at IS NULL`);
    await s.close();
    expect(Number(n!.n)).toBe(alerts.length);
    const text = await atlas('alerts', '--limit', '3');
    expect(text.out).toMatch(/new work "/);
    expect((await atlas('alerts', 'read')).out).toContain(`${alerts.length} alerts marked read`);
    expect((await atlas('alerts')).out).toContain('no unread alerts for local');
    const list = await atlas('watch', 'list');
    expect(list.out).toContain('cohort: CoRL 2021 authors');
  }, 120_000);

  it('bad input: a clear error, exit status 2 or 1, nothing written', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['watch'], /what to watch/, 2],
      [['watch', 'search', 'robots', '--limit', 'many'], /--limit must be a whole number/, 2],
      [['watch', 'search', 'robots', '--limit', '500'], /top 1–200 people/, 2],
      [['watch', 'cohort'], /usage: atlas watch cohort/, 2],
      [['watch', 'cohort', '--origin', 'Atlantis'], /--origin/, 2],
      [['watch', 'person', 'nobody-with-this-name-xyz'], /no person|not found|no one/i, 1],
      [['watch', 'remove', 'wa_0000'], /no watch "wa_0000"/, 1],
      [['alerts', 'webhook', 'set', 'ftp://example.org/'], /only http/, 2],
      [['alerts', 'read', 'x'], /SEQ must be/, 2],
    ];
    const s = await openStore(db);
    const [before] = await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM watches`);
    await s.close();
    for (const [args, message, code] of cases) {
      const r = await atlas(...args);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.code, args.join(' ')).toBe(code);
    }
    const s2 = await openStore(db);
    const [after] = await s2.query<{ n: number }>(`SELECT COUNT(*) AS n FROM watches`);
    await s2.close();
    expect(after!.n).toBe(before!.n);
  }, 120_000);

  it('with users, --user is required and must be a recruiter or admin', async () => {
    expect((await atlas('users', 'add', 'vera', '--role', 'viewer')).code).toBe(0);
    expect((await atlas('users', 'add', 'rita', '--role', 'recruiter')).code).toBe(0);
    expect((await atlas('alerts')).err).toMatch(/--user NAME/);
    expect((await atlas('watch', 'list', '--user', 'vera')).err).toMatch(/viewer/);
    const r = await atlas('watch', 'list', '--user', 'rita');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('rita watches nothing yet');
  }, 60_000);
});
