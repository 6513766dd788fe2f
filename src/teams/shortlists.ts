/**
 * The recruiting pipeline: shortlists of people at stages, with notes, owner and timestamps, and a history of
 * every change. A shortlist is private to its owner unless shared with named users, who may read it and move its
 * people; only the owner shares, renames or deletes it. A list the caller may not see answers exactly as a list
 * that does not exist.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AtlasError } from '../core/errors.ts';
import { formatCsv } from '../core/csv.ts';
import { resolvePerson } from '../store/repo/people.ts';
import type { Queryable, Store } from '../store/store.ts';
import { validateUserName } from './users.ts';

export const STAGES = ['shortlisted', 'contacted', 'intro_requested', 'met', 'offer', 'hired', 'declined'] as const;
export type Stage = (typeof STAGES)[number];

export function parseStage(raw: string): Stage {
  const s = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((STAGES as readonly string[]).includes(s)) return s as Stage;
  throw new AtlasError('BAD_ARGUMENT', `unknown stage "${raw}": one of ${STAGES.join(', ')}`);
}

export interface ShortlistRow {
  shortlist_id: string;
  owner: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ShortlistSummary extends ShortlistRow {
  shared_with: string[];
  people: number;
  by_stage: Record<Stage, number>;
  mine: boolean;
}

export interface EntryRow {
  person_id: string;
  display_name: string | null;
  stage: Stage;
  note: string | null;
  added_by: string;
  added_at: string;
  updated_by: string;
  updated_at: string;
}

const NAME_MAX = 100;
const NOTE_MAX = 2000;

function listName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > NAME_MAX) throw new AtlasError('BAD_ARGUMENT', `a shortlist name is 1–${NAME_MAX} characters`);
  return name;
}

function noteText(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
  const n = raw.trim();
  if (n.length > NOTE_MAX) throw new AtlasError('BAD_ARGUMENT', `a note is at most ${NOTE_MAX} characters`);
  return n || null;
}

const notFound = (ref: string) => new AtlasError('NOT_FOUND', `no shortlist "${ref}" of yours or shared with you (see \`atlas shortlist list\`)`);

/** The list `ref` (id, or a name among the caller's own and shared lists) if the caller may see it; NOT_FOUND otherwise. */
export async function visibleShortlist(db: Queryable, user: string, ref: string): Promise<ShortlistRow & { mine: boolean }> {
  const rows = await db.query<ShortlistRow>(
    `SELECT s.shortlist_id, s.owner, s.name, s.created_at, s.updated_at FROM shortlists s
     WHERE (s.shortlist_id = $2 OR s.name = $2)
       AND (s.owner = $1 OR EXISTS (SELECT 1 FROM shortlist_shares h WHERE h.shortlist_id = s.shortlist_id AND h.user_name = $1))
     ORDER BY CASE WHEN s.shortlist_id = $2 THEN 0 WHEN s.owner = $1 THEN 1 ELSE 2 END, s.created_at`,
    [user, ref],
  );
  const byId = rows.find((r) => r.shortlist_id === ref);
  const own = rows.filter((r) => r.owner === user);
  const pick = byId ?? (own.length === 1 ? own[0] : rows.length === 1 ? rows[0] : undefined);
  if (!pick) {
    if (rows.length > 1) throw new AtlasError('AMBIGUOUS', `"${ref}" names ${rows.length} shortlists shared with you: use an id (${rows.map((r) => `${r.shortlist_id} of ${r.owner}`).join(', ')})`);
    throw notFound(ref);
  }
  return { ...pick, mine: pick.owner === user };
}

async function ownedShortlist(db: Queryable, user: string, ref: string): Promise<ShortlistRow> {
  const s = await visibleShortlist(db, user, ref);
  if (!s.mine) throw new AtlasError('FORBIDDEN', `shortlist "${s.name}" belongs to ${s.owner}; only the owner may share, rename or delete it`);
  return s;
}

