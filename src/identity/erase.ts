/**
 * Erasure: remove a person and every row that mentions them — every table of PERSON_COLUMNS (facts, edges
 * and derived rows), their merge history, and the source records that are about them alone (an ORCID
 * record, a CSRankings roster entry) — and keep a tombstone per identifier so that a re-ingest skips them.
 * Works they co-authored stay; only their authorship rows go.
 */
import { PERSON_COLUMNS } from '../store/schema.ts';
import type { Store } from '../store/store.ts';

const PROVENANCE_TABLES = ['people', 'person_identifiers', 'institutions', 'affiliation_years', 'education', 'positions', 'relations', 'person_keywords', 'works', 'authorships', 'ties'];

export interface ErasureResult {
  person: string;
  identifiers: Array<{ scheme: string; value: string }>;
  removed: Record<string, number>;
}

export async function erasePerson(store: Store, person: string): Promise<ErasureResult> {
  return store.transaction(async (tx) => {
    const identifiers = await tx.query<{ scheme: string; value: string }>(
      'SELECT scheme, value FROM person_identifiers WHERE person_id = $1 ORDER BY scheme, value',
      [person],
    );
    const removed: Record<string, number> = {};
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
    const now = new Date().toISOString();
    for (const id of identifiers) {
      await tx.exec('INSERT INTO tombstones (scheme, value, erased_at) VALUES ($1, $2, $3) ON CONFLICT (scheme, value) DO NOTHING', [id.scheme, id.value, now]);
    }
    removed['tombstones_written'] = identifiers.length;
    return { person, identifiers, removed };
  });
}
