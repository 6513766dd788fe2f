/**
 * Erasure: remove a person and every row that mentions them — every table of PERSON_COLUMNS (facts, edges
 * and derived rows), their merge history, and the source records that are about them alone (an ORCID
 * record, a CSRankings roster entry) — and keep a tombstone per identifier so that a re-ingest skips them.
 * Works they co-authored stay; only their authorship rows go. Other people's stated relations that resolved to them
 * go as well, and so do people known only from the erased person's relations.
 */
import { randomUUID } from 'node:crypto';
import { invalidateFlowAggregates } from '../careers/serve-flows.ts';
import { invalidateTieGraphs as forgetTieGraphs } from '../network/tie-graph-cache.ts';
import { invalidateSearchIndex } from '../search/build-from-store.ts';
import { PERSON_COLUMNS } from '../store/schema.ts';
import { cliActor, eraseFromAudit, type AuditActor } from '../teams/audit.ts';
import type { Queryable, Store } from '../store/store.ts';

/** The tombstone scheme of "an erasure happened" rows: no real identifier has it, so it never matches a record. */
export const ERASURE_MARK = '(erasure)';

const PROVENANCE_TABLES = ['people', 'person_identifiers', 'institutions', 'affiliation_years', 'education', 'positions', 'relations', 'person_keywords', 'works', 'authorships', 'ties'];

export interface ErasureResult {
  person: string;
  identifiers: Array<{ scheme: string; value: string }>;
  removed: Record<string, number>;
}

/**
 * The `relations` rows of other people whose stated mentorship resolved to this person (found through the derived
 * `mentorships`, whose evidence names the relation). They go too: left behind, the next mentorship refresh would
 * match their name to someone else or make a relation-only person of them, bringing the erased person back.
 */