export async function createShortlist(store: Store, owner: string, rawName: string): Promise<ShortlistRow> {
  const name = listName(rawName);
  const now = new Date().toISOString();
  const row: ShortlistRow = { shortlist_id: `sl_${randomBytes(8).toString('hex')}`, owner, name, created_at: now, updated_at: now };
  return store.transaction(async (tx) => {
    if ((await tx.query(`SELECT 1 AS x FROM shortlists WHERE owner = $1 AND name = $2`, [owner, name])).length) throw new AtlasError('CONFLICT', `you already have a shortlist "${name}"`);
    await tx.exec(`INSERT INTO shortlists (shortlist_id, owner, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)`, [row.shortlist_id, owner, name, now, now]);
    return row;
  });
}

export async function listShortlists(db: Queryable, user: string): Promise<ShortlistSummary[]> {
  const lists = await db.query<ShortlistRow>(
    `SELECT s.shortlist_id, s.owner, s.name, s.created_at, s.updated_at FROM shortlists s
     WHERE s.owner = $1 OR EXISTS (SELECT 1 FROM shortlist_shares h WHERE h.shortlist_id = s.shortlist_id AND h.user_name = $1)
     ORDER BY s.updated_at DESC, s.shortlist_id`,
    [user],
  );
  if (!lists.length) return [];
  const ids = lists.map((l) => l.shortlist_id);
  const marks = ids.map((_, i) => `$${i + 1}`).join(', ');
  const counts = await db.query<{ shortlist_id: string; stage: Stage; n: number }>(`SELECT shortlist_id, stage, COUNT(*) AS n FROM shortlist_entries WHERE shortlist_id IN (${marks}) GROUP BY shortlist_id, stage`, ids);
  const shares = await db.query<{ shortlist_id: string; user_name: string }>(`SELECT shortlist_id, user_name FROM shortlist_shares WHERE shortlist_id IN (${marks}) ORDER BY user_name`, ids);
  return lists.map((l) => {
    const by_stage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
    for (const c of counts) if (c.shortlist_id === l.shortlist_id) by_stage[c.stage] = Number(c.n);
    return {
      ...l,
      mine: l.owner === user,
      shared_with: shares.filter((s) => s.shortlist_id === l.shortlist_id).map((s) => s.user_name),
      people: Object.values(by_stage).reduce((a, b) => a + b, 0),
      by_stage,
    };
  });
}

export async function shortlistEntries(db: Queryable, shortlistId: string): Promise<EntryRow[]> {
  return db.query<EntryRow>(
    `SELECT e.person_id, p.display_name, e.stage, e.note, e.added_by, e.added_at, e.updated_by, e.updated_at
     FROM shortlist_entries e LEFT JOIN people p ON p.person_id = e.person_id
     WHERE e.shortlist_id = $1 ORDER BY e.updated_at DESC, e.person_id`,
    [shortlistId],
  );
}

/** The board of a list: its people in stage columns (each column newest change first). */
export async function shortlistBoard(db: Queryable, user: string, ref: string) {
  const s = await visibleShortlist(db, user, ref);
  const entries = await shortlistEntries(db, s.shortlist_id);
  const shared = (await db.query<{ user_name: string }>(`SELECT user_name FROM shortlist_shares WHERE shortlist_id = $1 ORDER BY user_name`, [s.shortlist_id])).map((r) => r.user_name);
  return { shortlist: { ...s, shared_with: shared }, stages: STAGES.map((stage) => ({ stage, people: entries.filter((e) => e.stage === stage) })), total: entries.length };
}

async function touch(tx: Queryable, shortlistId: string, now: string): Promise<void> {
  await tx.exec(`UPDATE shortlists SET updated_at = $2 WHERE shortlist_id = $1`, [shortlistId, now]);
}

