/**
 * One OpenReview note — a venue's paper as `GET /notes?content.venueid=…` returns it (API v2: content fields
 * wrapped as `{"value": …}`; API v1: plain) — → RecordFacts: the work (venue named as the Paper Copilot lists name
 * it, so works of both sources agree), one authorship per author in order, and the authors keyed
 * `openreview:~Id` (the profile reader's key, so a later profile pull joins them), else a per-note name key.
 * An author id that is not a `~` profile id (an e-mail address) is never read into facts. Co-author ties come
 * from the shared work, as for the other paper readers. A note that cannot be read throws NoteProblem.
 */
import { createHash } from 'node:crypto';
import { emptyFacts, type RecordFacts } from '../facts.ts';
import { venueName } from '../paperlists/paper-facts.ts';
import { unwrap } from './openreview-facts.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field of a note that cannot be read: its JSON path within the note and why. */
export class NoteProblem extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export interface NoteStats {
  notes: number;
  /** Notes without an authors list (hidden from the reader, or none given): works without authorships. */
  withoutAuthors: number;
  /** Authors whose id is no `~` profile id (an e-mail, or none): keyed by name within the note, the id dropped. */
  authorsWithoutProfileId: number;
}

export const newNoteStats = (): NoteStats => ({ notes: 0, withoutAuthors: 0, authorsWithoutProfileId: 0 });

export function noteReport(stats: NoteStats): Record<string, number> {
  return { notes: stats.notes, notes_without_authors: stats.withoutAuthors, note_authors_without_profile_id: stats.authorsWithoutProfileId };
}

/**
 * Whether a record is shaped like a note rather than a profile: a profile's content has `names` or `history`;
 * a note's content has `title`, `authors` or `authorids`, or the note has a `forum` or `invitations`.
 */
export function isOpenReviewNote(v: unknown): boolean {
  if (!isObj(v)) return false;
  const content = unwrap(v['content']);
  if (isObj(content) && ('names' in content || 'history' in content)) return false;
  if (isObj(content) && ('title' in content || 'authors' in content || 'authorids' in content)) return true;
  return 'forum' in v || Array.isArray(v['invitations']);
}

const PROFILE_ID = /^~\S+$/;

/** A content field as a trimmed string (v1 plain, v2 `{value}`), null when absent; any other type is a problem. */
function contentText(content: Obj, key: string): string | null {
  const u = unwrap(content[key]);
  if (u === undefined || u === null) return null;
  if (typeof u !== 'string') throw new NoteProblem(`content.${key}`, `expected a string, got ${Array.isArray(u) ? 'an array' : typeof u}`);
  return u.trim() || null;
}

/** A content field that is a list of strings; null when absent (or hidden: `{readers}` without a value). */
function contentStrings(content: Obj, key: string): string[] | null {
  const raw = content[key];
  const u = unwrap(raw);
  if (u === undefined || u === null || (isObj(u) && !('value' in u))) return null;
  if (!Array.isArray(u)) throw new NoteProblem(`content.${key}`, `expected a list of strings, got ${typeof u}`);
  return u.map((x, i) => {
    if (typeof x !== 'string') throw new NoteProblem(`content.${key}[${i}]`, `expected a string, got ${JSON.stringify(x) ?? typeof x}`);
    return x.trim();
  });
}

/** Keywords as a list, or (some venues) one string separated by commas or semicolons. */
function keywordsOf(content: Obj): string[] {
  const u = unwrap(content['keywords']);
  if (typeof u === 'string') return u.split(/[;,]/).map((k) => k.trim()).filter(Boolean);
  return (contentStrings(content, 'keywords') ?? []).filter(Boolean);
}

