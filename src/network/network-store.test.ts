import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasError, InputError } from '../core/errors.ts';
import { forEachBackend } from '../store/test-backends.ts';
import type { SqlValue, Store } from '../store/store.ts';
import { brokers } from './brokers.ts';
import { importContacts } from './contacts-import.ts';
import { edgeIndex } from './csr.ts';
import { edgeRows } from './edge-rows.ts';
import { introPaths } from './intro-paths.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, meNode } from './tie-graph.ts';
import { invalidateTieGraphs, tieGraphFor } from './tie-graph-cache.ts';
import { erasePerson } from '../identity/erase.ts';
import { mergeByHand } from '../identity/merge.ts';

const P = ['source', 'record_key', 'run_id'];
const cols = (spec: string): string[] => [...spec.split(','), ...P].map((c) => c.split(':')[0] as string);
const prov = (key: string): SqlValue[] => ['test', key, 1];

/** Insert rows naming their columns (the appender fills columns by position, so plain INSERTs are clearer here). */
async function insert(s: Store, table: string, columns: string[], rows: SqlValue[][]): Promise<void> {
  for (const r of rows) {
    await s.exec(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${r.map((_, i) => `$${i + 1}`).join(', ')})`, r);
  }
}

let dir: string;

/** A, B, C, D, E; two people named "Kim Lee"; F knows nobody. */
async function seed(s: Store): Promise<void> {
  const people = [
    ['pA', 'Ada Alpha'],
    ['pB', 'Ben Beta'],
    ['pC', 'Cy Gamma'],
    ['pD', 'Dee Delta'],
    ['pE', 'Eve Eps'],
    ['pF', 'Fay Phi'],
    ['pK1', 'Kim Lee'],
    ['pK2', 'Kim Lee'],
  ];
  await insert(s, 'people', cols('person_id,display_name'), people.map(([id, n]) => [id!, n!, ...prov(id!)]));
  await insert(s, 'person_identifiers', cols('scheme,value,person_id'), [
    ['orcid', '0000-0002-1825-0097', 'pB', ...prov('i1')],
    ['openreview', '~Cy_Gamma1', 'pC', ...prov('i2')],
  ]);
  const works: SqlValue[][] = [
    ['w1', 'Paper One', 2020, null], // k from authorships = 2
    ['w2', 'Paper Two', 2015, 3],
    ['w3', 'Huge Paper', 2020, 60], // hyperauthored: no ties
    ['w4', 'Solo Paper', 2020, 1],
    ['w5', 'Eve and Cy', 2018, 2],
  ];
  await insert(s, 'works', cols('work_id,title,year:int,author_count:int'), works.map((w) => [...w, ...prov(String(w[0]))]));
  const au: Array<[string, string]> = [
    ['w1', 'pA'], ['w1', 'pB'],
    ['w2', 'pA'], ['w2', 'pB'], ['w2', 'pC'],
    ['w3', 'pA'], ['w3', 'pE'],
    ['w4', 'pA'],
    ['w5', 'pE'], ['w5', 'pC'],
  ];
  await insert(s, 'authorships', cols('work_id,person_id,position:int'), au.map(([w, p], i) => [w, p, i, ...prov(`${w}${p}`)]));
  await insert(s, 'ties', cols('a,b,kind,year:int,confidence:double,evidence'), [
    ['pA', 'pD', 'coauthor', 2010, null, 'csrankings faculty-coauthors', ...prov('t1')],
    ['pB', 'pD', 'mentor', null, 0.5, 'advisor per thesis page', ...prov('t2')],
  ]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atlas-network-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, text: string): Promise<string> {
  const f = join(dir, `${process.hrtime.bigint()}-${name}`);
  await writeFile(f, text);
  return f;
}

forEachBackend((newStore) => {
  let store: Store;
  beforeAll(async () => {
    store = await newStore();
    await seed(store);
  });

  describe('tie graph from the store', () => {
    it('weights co-authorship by 1/(k−1) with recency decay, skips k>50 and k<2, adds ties rows and mentorships', async () => {
      const { graph, params } = await buildTieGraph(store, DEFAULT_TIE_PARAMS, { owners: 'none' });
      expect(params.refYear).toBe(2020);
      const w = (a: string, b: string): number => {
        const e = edgeIndex(graph, graph.index.get(a)!, graph.index.get(b)!);
        return e < 0 ? 0 : graph.weights[e]!;
      };
      expect(w('pA', 'pB')).toBeCloseTo(1 + 0.5 * 0.5, 12); // w1 (k=2, this year) + w2 (k=3, 5 years ago)
      expect(w('pA', 'pC')).toBeCloseTo(0.25, 12);
      expect(w('pA', 'pE')).toBe(0); // only the 60-author paper
      expect(w('pE', 'pC')).toBeCloseTo(Math.pow(0.5, 2 / 5), 12);
      expect(w('pA', 'pD')).toBeCloseTo(0.25, 12); // a dated co-authorship row = one k=2 paper in 2010
      expect(w('pB', 'pD')).toBeCloseTo(1.5, 12); // 3 × confidence 0.5
      const again = await buildTieGraph(store, { ...DEFAULT_TIE_PARAMS, refYear: 2025 }, { owners: 'none' });
      const e = edgeIndex(again.graph, again.graph.index.get('pA')!, again.graph.index.get('pB')!);
      expect(again.graph.weights[e]).toBeCloseTo(0.5 + 0.5 * 0.25, 12);
    });
  });

  describe('contacts import', () => {
    it('rejects the whole file when rows match no one or several people, naming their lines', async () => {
      const f = await csv('c1.csv', 'name,orcid,strength,note\nBen B.,0000-0002-1825-0097,4,old friend\nNobody Known,,2,\nKim Lee,,3,\nCy Gamma,,,\n');
      const err = await importContacts(store, f, { owner: 'alice' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AtlasError);
      expect((err as AtlasError).code).toBe('BAD_INPUT');
      expect((err as AtlasError).message).toContain('line 3 "Nobody Known": no match');
      expect((err as AtlasError).message).toContain('line 4 "Kim Lee": 2 people (pK1, pK2)');
      expect((await store.query(`SELECT * FROM contacts`)).length).toBe(0);
    });

    it('with --skip-unmatched imports the rest and reports the skipped lines', async () => {
      const f = await csv('c2.csv', 'name,orcid,strength,note\nBen B.,0000-0002-1825-0097,4,old friend\nNobody Known,,2,\nKim Lee,,3,\nCy Gamma,,,\n');
      const r = await importContacts(store, f, { owner: 'alice', skipUnmatched: true });
      expect(r.imported).toBe(2);
      expect(r.unmatched).toEqual([{ line: 3, name: 'Nobody Known' }]);
      expect(r.ambiguous.map((a) => a.line)).toEqual([4]);
      const rows = await store.query(`SELECT person_id, strength, note, line FROM contacts WHERE owner = 'alice' ORDER BY person_id`);
      expect(rows).toEqual([
        { person_id: 'pB', strength: 4, note: 'old friend', line: 2 },
        { person_id: 'pC', strength: 3, note: null, line: 5 },
      ]);
    });

    it('bad values are input errors with file, line and field', async () => {
      const bad = await csv('c3.csv', 'name,strength\nBen Beta,2\nCy Gamma,9\n');
      const e1 = await importContacts(store, bad, { owner: 'bob' }).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(InputError);
      expect((e1 as InputError).location).toEqual({ file: bad, line: 3, field: 'strength' });
      const noName = await csv('c4.csv', 'person,strength\nBen Beta,2\n');
      const e2 = await importContacts(store, noName, { owner: 'bob' }).catch((e: unknown) => e);
      expect(e2).toBeInstanceOf(InputError);
      expect((e2 as InputError).location.line).toBe(1);
      const noName2 = await csv('c5.csv', 'orcid,strength\n0000-0002-1825-0097,2\n');
      const e3 = await importContacts(store, noName2, { owner: 'bob' }).catch((e: unknown) => e);
      expect((e3 as InputError).location).toEqual({ file: noName2, line: 1, field: 'name' });
    });

    it('keeps several owners side by side; re-import replaces only that owner', async () => {
      const b1 = await csv('b1.csv', 'name,openreview,strength\nX,~Cy_Gamma1,5\nEve Eps,,1\n');
      await importContacts(store, b1, { owner: 'bob' });
      const b2 = await csv('b2.csv', 'name,strength\nEve Eps,2\n');
      const r = await importContacts(store, b2, { owner: 'bob' });
      expect(r.replaced).toBe(2);
      const rows = await store.query(`SELECT owner, person_id, strength FROM contacts ORDER BY owner, person_id`);
      expect(rows).toEqual([
        { owner: 'alice', person_id: 'pB', strength: 4 },
        { owner: 'alice', person_id: 'pC', strength: 3 },
        { owner: 'bob', person_id: 'pE', strength: 2 },
      ]);
    });
  });

  describe('intro paths and brokers', () => {
    it('finds the k best paths with evidence on every hop, in the JSON shape of the spec', async () => {
      const r = await introPaths(store, 'Dee Delta', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 4 });
      expect(r.params).toMatchObject({ owner: 'alice', target: 'pD', k: 5, maxHops: 4, halfLife: 5, maxAuthors: 50, refYear: 2020 });
      expect(Object.keys(r)).toEqual(['params', 'paths']);
      expect(r.paths.length).toBeGreaterThanOrEqual(2);
      const best = r.paths[0]!;
      expect(Object.keys(best)).toEqual(['cost', 'strength', 'nodes', 'hops']);
      expect(best.nodes).toEqual([meNode('alice'), 'pB', 'pD']); // contact 4 + mentor 1.5
      expect(best.strength).toBeCloseTo(Math.exp(-best.cost), 12);
      expect(best.hops[0]!.evidence).toEqual([{ kind: 'contact', owner: 'alice', strength: 4, note: 'old friend', file: expect.stringMatching(/c2\.csv$/), line: 2, weight: 4 }]);
      expect(best.hops[1]!.evidence).toMatchObject([{ kind: 'mentor', detail: 'advisor per thesis page', confidence: 0.5, weight: 1.5 }]);
      for (let i = 1; i < r.paths.length; i++) expect(r.paths[i]!.cost).toBeGreaterThanOrEqual(r.paths[i - 1]!.cost);
      const viaA = r.paths.find((p) => p.nodes.join() === [meNode('alice'), 'pB', 'pA', 'pD'].join());
      expect(viaA?.hops[1]!.evidence.map((e) => (e.kind === 'work' ? e.work_id : e.kind))).toEqual(['w1', 'w2']);
      expect(viaA?.hops[2]!.evidence).toMatchObject([{ kind: 'coauthor', year: 2010, weight: 0.25 }]);
    });

    it('answers "no path" (an empty list) when nothing reaches the target within max hops', async () => {
      const r = await introPaths(store, 'pD', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 1 });
      expect(r.paths).toEqual([]);
      const r2 = await introPaths(store, 'Fay Phi', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 4 });
      expect(r2.paths).toEqual([]);
    });

    it('lists the candidates for an ambiguous target and rejects an unknown owner', async () => {
      const e = await introPaths(store, 'Kim Lee', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 4 }).catch((x: unknown) => x);
      expect((e as AtlasError).code).toBe('AMBIGUOUS');
      expect((e as AtlasError).message).toContain('pK1');
      const e2 = await introPaths(store, 'pD', { ...DEFAULT_TIE_PARAMS, owner: 'nobody', k: 5, maxHops: 4 }).catch((x: unknown) => x);
      expect((e2 as AtlasError).code).toBe('NOT_FOUND');
    });

    it('ranks brokers by the summed strength of their best paths to the targets', async () => {
      const r = await brokers(store, ['pD', 'pA', 'pE', 'pF'], { ...DEFAULT_TIE_PARAMS, owner: 'alice', maxHops: 3 });
      expect(r.unreached).toEqual(['pF']);
      const byId = new Map(r.brokers.map((b) => [b.contact, b]));
      // alice's contacts: pB (4), pC (3). Through pC within 3 hops: pA (C–A), pE (C–E), pD (C–A–D or C–B–D)
      expect(byId.get('pB')!.targets).toBe(3);
      expect(byId.get('pC')!.targets).toBe(3);
      for (const b of r.brokers) {
        let sum = 0;
        for (const t of ['pD', 'pA', 'pE']) {
          const paths = await introPaths(store, t, { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 50, maxHops: 3 });
          const best = paths.paths.find((p) => p.nodes[1] === b.contact);
          if (best) sum += best.strength;
        }
        expect(b.strength).toBeCloseTo(sum, 12);
      }
      expect(r.brokers[0]!.strength).toBeGreaterThanOrEqual(r.brokers[1]!.strength);
    });

    it('exports every tie once with its kinds', async () => {
      const rows = [];
      for await (const b of edgeRows(store)) rows.push(...b);
      expect(rows.find((r) => r.a === 'pB' && r.b === 'pD')).toMatchObject({ kinds: 'mentor', weight: 1.5 });
      expect(rows.find((r) => r.a === 'me:alice' && r.b === 'pB')).toMatchObject({ kinds: 'contact', weight: 4 });
      expect(rows.find((r) => r.a === 'me:bob' && r.b === 'pE')).toMatchObject({ kinds: 'contact', weight: 2 });
      expect(rows.every((r) => String(r.a) < String(r.b))).toBe(true);
    });

    it("one owner's paths and brokers never run through another owner's contact list", async () => {
      // bob knows Eve and Fay; Fay knows nobody else. In the shared graph me:alice → Cy → Eve → me:bob → Fay is 4
      // edges, but it would pass through bob's private list: for alice, Fay stays out of reach.
      const b3 = await csv('b3.csv', 'name,strength\nEve Eps,2\nFay Phi,5\n');
      await importContacts(store, b3, { owner: 'bob' });
      const r = await introPaths(store, 'Fay Phi', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 5, maxHops: 6 });
      expect(r.paths).toEqual([]);
      const viaBob = await introPaths(store, 'Fay Phi', { ...DEFAULT_TIE_PARAMS, owner: 'bob', k: 5, maxHops: 6 });
      expect(viaBob.paths[0]?.nodes).toEqual([meNode('bob'), 'pF']);
      expect(viaBob.paths.every((p) => p.nodes.slice(1).every((n) => !n.startsWith('me:')))).toBe(true);
      const b = await brokers(store, ['pF', 'pA'], { ...DEFAULT_TIE_PARAMS, owner: 'alice', maxHops: 6 });
      expect(b.unreached).toEqual(['pF']);
      for (const p of (await introPaths(store, 'pA', { ...DEFAULT_TIE_PARAMS, owner: 'alice', k: 20, maxHops: 6 })).paths) {
        expect(p.nodes.slice(1).some((n) => n.startsWith('me:'))).toBe(false);
      }
      // bob's list as the other tests expect it
      await importContacts(store, await csv('b2-again.csv', 'name,strength\nEve Eps,2\n'), { owner: 'bob' });
    });

    // Last: it changes the shared data (a new contact list, an erasure, ties deleted by hand).
    it('keeps the graph between requests, across a contact import too, and rebuilds it when a merge or an erasure changes the data', async () => {
      const params = { ...DEFAULT_TIE_PARAMS, maxAuthors: 49 }; // a key no other test uses
      const first = await tieGraphFor(store, params);
      expect((await tieGraphFor(store, params)).graph).toBe(first.graph);
      expect((await tieGraphFor(store, { ...params, refYear: 2019 })).graph).not.toBe(first.graph);
      // A new contact list for alice: the next request sees it.
      const f = await csv('cache.csv', 'name,strength\nDee Delta,5\n');
      await importContacts(store, f, { owner: 'alice' });
      const afterImport = await tieGraphFor(store, params);
      expect(afterImport.graph).toBe(first.graph);
      const direct = await introPaths(store, 'pD', { ...params, owner: 'alice', k: 1, maxHops: 4 });
      expect(direct.paths[0]?.nodes).toEqual([meNode('alice'), 'pD']);
      // A merge by hand (the two Kim Lees are one person).
      await mergeByHand(store, 'pK1', 'pK2', 'same person');
      const afterMerge = await tieGraphFor(store, params);
      expect(afterMerge.graph).not.toBe(afterImport.graph);
      // Erasing Dee removes her from the graph at once.
      await erasePerson(store, 'pD');
      const afterErase = await tieGraphFor(store, params);
      expect(afterErase.graph).not.toBe(afterMerge.graph);
      expect(afterErase.graph.index.has('pD')).toBe(false);
      // A write by hand is seen once the caller says so.
      await store.exec(`DELETE FROM ties`);
      expect((await tieGraphFor(store, params)).graph).toBe(afterErase.graph);
      invalidateTieGraphs(store);
      expect((await tieGraphFor(store, params)).graph).not.toBe(afterErase.graph);
    });
  });
});
