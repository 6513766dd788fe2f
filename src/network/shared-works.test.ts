/**
 * The works people share, kept in the tie graph's file (shared-works.ts), on both backends with real data (the
 * CoRL paper lists, Paper Copilot): every co-author pair's shared works as the file answers them equal the store's
 * (what the evidence statement reads), for a new process too; after ingests the sections brought up to date equal
 * those read whole; a file without them, or whose nodes are other people, answers nothing and the store is asked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { storeCacheDir } from '../store/cache-dir.ts';
import { dataVersions, updatableSince } from '../store/repo/data-version.ts';
import { migrate } from '../store/migrate.ts';
import { BACKENDS, openFreshStore, reopenableStore } from '../store/test-backends.ts';
import type { TieGraph } from './csr.ts';
import { expectFileEvidence, pairsOf, papersOf, workEvidence, type Paper } from './test-graphs.ts';
import { readWorksSections, SharedWorksFile, updateWorksSections, type WorksSections } from './shared-works.ts';
import { buildTieGraph, DEFAULT_TIE_PARAMS, resolveTieParams } from './tie-graph.ts';
import { tieGraphFor, tieGraphOrigins } from './tie-graph-cache.ts';
import { sharedWorksFile, writeTieGraphFile } from './tie-graph-file.ts';
import { updateTieGraph } from './tie-graph-update.ts';

const UNDATED = 'hand:un\ndated';

/** Each node's works by id, with what is kept of each (ordinals differ between sections made in different ways). */
const byPerson = (g: TieGraph, s: WorksSections): string[] =>
  [...g.ids].map((id, u) => `${id}:${[...s.personWorks.subarray(s.personWorksAt[u], s.personWorksAt[u + 1])].map((o) => `${s.workIds[o]}=${s.works[o]}`).sort().join(',')}`);

