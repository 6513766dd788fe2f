/**
 * Reads OpenReview profiles as the API returns them — `{"profiles": [...]}` pages (API v1 and v2), one
 * `{"profile": {...}}`, a bare profile, arrays of any of these, or JSONL — gzipped or not, through the shared
 * streaming JSON reader. Each profile comes with the line it starts on; a bad profile is a rejection naming its
 * field (openreview-facts.ts). report() counts what was kept and what was dropped unread (non-mentorship relations).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { readJsonRecords } from '../read-json-records.ts';
import { KnownInstitutions } from '../paperlists/known-institutions.ts';
import { ProfileProblem, newOpenReviewStats, openReviewFacts, openReviewReport } from './openreview-facts.ts';

type Obj = Record<string, unknown>;

const PROFILE_SIGNS = [/"profiles"\s*:\s*\[/, /"profile"\s*:\s*\{/, /"id"\s*:\s*"~[^"\s]/];

/**
 * Whether a file's first KB (gunzipped when gzipped) reads like OpenReview profiles: a `"profiles": [` page, a
 * `"profile": {` wrapper or a profile id `"id": "~…"`. For source detection; false when the file cannot be read.
 */
export function looksLikeOpenReviewProfiles(file: string): boolean {
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
    return false;
  }
  const text = head.subarray(0, 4096).toString('utf8');
  return PROFILE_SIGNS.some((re) => re.test(text));
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The 1-based start lines of the elements of the top-level `"profiles"` array of a JSON text that starts on line
 * `firstLine` (the text is known to parse). Only that key's array is followed, whatever else the page holds.
 */
export function profilesArrayLines(text: string, firstLine: number): number[] {
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
      if (c === 91 && depth === 2 && lastKey === 'profiles') inProfiles = expect = true;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 1) inProfiles = false;
    } else if (c === 44 && inProfiles && depth === 2) expect = true;
  }
  return out;
}

/** The profiles a parsed JSON value holds, each with its start line and field path for rejections. */
function* profilesOf(v: unknown, line: number, text: string): Generator<{ profile: unknown; line: number; field: string | undefined }> {
  if (isObj(v) && Array.isArray(v['profiles'])) {
    const lines = profilesArrayLines(text, line);
    const list = v['profiles'] as unknown[];
    for (let i = 0; i < list.length; i++) yield { profile: list[i], line: lines[i] ?? line, field: `profiles[${i}]` };
  } else if (isObj(v) && isObj(v['profile'])) yield { profile: v['profile'], line, field: 'profile' };
  else yield { profile: v, line, field: undefined };
}

export function createOpenReviewReader(known?: KnownInstitutions): SourceReader {
  const stats = newOpenReviewStats();
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
          if (!isObj(profile) || !('id' in profile || 'content' in profile)) {
            yield { kind: 'rejected', rejection: { file, line, field, reason: 'expected an OpenReview profile (an object with "id": "~…" and "content")' } };
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
      return openReviewReport(stats);
    },
  };
}
