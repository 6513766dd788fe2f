/**
 * Derived figures never older than the facts without a word: careers (with moves and presence) and mentorship
 * ties carry the facts fingerprint they were derived from (store/repo/derived-state.ts). A reader calls
 * ensureFreshDerived before it reads them; when an ingest was killed between its commit and its refresh, or a merge
 * or split changed people since, the stale derivations are redone — careers with the parameters they were derived
 * with — and the caller is told, so it can say so.
 */
import { refreshCareersKeepingParams } from '../careers/refresh-careers.ts';
import { refreshMentorships } from '../mentors/refresh-mentorships.ts';
import { staleDerived, type Derivation } from '../store/repo/derived-state.ts';
import type { Store } from '../store/store.ts';

export interface Rederived {
  derivations: Derivation[];
  ms: number;
}

/** Re-derive what is older than the facts; null when everything was fresh. */
export async function ensureFreshDerived(store: Store): Promise<Rederived | null> {
  if ((await staleDerived(store)).length === 0) return null;
  const t0 = performance.now();
  return store.withWriterLock(async () => {
    // Another process (or request) may have re-derived while this one waited for the lock.
    const stale = await staleDerived(store);
    if (stale.length === 0) return null;
    // Mentorship inference reads careers-independent facts, but a careers refresh comes first, as after an ingest.
    if (stale.includes('careers')) await refreshCareersKeepingParams(store);
    if (stale.includes('mentorships')) await refreshMentorships(store);
    return { derivations: stale, ms: Math.round(performance.now() - t0) };
  });
}

/** One line for the user: what was re-derived and why. */
export function rederivedNote(r: Rederived): string {
  return `${r.derivations.join(' and ')} were older than the data (an ingest stopped before its refresh, or people were merged or split): re-derived in ${(r.ms / 1000).toFixed(1)} s`;
}
