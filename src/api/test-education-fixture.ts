/**
 * Test data with education and mentorship for the API and browser tests: Paper Copilot lists (paper
 * positions → observed education) and Yang Liu's real OpenReview profile (stated history and advisors,
 * data/openreview-samples), ingested by the real runner, then careers and mentorships refreshed as `atlas ingest` does.
 */
import { refreshCareers } from '../careers/index.ts';
import { dataPath } from '../core/paths.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { refreshMentorships } from '../mentors/index.ts';
import type { Store } from '../store/store.ts';
import { openTempStore } from './test-fixture.ts';

/** ICML 2023 (where David Parkes, one of Yang Liu's stated advisors, appears) and Yang Liu's profile. */
export const EDUCATION_FILES = [dataPath('paperlists', 'icml2023.json.gz'), dataPath('openreview-samples', 'profile-v1-Yang_Liu3.json')];
/** Two years of lists (ICLR 2021 besides), so that careers have institution moves: feeders and destinations. */
export const EDUCATION_FILES_TWO_YEARS = [dataPath('paperlists', 'iclr2021.json.gz'), ...EDUCATION_FILES];

export async function loadEducationSample(store: Store, files: readonly string[] = EDUCATION_FILES): Promise<void> {
  await ingestFiles(store, files);
  await refreshCareers(store);
  await refreshMentorships(store);
}

/** A fresh DuckDB file in a temp folder, migrated and filled with the education sample; closing it removes the folder. */
export async function openEducationStore(files: readonly string[] = EDUCATION_FILES): Promise<Store> {
  const store = await openTempStore('atlas-edu-');
  await loadEducationSample(store, files);
  return store;
}