for (const backend of BACKENDS) {
  describe(`shared works kept in the tie graph's file (${backend})`, () => {
    const at = reopenableStore(backend, 'shared-works');
    beforeEach(() => at.setUp());
    afterEach(() => at.tearDown());

    it("answers every co-author pair's shared works as the store does, for a new process too, and after an ingest brought them up to date", async () => {
      let store = await at.open();
      try {
        await migrate(store);
        await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
        // by hand: a second work of no year shared by two co-authors (its place: after the dated ones; a line break
        // in its id, which the file must still hold), and one of 60 authors (more than maxAuthors: never evidence)
        const [p0] = papersOf('corl2022.json.gz').filter((x) => x.authorids.split(';').length >= 3);
        const [a, b] = (p0 as Paper).authorids.split(';').map((s) => `openreview:${s.trim()}`) as [string, string];
        const prov = ['paperlist', 'by-hand', 1];
        await store.exec(`INSERT INTO works (work_id, title, year, author_count, source, record_key, run_id) VALUES ($1, 'An undated note', NULL, 2, $2, $3, $4)`, [UNDATED, ...prov]);
        await store.exec(`INSERT INTO works (work_id, title, year, author_count, source, record_key, run_id) VALUES ('hand:big', 'A big collaboration', 2022, 60, $1, $2, $3)`, prov);
        for (const [i, id] of [a, b].entries()) {
          await store.exec(`INSERT INTO authorships (work_id, person_id, position, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5, $6)`, [UNDATED, id, i, ...prov]);
          await store.exec(`INSERT INTO authorships (work_id, person_id, position, source, record_key, run_id) VALUES ('hand:big', $1, $2, $3, $4, $5)`, [id, i, ...prov]);
        }
        const built = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(built.sharedWorks).toBeTruthy();
        const pairs = pairsOf(built.graph, 40, 600);
        expect(pairs.length).toBeGreaterThan(500);
        // the file answers every pair itself (not the store through the fallback)
        for (const [x, y] of pairs) expect(built.sharedWorks?.(x, y)).not.toBeNull();
        const fromStore = await workEvidence(store, pairs, built.params);
        expect(await workEvidence(store, pairs, built.params, built.sharedWorks)).toEqual(fromStore);
        const both = built.sharedWorks?.(a, b) ?? [];
        expect(both.map((w) => w.work_id)).toEqual([`paperlist:corl2022:${(p0 as Paper).id}`, UNDATED]);
        expect(fromStore.filter((e) => e.includes('"authors":')).length).toBeGreaterThan(500);
        expect(fromStore.join()).not.toContain('hand:big');

        // a new process reads the file: the same answers
        await store.close();
        store = await at.open();
        const read0 = tieGraphOrigins.read;
        const again = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(tieGraphOrigins.read).toBe(read0 + 1);
        expect(await workEvidence(store, pairs, again.params, again.sharedWorks)).toEqual(fromStore);

        // an ingest: a paper of the next year's list by people already known, and new ones; the update brings the
        // sections up to date from the changed people only
        await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz')]);
        const updated0 = tieGraphOrigins.updated;
        const after = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect(tieGraphOrigins.updated).toBe(updated0 + 1);
        await expectFileEvidence(store, after, pairsOf(after.graph, 40, 600));
      } finally {
        await store.close();
      }
    }, 300_000);

    it('a graph file of this data version written without them gets them from the first process that reads it', async () => {
      let store = await at.open();
      try {
        await migrate(store);
        await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
        const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
        const { graph, mentors } = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        const dir = storeCacheDir(store) as string;
        const version = (await dataVersions(store)).withoutContacts;
        writeTieGraphFile(dir, graph, version, p, 2, mentors);
        expect(sharedWorksFile(dir, version, p)).toBeNull();
        await store.close();
        store = await at.open();
        const read0 = tieGraphOrigins.read, built0 = tieGraphOrigins.built;
        const got = await tieGraphFor(store, DEFAULT_TIE_PARAMS);
        expect([tieGraphOrigins.read - read0, tieGraphOrigins.built - built0]).toEqual([1, 0]);
        expect(got.sharedWorks).toBeTruthy();
        const file = sharedWorksFile(dir, version, p);
        expect(file).toBeInstanceOf(SharedWorksFile);
        file?.close();
        const pairs = pairsOf(got.graph, 10, 300);
        await expectFileEvidence(store, got, pairs);
      } finally {
        await store.close();
      }
    }, 120_000);
  });

  describe(`shared works brought up to date after an ingest (${backend})`, () => {
    it('equal the sections read whole, after a paper lost two authors and a new paper came', async () => {
      const store = await openFreshStore(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-works-update-'));
      try {
        await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz')]);
        const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
        const old = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        const before = await readWorksSections(store, old.graph, p);
        const v0 = (await dataVersions(store)).withoutContacts;
        const papers = papersOf('corl2021.json.gz');
        const i = papers.findIndex((x) => x.authorids.split(';').length >= 4);
        const cut = (v: string): string => v.split(';').slice(0, -2).join(';');
        const lost = (papers[i] as Paper).authorids.split(';').slice(-2).map((s) => `openreview:${s.trim()}`);
        const changed = { ...(papers[i] as Paper), author: cut((papers[i] as Paper).author), authorids: cut((papers[i] as Paper).authorids) };
        // a new paper by two people of another paper and one new person
        const other = papers.find((x, j) => j !== i && x.authorids.split(';').length >= 2) as Paper;
        const ids = other.authorids.split(';').slice(0, 2).map((s) => s.trim());
        const people = ids.map((id) => `openreview:${id}`);
        const fresh = { ...other, id: 'new-paper', title: 'A new paper', author: `${other.author.split(';').slice(0, 2).join(';')};Ada Newcomer`, authorids: `${ids.join(';')};~Ada_Newcomer1` };
        writeFileSync(path.join(dir, 'corl2021.json'), JSON.stringify([changed, fresh]));
        const r = await ingestFiles(store, [path.join(dir, 'corl2021.json')]);
        expect(r.replaced).toBe(1);
        const since = await updatableSince(store, v0, (await dataVersions(store)).withoutContacts);
        const updated = await updateTieGraph(store, old, since as number);
        const upd = await updateWorksSections(store, updated.graph, p, before, since as number);
        const whole = await readWorksSections(store, updated.graph, p);
        expect(byPerson(updated.graph, upd)).toEqual(byPerson(updated.graph, whole));
        // what changed did change: the two lost the paper, the two gained one, the new person has it
        expect(byPerson(updated.graph, upd)).not.toEqual(byPerson(updated.graph, { ...before, personWorksAt: Int32Array.from({ length: updated.graph.ids.length + 1 }, (_, u) => before.personWorksAt[Math.min(u, old.graph.ids.length)] as number) }));
        const worksOf = (id: string): string => byPerson(updated.graph, upd)[updated.graph.index.get(id) as number] as string;
        for (const id of lost) expect(worksOf(id)).not.toContain(`paperlist:corl2021:${(papers[i] as Paper).id}=`);
        for (const id of [...people, 'openreview:~Ada_Newcomer1']) expect(worksOf(id)).toContain('paperlist:corl2021:new-paper=');
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 240_000);
  });

  describe(`a graph file without shared works, or of other people (${backend})`, () => {
    it('answers nothing, and the evidence comes from the store as before', async () => {
      const store = await openFreshStore(backend);
      const dir = mkdtempSync(path.join(tmpdir(), 'atlas-works-none-'));
      try {
        await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz')]);
        const p = await resolveTieParams(store, DEFAULT_TIE_PARAMS);
        const { graph, mentors } = await buildTieGraph(store, p, { owners: 'none', allPeople: true });
        writeTieGraphFile(dir, graph, 'v1', p, 2, mentors);
        expect(sharedWorksFile(dir, 'v1', p)).toBeNull();
        writeTieGraphFile(dir, graph, 'v1', p, 2, mentors, await readWorksSections(store, graph, p));
        expect(sharedWorksFile(dir, 'another version', p)).toBeNull();
        const file = sharedWorksFile(dir, 'v1', p) as SharedWorksFile;
        expect(file).toBeInstanceOf(SharedWorksFile);
        const [x, y] = pairsOf(graph, 0)[0] as [string, string];
        const ux = graph.index.get(x) as number, uy = graph.index.get(y) as number;
        expect(file.shared(x, ux, y, uy)?.length).toBeGreaterThan(0);
        // node ux of the file is x, not y: asked for y there, it answers null rather than x's works
        expect(file.shared(y, ux, x, uy)).toBeNull();
        expect(file.whole([...graph.ids].reverse())).toBeNull();
        const whole = file.whole(graph.ids) as WorksSections;
        expect(whole).not.toBeNull();
        file.close();
        // damaged: x's works name an ordinal past the last work, or a line that is not a work: null, never a throw
        for (const damage of ['ordinal', 'line'] as const) {
          const bad = { ...whole, personWorks: whole.personWorks.slice(), works: whole.works.slice() };
          const run = (u: number): number[] => [...whole.personWorks.subarray(whole.personWorksAt[u], whole.personWorksAt[u + 1])];
          const shared = run(ux).find((o) => run(uy).includes(o)) as number;
          if (damage === 'ordinal') bad.personWorks[(whole.personWorksAt[ux] as number) + run(ux).indexOf(shared)] = whole.works.length + 5;
          else bad.works[shared] = '{"not": "a work"}';
          writeTieGraphFile(dir, graph, 'v2', p, 2, mentors, bad);
          const damaged = sharedWorksFile(dir, 'v2', p) as SharedWorksFile;
          expect(damaged).toBeInstanceOf(SharedWorksFile);
          expect(damaged.shared(x, ux, y, uy)).toBeNull();
          damaged.close();
        }
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
