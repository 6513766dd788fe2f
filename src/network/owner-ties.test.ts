/**
 * Contact lists kept apart from the people's tie graph (owner-ties.ts), on both backends with real Paper Copilot
 * lists: every intro path and broker ranking equals what the graph with every owner's list inside it answers
 * (the layout before, where paths were kept off the other owners' `me` nodes by a mask); a contact import builds
 * neither the graph nor the search index again, and the next request sees the new list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { prng } from '../core/prng.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { searchIndexFor, searchIndexOrigins } from '../search/build-from-store.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, openFreshStore } from '../store/test-backends.ts';
import { rankBrokers } from './brokers.ts';
import { brokers } from './brokers.ts';
import { importContactsText } from './contacts-import.ts';
import type { TieGraph } from './csr.ts';
import { introPaths } from './intro-paths.ts';
import { tieEvidence } from './evidence.ts';
import { PathFinder } from './path-finder.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, meNode, resolveTieParams } from './tie-graph.ts';
import { ownerGraphFor, tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';

const OWNERS = ['ana', 'ben', 'cy'];

/**
 * Equal, numbers to a relative 1e-12: two builds of the graph sum a pair's works in SQL, and DuckDB may add them in
 * another order (a weight differed in its last bit in a CI run: 0.4896221871478405 against 0.48962218714784056).
 */
function expectSame(got: unknown, want: unknown, at: string): void {
  if (typeof want === 'number' && typeof got === 'number') {
    if (got !== want) expect(Math.abs(got - want), `${at}: ${got} against ${want}`).toBeLessThanOrEqual(1e-12 * Math.abs(want));
  } else if (Array.isArray(want) && Array.isArray(got)) {
    expect(got.length, at).toBe(want.length);
    want.forEach((w, i) => expectSame(got[i], w, `${at}[${i}]`));
  } else if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object') {
    expect(Object.keys(got).sort(), at).toEqual(Object.keys(want).sort());
    for (const [k, w] of Object.entries(want)) expectSame((got as Record<string, unknown>)[k], w, `${at}.${k}`);
  } else {
    expect(got, at).toEqual(want);
  }
}

/** The mask of the earlier layout: every `me:` node but the owner's own. */
function otherOwners(graph: TieGraph, owner: string): Uint8Array {
  const mask = new Uint8Array(graph.ids.length);
  graph.ids.forEach((id, i) => {
    if (id.startsWith('me:') && id !== meNode(owner)) mask[i] = 1;
  });
  return mask;
}

