/**
 * Merging two people into one and splitting identifiers off into a new person. A merge moves every fact
 * row (the tables of PERSON_COLUMNS that hold facts) from the merged person to the kept one, re-points
 * their identifiers — so a re-ingest resolves the merged person's keys to the kept person — and drops the
 * merged person's derived rows (careers, moves, …: recomputed by refresh). Every merge and split is
 * recorded in `merges` with its reasons.
 */
import { createHash } from 'node:crypto';
import { AtlasError } from '../core/errors.ts';
import { PERSON_COLUMNS } from '../store/schema.ts';
import type { Queryable, Store } from '../store/store.ts';

/** Tables whose rows are facts about a person (moved by a merge); every other PERSON_COLUMNS table is derived. */
const FACT_ROWS = new Set(['person_identifiers', 'affiliation_years', 'education', 'positions', 'relations', 'person_keywords', 'authorships', 'ties', 'contacts', 'shortlist_entries', 'shortlist_events', 'watches', 'watch_people', 'watch_seen', 'alerts']);

async function recordMerge(tx: Queryable, kept: string, merged: string, kind: string, reasons: unknown): Promise<number> {
  const [row] = await tx.query<{ n: number | null }>('SELECT MAX(merge_id) AS n FROM merges');
  const id = (row?.n ?? 0) + 1;
  await tx.exec('INSERT INTO merges (merge_id, kept, merged, kind, reasons, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    kept,
    merged,
    kind,
    JSON.stringify(reasons),
    new Date().toISOString(),
  ]);
  return id;
}

async function personExists(tx: Queryable, id: string): Promise<boolean> {
  return (await tx.query('SELECT 1 AS x FROM people WHERE person_id = $1', [id])).length > 0;
}

