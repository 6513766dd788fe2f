/**
 * The short soak on both backends (the 10-minute one is bench/soak.ts): real Paper Copilot lists in a fresh store,
 * the team server on loopback under six clients for ~14 s — recruiter reads, intro and broker queries, shortlist
 * writes, viewer reads, calls above the viewer's role, without a key and for nobody — and a third list ingested
 * in the middle. No 5xx, every kind answered as it should, the API's figures equal the store's before and after
 * the ingest (and the ingest did change them), a clean re-derivation changes nothing, and memory stays flat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshDerived } from '../derived/refresh-derived.ts';
import { dataPath } from '../core/paths.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { BACKENDS, openFreshStore } from '../store/test-backends.ts';
import type { Store } from '../store/store.ts';
import { runSoak, soakSummary, type SoakResult } from './soak.ts';
import { EXPECTED_STATUS, KINDS } from './soak-workload.ts';

const BASE = ['corl2021.json.gz', 'colm2024.json.gz'].map((f) => dataPath('paperlists', f));
const LATER = [dataPath('paperlists', 'corl2022.json.gz')];

for (const backend of BACKENDS) {
  describe(`soak on loopback (${backend})`, () => {
    let store: Store;
    let r: SoakResult;

    beforeAll(async () => {
      store = await openFreshStore(backend);
      await ingestFiles(store, BASE);
      await refreshDerived(store);
      r = await runSoak(store, { durationMs: 14_000, warmupMs: 4_000, ingestAtMs: 6_000, workers: 6, ingest: LATER });
      console.log(`soak (${backend})\n${soakSummary(r)}`);
    }, 120_000);

    afterAll(async () => {
      await store?.close();
    });

    it('answers every request: no 5xx, no request without an answer, no status its kind does not expect', () => {
      expect(r.serverErrors, 'answers with a 5xx').toEqual([]);
      expect(r.networkErrors, 'requests without an answer').toEqual([]);
      expect(r.unexpected, 'answers with an unexpected status (e.g. 200 without a key, 409 on a write)').toEqual([]);
      expect(r.requests).toBeGreaterThan(100);
    });

    it('every kind of request ran and got its status: 2xx for the reads and pipeline writes, 401/403/404 where due', () => {
      for (const kind of KINDS) {
        const k = r.kinds[kind];
        expect(k.byStatus[String(EXPECTED_STATUS[kind])] ?? 0, `${kind}: ${JSON.stringify(k.byStatus)}`).toBeGreaterThan(0);
        if (EXPECTED_STATUS[kind] >= 400) expect(Object.keys(k.byStatus).filter((s) => s.startsWith('2')), kind).toEqual([]);
      }
      expect(r.contacts).toBeGreaterThan(0);
    });

    it('the ingest in the middle landed, changed the figures, and the API answers them as the store does', () => {
      expect(r.ingest.error).toBeNull();
      expect(r.ingest.inserted).toBeGreaterThan(0);
      const { before, after, atEnd, cleanRun, changedByIngest } = r.consistency;
      for (const [name, c] of Object.entries({ before, after, atEnd })) {
        expect(c, name).not.toBeNull();
        expect([...c!.errors, ...c!.differences], `${name}: API vs store`).toEqual([]);
      }
      // the checked answers were in the response cache before the ingest: equal after it means the cache followed
      expect(changedByIngest.some((d) => d.startsWith('stats.counts.people:')), changedByIngest.join('\n')).toBe(true);
      expect(changedByIngest.some((d) => d.startsWith('flows.')), changedByIngest.join('\n')).toBe(true);
      expect([...cleanRun!.errors, ...cleanRun!.differences], 'a clean re-derivation on the quiet store').toEqual([]);
    });

    it('memory stays flat: RSS at the end is at most 1.5 × RSS after warm-up + 64 MB', () => {
      expect(r.rssMb.end, JSON.stringify(r.rssMb)).toBeLessThanOrEqual(r.rssMb.warm * 1.5 + 64);
    });
  });
}