/** An epoch-milliseconds date field of the note; null when absent, a problem when not a positive number. */
function epoch(note: Obj, key: string): number | null {
  const v = note[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new NoteProblem(key, `expected a date in epoch milliseconds, got ${JSON.stringify(v)}`);
  return v;
}

const STATUS_OF_SUBMISSION: Array<[RegExp, string]> = [
  [/^Withdrawn_Submission$/i, 'withdrawn'],
  [/^Desk_Rejected_Submission$/i, 'desk reject'],
  [/^Rejected_Submission$/i, 'reject'],
  [/^Submission$/i, 'submitted'],
];

interface Venue {
  name: string | null;
  year: number | null;
  status: string | null;
}

/**
 * Venue, year and status from `venueid` ("ICLR.cc/2024/Conference", "robot-learning.org/CoRL/2021/Conference",
 * "NeurIPS.cc/2023/Track/Datasets_and_Benchmarks") and `venue` ("ICLR 2024 poster"). The venue's code is the
 * segment before the year, its web suffix dropped, named as the paper lists name it (venueName); segments after
 * the year other than Conference/Track make the track; a …/Rejected_Submission-style last segment is a status.
 */
function venueOf(venueid: string | null, venue: string | null): Venue {
  let code: string | null = null;
  let year: number | null = null;
  let track: string | null = null;
  let status: string | null = null;
  if (venueid) {
    const parts = venueid.split('/').filter(Boolean);
    const last = parts[parts.length - 1] ?? '';
    const sub = STATUS_OF_SUBMISSION.find(([re]) => re.test(last));
    if (sub) {
      status = sub[1];
      parts.pop();
    }
    const at = parts.findIndex((p) => /^\d{4}$/.test(p));
    if (at >= 0) year = Number(parts[at]);
    code = (at > 0 ? parts[at - 1] : parts[0])?.replace(/\.[a-z]{2,}$/i, '') ?? null;
    const rest = at >= 0 ? parts.slice(at + 1).filter((p) => !/^(Conference|Track)$/i.test(p)) : [];
    track = rest.join(' ').replace(/_/g, ' ').trim() || null;
  }
  const m = venue ? /^([A-Za-z][\w-]*)\s+(\d{4})\b\s*(.*)$/.exec(venue) : null;
  if (m) {
    code ??= m[1] ?? null;
    year ??= Number(m[2]);
    const said = (m[3] ?? '').trim().toLowerCase();
    status ??= /\b(oral|spotlight|poster)\b/.exec(said)?.[1] ?? (said || null);
  }
  return { name: code ? venueName(code.toLowerCase(), track) : venue, year, status };
}

/** The facts of one note object; throws NoteProblem naming the field (a path within the note). */
export function openReviewNoteFacts(note: Obj, recordText: string, line: number, stats: NoteStats): RecordFacts {
  const rawId = note['id'];
  const id = typeof rawId === 'string' ? rawId.trim() : '';
  if (!id || /\s/.test(id)) throw new NoteProblem('id', `expected the note's id (e.g. "rhgIgTSSxW"), got ${JSON.stringify(rawId ?? null)}`);
  const content = unwrap(note['content']);
  if (!isObj(content)) throw new NoteProblem('content', 'the note has no content object');
  const title = contentText(content, 'title');
  if (!title) throw new NoteProblem('content.title', 'the note has no title');
  const authors = contentStrings(content, 'authors');
  const authorids = contentStrings(content, 'authorids');
  if (authors && authorids && authors.length !== authorids.length) {
    throw new NoteProblem('content.authorids', `${authorids.length} author ids for ${authors.length} authors: the lists must line up`);
  }
  const names = authors ?? (authorids ? authorids.map(() => '') : []);
  const dates = { pdate: epoch(note, 'pdate'), cdate: epoch(note, 'cdate'), mdate: epoch(note, 'mdate'), tmdate: epoch(note, 'tmdate') };
  const v = venueOf(contentText(content, 'venueid'), contentText(content, 'venue'));
  const published = dates.pdate ?? dates.cdate;
  const year = v.year ?? (published ? new Date(published).getUTCFullYear() : null);
  if (year !== null && (year < 1900 || year > 2100)) throw new NoteProblem('content.venueid', `year ${year} out of range 1900..2100`);
  const modified = Math.max(dates.mdate ?? 0, dates.tmdate ?? 0);

  const workId = `openreview:${id}`;
  const facts = emptyFacts({
    recordKey: `openreview:note:${id}`,
    source: 'openreview',
    kind: 'note',
    updatedDate: modified > 0 ? new Date(modified).toISOString() : null,
    contentHash: createHash('sha256').update(recordText).digest('hex'),
    line,
  });
  const area = contentText(content, 'primary_area');
  facts.works.push({
    id: workId,
    title,
    year,
    venue: v.name,
    citedByCount: null,
    authorCount: names.length,
    keywords: keywordsOf(content),
    topics: area ? [area] : [],
    abstract: contentText(content, 'abstract'),
    status: v.status,
    doi: null,
  });

  let withoutProfileId = 0;
  names.forEach((name, i) => {
    const authorId = authorids?.[i] ?? '';
    // only `~` ids are profile ids; an e-mail (or anything else) is dropped, never a key, identifier or name
    const profileId = PROFILE_ID.test(authorId) && !authorId.includes('@') ? authorId : null;
    if (!profileId) withoutProfileId++;
    const key = profileId ? `openreview:${profileId}` : `name:openreview:${id}:${i + 1}`;
    facts.people.push({ key, name: name && !name.includes('@') ? name : null, identifiers: [], primary: false });
    facts.authorships.push({ work: workId, person: key, position: i + 1, institutions: [] });
  });
  stats.notes++;
  if (names.length === 0) stats.withoutAuthors++;
  stats.authorsWithoutProfileId += withoutProfileId;
  return facts;
}