/** Move everything of `merged` onto `kept`; returns rows moved per table. */
export async function mergePeople(tx: Queryable, kept: string, merged: string, kind: 'auto' | 'manual', reasons: string[]): Promise<Record<string, number>> {
  if (kept === merged) throw new AtlasError('BAD_ARGUMENT', `cannot merge ${kept} with itself`);
  for (const id of [kept, merged]) if (!(await personExists(tx, id))) throw new AtlasError('NOT_FOUND', `no person ${id}`);
  const moved: Record<string, number> = {};
  const count = async (table: string, col: string): Promise<number> =>
    Number((await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${col} = $1`, [merged]))[0]?.n ?? 0);
  for (const { table, columns } of PERSON_COLUMNS) {
    if (table === 'people') continue;
    let n = 0;
    for (const col of columns) n += await count(table, col);
    moved[table] = n;
    if (n === 0) continue;
    if (!FACT_ROWS.has(table)) {
      for (const col of columns) await tx.exec(`DELETE FROM ${table} WHERE ${col} = $1`, [merged]);
      continue;
    }
    if (table === 'contacts') {
      await tx.exec('DELETE FROM contacts WHERE person_id = $1 AND owner IN (SELECT owner FROM contacts WHERE person_id = $2)', [merged, kept]);
      await tx.exec('DELETE FROM contacts WHERE owner = $1 AND person_id = $2', [merged, kept]);
      await tx.exec('DELETE FROM contacts WHERE owner = $1 AND person_id IN (SELECT person_id FROM contacts WHERE owner = $2)', [merged, kept]);
    }
    // a shortlist holding both keeps the kept person's entry (the merged one's history moves to it)
    if (table === 'shortlist_entries') await tx.exec('DELETE FROM shortlist_entries WHERE person_id = $1 AND shortlist_id IN (SELECT shortlist_id FROM shortlist_entries WHERE person_id = $2)', [merged, kept]);
    // a watch following both keeps one row per person and fact (what was seen of either stays seen)
    if (table === 'watch_people') await tx.exec('DELETE FROM watch_people WHERE person_id = $1 AND watch_id IN (SELECT watch_id FROM watch_people WHERE person_id = $2)', [merged, kept]);
    if (table === 'watch_seen') await tx.exec('DELETE FROM watch_seen WHERE person_id = $1 AND EXISTS (SELECT 1 FROM watch_seen k WHERE k.person_id = $2 AND k.watch_id = watch_seen.watch_id AND k.fact = watch_seen.fact)', [merged, kept]);
    for (const col of columns) await tx.exec(`UPDATE ${table} SET ${col} = $1 WHERE ${col} = $2`, [kept, merged]);
  }
  await tx.exec('DELETE FROM ties WHERE a = b');
  await tx.exec(
    `UPDATE people SET display_name = COALESCE(display_name, (SELECT display_name FROM people WHERE person_id = $2)) WHERE person_id = $1`,
    [kept, merged],
  );
  await tx.exec('DELETE FROM people WHERE person_id = $1', [merged]);
  await recordMerge(tx, kept, merged, kind, reasons);
  return moved;
}

/** `atlas merge A B`: B (and everything about it) becomes A. */
export async function mergeByHand(store: Store, kept: string, merged: string, reason: string | null): Promise<Record<string, number>> {
  return store.transaction((tx) => mergePeople(tx, kept, merged, 'manual', [reason ?? 'merged by hand']));
}

export interface Identifier {
  scheme: string;
  value: string;
}

/** Parse `scheme:value` (e.g. openreview:~Mengfan_Xu1, orcid:0000-…, name:icml2017:874:3). */
export function parseIdentifier(s: string): Identifier {
  const i = s.indexOf(':');
  if (i <= 0 || i === s.length - 1) throw new AtlasError('BAD_ARGUMENT', `"${s}" is not scheme:value (e.g. openreview:~Mengfan_Xu1, orcid:0000-0002-1825-0097)`);
  return { scheme: s.slice(0, i), value: s.slice(i + 1) };
}

/** Id for a person split off by hand: stable for the identifier it was split by. */
export function splitPersonId(first: Identifier): string {
  return `split-${createHash('sha256').update(`${first.scheme}:${first.value}`).digest('hex').slice(0, 16)}`;
}

/**
 * `atlas split <person> <identifier…>`: the identifiers (and the facts from the records that stated them)
 * become a new person. Recorded as a split, which the resolver never undoes; the ingest resolves those
 * identifiers to the new person from now on.
 */
export async function splitPerson(store: Store, person: string, ids: Identifier[]): Promise<{ newPerson: string; moved: Record<string, number> }> {
  if (ids.length === 0) throw new AtlasError('BAD_ARGUMENT', 'name at least one identifier to split off (scheme:value)');
  return store.transaction(async (tx) => {
    if (!(await personExists(tx, person))) throw new AtlasError('NOT_FOUND', `no person ${person}`);
    const all = await tx.query<{ scheme: string; value: string; record_key: string }>(
      'SELECT scheme, value, record_key FROM person_identifiers WHERE person_id = $1',
      [person],
    );
    const want = new Set(ids.map((i) => `${i.scheme}:${i.value}`));
    const moving = all.filter((r) => want.has(`${r.scheme}:${r.value}`));
    const missing = [...want].filter((w) => !moving.some((m) => `${m.scheme}:${m.value}` === w));
    if (missing.length) throw new AtlasError('NOT_FOUND', `${person} has no identifier ${missing.join(', ')}`);
    if (moving.length === all.length) throw new AtlasError('BAD_ARGUMENT', `that is every identifier of ${person}: nothing would be left`);
    const first = moving[0] as Identifier;
    const newPerson = splitPersonId(first);
    const [src] = await tx.query<{ display_name: string | null; source: string; record_key: string; run_id: number }>(
      'SELECT display_name, source, record_key, run_id FROM people WHERE person_id = $1',
      [person],
    );
    await tx.exec('INSERT INTO people (person_id, display_name, source, record_key, run_id) VALUES ($1, $2, $3, $4, $5)', [
      newPerson,
      src?.display_name ?? null,
      src?.source ?? 'manual',
      src?.record_key ?? 'manual',
      src?.run_id ?? 0,
    ]);
    const moved: Record<string, number> = { person_identifiers: 0 };
    for (const m of moving) {
      await tx.exec('UPDATE person_identifiers SET person_id = $1 WHERE scheme = $2 AND value = $3', [newPerson, m.scheme, m.value]);
      moved['person_identifiers'] = (moved['person_identifiers'] ?? 0) + 1;
    }
    // facts from the records that stated the moved identifiers follow them
    const records = [...new Set(moving.map((m) => m.record_key))];
    for (const table of ['affiliation_years', 'education', 'positions', 'relations', 'person_keywords', 'authorships']) {
      let n = 0;
      for (const rk of records) {
        const c = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE person_id = $1 AND record_key = $2`, [person, rk]);
        n += Number(c[0]?.n ?? 0);
        await tx.exec(`UPDATE ${table} SET person_id = $1 WHERE person_id = $2 AND record_key = $3`, [newPerson, person, rk]);
      }
      moved[table] = n;
    }
    const stayed = all.filter((r) => !want.has(`${r.scheme}:${r.value}`)).map((r) => ({ scheme: r.scheme, value: r.value }));
    await recordMerge(tx, person, newPerson, 'split', { moved: moving.map((m) => ({ scheme: m.scheme, value: m.value })), stayed });
    return { newPerson, moved };
  });
}
