/**
 * No API response carries a server file path: a store filled by the real CLI from files in named folders
 * (the paper lists by absolute path, a contacts CSV in a private folder), then every endpoint that shows
 * provenance (intro evidence, ingest runs, stats, profiles, mentors) answers without those folders.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/run-captured.ts';
import { dataPath } from '../core/paths.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { withoutServerPaths } from './no-server-paths.ts';
import { buildServer } from './server.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atlas-paths-'));
const PRIVATE = path.join(dir, 'home-of-alice', 'private-folder');
let store: Store;
let app: Awaited<ReturnType<typeof buildServer>>;
let contactIds: string[] = [];
let target = '';

beforeAll(async () => {
  mkdirSync(PRIVATE, { recursive: true });
  const list = path.join(PRIVATE, 'corl2021.json.gz');
  copyFileSync(dataPath('paperlists', 'corl2021.json.gz'), list);
  const db = path.join(dir, 'atlas.duckdb');
  const ing = await runCaptured(['ingest', list, '--db', db]);
  expect(ing.code, ing.err).toBe(0);
  // contacts: three people who co-wrote with somebody, so intro paths have a contact hop
  let s = await openStore(db);
  const rows = await s.query<{ person_id: string; display_name: string; other: string }>(
    `SELECT p.person_id, p.display_name, MIN(b.person_id) AS other FROM people p JOIN authorships a ON a.person_id = p.person_id
     JOIN authorships b ON b.work_id = a.work_id AND b.person_id <> p.person_id
     WHERE p.display_name IN (SELECT display_name FROM people GROUP BY display_name HAVING COUNT(*) = 1)
     GROUP BY p.person_id, p.display_name ORDER BY p.person_id LIMIT 3`,
  );
  await s.close();
  expect(rows.length).toBe(3);
  contactIds = rows.map((r) => r.person_id);
  target = rows[0]!.other;
  const csv = path.join(PRIVATE, 'my-contacts.csv');
  writeFileSync(csv, `name,strength,note\n${rows.map((r) => `"${r.display_name}",3,met at a workshop`).join('\n')}\n`);
  const imp = await runCaptured(['contacts', 'import', csv, '--owner', 'alice', '--db', db]);
  expect(imp.code, imp.err).toBe(0);
  s = await openStore(db);
  store = s;
  app = await buildServer(store, { web: false });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API responses', () => {
  it('name the files they came from without the server folders', async () => {
    const urls = [
      '/api/stats',
      '/api/ingest-runs',
      '/api/owners',
      `/api/intro?owner=alice&target=${encodeURIComponent(target)}`,
      `/api/brokers?owner=alice&ids=${encodeURIComponent(target)}`,
      ...contactIds.flatMap((id) => [`/api/people/${encodeURIComponent(id)}`, `/api/people/${encodeURIComponent(id)}/mentors`, `/api/people/${encodeURIComponent(id)}/career`]),
      '/api/flows?from=2015&to=2025',
    ];
    let contactHops = 0;
    for (const url of urls) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, `${url}: ${r.body.slice(0, 300)}`).toBe(200);
      expect(r.body, url).not.toContain('home-of-alice');
      expect(r.body, url).not.toContain(dir);
      if (url.startsWith('/api/intro')) contactHops = (r.body.match(/"kind":"contact"/g) ?? []).length;
      if (url === '/api/ingest-runs') expect(r.body).toContain('my-contacts.csv'); // the file's own name stays
    }
    expect(contactHops).toBeGreaterThan(0); // the intro paths did carry contact evidence, or this proves little
    // The store itself keeps the full provenance for the local user (CLI).
    const [c] = await store.query<{ file: string }>('SELECT file FROM contacts LIMIT 1');
    expect(c?.file).toContain('home-of-alice');
  });
});

describe('withoutServerPaths', () => {
  it('cuts folders from file/path values and path tokens of command lines, keeps URLs and other text', () => {
    expect(
      withoutServerPaths({
        file: '/home/a/x.csv',
        path: 'C:\\Users\\a\\y.json',
        command: "atlas ingest /srv/data/a.jsonl.gz ./rel/b.json --db /var/atlas.duckdb --base-url https://api.openalex.org/works",
        note: 'and/or stays',
        nested: [{ file: 'plain.csv' }, { file: 'https://example.org/a/b.json' }],
      }),
    ).toEqual({
      file: 'x.csv',
      path: 'y.json',
      command: 'atlas ingest a.jsonl.gz b.json --db atlas.duckdb --base-url https://api.openalex.org/works',
      note: 'and/or stays',
      nested: [{ file: 'plain.csv' }, { file: 'https://example.org/a/b.json' }],
    });
  });
});
