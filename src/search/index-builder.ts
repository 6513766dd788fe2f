/**
 * Builds a SearchIndex from plain records (works, authorships, people, career facts), whatever they come from:
 * the store (build-from-store.ts) or a generator (bench/search.ts). Postings are gathered as growable typed arrays
 * and laid out once at the end as compressed-sparse-row arrays (term → works, work → people).
 */
import { FIELD_WEIGHTS } from './rank.ts';
import { finishIndex, sortedIds } from './index-layout.ts';
import { SearchIndex, type PersonFactsInput, type SearchIndexParts } from './search-index.ts';
import { tokenize } from './tokenize.ts';
import { shownWorkLine } from './work-shown.ts';

/** Id prefix of a person's expertise document in the index (not a work in the store). */
export const EXPERTISE_DOC_PREFIX = 'expertise:';

export interface WorkText {
  title?: string | null;
  keywords?: string | null;
  topics?: string | null;
  abstract?: string | null;
  venue?: string | null;
  /** Not indexed; shown with the work (work-shown.ts). */
  status?: string | null;
}

class GrowI32 {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(Math.ceil(this.a.length * 1.5));
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}
class GrowF32 {
  a = new Float32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float32Array(Math.ceil(this.a.length * 1.5));
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** See SearchIndexBuilder.added. */
export interface AddedRecords {
  terms: ReadonlyMap<string, number>;
  workIds: readonly string[];
  workShown: readonly string[];
  workPostStart: Int32Array;
  pTerm: Int32Array;
  pTf: Float32Array;
  docLen: Float32Array;
  workYear: Int32Array;
  workCites: Int32Array;
  profileDoc: Uint8Array;
  linkWork: Int32Array;
  linkPerson: string[];
}

export class SearchIndexBuilder {
  private readonly terms = new Map<string, number>();
  private readonly workIds: string[] = [];
  /** Per work: what a result shows of it (work-shown.ts); '' for an expertise document. */
  private readonly workShown: string[] = [];
  private readonly workIndex = new Map<string, number>();
  private readonly workYear = new GrowI32();
  private readonly workCites = new GrowI32();
  private readonly docLen = new GrowF32();
  // postings as triples, grouped by work in insertion order
  private readonly pTerm = new GrowI32();
  private readonly pTf = new GrowF32();
  private readonly workPostStart = new GrowI32();
  private readonly personTmp = new Map<string, number>();
  private readonly personIds: string[] = [];
  private readonly names: (string | null)[] = [];
  private readonly sourceH: (number | null)[] = [];
  private readonly facts: (PersonFactsInput | undefined)[] = [];
  private readonly aWork = new GrowI32();
  private readonly aPerson = new GrowI32();
  private readonly scratch = new Map<number, number>();
  /** Ordinals of expertise documents (addExpertise): matched like works, never counted as works. */
  private readonly profileDocs = new Set<number>();

  constructor() {
    this.workPostStart.push(0);
  }

  private person(id: string): number {
    let p = this.personTmp.get(id);
    if (p === undefined) {
      p = this.personIds.length;
      this.personTmp.set(id, p);
      this.personIds.push(id);
      this.names.push(null);
      this.sourceH.push(null);
      this.facts.push(undefined);
    }
    return p;
  }

  addPerson(id: string, name: string | null, sourceHIndex: number | null): void {
    const p = this.person(id);
    this.names[p] = name;
    this.sourceH[p] = sourceHIndex;
  }

  setFacts(id: string, facts: PersonFactsInput): void {
    this.facts[this.person(id)] = facts;
  }

  /** Adds a work; a repeated work id is ignored. Returns the work ordinal. */
  addWork(id: string, text: WorkText, year: number | null, citedBy: number | null): number {
    return this.addDocument(id, text, year, citedBy, shownWorkLine(text, year, citedBy));
  }

