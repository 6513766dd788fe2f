/** @module search — find people by topic (BM25 over their works), impact, career stage and place; scores explain themselves. */
export { searchPeople, searchPersonIds, parseSearchParams, parseCareerAge, MAX_LIMIT, DEFAULT_LIMIT } from './search-people.ts';
export type { SearchInput, SearchParams, SearchResult, SearchResponse, MatchedWork } from './search-people.ts';
export { buildSearchIndex, invalidateSearchIndex, searchIndexFor, updateKeptSearchIndex } from './build-from-store.ts';
export { SearchIndex } from './search-index.ts';
export type { SearchFilters, IndexStats, PersonFactsInput } from './search-index.ts';
export { SearchIndexBuilder } from './index-builder.ts';
export { DEFAULT_WEIGHTS, combineScore, impactMultiplier, parseWeights, hIndex, risingStar } from './rank.ts';
export type { RankWeights, RankFactors } from './rank.ts';
export { tokenize, queryTerms } from './tokenize.ts';

import type { SearchIndex } from './search-index.ts';
/** Memory footprint and sizes of a built index. */
export const indexStats = (index: SearchIndex): ReturnType<SearchIndex['stats']> => index.stats();
