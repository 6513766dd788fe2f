/**
 * searchPeople: validated search parameters → ranked people with a score breakdown, matched works and filter facts.
 * searchPersonIds: the same ranking reduced to person ids, for cohorts (careers, network, economics).
 */
import { AtlasError } from '../core/errors.ts';
import { countryCode } from '../core/countries.ts';
import type { Store } from '../store/store.ts';
import { buildSearchIndex, searchIndexFor } from './build-from-store.ts';
import { EXPERTISE_DOC_PREFIX } from './index-builder.ts';
import { DEFAULT_WEIGHTS, RECENT_YEARS, impactMultiplier, parseWeights, type RankWeights } from './rank.ts';
import type { SearchFilters, SearchIndex } from './search-index.ts';
import type { ShownWork } from './work-shown.ts';

export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 20;

/** Inputs as a user gives them (CLI flags, API query); validated by parseSearchParams. */
export interface SearchInput {
  origin?: string | undefined;
  country?: string | undefined;
  institutionType?: string | undefined;
  /** "MIN..MAX", "MIN..", "..MAX", "N", or an object. */
  careerAge?: string | { min?: number; max?: number } | undefined;
  minH?: number | string | undefined;
  abroad?: boolean | undefined;
  returnee?: boolean | undefined;
  limit?: number | string | undefined;
  offset?: number | string | undefined;
  /** "citations=0.5,h=0.2" or an object; missing weights keep their defaults. */
  weights?: string | Partial<RankWeights> | undefined;
  /** Year the career age and recent output are measured in; default the latest work year in the store. */
  asOf?: number | string | undefined;
}

export interface SearchParams {
  query: string;
  filters: SearchFilters;
  limit: number;
  offset: number;
  weights: RankWeights;
  asOf: number | null;
}

function int(name: string, v: number | string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AtlasError('BAD_ARGUMENT', `${name} must be a whole number${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}, got "${v}"`);
  }
  return n;
}

function country(flag: string, v: string): string {
  try {
    return countryCode(v);
  } catch (e) {
    throw new AtlasError('BAD_ARGUMENT', `${flag}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

export function parseCareerAge(v: string | { min?: number; max?: number }): { min: number; max: number } {
  let min: number;
  let max: number;
  if (typeof v === 'string') {
    const m = /^\s*(\d*)\s*(?:\.\.\s*(\d*))?\s*$/.exec(v);
    if (!m || (!m[1] && !m[2])) throw new AtlasError('BAD_ARGUMENT', `--career-age must be MIN..MAX (e.g. 1..8, 10.., ..5, or 3), got "${v}"`);
    min = m[1] ? Number(m[1]) : 1;
    max = m[2] !== undefined ? (m[2] ? Number(m[2]) : 1000) : min;
  } else {
    min = v.min ?? 1;
    max = v.max ?? 1000;
    int('career age min', min, 0);
    int('career age max', max, 0);
  }
  if (min > max) throw new AtlasError('BAD_ARGUMENT', `--career-age: MIN (${min}) is greater than MAX (${max})`);
  return { min, max };
}

export function parseSearchParams(query: string, input: SearchInput = {}): SearchParams {
  const q = query.trim();
  if (!q) throw new AtlasError('BAD_ARGUMENT', 'give topic words to search for, e.g. atlas search "reinforcement learning robot manipulation"');
  const filters: SearchFilters = {};
  if (input.origin !== undefined) filters.origin = country('--origin', input.origin);
  if (input.country !== undefined) filters.country = country('--country', input.country);
  if (input.institutionType !== undefined) {
    const t = input.institutionType.trim().toLowerCase();
    if (!/^[a-z]+$/.test(t)) throw new AtlasError('BAD_ARGUMENT', `--institution-type must be one word such as company, education, government, facility, nonprofit, healthcare; got "${input.institutionType}"`);
    filters.institutionType = t;
  }
  if (input.careerAge !== undefined) filters.careerAge = parseCareerAge(input.careerAge);
  if (input.minH !== undefined) filters.minH = int('--min-h', input.minH, 0);
  if (input.abroad) filters.abroad = true;
  if (input.returnee) filters.returnee = true;
  const weights = typeof input.weights === 'string' || input.weights === undefined ? parseWeights(input.weights) : parseWeights(undefined, { ...DEFAULT_WEIGHTS, ...input.weights });
  for (const [k, v] of Object.entries(weights)) {
    if (!Number.isFinite(v) || v < 0) throw new AtlasError('BAD_ARGUMENT', `weight ${k} must be a number ≥ 0`);
  }
  return {
    query: q,
    filters,
    limit: input.limit === undefined ? DEFAULT_LIMIT : int('--limit', input.limit, 1, MAX_LIMIT),
    offset: input.offset === undefined ? 0 : int('--offset', input.offset, 0),
    weights,
    asOf: input.asOf === undefined ? null : int('--as-of', input.asOf, 1900, 2100),
  };
}

export interface MatchedWork {
  workId: string;
  title: string | null;
  year: number | null;
  venue: string | null;
  status: string | null;
  citedBy: number | null;
  score: number;
  matchedTerms: string[];
}

export interface SearchResult {
  rank: number;
  personId: string;
  name: string | null;
  score: number;
  breakdown: {
    relevance: number;
    impactMultiplier: number;
    citations: number;
    hIndex: number;
    /** h-index reported by a source at author level (not computed from the works in the store). */
    sourceHIndex: number | null;
    recentWorks: number;
    risingStar: number;
    careerAge: number | null;
    firstYearBasis: 'careers' | 'first_work' | 'none';
    worksInStore: number;
  };
  facts: {
    origin: string | null;
    originBasis: string | null;
    currentCountry: string | null;
    abroad: boolean | null;
    returnee: boolean | null;
    latestInstitutionTypes: string[];
  };
  matchedWorks: MatchedWork[];
}

export interface SearchResponse {
  params: SearchParams & { terms: string[]; unknownTerms: string[]; asOf: number; recentWindow: { from: number; to: number }; index: ReturnType<SearchIndex['stats']> };
  total: number;
  results: SearchResult[];
}

const CAREER_FILTERS = ['origin', 'country', 'abroad', 'returnee'] as const;

async function indexFor(store: Store, params: SearchParams): Promise<SearchIndex> {
  const index = await searchIndexFor(store);
  if (params.asOf !== null && params.asOf !== index.asOf) return buildSearchIndex(store, { asOf: params.asOf });
  return index;
}

function requireCareers(index: SearchIndex, filters: SearchFilters): void {
  if (index.careersPresent) return;
  const used = CAREER_FILTERS.filter((k) => filters[k] !== undefined);
  if (used.length) {
    throw new AtlasError('NO_DATA', `the filter(s) ${used.map((k) => '--' + k).join(', ')} need computed careers, and this database has none yet; run atlas refresh-careers first, then search again`);
  }
}


/** A matched expertise document (index-builder addExpertise) is shown as "expertise: <keywords>" with the keywords' source. */
async function expertiseDetails(store: Store, docIds: readonly string[], details: Map<string, ShownWork>): Promise<void> {
  const people = docIds.filter((id) => id.startsWith(EXPERTISE_DOC_PREFIX)).map((id) => id.slice(EXPERTISE_DOC_PREFIX.length));
  for (let i = 0; i < people.length; i += 500) {
    const chunk = people.slice(i, i + 500);
    const rows = await store.query<{ person_id: string; keyword: string; source: string }>(
      `SELECT DISTINCT person_id, keyword, source FROM person_keywords WHERE person_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')}) ORDER BY person_id, keyword, source`,
      chunk,
    );
    const byPerson = new Map<string, { keywords: string[]; sources: Set<string> }>();
    for (const r of rows) {
      let e = byPerson.get(r.person_id);
      if (!e) byPerson.set(r.person_id, (e = { keywords: [], sources: new Set() }));
      if (!e.keywords.includes(r.keyword)) e.keywords.push(r.keyword);
      e.sources.add(r.source);
    }
    for (const [person, e] of byPerson) {
      details.set(`${EXPERTISE_DOC_PREFIX}${person}`, { title: `expertise: ${e.keywords.join('; ')}`, year: null, venue: `profile (${[...e.sources].join(', ')})`, status: null, citedBy: null });
    }
  }
}