  private addDocument(id: string, text: WorkText, year: number | null, citedBy: number | null, shown: string): number {
    const known = this.workIndex.get(id);
    if (known !== undefined) return known;
    const w = this.workIds.length;
    this.workIds.push(id);
    this.workShown.push(shown);
    this.workIndex.set(id, w);
    this.workYear.push(year ?? 0);
    this.workCites.push(Math.max(0, citedBy ?? 0));
    const tf = this.scratch;
    tf.clear();
    let len = 0;
    for (const field of ['title', 'keywords', 'topics', 'abstract', 'venue'] as const) {
      const weight = FIELD_WEIGHTS[field];
      for (const t of tokenize(text[field])) {
        let id2 = this.terms.get(t);
        if (id2 === undefined) {
          id2 = this.terms.size;
          this.terms.set(t, id2);
        }
        tf.set(id2, (tf.get(id2) ?? 0) + weight);
        len += weight;
      }
    }
    for (const [t, f] of tf) {
      this.pTerm.push(t);
      this.pTf.push(f);
    }
    this.workPostStart.push(this.pTerm.n);
    this.docLen.push(len);
    return w;
  }

  /**
   * A person's self-described expertise keywords (OpenReview `expertise`) as one more document of that person,
   * weighted like a work's keywords (and length-normalised as at least an average work) and matched like a work,
   * but no work: it adds no citations, h-index, recent output or works count. Its id is `expertise:<person id>` (EXPERTISE_DOC_PREFIX), so results can say it matched.
   */
  addExpertise(personId: string, keywords: readonly string[]): void {
    if (!keywords.length) return;
    const w = this.addDocument(`${EXPERTISE_DOC_PREFIX}${personId}`, { keywords: keywords.join('; ') }, null, null, '');
    this.profileDocs.add(w);
    this.addAuthorshipOrdinal(w, personId);
  }

  /** Links a person to a work added before (by id); unknown work ids are ignored and reported as false. */
  addAuthorship(workId: string, personId: string): boolean {
    const w = this.workIndex.get(workId);
    if (w === undefined) return false;
    this.addAuthorshipOrdinal(w, personId);
    return true;
  }

  addAuthorshipOrdinal(work: number, personId: string): void {
    this.aWork.push(work);
    this.aPerson.push(this.person(personId));
  }

  /**
   * What was added so far, as it was added (for an update, index-update.ts): works with their postings (term ids
   * of this builder's dictionary), lengths, years, citations and kinds; the links (work ordinal, person id), in
   * the order they were made.
   */
  added(): AddedRecords {
    const nW = this.workIds.length;
    const profileDoc = new Uint8Array(nW);
    for (const w of this.profileDocs) profileDoc[w] = 1;
    return {
      terms: this.terms,
      workIds: this.workIds,
      workShown: this.workShown,
      workPostStart: this.workPostStart.a.subarray(0, nW + 1),
      pTerm: this.pTerm.a.subarray(0, this.pTerm.n),
      pTf: this.pTf.a.subarray(0, this.pTf.n),
      docLen: this.docLen.a.subarray(0, nW),
      workYear: this.workYear.a.subarray(0, nW),
      workCites: this.workCites.a.subarray(0, nW),
      profileDoc,
      linkWork: this.aWork.a.subarray(0, this.aWork.n),
      linkPerson: Array.from(this.aPerson.a.subarray(0, this.aPerson.n), (p) => this.personIds[p] as string),
    };
  }

  /** Lays out the arrays. asOf defaults to the latest year in the data (works, or latestDataYear if later). Keeps the forward index (work → terms) only if asked (benchmark baseline). */
  build(options: { asOf?: number; latestDataYear?: number | null; keepForward?: boolean; careersPresent?: boolean } = {}): SearchIndex {
    return new SearchIndex(this.buildParts(options));
  }

