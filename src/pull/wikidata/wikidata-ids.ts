/**
 * The people a Wikidata pull asks for: Wikidata items named directly (Q-ids), and external ids to resolve to items
 * (ORCID P496, DBLP P2456, Google Scholar P1960) — from a file or from the store.
 * - A file: one id a line, `Q42` (or `wd:Q42`, `wikidata:Q42`, a wikidata.org `/wiki/Q42` or `/entity/Q42` URL),
 *   `orcid:0000-0002-1825-0097` (bare or orcid.org URL, check character verified), `dblp:<pid>` (or a
 *   dblp.org/pid/… URL), `scholar:<12-character user id>` (or a profile URL with `user=`); `#` comments and blank
 *   lines allowed. A line that is none of these is an InputError naming the file and line.
 * - The store: every person identifier of scheme `orcid`, `dblp` or `scholar`, and the Wikidata Q-ids already
 *   stored (scheme `wikidata`, from an earlier ingest or pull), whose entities need no resolution. A stored value
 *   that is not a well-formed id is left out.
 * Ids are normalised and deduplicated, first occurrence first (the store's in scheme and value order), so a job's
 * lists — and its position in them — are the same on every resume.
 */
import { readFile } from 'node:fs/promises';
import { AtlasError, InputError } from '../../core/errors.ts';
import type { Queryable } from '../../store/store.ts';
import { hasValidChecksum, orcidOfLine } from '../orcid/orcid-ids.ts';

/** The external ids a pull resolves to items, in the order the resolution goes through them. */
export const EXTERNAL_SCHEMES = ['orcid', 'dblp', 'scholar'] as const;
export type ExternalScheme = (typeof EXTERNAL_SCHEMES)[number];

/** The Wikidata property holding each external id (what the SPARQL resolution matches on). */
export const EXTERNAL_PROPS: Readonly<Record<ExternalScheme, string>> = { orcid: 'P496', dblp: 'P2456', scholar: 'P1960' };

export interface WikidataIds {
  /** Items named directly. */
  qids: string[];
  /** External ids to resolve, by scheme. */
  external: Record<ExternalScheme, string[]>;
}

/** A Wikidata item id: Q and a number without leading zeros. */
export const QID = /^Q[1-9]\d*$/;

