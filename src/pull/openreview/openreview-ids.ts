/**
 * The OpenReview profile ids (`~First_Last1`) a profiles pull asks for: from a file (one id a line, `#` comments
 * and blank lines allowed; a line that is not an id is an error naming the file and line) or from the store (every
 * person identifier of scheme `openreview`, as the paper lists and profiles put them there). Ids are deduplicated,
 * first occurrence first, so a job's id list — and its position in it — is the same on every resume.
 */
import { readFile } from 'node:fs/promises';
import { AtlasError, InputError } from '../../core/errors.ts';
import type { IdentifierScheme } from '../../core/ids.ts';
import type { Queryable } from '../../store/store.ts';

const SCHEME: IdentifierScheme = 'openreview';

/** An OpenReview profile id: a tilde, a name without spaces, commas or slashes, and the number OpenReview appends. */
export const PROFILE_ID = /^~[^\s,/~]+\d+$/u;

export function isProfileId(s: string): boolean {
  return PROFILE_ID.test(s);
}

export async function profileIdsFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AtlasError('NOT_FOUND', `cannot read the id file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (!isProfileId(line)) throw new InputError({ file, line: i + 1 }, `"${line.slice(0, 80)}" is not an OpenReview profile id (like ~Yang_Liu3)`);
    ids.add(line);
  });
  if (ids.size === 0) throw new AtlasError('NO_DATA', `${file} lists no OpenReview profile ids (one a line, like ~Yang_Liu3)`);
  return [...ids];
}

export async function profileIdsFromStore(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ value: string }>('SELECT DISTINCT value FROM person_identifiers WHERE scheme = $1 ORDER BY value', [SCHEME]);
  const ids = rows.map((r) => r.value).filter(isProfileId);
  if (ids.length === 0) throw new AtlasError('NO_DATA', 'the store has no OpenReview profile ids: ingest a paper list or OpenReview profiles first, or give --ids FILE');
  return ids;
}
