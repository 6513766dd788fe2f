/**
 * Real data: the CoRL 2022 paper list (data/paperlists/corl2022.json.gz, Paper Copilot) loaded as works and
 * authorships; intro paths between real authors, driven through the real `atlas` CLI, must cross only real
 * shared papers, checked against the raw file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.ts';
import { dataPath } from '../core/paths.ts';
import { DuckDBStore } from '../store/duckdb/duckdb-store.ts';
import { migrate } from '../store/migrate.ts';
import type { SqlValue } from '../store/store.ts';
import type { IntroResult } from './intro-paths.ts';

interface Paper {
  id: string;
  title: string;
  author: string;
  authorids: string;
}

const papers = JSON.parse(gunzipSync(readFileSync(dataPath('paperlists', 'corl2022.json.gz'))).toString('utf8')) as Paper[];
const split = (s: string): string[] => (s ? s.split(';').map((x) => x.trim()) : []);

/** Independent view of the raw file: for each pair of author ids, the titles of the papers they share. */
const shared = new Map<string, Set<string>>();
const names = new Map<string, string>();
for (const p of papers) {
  const ids = split(p.authorids);
  const ns = split(p.author);
  ids.forEach((id, i) => names.set(id, ns[i] ?? id));
  if (ids.length < 2 || ids.length > 50) continue;
  for (const a of ids) for (const b of ids) if (a < b) (shared.get(`${a}|${b}`) ?? shared.set(`${a}|${b}`, new Set()).get(`${a}|${b}`)!).add(p.title);
}
const adjacency = new Map<string, string[]>();
for (const k of shared.keys()) {
  const [x, y] = k.split('|') as [string, string];
  (adjacency.get(x) ?? adjacency.set(x, []).get(x)!).push(y);
  (adjacency.get(y) ?? adjacency.set(y, []).get(y)!).push(x);
}
const coauthors = (a: string): string[] => adjacency.get(a) ?? [];

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
  dir = await mkdtemp(join(tmpdir(), 'atlas-network-real-'));
  db = join(dir, 'real.duckdb');
  const store = await DuckDBStore.open(db);
  await migrate(store);
  const prov = (k: string): SqlValue[] => ['paperlist', k, 1];
  await store.transaction(async (tx) => {
    for (const [id, name] of names) await tx.exec(`INSERT INTO people (person_id, display_name, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5)`, [id, name, ...prov(id)]);
    for (const p of papers) {
      const ids = split(p.authorids);
      await tx.exec(`INSERT INTO works (work_id, title, year, author_count, source, record_key, run_id) VALUES ($1, $2, 2022, $3, $4, $5, $6)`, [`corl2022:${p.id}`, p.title, ids.length, ...prov(p.id)]);
      for (const [i, a] of ids.entries()) {
        await tx.exec(`INSERT INTO authorships (work_id, person_id, position, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5, $6)`, [`corl2022:${p.id}`, a, i, ...prov(`${p.id}:${i}`)]);
      }
    }
  });
  await store.close();
}, 120_000);

afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('warm introductions on the CoRL 2022 paper list', () => {
  it('imports a contact list and finds intro paths to a co-author of a co-author, every hop a real shared paper', async () => {
    // a well-connected author as my contact, and a co-author of one of their co-authors (not a co-author of theirs) as target
    const contact = [...names.keys()].sort((a, b) => coauthors(b).length - coauthors(a).length || (a < b ? -1 : 1))[0]!;
    const direct = new Set(coauthors(contact));
    const target = [...direct].sort().flatMap((c) => coauthors(c).filter((t) => t !== contact && !direct.has(t)).sort())[0]!;
    expect(target).toBeDefined();
    const file = join(dir, 'contacts.csv');
    await writeFile(file, `name,openreview,strength,note\n"${names.get(contact)}",${contact},4,met at CoRL\n`);
    const imp = await atlas('contacts', 'import', file, '--owner', 'rita');
    expect(imp.err).toBe('');
    expect(imp.out).toContain('imported 1 contact(s) for rita');

    const r = await atlas('intro', target, '--owner', 'rita', '--k', '5', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as IntroResult;
    expect(res.params).toMatchObject({ owner: 'rita', target, k: 5, maxHops: 4, halfLife: 5, refYear: 2022 });
    expect(res.paths.length).toBeGreaterThan(0);
    expect(res.paths[0]!.nodes.length).toBe(4); // me → contact → co-author → target
    for (const path of res.paths) {
      expect(path.nodes[0]).toBe('me:rita');
      expect(path.nodes[1]).toBe(contact);
      expect(path.nodes.at(-1)).toBe(target);
      for (const hop of path.hops.slice(1)) {
        const key = hop.from < hop.to ? `${hop.from}|${hop.to}` : `${hop.to}|${hop.from}`;
        const truth = shared.get(key);
        expect(truth, `${key} share a paper`).toBeDefined();
        const titles = hop.evidence.map((e) => (e.kind === 'work' ? e.title : null));
        expect(new Set(titles)).toEqual(truth);
      }
    }
    const text = await atlas('intro', target, '--owner', 'rita');
    expect(text.out).toContain(`Introductions to ${names.get(target)}`);
    expect(text.out).toContain('met at CoRL');

    const none = await atlas('intro', target, '--owner', 'rita', '--max-hops', '2');
    expect(none.code).toBe(0);
    expect(none.out).toContain('no path within 2 hops');

    const ids = join(dir, 'ids.txt');
    await writeFile(ids, `person_id\n${target}\n${[...direct][0]}\n`);
    const b = JSON.parse((await atlas('brokers', '--owner', 'rita', '--ids', ids, '--json')).out);
    expect(b.brokers).toEqual([{ contact, targets: 2, strength: expect.any(Number) }]);

    // targets from a search (the search module's top 50 for a topic of CoRL)
    const f = await atlas('brokers', '--owner', 'rita', '--for', 'robot manipulation', '--limit', '50', '--json');
    expect(f.err).toBe('');
    const fr = JSON.parse(f.out);
    expect(fr.params).toMatchObject({ owner: 'rita', targets: 50, for: 'robot manipulation', maxHops: 4 });
    expect(fr.brokers[0].contact).toBe(contact);
    expect(fr.brokers[0].targets + fr.unreached.length).toBe(50);
  });

  it('reports an unmatched contact row with its line and imports nothing', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'name,strength\nNo Such Person Anywhere,3\n');
    const r = await atlas('contacts', 'import', file, '--owner', 'sam');
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 2 "No Such Person Anywhere": no match');
  });
});
