/**
 * The ORCID iDs an ORCID pull asks for: from a file (one iD a line, bare `0000-0002-1825-0097` or as a URL
 * `https://orcid.org/0000-0002-1825-0097`; `#` comments and blank lines allowed; a line that is not an iD, or whose
 * check character is wrong, is an error naming the file and line) or from the store (every person identifier of
 * scheme `orcid`, as OpenAlex authors, paper lists and ORCID records put them there). iDs are normalised
 * (upper-case X) and deduplicated, first occurrence first, so a job's iD list — and its position in it — is the
 * same on every resume.
 */
import { readFile } from 'node:fs/promises';
import { AtlasError, InputError } from '../../core/errors.ts';
import { normaliseOrcid, type IdentifierScheme } from '../../core/ids.ts';
import type { Queryable } from '../../store/store.ts';

const SCHEME: IdentifierScheme = 'orcid';

/** A whole line that is an ORCID iD: bare, or behind an orcid.org (or sandbox.orcid.org) URL prefix. */
const ORCID_LINE = /^(?:(?:https?:\/\/)?(?:www\.|sandbox\.)?orcid\.org\/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\/?$/i;

/**
 * The check character of ISO 7064 MOD 11-2 over the first 15 digits is the iD's last character, as ORCID
 * computes it (https://support.orcid.org/hc/en-us/articles/360006897674): a mistyped digit fails it.
 */
export function hasValidChecksum(orcid: string): boolean {
  const digits = orcid.replace(/-/g, '');
  if (!/^\d{15}[\dX]$/i.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < 15; i++) total = (total + Number(digits[i])) * 2;
  const r = (12 - (total % 11)) % 11;
  return digits[15]?.toUpperCase() === (r === 10 ? 'X' : String(r));
}

/** The iD of a line (bare or URL form), normalised, or null when the line is not one. */
export function orcidOfLine(line: string): string | null {
  const m = ORCID_LINE.exec(line.trim());
  return m?.[1] ? normaliseOrcid(m[1]) : null;
}

export async function orcidIdsFromFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AtlasError('NOT_FOUND', `cannot read the iD file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const id = orcidOfLine(line);
    if (id === null) throw new InputError({ file, line: i + 1 }, `"${line.slice(0, 80)}" is not an ORCID iD (like 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097)`);
    if (!hasValidChecksum(id)) throw new InputError({ file, line: i + 1 }, `${id} is not an ORCID iD: its check character is wrong (a mistyped digit?)`);
    ids.add(id);
  });
  if (ids.size === 0) throw new AtlasError('NO_DATA', `${file} lists no ORCID iDs (one a line, like 0000-0002-1825-0097)`);
  return [...ids];
}

export async function orcidIdsFromStore(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ value: string }>('SELECT DISTINCT value FROM person_identifiers WHERE scheme = $1 ORDER BY value', [SCHEME]);
  const ids = new Set<string>();
  for (const r of rows) {
    const id = orcidOfLine(r.value);
    if (id !== null && hasValidChecksum(id)) ids.add(id);
  }
  if (ids.size === 0) throw new AtlasError('NO_DATA', 'the store has no ORCID iDs: ingest OpenAlex authors, a paper list with ORCIDs or ORCID records first, or give --ids FILE');
  return [...ids];
}
