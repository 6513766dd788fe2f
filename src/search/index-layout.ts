/**
 * The index's arrays that follow from its core: the postings (term → works), each work's length, year, citations
 * and people, and the people. Both a build (index-builder.ts) and an update after an ingest (index-update.ts) make
 * a core and finish it here, so an updated index is laid out by the very code that lays out a built one: BM25
 * length normalisers, the pruning's per-term bounds, people bit sets and work sets, per-person impact figures and
 * the person → works links.
 */
import { BM25, RECENT_YEARS, hIndex } from './rank.ts';
import { buildTermPeopleBits } from './match-count.ts';
import { buildWorkSets } from './work-sets.ts';
import type { PersonFactsInput, SearchIndexParts } from './search-index.ts';

/** What a build or an update makes (see SearchIndexParts); the rest of the parts is computed from it (finishIndex). */
export type IndexCore = Pick<
  SearchIndexParts,
  | 'terms' | 'termStart' | 'postWork' | 'postTf' | 'workIds' | 'workShown' | 'docLen' | 'workYear' | 'workCites' | 'profileDoc' | 'workPeopleStart' | 'workPeople'
  | 'personIds' | 'names' | 'sourceH' | 'latestDataYear' | 'careersPresent' | 'worksSorted'
> & { facts: (PersonFactsInput | undefined)[] };

/** Whether ids are in code-unit order, ascending, from `from` to `to`. */
export function sortedIds(ids: readonly string[], from = 0, to = ids.length): boolean {
  for (let i = from + 1; i < to; i++) if ((ids[i - 1] as string) >= (ids[i] as string)) return false;
  return true;
}

/** The whole parts of an index from its core. asOf defaults to the latest year in the data (works, or latestDataYear if later). */
export function finishIndex(core: IndexCore, options: { asOf?: number; forward?: SearchIndexParts['forward'] } = {}): SearchIndexParts {
  const { termStart, postWork, postTf, docLen, workYear: years, workCites, profileDoc, workPeopleStart, workPeople } = core;
  const nW = core.workIds.length;
  const nT = termStart.length - 1;
  const nP = core.personIds.length;
  let maxYear = 0;
  for (let w = 0; w < nW; w++) if ((years[w] as number) > maxYear) maxYear = years[w] as number;
  const asOf = options.asOf ?? Math.max(maxYear, core.latestDataYear ?? 0);

  // per-work BM25 length normaliser k1·(1 − b + b·dl/avgdl)
  let total = 0;
  for (let w = 0; w < nW; w++) total += docLen[w] as number;
  const avgdl = nW ? total / nW || 1 : 1;
  const norm = new Float32Array(nW);
  for (let w = 0; w < nW; w++) {
    // an expertise document is a short list of keywords: it is normalised as at least an average-length work, so
    // its shortness alone never ranks it above the person's papers
    const dl = profileDoc[w] ? Math.max(docLen[w] as number, avgdl) : (docLen[w] as number);
    norm[w] = BM25.k1 * (1 - BM25.b + (BM25.b * dl) / avgdl);
  }

  // per term, the largest tf·(k1+1)/(tf + norm) of its postings: × idf, a bound on the term's part of any work's score
  const termMaxPart = new Float32Array(nT);
  for (let t = 0; t < nT; t++) {
    let m = 0;
    for (let i = termStart[t] as number; i < (termStart[t + 1] as number); i++) {
      const tf = postTf[i] as number;
      m = Math.max(m, (tf * (BM25.k1 + 1)) / (tf + (norm[postWork[i] as number] as number)));
    }
    termMaxPart[t] = m;
  }

  // per-person impact figures, works in ordinal order (expertise documents are no works)
  const cites = new Float64Array(nP);
  const recent = new Int32Array(nP);
  const firstWorkYear = new Int32Array(nP);
  const nWorks = new Int32Array(nP);
  for (let w = 0; w < nW; w++) {
    if (profileDoc[w]) continue;
    const y = years[w] as number;
    const c = workCites[w] as number;
    for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) {
      const p = workPeople[j] as number;
      cites[p] = (cites[p] as number) + c;
      nWorks[p]!++;
      if (y > 0 && y <= asOf && y > asOf - RECENT_YEARS) recent[p]!++;
      if (y > 0 && (firstWorkYear[p] === 0 || y < (firstWorkYear[p] as number))) firstWorkYear[p] = y;
    }
  }
  const k = workPeople.length;
  // person → works CSR (every document the person is linked to, expertise included), ascending work ordinals
  const personWorksStart = new Int32Array(nP + 1);
  for (let i = 0; i < k; i++) personWorksStart[(workPeople[i] as number) + 1]!++;
  for (let p = 0; p < nP; p++) personWorksStart[p + 1] = (personWorksStart[p + 1] as number) + (personWorksStart[p] as number);
  const pwFill = personWorksStart.slice(0, nP);
  const personWorks = new Int32Array(k);
  for (let w = 0; w < nW; w++) for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) personWorks[pwFill[workPeople[j] as number]!++] = w;
  // h-index per person from a person → citation-counts CSR
  const pcStart = new Int32Array(nP + 1);
  for (let p = 0; p < nP; p++) pcStart[p + 1] = (pcStart[p] as number) + (nWorks[p] as number);
  const pcFill = pcStart.slice(0, nP);
  const pc = new Int32Array(pcStart[nP] as number);
  for (let w = 0; w < nW; w++) {
    if (profileDoc[w]) continue;
    const c = workCites[w] as number;
    for (let j = workPeopleStart[w] as number; j < (workPeopleStart[w + 1] as number); j++) pc[pcFill[workPeople[j] as number]!++] = c;
  }
  const h = new Int32Array(nP);
  let most = 0;
  for (let p = 0; p < nP; p++) most = Math.max(most, nWorks[p] as number);
  const tally = new Int32Array(most + 1);
  for (let p = 0; p < nP; p++) h[p] = hIndex(pc.subarray(pcStart[p], pcStart[p + 1]), tally);

  return {
    terms: core.terms,
    termStart,
    postWork,
    postTf,
    norm,
    termMaxPart,
    ...buildTermPeopleBits({ termStart, postWork, workPeopleStart, workPeople }, nT, nP),
    ...buildWorkSets(termStart, postWork, nW),
    workIds: core.workIds,
    workShown: core.workShown,
    docLen,
    workYear: years,
    workCites,
    profileDoc,
    workPeopleStart,
    workPeople,
    personWorksStart,
    personWorks,
    personIds: core.personIds,
    names: core.names,
    sourceH: core.sourceH,
    cites,
    h,
    recent,
    nWorks,
    firstWorkYear,
    facts: core.facts,
    asOf,
    latestDataYear: core.latestDataYear,
    careersPresent: core.careersPresent,
    worksSorted: core.worksSorted,
    forward: options.forward,
  };
}
