/**
 * The search index brought up to date after ingests (index-update.ts), on both backends with real data: the
 * updated index equals the one built from scratch — every work's postings, length, people; every person's
 * figures, names and career facts; the pruning's arrays through the answers — after new papers, new profiles with
 * expertise, a paper replaced by a copy with another title and two authors fewer, and an expertise list replaced
 * by a shorter one; through the cache, an older index in memory or in a file is updated instead of built again,
 * and an erasure makes the next caller build.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../core/paths.ts';
import { refreshDerived } from '../derived/refresh-derived.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { careersRefreshOf, dataVersions, updatableSince } from '../store/repo/data-version.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';
import { BACKENDS, reopenableStore } from '../store/test-backends.ts';
import { buildSearchIndex, buildSearchIndexParts, searchIndexFor, searchIndexOrigins } from './build-from-store.ts';
import { updateSearchIndex } from './index-update.ts';
import { SearchIndex, type SearchIndexParts } from './search-index.ts';

const PROFILES = dataPath('openreview-samples', 'profiles-v2-page.json');
const WORKS = dataPath('openalex-samples', 'openalex-research-rag', 'works_sample.json.gz');

/** Everything an index holds, by id (term numbering aside: a term is a key, new terms come last in an update). */
function contents(p: SearchIndexParts): Record<string, unknown> {
  const workIds = Array.from(p.workIds);
  const personIds = Array.from(p.personIds);
  const postings: Record<string, string> = {};
  for (const [term, t] of p.terms) {
    const list: string[] = [];
    for (let i = p.termStart[t] as number; i < (p.termStart[t + 1] as number); i++) list.push(`${workIds[p.postWork[i] as number]}:${p.postTf[i]}`);
    postings[term] = `${p.termMaxPart[t]}|${list.join(' ')}`;
  }
  const shown = Array.from(p.workShown);
  const works = workIds.map((id, w) => {
    const people = Array.from(p.workPeople.subarray(p.workPeopleStart[w], p.workPeopleStart[w + 1]), (x) => personIds[x]);
    return `${id}|${p.docLen[w]}|${p.norm[w]}|${p.workYear[w]}|${p.workCites[w]}|${p.profileDoc[w]}|${shown[w]}|${people.join(',')}`;
  });
  const people = personIds.map((id, x) => {
    const worksOf = Array.from(p.personWorks.subarray(p.personWorksStart[x], p.personWorksStart[x + 1]), (w) => workIds[w]);
    return `${id}|${p.names[x]}|${p.sourceH[x]}|${p.cites[x]}|${p.h[x]}|${p.recent[x]}|${p.nWorks[x]}|${p.firstWorkYear[x]}|${JSON.stringify(p.facts.at(x) ?? null)}|${worksOf.join(',')}`;
  });
  return { terms: p.terms.size, postings, works, people, asOf: p.asOf, latestDataYear: p.latestDataYear, careersPresent: p.careersPresent, worksSorted: p.worksSorted };
}

const QUERIES: Array<[string, Record<string, unknown>]> = [
  ['robot manipulation', {}],
  ['reinforcement learning', { limit: 50 }],
  ['learning', { limit: 200, offset: 3 }],
  ['quantum annealing', {}],
  ['grasping', { filters: { country: 'US' } }],
  ['policy', { filters: { abroad: true } }],
  ['navigation', { filters: { careerAge: { min: 0, max: 8 } } }],
  ['vision language model', { filters: { minH: 2 }, limit: 30 }],
];

/** The answers of both indexes to every query, by every method. */
function answersOf(index: SearchIndex): unknown[] {
  const out: unknown[] = [];
  for (const [q, o] of QUERIES) for (const method of ['exhaustive', 'pruned', 'direct', undefined] as const) out.push(index.query(q, { ...o, ...(method ? { method } : {}) }));
  return out;
}

function withoutFacts(p: SearchIndexParts): SearchIndexParts {
  return { ...p, facts: Array.from({ length: p.facts.length }, (_, i) => p.facts.at(i)) };
}