for (const backend of BACKENDS) {
  describe(`contact lists apart from the tie graph (${backend})`, () => {
    let store: Store;
    let people: Array<{ person_id: string; display_name: string }>;
    const lists = new Map<string, string[]>();

    beforeAll(async () => {
      store = await openFreshStore(backend);
      await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz'), dataPath('paperlists', 'corl2022.json.gz')]);
      // people with a name no one else has (a contacts file names them), the well-tied first so lists reach far
      people = await store.query<{ person_id: string; display_name: string }>(
        `SELECT p.person_id, p.display_name FROM people p JOIN authorships a ON a.person_id = p.person_id
         WHERE p.display_name IN (SELECT display_name FROM people GROUP BY display_name HAVING COUNT(*) = 1)
         GROUP BY p.person_id, p.display_name ORDER BY COUNT(*) DESC, p.person_id`,
      );
      expect(people.length).toBeGreaterThan(300);
      const rnd = prng(16);
      for (const owner of OWNERS) {
        const chosen = new Set<number>();
        while (chosen.size < 12) chosen.add(Math.floor(rnd() * Math.min(people.length, 200)));
        const rows = [...chosen].map((i) => `"${people[i]!.display_name}",${1 + Math.floor(rnd() * 5)}`);
        await importContactsText(store, `name,strength\n${rows.join('\n')}\n`, `${owner}.csv`, { owner });
        lists.set(owner, [...chosen].map((i) => people[i]!.person_id));
      }
    }, 180_000);

    afterAll(async () => store?.close());

    it('intro paths and brokers equal those of the graph with every list inside it', async () => {
      const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
      const full = (await buildTieGraph(store, p, { owners: 'all' })).graph;
      const rnd = prng(7);
      const targets = Array.from({ length: 25 }, () => people[Math.floor(rnd() * people.length)]!.person_id);
      let compared = 0;
      let evidenced = 0;
      for (const owner of OWNERS) {
        const me = full.index.get(meNode(owner))!;
        const finder = new PathFinder(full, otherOwners(full, owner));
        for (const target of targets) {
          const t = full.index.get(target)!;
          const expected = finder.kBest(me, t, 5, 4).map((f) => ({
            cost: f.cost,
            nodes: f.nodes.map((i) => full.ids[i]),
            weights: f.edges.map((e) => full.weights[e]),
          }));
          const result = await introPaths(store, target, { ...DEFAULT_TIE_PARAMS, owner, k: 5, maxHops: 4 });
          // each hop's evidence, fetched with every other hop's in one go, is what that one tie alone gives
          if (owner === OWNERS[0]) {
            for (const hop of result.paths.flatMap((x) => x.hops)) {
              expect(hop.evidence).toEqual(await tieEvidence(store, hop.to, hop.from, p));
              expect(hop.evidence.length).toBeGreaterThan(0);
              evidenced++;
            }
          }
          const got = result.paths.map((x) => ({
            cost: x.cost,
            nodes: x.nodes,
            weights: x.hops.map((h) => h.weight),
          }));
          expectSame(got, expected, `${owner} → ${target}`);
          compared += expected.length;
        }
        const old = rankBrokers(full, me, targets.map((id) => full.index.get(id)!), 4, otherOwners(full, owner));
        const now = await brokers(store, targets, { ...DEFAULT_TIE_PARAMS, owner, maxHops: 4 });
        expectSame(now.brokers, old.rows, `brokers of ${owner}`);
        expect(now.unreached).toEqual([...new Set(old.unreached.map((i) => full.ids[i] as string))].sort());
      }
      expect(compared).toBeGreaterThan(100); // most targets are reached, several paths each
      expect(evidenced).toBeGreaterThan(50);
    });

    it('a contact import builds neither the graph nor the search index again; the next request has the new list', async () => {
      const graph = (await tieGraphFor(store, DEFAULT_TIE_PARAMS)).graph;
      await searchIndexFor(store);
      const built = { graph: tieGraphOrigins.built, index: searchIndexOrigins.built };
      const [a, b] = [people[250]!, people[251]!];
      await importContactsText(store, `name,strength\n"${a.display_name}",5\n"${b.display_name}",2\n`, 'ana-2.csv', { owner: 'ana' });
      const { graph: after, root } = await ownerGraphFor(store, DEFAULT_TIE_PARAMS, 'ana');
      await searchIndexFor(store);
      expect(after).toBe(graph);
      expect({ graph: tieGraphOrigins.built, index: searchIndexOrigins.built }).toEqual(built);
      expect([...root.targets].map((i) => graph.ids[i]).sort()).toEqual([a.person_id, b.person_id].sort());
      expect([...root.weights]).toEqual([...root.targets].map((i) => (graph.ids[i] === a.person_id ? 5 : 2)));
      const direct = await introPaths(store, a.person_id, { ...DEFAULT_TIE_PARAMS, owner: 'ana', k: 1, maxHops: 1 });
      expect(direct.paths.map((x) => x.nodes)).toEqual([[meNode('ana'), a.person_id]]);
      // the old list is gone from ana's paths; ben's list is untouched
      const old = lists.get('ana')!.find((id) => id !== a.person_id && id !== b.person_id)!;
      expect((await introPaths(store, old, { ...DEFAULT_TIE_PARAMS, owner: 'ana', k: 1, maxHops: 1 })).paths).toEqual([]);
      expect((await introPaths(store, lists.get('ben')![0]!, { ...DEFAULT_TIE_PARAMS, owner: 'ben', k: 1, maxHops: 1 })).paths).toHaveLength(1);
    });

    it('an owner without a list is NOT_FOUND before any graph is built', async () => {
      await expect(introPaths(store, people[0]!.person_id, { ...DEFAULT_TIE_PARAMS, owner: 'nobody', k: 1, maxHops: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
}