export async function searchPeople(store: Store, query: string, input: SearchInput | SearchParams = {}): Promise<SearchResponse> {
  const params = 'filters' in input && 'query' in input ? input : parseSearchParams(query, input as SearchInput);
  const index = await indexFor(store, params);
  requireCareers(index, params.filters);
  const r = index.query(params.query, { filters: params.filters, weights: params.weights, limit: params.limit, offset: params.offset });
  // what a result shows of each work, from the index (work-shown.ts); expertise documents' keywords from the store
  const details = new Map<string, ShownWork>();
  const expertiseDocs = new Set<string>();
  for (const w of r.hits.flatMap((h) => h.works)) {
    if (details.has(w.workId) || expertiseDocs.has(w.workId)) continue;
    const shown = index.shownWork(w.work);
    if (shown) details.set(w.workId, shown);
    else expertiseDocs.add(w.workId);
  }
  await expertiseDetails(store, [...expertiseDocs], details);
  const results: SearchResult[] = r.hits.map((h, i) => {
    const info = index.personInfo(h.person);
    return {
      rank: params.offset + i + 1,
      personId: h.personId,
      name: info.name,
      score: h.score,
      breakdown: {
        relevance: h.factors.relevance,
        impactMultiplier: impactMultiplier(h.factors, params.weights),
        citations: info.citations,
        hIndex: info.h,
        sourceHIndex: info.sourceH,
        recentWorks: info.recent,
        risingStar: h.factors.rising,
        careerAge: h.careerAge,
        firstYearBasis: info.firstYearBasis,
        worksInStore: info.works,
      },
      facts: {
        origin: info.origin,
        originBasis: info.originBasis,
        currentCountry: info.currentCountry,
        abroad: info.abroad,
        returnee: info.returnee,
        latestInstitutionTypes: info.latestInstitutionTypes,
      },
      matchedWorks: h.works.map((w) => {
        const d = details.get(w.workId);
        return { workId: w.workId, title: d?.title ?? null, year: d?.year ?? null, venue: d?.venue ?? null, status: d?.status ?? null, citedBy: d?.citedBy ?? null, score: w.score, matchedTerms: w.matchedTerms };
      }),
    };
  });
  return {
    params: { ...params, terms: r.terms, unknownTerms: r.unknownTerms, asOf: index.asOf, recentWindow: { from: index.asOf - RECENT_YEARS + 1, to: index.asOf }, index: index.stats() },
    total: r.total,
    results,
  };
}

/** Ranked person ids matching a topic query and filters (the cohort API). limit defaults to 1000, at most 1,000,000. */
export async function searchPersonIds(store: Store, query: string, options: { limit?: number; filters?: SearchInput; weights?: SearchInput['weights'] } = {}): Promise<string[]> {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new AtlasError('BAD_ARGUMENT', `limit must be a whole number from 1 to 1000000, got ${limit}`);
  const params = parseSearchParams(query, { ...options.filters, weights: options.weights });
  const index = await indexFor(store, params);
  requireCareers(index, params.filters);
  return index.query(params.query, { filters: params.filters, weights: params.weights, limit, offset: 0, worksPerHit: 0 }).hits.map((h) => h.personId);
}
