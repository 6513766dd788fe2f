/**
 * Reads OpenReview profiles and notes (a venue's papers) as the API returns them — `{"profiles": [...]}` and
 * `{"notes": [...], "count": N}` pages (API v1 and v2), one `{"profile": {...}}`, a bare profile or note, arrays of
 * any of these, or JSONL — gzipped or not, through the shared streaming JSON reader. Each record is told a profile
 * or a note by its shape and comes with the line it starts on; a bad one is a rejection naming its field
 * (openreview-facts.ts, openreview-notes-facts.ts). report() counts what was kept and what was dropped unread.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { readJsonRecords } from '../read-json-records.ts';
import { KnownInstitutions } from '../paperlists/known-institutions.ts';
import { ProfileProblem, newOpenReviewStats, openReviewFacts, openReviewReport } from './openreview-facts.ts';
import { NoteProblem, isOpenReviewNote, newNoteStats, noteReport, openReviewNoteFacts } from './openreview-notes-facts.ts';

type Obj = Record<string, unknown>;

const PROFILE_SIGNS = [/"profiles"\s*:\s*\[/, /"profile"\s*:\s*\{/, /"id"\s*:\s*"~[^"\s]/];
// a notes page, or a note's author ids as a list (v1 plain, v2 `{"value": [`): the paper lists' authorids are one string
const NOTE_SIGNS = [/"notes"\s*:\s*\[/, /"authorids"\s*:\s*(\{\s*"value"\s*:\s*)?\[/];

/** A file's first 4 KB as text, gunzipped when gzipped; null when the file cannot be read. */
function fileHead(file: string): string | null {
  let head: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
    } finally {
      closeSync(fd);
    }
    // a truncated gzip member inflates as far as it goes
    if (head[0] === 0x1f && head[1] === 0x8b) head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
  return head.subarray(0, 4096).toString('utf8');
}

/**
 * Whether a file's first KB (gunzipped when gzipped) reads like OpenReview profiles or notes: a `"profiles": [` or
 * `"notes": [` page, a `"profile": {` wrapper, a profile id `"id": "~…"` or a note's `"authorids": [` list. For
 * source detection; false when the file cannot be read.
 */
export function looksLikeOpenReviewProfiles(file: string): boolean {
  const text = fileHead(file);
  return text !== null && [...PROFILE_SIGNS, ...NOTE_SIGNS].some((re) => re.test(text));
}

/** Whether a file's first KB reads like OpenReview notes (a `"notes": [` page or a note's `"authorids": [` list). */
export function looksLikeOpenReviewNotes(file: string): boolean {
  const text = fileHead(file);
  return text !== null && NOTE_SIGNS.some((re) => re.test(text));
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The 1-based start lines of the elements of the top-level `"profiles"` (or `key`) array of a JSON text that starts
 * on line `firstLine` (the text is known to parse). Only that key's array is followed, whatever else the page holds.
 */
export function profilesArrayLines(text: string, firstLine: number, key = 'profiles'): number[] {
  const out: number[] = [];
  let depth = 0;
  let line = firstLine;
  let inStr = false;
  let esc = false;
  let str = '';
  let lastKey = '';
  let inProfiles = false;
  let expect = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inStr) {
      if (esc) esc = false;
      else if (c === 92) esc = true;
      else if (c === 34) {
        inStr = false;
        if (depth === 1) lastKey = str;
      } else if (depth === 1) str += text[i];
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (inProfiles && depth === 2 && expect && c !== 93) {
      out.push(line);
      expect = false;
    }
    if (c === 34) {
      inStr = true;
      str = '';
    } else if (c === 123 || c === 91) {
      depth++;
      if (c === 91 && depth === 2 && lastKey === key) inProfiles = expect = true;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 1) inProfiles = false;
    } else if (c === 44 && inProfiles && depth === 2) expect = true;
  }
  return out;
}

/** The profiles or notes a parsed JSON value holds, each with its start line and field path for rejections. */
function* profilesOf(v: unknown, line: number, text: string): Generator<{ profile: unknown; line: number; field: string | undefined }> {
  const page = isObj(v) ? (['profiles', 'notes'] as const).find((k) => Array.isArray(v[k])) : undefined;
  if (isObj(v) && page) {
    const lines = profilesArrayLines(text, line, page);
    const list = v[page] as unknown[];
    for (let i = 0; i < list.length; i++) yield { profile: list[i], line: lines[i] ?? line, field: `${page}[${i}]` };
  } else if (isObj(v) && isObj(v['profile'])) yield { profile: v['profile'], line, field: 'profile' };
  else yield { profile: v, line, field: undefined };
}

export function createOpenReviewReader(known?: KnownInstitutions): SourceReader {
  const stats = newOpenReviewStats();
  const noteStats = newNoteStats();
  let institutions = known;
  return {
    source: 'openreview',
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      institutions ??= KnownInstitutions.bundled();
      for await (const item of readJsonRecords(file, options)) {
        if ('rejection' in item) {
          yield { kind: 'rejected', rejection: item.rejection };
          continue;
        }
        for (const { profile, line, field } of profilesOf(item.value, item.line, item.text)) {
          // every element of a notes page is read as a note; elsewhere the record's shape tells
          const inNotes = field?.startsWith('notes[') === true;
          if (inNotes || isOpenReviewNote(profile)) {
            if (!isObj(profile)) {
              yield { kind: 'rejected', rejection: { file, line, field, reason: 'expected an OpenReview note (an object with "id" and "content")' } };
              continue;
            }
            try {
              yield { kind: 'facts', facts: openReviewNoteFacts(profile, JSON.stringify(profile), line, noteStats) };
            } catch (e) {
              if (!(e instanceof NoteProblem)) throw e;
              // within a page the field names the note too: notes[3].content.authorids
              const at = inNotes ? `${field}.${e.field}` : e.field;
              yield { kind: 'rejected', rejection: { file, line, field: at, reason: e.reason } };
            }
            continue;
          }
          if (!isObj(profile) || !('id' in profile || 'content' in profile)) {
            yield { kind: 'rejected', rejection: { file, line, field, reason: 'expected an OpenReview profile (an object with "id": "~…" and "content") or note (with content.title and authors)' } };
            continue;
          }
          try {
            const facts = openReviewFacts(profile, JSON.stringify(profile), { line, known: institutions, stats });
            yield { kind: 'facts', facts };
          } catch (e) {
            if (!(e instanceof ProfileProblem)) throw e;
            yield { kind: 'rejected', rejection: { file, line, field: e.field, reason: e.reason } };
          }
        }
      }
    },
    report() {
      return noteStats.notes > 0 ? { ...openReviewReport(stats), ...noteReport(noteStats) } : openReviewReport(stats);
    },
  };
}
