/** Finding people: by person id, by any identifier (ORCID, OpenAlex, OpenReview, DBLP, …, URL or bare), or by name. */
import { AtlasError } from '../../core/errors.ts';
import { normaliseOrcid, openAlexShortId } from '../../core/ids.ts';
import type { Queryable } from '../store.ts';

export interface PersonMatch {
  person_id: string;
  display_name: string | null;
}

/** Candidate (scheme, value) pairs a user's query could mean. */
function identifierCandidates(q: string): Array<[string | null, string]> {
  const out: Array<[string | null, string]> = [];
  const orcid = normaliseOrcid(q);
  if (orcid && /\d{4}-\d{4}-\d{4}-\d{3}[\dX]/i.test(q)) out.push(['orcid', orcid]);
  if (/openalex\.org\//i.test(q) || /^A\d+$/i.test(q)) out.push(['openalex', openAlexShortId(q).toUpperCase()]);
  const prefixed = /^([a-z]+):(.+)$/.exec(q);
  if (prefixed?.[1] && prefixed[2]) out.push([prefixed[1], prefixed[2]]);
  out.push([null, q]);
  return out;
}

/** Resolve a user's query to exactly one person; NOT_FOUND or AMBIGUOUS (with the candidates listed) otherwise. */
export async function resolvePerson(db: Queryable, query: string): Promise<PersonMatch> {
  const matches = await findPeople(db, query, 20);
  if (matches.length === 1) return matches[0] as PersonMatch;
  if (matches.length === 0) throw new AtlasError('NOT_FOUND', `no person matches "${query}" (try a person id, an ORCID/OpenAlex/OpenReview id, or a name)`);
  const list = matches.map((m) => `${m.person_id} (${m.display_name ?? 'no name'})`).join(', ');
  throw new AtlasError('AMBIGUOUS', `"${query}" matches ${matches.length} people: ${list}. Give one of these ids.`, {
    details: { candidates: matches },
  });
}

/** Every person the query could mean: exact id or identifier first; only if none, exact name (case-insensitive). */
export async function findPeople(db: Queryable, query: string, limit = 50): Promise<PersonMatch[]> {
  const q = query.trim();
  if (!q) throw new AtlasError('BAD_ARGUMENT', 'empty person query');
  const byId = await db.query<PersonMatch>('SELECT person_id, display_name FROM people WHERE person_id = $1', [q]);
  if (byId.length) return byId;
  for (const [scheme, value] of identifierCandidates(q)) {
    const rows = scheme
      ? await db.query<PersonMatch>(
          `SELECT DISTINCT p.person_id, p.display_name FROM person_identifiers i JOIN people p ON p.person_id = i.person_id
           WHERE i.scheme = $1 AND i.value = $2`,
          [scheme, value],
        )
      : await db.query<PersonMatch>(
          `SELECT DISTINCT p.person_id, p.display_name FROM person_identifiers i JOIN people p ON p.person_id = i.person_id
           WHERE i.value = $1 AND i.scheme <> 'name' ORDER BY p.person_id LIMIT ${limit}`,
          [value],
        );
    if (rows.length) return rows;
  }
  return db.query<PersonMatch>(
    `SELECT person_id, display_name FROM people WHERE LOWER(display_name) = LOWER($1) ORDER BY person_id LIMIT ${limit}`,
    [q],
  );
}