  /** The arrays build() lays out, before a SearchIndex takes them (so they can be kept on disk first). */
  buildParts(options: { asOf?: number; latestDataYear?: number | null; keepForward?: boolean; careersPresent?: boolean } = {}): SearchIndexParts {
    const nW = this.workIds.length;
    const nT = this.terms.size;
    const nP = this.personIds.length;
    // person ordinals in person_id code-unit order: the deterministic tie-break
    const order = Array.from({ length: nP }, (_, i) => i).sort((a, b) => {
      const x = this.personIds[a] as string;
      const y = this.personIds[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const rank = new Int32Array(nP);
    order.forEach((tmp, ord) => (rank[tmp] = ord));

    // term → works CSR
    const nPost = this.pTerm.n;
    const termStart = new Int32Array(nT + 1);
    const pTerm = this.pTerm.a;
    for (let i = 0; i < nPost; i++) termStart[(pTerm[i] as number) + 1]!++;
    for (let t = 0; t < nT; t++) termStart[t + 1] = (termStart[t + 1] as number) + (termStart[t] as number);
    const fill = termStart.slice(0, nT);
    const postWork = new Int32Array(nPost);
    const postTf = new Float32Array(nPost);
    const wps = this.workPostStart.a;
    for (let w = 0; w < nW; w++) {
      for (let i = wps[w] as number; i < (wps[w + 1] as number); i++) {
        const t = pTerm[i] as number;
        const at = fill[t]!++;
        postWork[at] = w;
        postTf[at] = this.pTf.a[i] as number;
      }
    }

    // work → people CSR, each work's people once, in the order they were linked
    const nA = this.aWork.n;
    const wpStart = new Int32Array(nW + 1);
    for (let i = 0; i < nA; i++) wpStart[(this.aWork.a[i] as number) + 1]!++;
    for (let w = 0; w < nW; w++) wpStart[w + 1] = (wpStart[w + 1] as number) + (wpStart[w] as number);
    const wpFill = wpStart.slice(0, nW);
    const wpRaw = new Int32Array(nA);
    for (let i = 0; i < nA; i++) wpRaw[wpFill[this.aWork.a[i] as number]!++] = rank[this.aPerson.a[i] as number] as number;
    const workPeopleStart = new Int32Array(nW + 1);
    const workPeople = new Int32Array(nA);
    let k = 0;
    for (let w = 0; w < nW; w++) {
      workPeopleStart[w] = k;
      for (let i = wpStart[w] as number; i < (wpStart[w + 1] as number); i++) {
        const p = wpRaw[i] as number;
        let dup = false;
        for (let j = workPeopleStart[w] as number; j < k; j++) if (workPeople[j] === p) dup = true;
        if (!dup) workPeople[k++] = p;
      }
    }
    workPeopleStart[nW] = k;

    const profileDoc = new Uint8Array(nW);
    for (const w of this.profileDocs) profileDoc[w] = 1;
    const sourceH = new Int32Array(nP);
    order.forEach((t, o) => (sourceH[o] = this.sourceH[t] ?? -1));
    return finishIndex(
      {
        terms: this.terms,
        termStart,
        postWork,
        postTf,
        workIds: this.workIds,
        workShown: this.workShown,
        docLen: this.docLen.a.slice(0, nW),
        workYear: this.workYear.a.slice(0, nW),
        workCites: this.workCites.a.slice(0, nW),
        profileDoc,
        workPeopleStart,
        workPeople: workPeople.slice(0, k),
        personIds: order.map((t) => this.personIds[t] as string),
        names: order.map((t) => this.names[t] ?? null),
        sourceH,
        facts: order.map((t) => this.facts[t]),
        latestDataYear: options.latestDataYear ?? null,
        careersPresent: options.careersPresent ?? false,
        worksSorted: this.worksSorted(profileDoc),
      },
      {
        ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
        forward: options.keepForward ? { start: new Int32Array(wps.subarray(0, nW + 1)), terms: pTerm.slice(0, nPost), tf: this.pTf.a.slice(0, nPost) } : undefined,
      },
    );
  }

  /** Whether the works came as an update expects them: published works in id order, then expertise documents in id order. */
  private worksSorted(profileDoc: Uint8Array): boolean {
    const ids = this.workIds;
    let first = ids.length;
    for (let w = 0; w < ids.length; w++) if (profileDoc[w]) first = Math.min(first, w);
    for (let w = first; w < ids.length; w++) if (!profileDoc[w]) return false;
    return sortedIds(ids, 0, first) && sortedIds(ids, first, ids.length);
  }
}