const QID_LINE = /^(?:(?:wd|wikidata):|(?:https?:\/\/)?(?:www\.|m\.)?wikidata\.org\/(?:wiki|entity)\/)?(q[1-9]\d*)\/?$/i;
/** A dblp person id (`d/ErikDDemaine`, `87/1234-1`): a prefix, a slash, then letters, digits and the marks dblp uses. */
const DBLP = /^[\w.-]+\/[\w./=':-]+$/;
/** A Google Scholar user id: 12 characters of letters, digits, `_` and `-`. */
const SCHOLAR = /^[\w-]{12}$/;

export function qidOf(value: string): string | null {
  const m = QID_LINE.exec(value.trim());
  return m?.[1] ? m[1].toUpperCase() : null;
}

export function dblpOf(value: string): string | null {
  const v = value.trim().replace(/^(?:https?:\/\/)?(?:www\.)?dblp\.(?:org|uni-trier\.de)\/pid\//i, '').replace(/\.(?:html|xml)$/i, '');
  return DBLP.test(v) ? v : null;
}

export function scholarOf(value: string): string | null {
  const v = value.trim();
  const m = /[?&]user=([\w-]{12})(?:&|#|$)/.exec(v);
  if (m?.[1]) return m[1];
  return SCHOLAR.test(v) ? v : null;
}

/** An ORCID iD (bare or URL form) with a valid check character, normalised; null otherwise. */
export function orcidOf(value: string): string | null {
  const id = orcidOfLine(value);
  return id !== null && hasValidChecksum(id) ? id : null;
}

type Parsed = { scheme: 'wikidata' | ExternalScheme; value: string } | { error: string };

const FORMS = 'expected a Q-id (Q42), orcid:0000-0002-1825-0097, dblp:<pid> or scholar:<user id>';

/** One non-blank line of an id file. */
export function parseIdLine(line: string): Parsed {
  const m = /^(orcid|dblp|scholar)\s*:\s*(.*)$/i.exec(line);
  if (m) {
    const scheme = m[1]!.toLowerCase() as ExternalScheme;
    const raw = m[2]!.trim();
    if (scheme === 'orcid') {
      const id = orcidOfLine(raw);
      if (id === null) return { error: `"${raw.slice(0, 80)}" is not an ORCID iD (like 0000-0002-1825-0097)` };
      if (!hasValidChecksum(id)) return { error: `${id} is not an ORCID iD: its check character is wrong (a mistyped digit?)` };
      return { scheme, value: id };
    }
    const value = scheme === 'dblp' ? dblpOf(raw) : scholarOf(raw);
    if (value === null) return { error: `"${raw.slice(0, 80)}" is not a ${scheme === 'dblp' ? 'dblp person id (like d/ErikDDemaine or 87/1234)' : 'Google Scholar user id (12 characters, like JicYPdAAAAAJ)'}` };
    return { scheme, value };
  }
  const q = qidOf(line);
  if (q !== null) return { scheme: 'wikidata', value: q };
  return { error: `"${line.slice(0, 80)}" is not an id: ${FORMS}` };
}

const empty = (): { qids: Set<string>; external: Record<ExternalScheme, Set<string>> } => ({ qids: new Set(), external: { orcid: new Set(), dblp: new Set(), scholar: new Set() } });

function freeze(s: ReturnType<typeof empty>): WikidataIds {
  return { qids: [...s.qids], external: { orcid: [...s.external.orcid], dblp: [...s.external.dblp], scholar: [...s.external.scholar] } };
}

/** How many ids in all. */
export function countIds(ids: WikidataIds): number {
  return ids.qids.length + EXTERNAL_SCHEMES.reduce((n, s) => n + ids.external[s].length, 0);
}

export async function wikidataIdsFromFile(file: string): Promise<WikidataIds> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new AtlasError('NOT_FOUND', `cannot read the id file ${file}: ${(e as Error).message}`, { cause: e });
  }
  const out = empty();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const p = parseIdLine(line);
    if ('error' in p) throw new InputError({ file, line: i + 1 }, p.error);
    if (p.scheme === 'wikidata') out.qids.add(p.value);
    else out.external[p.scheme].add(p.value);
  });
  const ids = freeze(out);
  if (countIds(ids) === 0) throw new AtlasError('NO_DATA', `${file} lists no ids (one a line: ${FORMS.replace('expected ', '')})`);
  return ids;
}

export async function wikidataIdsFromStore(db: Queryable): Promise<WikidataIds> {
  const rows = await db.query<{ scheme: string; value: string }>(
    `SELECT DISTINCT scheme, value FROM person_identifiers WHERE scheme IN ('wikidata', 'orcid', 'dblp', 'scholar') ORDER BY scheme, value`,
  );
  const out = empty();
  for (const r of rows) {
    if (r.scheme === 'wikidata') {
      const q = qidOf(r.value);
      if (q !== null) out.qids.add(q);
      continue;
    }
    const scheme = r.scheme as ExternalScheme;
    const v = scheme === 'orcid' ? orcidOf(r.value) : scheme === 'dblp' ? dblpOf(r.value) : scholarOf(r.value);
    if (v !== null) out.external[scheme].add(v);
  }
  const ids = freeze(out);
  if (countIds(ids) === 0) throw new AtlasError('NO_DATA', 'the store has no ORCID, DBLP, Google Scholar or Wikidata ids of people: ingest OpenAlex authors, paper lists, OpenReview profiles or ORCID records first, or give --ids FILE');
  return ids;
}