async function event(tx: Queryable, e: { shortlistId: string; personId: string; actor: string; from: Stage | null; to: Stage | null; note: string | null; at: string }): Promise<void> {
  // seq orders a list's events even within one millisecond (writes to a list are serialised by its transaction)
  const [last] = await tx.query<{ n: number | null }>(`SELECT MAX(seq) AS n FROM shortlist_events WHERE shortlist_id = $1`, [e.shortlistId]);
  await tx.exec(
    `INSERT INTO shortlist_events (event_id, shortlist_id, seq, person_id, happened_at, actor, from_stage, to_stage, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [randomUUID(), e.shortlistId, Number(last?.n ?? 0) + 1, e.personId, e.at, e.actor, e.from, e.to, e.note],
  );
}

export async function addToShortlist(store: Store, user: string, ref: string, personQuery: string, o: { stage?: string | undefined; note?: string | null | undefined } = {}): Promise<EntryRow> {
  const stage = o.stage ? parseStage(o.stage) : 'shortlisted';
  const note = noteText(o.note);
  return store.transaction(async (tx) => {
    const s = await visibleShortlist(tx, user, ref);
    const person = await resolvePerson(tx, personQuery);
    if ((await tx.query(`SELECT 1 AS x FROM shortlist_entries WHERE shortlist_id = $1 AND person_id = $2`, [s.shortlist_id, person.person_id])).length) {
      throw new AtlasError('CONFLICT', `${person.display_name ?? person.person_id} is already on "${s.name}"; move them with a new stage instead`);
    }
    const now = new Date().toISOString();
    await tx.exec(
      `INSERT INTO shortlist_entries (shortlist_id, person_id, stage, note, added_by, added_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $6)`,
      [s.shortlist_id, person.person_id, stage, note, user, now],
    );
    await event(tx, { shortlistId: s.shortlist_id, personId: person.person_id, actor: user, from: null, to: stage, note, at: now });
    await touch(tx, s.shortlist_id, now);
    return { person_id: person.person_id, display_name: person.display_name, stage, note, added_by: user, added_at: now, updated_by: user, updated_at: now };
  });
}

async function entryOf(tx: Queryable, shortlistId: string, listName: string, personId: string): Promise<EntryRow> {
  const [e] = await tx.query<EntryRow>(
    `SELECT e.person_id, p.display_name, e.stage, e.note, e.added_by, e.added_at, e.updated_by, e.updated_at FROM shortlist_entries e
     LEFT JOIN people p ON p.person_id = e.person_id WHERE e.shortlist_id = $1 AND e.person_id = $2`,
    [shortlistId, personId],
  );
  if (!e) throw new AtlasError('NOT_FOUND', `${personId} is not on shortlist "${listName}"`);
  return e;
}

/** Move a person to a stage and/or change the note; every change is an event. */
export async function updateEntry(store: Store, user: string, ref: string, personId: string, o: { stage?: string | undefined; note?: string | null | undefined }): Promise<EntryRow> {
  if (o.stage === undefined && o.note === undefined) throw new AtlasError('BAD_ARGUMENT', 'give a new stage, a note, or both');
  const stage = o.stage === undefined ? undefined : parseStage(o.stage);
  const note = o.note === undefined ? undefined : noteText(o.note);
  return store.transaction(async (tx) => {
    const s = await visibleShortlist(tx, user, ref);
    const e = await entryOf(tx, s.shortlist_id, s.name, personId);
    const now = new Date().toISOString();
    const next = { stage: stage ?? e.stage, note: note === undefined ? e.note : note };
    await tx.exec(`UPDATE shortlist_entries SET stage = $3, note = $4, updated_by = $5, updated_at = $6 WHERE shortlist_id = $1 AND person_id = $2`, [s.shortlist_id, personId, next.stage, next.note, user, now]);
    await event(tx, { shortlistId: s.shortlist_id, personId, actor: user, from: e.stage, to: next.stage, note: note === undefined ? null : next.note, at: now });
    await touch(tx, s.shortlist_id, now);
    return { ...e, ...next, updated_by: user, updated_at: now };
  });
}

export async function removeFromShortlist(store: Store, user: string, ref: string, personId: string): Promise<{ removed: string }> {
  return store.transaction(async (tx) => {
    const s = await visibleShortlist(tx, user, ref);
    const e = await entryOf(tx, s.shortlist_id, s.name, personId);
    const now = new Date().toISOString();
    await tx.exec(`DELETE FROM shortlist_entries WHERE shortlist_id = $1 AND person_id = $2`, [s.shortlist_id, personId]);
    await event(tx, { shortlistId: s.shortlist_id, personId, actor: user, from: e.stage, to: null, note: null, at: now });
    await touch(tx, s.shortlist_id, now);
    return { removed: personId };
  });
}

export async function entryHistory(db: Queryable, user: string, ref: string, personId?: string) {
  const s = await visibleShortlist(db, user, ref);
  const params = personId ? [s.shortlist_id, personId] : [s.shortlist_id];
  return db.query<{ person_id: string; happened_at: string; actor: string; from_stage: string | null; to_stage: string | null; note: string | null }>(
    `SELECT person_id, happened_at, actor, from_stage, to_stage, note FROM shortlist_events WHERE shortlist_id = $1 ${personId ? 'AND person_id = $2' : ''} ORDER BY seq`,
    params,
  );
}

/** Share with exactly these users (active users of the atlas, not the owner); returns the new list of names. */
export async function setShares(store: Store, user: string, ref: string, names: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(names.map(validateUserName))].sort();
  return store.transaction(async (tx) => {
    const s = await ownedShortlist(tx, user, ref);
    for (const n of wanted) {
      if (n === s.owner) throw new AtlasError('BAD_ARGUMENT', `${n} owns "${s.name}" already`);
      const [u] = await tx.query<{ revoked_at: string | null }>(`SELECT revoked_at FROM users WHERE name = $1`, [n]);
      if (!u || u.revoked_at) throw new AtlasError('BAD_ARGUMENT', `cannot share with "${n}": not an active user of this atlas`);
    }
    const now = new Date().toISOString();
    await tx.exec(`DELETE FROM shortlist_shares WHERE shortlist_id = $1`, [s.shortlist_id]);
    for (const n of wanted) await tx.exec(`INSERT INTO shortlist_shares (shortlist_id, user_name, shared_at) VALUES ($1, $2, $3)`, [s.shortlist_id, n, now]);
    await touch(tx, s.shortlist_id, now);
    return wanted;
  });
}

export async function deleteShortlist(store: Store, user: string, ref: string): Promise<{ deleted: string; people: number }> {
  return store.transaction(async (tx) => {
    const s = await ownedShortlist(tx, user, ref);
    const [c] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM shortlist_entries WHERE shortlist_id = $1`, [s.shortlist_id]);
    for (const t of ['shortlist_entries', 'shortlist_events', 'shortlist_shares', 'shortlists']) await tx.exec(`DELETE FROM ${t} WHERE shortlist_id = $1`, [s.shortlist_id]);
    return { deleted: s.shortlist_id, people: Number(c?.n ?? 0) };
  });
}

export const EXPORT_COLUMNS = ['shortlist', 'owner', 'person_id', 'name', 'stage', 'note', 'added_by', 'added_at', 'updated_by', 'updated_at'];

/** The list as CSV (names and notes guarded against spreadsheet formulas). */
export async function shortlistCsv(db: Queryable, user: string, ref: string): Promise<{ shortlist: ShortlistRow; csv: string; rows: number }> {
  const s = await visibleShortlist(db, user, ref);
  const entries = await shortlistEntries(db, s.shortlist_id);
  const rows = entries
    .sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage) || a.person_id.localeCompare(b.person_id))
    .map((e) => ({ shortlist: s.name, owner: s.owner, ...e, name: e.display_name }));
  return { shortlist: s, csv: formatCsv(rows, EXPORT_COLUMNS, ['shortlist', 'name', 'note']), rows: rows.length };
}
