/**
 * What follows every landing of facts (an ingest, a pull): careers with the parameters they were derived with,
 * then mentorship ties, under one hold of the writer lock — so a server that checks freshness meanwhile never
 * finds the careers new and the ties old and re-derives them itself. (refreshCareers drops the search index.)
 */
import { refreshCareersKeepingParams, type RefreshResult } from '../careers/refresh-careers.ts';
import { refreshMentorships, type MentorshipRefresh } from '../mentors/refresh-mentorships.ts';
import type { Store } from '../store/store.ts';

export async function refreshDerived(store: Store): Promise<{ careers: RefreshResult; mentorships: MentorshipRefresh }> {
  return store.withWriterLock(async () => ({ careers: await refreshCareersKeepingParams(store), mentorships: await refreshMentorships(store) }));
}
