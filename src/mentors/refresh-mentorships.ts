/**
 * Recompute the derived `mentorships` table from scratch after every ingest (like refreshCareers for careers):
 * stated ties from `relations` (resolveRelations), inferred ties from co-authorship and positions
 * (inferMentorships), a stated tie replacing an inferred one between the same two people. People known only from
 * a relation are created here (source 'relation') and removed, with their derived rows, once no relation backs
 * them. One transaction: the previous derivation is replaced as a whole or not at all.
 */
import { factsVersion, markDerived } from '../store/repo/derived-state.ts';
import { PERSON_COLUMNS } from '../store/schema.ts';
import type { Queryable, Store } from '../store/store.ts';
import { DEFAULT_INFERENCE, inferMentorships, type InferenceParams } from './infer-mentorship.ts';
import { MENTORSHIP_COLUMNS, mentorshipValues, pairKey, type MentorshipRow } from './mentorship-row.ts';
import { resolveRelations, type RelationReport } from './resolve-relations.ts';

export interface MentorshipRefresh {
  stated: number;
  inferred: number;
  /** Inferred ties dropped because a stated tie joins the same two people. */
  replacedByStated: number;
  relationPeople: { created: number; removed: number };
  relations: Omit<RelationReport, 'items'>;
  report: RelationReport;
  ms: { resolve: number; infer: number; write: number; total: number };
}

const CHUNK = 50_000;

/** Delete people (and every row naming them) by id, in chunks of parameters. */
async function deletePeople(tx: Queryable, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const list = part.map((_, k) => `$${k + 1}`).join(', ');
    for (const { table, columns } of PERSON_COLUMNS) {
      if (table === 'mentorships') continue; // rebuilt as a whole
      await tx.exec(`DELETE FROM ${table} WHERE ${columns.map((c) => `${c} IN (${list})`).join(' OR ')}`, part);
    }
  }
}

export async function refreshMentorships(store: Store, params: InferenceParams = DEFAULT_INFERENCE): Promise<MentorshipRefresh> {
  // Under the writer lock (re-entrant), as refreshCareers: two refreshes at once would clash on the working tables.
  return store.withWriterLock(() => refreshMentorshipsLocked(store, params));
}

async function refreshMentorshipsLocked(store: Store, params: InferenceParams): Promise<MentorshipRefresh> {
  const t0 = performance.now();
  const inputs = await factsVersion(store);
  const resolved = await resolveRelations(store);
  const t1 = performance.now();
  const inference = await inferMentorships(store, params);
  const t2 = performance.now();
  const statedPairs = new Set(resolved.ties.map((t) => pairKey(t.mentor, t.mentee)));
  const inferred = inference.ties.filter((t) => !statedPairs.has(pairKey(t.mentor, t.mentee)));
  const rows: MentorshipRow[] = [...resolved.ties, ...inferred];
  let created = 0;
  let removed = 0;
  await store.transaction(async (tx) => {
    const existing = new Set((await tx.query<{ person_id: string }>(`SELECT person_id FROM people WHERE source = 'relation'`)).map((r) => r.person_id));
    const wanted = new Map(resolved.newPeople.map((p) => [p.personId, p]));
    const stale = [...existing].filter((id) => !wanted.has(id));
    await deletePeople(tx, stale);
    removed = stale.length;
    const fresh = [...wanted.values()].filter((p) => !existing.has(p.personId));
    if (fresh.length) {
      await tx.bulkInsert(
        'people',
        [
          { name: 'person_id', type: 'text' },
          { name: 'display_name', type: 'text' },
          { name: 'source', type: 'text' },
          { name: 'record_key', type: 'text' },
          { name: 'run_id', type: 'int' },
        ],
        fresh.map((p) => [p.personId, p.name, 'relation', p.recordKey, p.runId]),
      );
    }
    created = fresh.length;
    await tx.exec('DELETE FROM mentorships');
    for (let i = 0; i < rows.length; i += CHUNK) await tx.bulkInsert('mentorships', MENTORSHIP_COLUMNS, rows.slice(i, i + CHUNK).map(mentorshipValues));
    await markDerived(tx, 'mentorships', inputs);
  });
  const t3 = performance.now();
  const { items: _items, ...counts } = resolved.report;
  return {
    stated: resolved.ties.length,
    inferred: inferred.length,
    replacedByStated: inference.ties.length - inferred.length,
    relationPeople: { created, removed },
    relations: counts,
    report: resolved.report,
    ms: { resolve: Math.round(t1 - t0), infer: Math.round(t2 - t1), write: Math.round(t3 - t2), total: Math.round(t3 - t0) },
  };
}