async function deleteRelationsNaming(tx: Queryable, person: string): Promise<number> {
  const ties = await tx.query<{ mentor: string; mentee: string; relation: string | null; record_key: string | null; evidence: string }>(
    `SELECT mentor, mentee, relation, record_key, evidence FROM mentorships WHERE kind = 'mentorship' AND (mentor = $1 OR mentee = $1)`,
    [person],
  );
  let n = 0;
  for (const t of ties) {
    const owner = t.mentor === person ? t.mentee : t.mentor;
    if (owner === person || t.record_key === null) continue;
    const direction = t.mentor === person ? 'advisor' : 'advisee'; // what the erased person was to the relation's owner
    let name: string | null = null;
    try {
      const e = JSON.parse(t.evidence) as { name?: unknown };
      name = typeof e.name === 'string' ? e.name : null;
    } catch {
      name = null;
    }
    const where = `person_id = $1 AND record_key = $2 AND direction = $3 AND relation = $4 AND COALESCE(other_name, '') = $5`;
    const params = [owner, t.record_key, direction, t.relation ?? '', name ?? ''];
    const [c] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM relations WHERE ${where}`, params);
    if (Number(c?.n ?? 0)) {
      n += Number(c?.n ?? 0);
      await tx.exec(`DELETE FROM relations WHERE ${where}`, params);
    }
  }
  return n;
}

/** People known only from a relation (source 'relation') that no mentorship backs any more, with their derived rows. */
async function deleteUnbackedRelationPeople(tx: Queryable): Promise<number> {
  const orphans = await tx.query<{ person_id: string }>(
    `SELECT person_id FROM people p WHERE source = 'relation'
       AND NOT EXISTS (SELECT 1 FROM mentorships m WHERE m.mentor = p.person_id OR m.mentee = p.person_id)`,
  );
  for (const { person_id } of orphans) {
    for (const { table, columns } of PERSON_COLUMNS) await tx.exec(`DELETE FROM ${table} WHERE ${columns.map((c) => `${c} = $1`).join(' OR ')}`, [person_id]);
  }
  return orphans.length;
}

export async function erasePerson(store: Store, person: string, actor: AuditActor = cliActor()): Promise<ErasureResult> {
  const erased = await eraseInTransaction(store, person, actor);
  // Derived files on disk (the tie graph and search index beside the store) may still name the person: they go
  // now, not when next read.
  forgetTieGraphs(store);
  invalidateSearchIndex(store);
  invalidateFlowAggregates(store); // counts only, but the person's moves are among them until rebuilt
  return erased;
}

function eraseInTransaction(store: Store, person: string, actor: AuditActor): Promise<ErasureResult> {
  return store.transaction(async (tx) => {
    const identifiers = await tx.query<{ scheme: string; value: string }>(
      'SELECT scheme, value FROM person_identifiers WHERE person_id = $1 ORDER BY scheme, value',
      [person],
    );
    const [named] = await tx.query<{ display_name: string | null }>('SELECT display_name FROM people WHERE person_id = $1', [person]);
    const removed: Record<string, number> = {};
    // what the team did about them (profile views, intro queries, …): deleted, one `erasure` row says only that one happened
    removed['audit_log'] = await eraseFromAudit(tx, person, [...identifiers.map((i) => i.value), ...(named?.display_name ? [named.display_name] : [])], actor);
    removed['relations_naming_them'] = await deleteRelationsNaming(tx, person);
    for (const { table, columns } of PERSON_COLUMNS) {
      const where = columns.map((c) => `${c} = $1`).join(' OR ');
      const [c] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, [person]);
      removed[table] = Number(c?.n ?? 0);
      if (removed[table]) await tx.exec(`DELETE FROM ${table} WHERE ${where}`, [person]);
    }
    // contacts name the person as owner too
    const [own] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM contacts WHERE owner = $1', [person]);
    if (Number(own?.n ?? 0)) {
      await tx.exec('DELETE FROM contacts WHERE owner = $1', [person]);
      removed['contacts'] = (removed['contacts'] ?? 0) + Number(own?.n ?? 0);
    }
    const [m] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM merges WHERE kept = $1 OR merged = $1', [person]);
    removed['merges'] = Number(m?.n ?? 0);
    await tx.exec('DELETE FROM merges WHERE kept = $1 OR merged = $1', [person]);
    // split records name identifiers inside their reasons
    for (const id of identifiers) {
      const needle = `%${JSON.stringify(id.value).slice(1, -1)}%`;
      const [s] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM merges WHERE reasons LIKE $1', [needle]);
      if (Number(s?.n ?? 0)) {
        removed['merges'] += Number(s?.n ?? 0);
        await tx.exec('DELETE FROM merges WHERE reasons LIKE $1', [needle]);
      }
    }
    // source records keyed by one of their identifiers (orcid:record:<iD>, csrankings:roster:<date>:<name>, …)
    let records = 0;
    for (const id of identifiers) {
      if (id.scheme === 'name') continue;
      const pattern = `%:${id.value.replace(/[%_\\]/g, (c) => `\\${c}`)}`;
      for (const p of [pattern, `${pattern}:%`]) {
        const [s] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM source_records WHERE record_key LIKE $1 ESCAPE '\\'`, [p]);
        records += Number(s?.n ?? 0);
        await tx.exec(`DELETE FROM source_records WHERE record_key LIKE $1 ESCAPE '\\'`, [p]);
      }
    }
    removed['source_records'] = records;
    // other rows that came from those records keep their facts but lose the provenance key naming the person
    let provenance = 0;
    for (const table of PROVENANCE_TABLES) {
      for (const id of identifiers) {
        if (id.scheme === 'name') continue;
        const pattern = `%:${id.value.replace(/[%_\\]/g, (c) => `\\${c}`)}`;
        for (const p of [pattern, `${pattern}:%`]) {
          const [s] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE record_key LIKE $1 ESCAPE '\\'`, [p]);
          provenance += Number(s?.n ?? 0);
          if (Number(s?.n ?? 0)) await tx.exec(`UPDATE ${table} SET record_key = 'erased' WHERE record_key LIKE $1 ESCAPE '\\'`, [p]);
        }
      }
    }
    removed['provenance_keys_cleared'] = provenance;
    removed['relation_only_people'] = await deleteUnbackedRelationPeople(tx);
    const now = new Date().toISOString();
    for (const id of identifiers) {
      await tx.exec('INSERT INTO tombstones (scheme, value, erased_at) VALUES ($1, $2, $3) ON CONFLICT (scheme, value) DO NOTHING', [id.scheme, id.value, now]);
    }
    // One row that says an erasure happened (and nothing of whom): the store's data version sees every erasure,
    // also of a person without identifiers, without counting people.
    await tx.exec('INSERT INTO tombstones (scheme, value, erased_at) VALUES ($1, $2, $3)', [ERASURE_MARK, randomUUID(), now]);
    removed['tombstones_written'] = identifiers.length;
    return { person, identifiers, removed };
  });
}