for (const backend of BACKENDS) {
  describe(`search index updated after ingests (${backend})`, () => {
    const db = reopenableStore(backend, 'searchupdate');
    let store: Store;
    const dir = mkdtempSync(path.join(tmpdir(), 'atlas-search-update-'));

    beforeAll(async () => {
      await db.setUp();
      store = await db.open();
      await migrate(store);
    }, 60_000);

    afterAll(async () => {
      await store?.close();
      db.tearDown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('equals a full build after new papers and profiles, a replaced paper and a shorter expertise list', async () => {
      await ingestFiles(store, [dataPath('paperlists', 'corl2021.json.gz'), dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json')]);
      await refreshDerived(store);
      let old = await buildSearchIndexParts(store);
      let v0 = (await dataVersions(store)).withoutContacts;
      const step = async (files: string[]): Promise<'full' | 'changed'> => {
        await ingestFiles(store, files);
        const { careers } = await refreshDerived(store);
        const since = await updatableSince(store, v0, (await dataVersions(store)).withoutContacts);
        expect(since).not.toBeNull();
        const { parts, figures } = await updateSearchIndex(store, old, since as number, { careersRefresh: careersRefreshOf(v0) });
        const fresh = await buildSearchIndexParts(store);
        expect(contents(parts)).toEqual(contents(fresh));
        expect(contents(parts)).not.toEqual(contents(old));
        expect(figures.changedDocuments).toBeGreaterThan(0);
        // only the people whose careers a refresh wrote since, or whose career inputs changed, had their facts read
        // again: all of them when the refresh derived everyone (a new reference year)
        expect(figures.factsReadAll).toBe(false);
        if (careers.mode === 'changed') expect(figures.factsRead).toBeLessThan(fresh.personIds.length);
        else expect(figures.factsRead).toBeGreaterThanOrEqual(careers.people);
        expect(answersOf(new SearchIndex(withoutFacts(parts)))).toEqual(answersOf(new SearchIndex(withoutFacts(fresh))));
        old = parts;
        v0 = (await dataVersions(store)).withoutContacts;
        return careers.mode;
      };
      // new papers (many authors known from 2021: a new reference year, so every career is derived again) and
      // profiles, one with expertise
      expect(await step([dataPath('paperlists', 'corl2022.json.gz'), PROFILES])).toBe('full');
      // a 2021 paper replaced by a copy with another title and two authors fewer; an expertise list made shorter
      const file = dataPath('paperlists', 'corl2021.json.gz');
      const papers = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Array<{ title: string; author: string; authorids: string }>;
      const i = papers.findIndex((x) => x.authorids.split(';').length >= 4);
      const cut = (v: string): string => v.split(';').slice(0, -2).join(';');
      writeFileSync(path.join(dir, 'corl2021.json'), JSON.stringify([{ ...papers[i]!, title: 'Zyxwvut quantum annealing of grasps', author: cut(papers[i]!.author), authorids: cut(papers[i]!.authorids) }]));
      const page = JSON.parse(readFileSync(PROFILES, 'utf8')) as { profiles: Array<{ content: { expertise?: unknown[] } }> };
      const ada = page.profiles.find((p) => p.content.expertise)!;
      delete ada.content.expertise;
      writeFileSync(path.join(dir, 'profiles.json'), JSON.stringify(page));
      const before = contents(old) as { postings: Record<string, string> };
      expect(before.postings['zyxwvut']).toBeUndefined();
      expect(await step([path.join(dir, 'corl2021.json'), path.join(dir, 'profiles.json')])).toBe('changed');
      // the ingest kept which works the replaced record's rows were taken from: the replaced paper's
      const [{ run }] = (await store.query<{ run: number }>(`SELECT MAX(run_id) AS run FROM ingest_runs`)) as [{ run: number }];
      expect((await store.query(`SELECT DISTINCT work_id FROM work_changes WHERE run_id = $1`, [run])).map((r) => r['work_id'])).toEqual(
        (await store.query(`SELECT work_id FROM works WHERE title LIKE 'Zyxwvut%'`)).map((r) => r['work_id']),
      );
      const after = contents(old) as { postings: Record<string, string>; works: string[] };
      expect(after.postings['zyxwvut']).toBeDefined();
      // "annealing" was in Ada's expertise only, which is gone (no keyword row of hers is new: only what the
      // replaced record took away says so): now it is in the replaced paper's title alone
      const docsOf = (postings: string | undefined): string[] => (postings ?? '').split('|')[1]!.split(' ').map((x) => x.replace(/:[^:]*$/, ''));
      expect(docsOf(before.postings['annealing']).every((d) => d.startsWith('expertise:'))).toBe(true);
      expect(docsOf(after.postings['annealing'])).toEqual([expect.not.stringMatching(/^expertise:/)]);
      expect(after.works.some((w) => w.startsWith('expertise:'))).toBe(false);

      // OpenAlex works, with institution types (up to 2025: a new reference year)
      expect(await step([WORKS])).toBe('full');
      // a new work of one author naming an institution with another type: everyone whose latest year is there
      // now has that type, though none of their rows is new (the ingest records them: careers/career-changes.ts)
      const works = JSON.parse(gunzipSync(readFileSync(WORKS)).toString('utf8')) as Array<{ id: string; publication_year: number; authorships: Array<{ institutions: Array<{ id: string; type: string | null }> }> }>;
      const typeOf = new Map<string, string>();
      const seen = new Map<string, number>();
      for (const w of works) for (const a of w.authorships) for (const inst of a.institutions) if (inst.type === 'education') seen.set(inst.id, (seen.get(inst.id) ?? 0) + 1);
      const busiest = [...seen].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
      const w0 = works.find((w) => w.authorships.some((a) => a.institutions.some((i) => i.id === busiest)))!;
      const a0 = w0.authorships.find((a) => a.institutions.some((i) => i.id === busiest))!;
      typeOf.set(busiest, 'company');
      writeFileSync(
        path.join(dir, 'retyped.json'),
        JSON.stringify([{ ...w0, id: 'https://openalex.org/W1999999999', publication_year: 2020, authorships: [{ ...a0, institutions: a0.institutions.filter((i) => i.id === busiest).map((i) => ({ ...i, type: typeOf.get(i.id) })) }] }]),
      );
      const typed = (c: Record<string, unknown>): string[] => (c as { people: string[] }).people.filter((x) => x.includes('"company"'));
      const companiesBefore = typed(contents(old));
      expect(await step([path.join(dir, 'retyped.json')])).toBe('changed');
      // more people at a company in their latest year than the one author of the new work
      expect(typed(contents(old)).length).toBeGreaterThan(companiesBefore.length + 1);
    }, 300_000);

    it('through the cache: an older index in memory, then in a file, is updated; an erasure makes the next caller build', async () => {
      const first = await searchIndexFor(store);
      const o0 = { ...searchIndexOrigins };
      await ingestFiles(store, [dataPath('paperlists', 'iclr2021.json.gz')]);
      await refreshDerived(store);
      const updated = await searchIndexFor(store);
      expect(updated).not.toBe(first);
      expect(searchIndexOrigins).toEqual({ ...o0, updated: o0.updated + 1 });
      const rebuilt = await buildSearchIndex(store);
      expect(answersOf(updated)).toEqual(answersOf(rebuilt));
      // another process: the file (of the version before the next ingest) is read and updated, then written
      await ingestFiles(store, [dataPath('paperlists', 'icml2023.json.gz')]);
      await refreshDerived(store);
      await store.close();
      store = await db.open();
      const o1 = { ...searchIndexOrigins };
      const fromFile = await searchIndexFor(store);
      expect(searchIndexOrigins).toEqual({ ...o1, updated: o1.updated + 1 });
      expect(answersOf(fromFile)).toEqual(answersOf(await buildSearchIndex(store)));
      await store.close();
      store = await db.open();
      const o2 = { ...searchIndexOrigins };
      expect(answersOf(await searchIndexFor(store))).toEqual(answersOf(fromFile));
      expect(searchIndexOrigins).toEqual({ ...o2, read: o2.read + 1 });
      // an erasure: the next index is built, without the person
      const hit = fromFile.query('robot manipulation').hits[0]!;
      await erasePerson(store, hit.personId);
      const o3 = { ...searchIndexOrigins };
      const after = await searchIndexFor(store);
      expect(searchIndexOrigins).toEqual({ ...o3, built: o3.built + 1 });
      expect(after.personOrdinal(hit.personId)).toBeLessThan(0);
    }, 300_000);
  });
}
