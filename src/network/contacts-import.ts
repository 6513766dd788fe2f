/**
 * Importing a user's contacts file (CSV: `name` plus any of orcid, openalex, openreview, dblp, email, strength
 * 1–5, note). Each row is matched to one person by identifiers first, then by exact name; rows that match no one
 * or several people are reported with their line numbers. All-or-nothing unless unmatched rows may be skipped.
 * Re-importing an owner replaces that owner's list; other owners' lists are untouched.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { AtlasError, InputError } from '../core/errors.ts';
import { normaliseOrcid, openAlexShortId } from '../core/ids.ts';
import type { Queryable, Store } from '../store/store.ts';
import { requireListOwner } from '../teams/users.ts';

export const CONTACT_ID_COLUMNS = ['orcid', 'openalex', 'openreview', 'dblp', 'email'] as const;
export const CONTACT_COLUMNS = ['name', ...CONTACT_ID_COLUMNS, 'strength', 'note'] as const;
export const DEFAULT_STRENGTH = 3;

export interface ContactRow {
  line: number;
  name: string;
  ids: Array<[scheme: string, value: string]>;
  strength: number;
  note: string | null;
}

export interface Candidate {
  person_id: string;
  display_name: string | null;
}

export interface ContactsImportResult {
  owner: string;
  file: string;
  rows: number;
  imported: number;
  /** Contacts the owner had before this import (all replaced). */
  replaced: number;
  unmatched: Array<{ line: number; name: string }>;
  ambiguous: Array<{ line: number; name: string; candidates: Candidate[] }>;
  /** Rows naming a person already named on an earlier line: merged (strongest strength, notes joined). */
  duplicates: Array<{ line: number; name: string; person_id: string; first_line: number }>;
  written: boolean;
}

/** Parse and validate the CSV text; the first bad value is an InputError naming file, line and field. */
export function parseContactsCsv(text: string, file: string): ContactRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, relax_column_count: false, skip_empty_lines: true, bom: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const line = typeof e === 'object' && e !== null && 'lines' in e && typeof e.lines === 'number' ? e.lines : 1;
    throw new InputError({ file, line }, `not valid CSV: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const [head, ...body] = records;
  if (!head) throw new InputError({ file, line: 1 }, 'empty file: expected a header line with a `name` column');
  const columns = head.record.map((c) => c.toLowerCase());
  columns.forEach((c) => {
    if (!(CONTACT_COLUMNS as readonly string[]).includes(c)) {
      throw new InputError({ file, line: head.info.lines, field: c || '(empty)' }, `unknown column; the columns are ${CONTACT_COLUMNS.join(', ')}`);
    }
  });
  if (!columns.includes('name')) throw new InputError({ file, line: head.info.lines, field: 'name' }, 'missing column `name` (columns: name plus any of orcid, openalex, openreview, dblp, email, strength, note)');
  const col = (r: string[], c: string): string => {
    const i = columns.indexOf(c);
    return i < 0 ? '' : (r[i] ?? '').trim();
  };
  return body.map(({ record, info }) => {
    const line = info.lines;
    const name = col(record, 'name');
    if (!name) throw new InputError({ file, line, field: 'name' }, 'empty name');
    const rawStrength = col(record, 'strength');
    const strength = rawStrength === '' ? DEFAULT_STRENGTH : Number(rawStrength);
    if (!Number.isInteger(strength) || strength < 1 || strength > 5) {
      throw new InputError({ file, line, field: 'strength' }, `strength must be a whole number from 1 to 5 (got "${rawStrength}")`);
    }
    const ids: Array<[string, string]> = [];
    for (const scheme of CONTACT_ID_COLUMNS) {
      const raw = col(record, scheme);
      if (!raw) continue;
      if (scheme === 'orcid') {
        const orcid = normaliseOrcid(raw);
        if (!orcid) throw new InputError({ file, line, field: 'orcid' }, `not an ORCID iD: "${raw}" (expected 0000-0000-0000-0000)`);
        ids.push(['orcid', orcid]);
      } else if (scheme === 'openalex') ids.push(['openalex', openAlexShortId(raw).toUpperCase()]);
      else if (scheme === 'email') {
        if (!/^[^@\s]+@[^@\s]+$/.test(raw)) throw new InputError({ file, line, field: 'email' }, `not an e-mail address: "${raw}"`);
        ids.push(['email', raw.toLowerCase()]);
      } else ids.push([scheme, raw]);
    }
    const note = col(record, 'note');
    return { line, name, ids, strength, note: note || null };
  });
}

/** People a row could mean: by identifiers (any scheme given); only when none matches, by exact name. */
export async function matchContact(db: Queryable, row: ContactRow): Promise<Candidate[]> {
  const found = new Map<string, Candidate>();
  for (const [scheme, value] of row.ids) {
    const rows = await db.query<Candidate>(
      `SELECT DISTINCT p.person_id, p.display_name FROM person_identifiers i JOIN people p ON p.person_id = i.person_id
       WHERE i.scheme = $1 AND (i.value = $2 OR LOWER(i.value) = LOWER($2))
       UNION SELECT person_id, display_name FROM people WHERE person_id = $2`,
      [scheme, value],
    );
    for (const r of rows) found.set(r.person_id, r);
  }
  if (found.size) return [...found.values()].sort((a, b) => (a.person_id < b.person_id ? -1 : 1));
  return db.query<Candidate>(
    `SELECT person_id, display_name FROM people WHERE LOWER(display_name) = LOWER($1)
     UNION SELECT p.person_id, p.display_name FROM person_identifiers i JOIN people p ON p.person_id = i.person_id
       WHERE i.scheme = 'name' AND LOWER(i.value) = LOWER($1)
     ORDER BY person_id LIMIT 20`,
    [row.name],
  );
}

export interface ContactsImportOptions {
  owner: string;
  /** Import the rows that match exactly one person and report the rest, instead of importing nothing. */
  skipUnmatched?: boolean;
}

/** Match every row, then replace the owner's contacts in one transaction (or write nothing). */
export async function importContacts(store: Store, file: string, o: ContactsImportOptions): Promise<ContactsImportResult> {
  if (!o.owner.trim()) throw new AtlasError('BAD_ARGUMENT', 'an owner is needed: --owner NAME (whose contacts these are)');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AtlasError('NOT_FOUND', `cannot read contacts file ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return importContactsText(store, text, file, o);
}

/** The same from CSV text (an upload); `file` names it in errors and in each contact's provenance. */
export async function importContactsText(store: Store, text: string, file: string, o: ContactsImportOptions): Promise<ContactsImportResult> {
  const owner = o.owner.trim();
  if (!owner) throw new AtlasError('BAD_ARGUMENT', 'an owner is needed: --owner NAME (whose contacts these are)');
  await requireListOwner(store, owner);
  const rows = parseContactsCsv(text, file);
  const result: ContactsImportResult = { owner, file, rows: rows.length, imported: 0, replaced: 0, unmatched: [], ambiguous: [], duplicates: [], written: false };
  const chosen = new Map<string, ContactRow & { person_id: string }>();
  for (const row of rows) {
    const c = await matchContact(store, row);
    if (c.length === 0) result.unmatched.push({ line: row.line, name: row.name });
    else if (c.length > 1) result.ambiguous.push({ line: row.line, name: row.name, candidates: c });
    else {
      const person_id = (c[0] as Candidate).person_id;
      const prev = chosen.get(person_id);
      if (!prev) chosen.set(person_id, { ...row, person_id });
      else {
        result.duplicates.push({ line: row.line, name: row.name, person_id, first_line: prev.line });
        prev.strength = Math.max(prev.strength, row.strength);
        prev.note = [prev.note, row.note].filter(Boolean).join('; ') || null;
      }
    }
  }
  const problems = result.unmatched.length + result.ambiguous.length;
  if (problems > 0 && !o.skipUnmatched) {
    throw new AtlasError('BAD_INPUT', `${file}: ${problems} row(s) match no person or several — nothing imported. ${describeProblems(result)}. Add an identifier column (orcid, openalex, openreview, dblp, email) to those rows, or pass --skip-unmatched to import the rest.`, {
      details: { result },
    });
  }
  await store.transaction(async (tx) => {
    const [before] = await tx.query<{ n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE owner = $1`, [owner]);
    result.replaced = before?.n ?? 0;
    const [last] = await tx.query<{ r: number | null }>(`SELECT MAX(run_id) AS r FROM ingest_runs`);
    const runId = (last?.r ?? 0) + 1;
    const now = new Date().toISOString();
    await tx.exec(
      `INSERT INTO ingest_runs (run_id, source, started_at, finished_at, status, files, records, inserted, replaced, unchanged, stale, rejected, erased, command)
       VALUES ($1, 'contacts', $2, $2, 'success', 1, $3, $4, $5, 0, 0, $6, 0, $7)`,
      [runId, now, rows.length, chosen.size, result.replaced, problems, `contacts import ${file} --owner ${owner}`],
    );
    await tx.exec(`DELETE FROM contacts WHERE owner = $1`, [owner]);
    await tx.bulkInsert(
      'contacts',
      [
        { name: 'owner', type: 'text' },
        { name: 'person_id', type: 'text' },
        { name: 'strength', type: 'int' },
        { name: 'note', type: 'text' },
        { name: 'file', type: 'text' },
        { name: 'line', type: 'int' },
        { name: 'run_id', type: 'int' },
      ],
      [...chosen.values()].map((c) => [owner, c.person_id, c.strength, c.note, file, c.line, runId]),
    );
  });
  result.imported = chosen.size;
  result.written = true;
  return result;
}

/** "line 4 "Ann Lee": no match; line 9 "Bo Li": 2 people (a, b)" */
export function describeProblems(r: Pick<ContactsImportResult, 'unmatched' | 'ambiguous'>): string {
  const items = [
    ...r.unmatched.map((u) => ({ line: u.line, text: `line ${u.line} "${u.name}": no match` })),
    ...r.ambiguous.map((a) => ({ line: a.line, text: `line ${a.line} "${a.name}": ${a.candidates.length} people (${a.candidates.map((c) => c.person_id).join(', ')})` })),
  ].sort((x, y) => x.line - y.line);
  return items.map((i) => i.text).join('; ');
}
