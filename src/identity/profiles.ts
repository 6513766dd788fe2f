/**
 * Loading resolution profiles from the store: each person with their strong identifiers, institutions by
 * year and co-authors (from shared works and stated ties); and, for the evaluation, one profile per
 * authorship of a person with an OpenReview id — the id hidden, kept aside as the truth.
 */
import type { Queryable } from '../store/store.ts';
import { STRONG_SCHEMES, type Profile } from './decide.ts';
import { nameKey } from './names.ts';

const STRONG_LIST = STRONG_SCHEMES.map((s) => `'${s}'`).join(', ');

/** Add v to the set under k (made when absent). */
export function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

export async function loadPersonProfiles(db: Queryable): Promise<Profile[]> {
  const byId = new Map<string, Profile>();
  for await (const batch of db.iterate<{ person_id: string; display_name: string }>(
    'SELECT person_id, display_name FROM people WHERE display_name IS NOT NULL ORDER BY person_id',
  )) {
    for (const r of batch) {
      byId.set(r.person_id, { id: r.person_id, name: r.display_name, strong: new Map(), institutions: new Map(), coauthors: new Set(), works: new Set() });
    }
  }
  for await (const batch of db.iterate<{ person_id: string; scheme: string; value: string }>(
    `SELECT person_id, scheme, value FROM person_identifiers WHERE scheme IN (${STRONG_LIST})`,
  )) {
    for (const r of batch) {
      const p = byId.get(r.person_id);
      if (p) addTo(p.strong, r.scheme, r.value);
    }
  }
  for await (const batch of db.iterate<{ person_id: string; institution_id: string; year: number }>(
    'SELECT DISTINCT person_id, institution_id, year FROM affiliation_years WHERE institution_id IS NOT NULL',
  )) {
    for (const r of batch) {
      const p = byId.get(r.person_id);
      if (p) addTo(p.institutions, r.institution_id, r.year);
    }
  }
  for await (const batch of db.iterate<{ person_id: string; work_id: string }>('SELECT DISTINCT person_id, work_id FROM authorships')) {
    for (const r of batch) byId.get(r.person_id)?.works.add(r.work_id);
  }
  const coauthorSql = `
    SELECT DISTINCT x.person_id AS person_id, p.display_name AS name
    FROM authorships x JOIN authorships y ON y.work_id = x.work_id AND y.person_id <> x.person_id
    JOIN people p ON p.person_id = y.person_id WHERE p.display_name IS NOT NULL
    UNION
    SELECT t.a AS person_id, p.display_name AS name FROM ties t JOIN people p ON p.person_id = t.b WHERE p.display_name IS NOT NULL
    UNION
    SELECT t.b AS person_id, p.display_name AS name FROM ties t JOIN people p ON p.person_id = t.a WHERE p.display_name IS NOT NULL`;
  for await (const batch of db.iterate<{ person_id: string; name: string }>(coauthorSql)) {
    for (const r of batch) byId.get(r.person_id)?.coauthors.add(nameKey(r.name));
  }
  return [...byId.values()];
}

export interface LabelledMention extends Profile {
  /** The hidden strong identifier: the truth the evaluation compares with. */
  truth: string;
}

/** One profile per authorship of a person with an OpenReview id; the id is hidden (strong is empty). */
export async function loadLabelledMentions(db: Queryable): Promise<LabelledMention[]> {
  const mentions = new Map<string, LabelledMention>();
  const byPersonRecord = new Map<string, LabelledMention[]>();
  const byWork = new Map<string, LabelledMention[]>();
  const sql = `
    SELECT a.work_id, a.position, a.person_id, a.record_key, p.display_name, MIN(i.value) AS truth
    FROM authorships a JOIN people p ON p.person_id = a.person_id
    JOIN person_identifiers i ON i.person_id = a.person_id AND i.scheme = 'openreview'
    WHERE p.display_name IS NOT NULL
    GROUP BY a.work_id, a.position, a.person_id, a.record_key, p.display_name`;
  for await (const batch of db.iterate<{ work_id: string; position: number; person_id: string; record_key: string; display_name: string; truth: string }>(sql)) {
    for (const r of batch) {
      const id = `${r.work_id}#${r.position}`;
      const m: LabelledMention = {
        id,
        name: r.display_name,
        truth: r.truth,
        strong: new Map(),
        institutions: new Map(),
        coauthors: new Set(),
        works: new Set([r.work_id]),
      };
      mentions.set(id, m);
      const k = `${r.person_id}\u0000${r.record_key}`;
      byPersonRecord.set(k, [...(byPersonRecord.get(k) ?? []), m]);
      byWork.set(r.work_id, [...(byWork.get(r.work_id) ?? []), m]);
    }
  }
  for await (const batch of db.iterate<{ person_id: string; record_key: string; institution_id: string; year: number }>(
    `SELECT DISTINCT person_id, record_key, institution_id, year FROM affiliation_years WHERE basis = 'paper' AND institution_id IS NOT NULL`,
  )) {
    for (const r of batch) for (const m of byPersonRecord.get(`${r.person_id}\u0000${r.record_key}`) ?? []) addTo(m.institutions, r.institution_id, r.year);
  }
  // co-authors: every other author of the same work, labelled or not
  for await (const batch of db.iterate<{ work_id: string; display_name: string; position: number }>(
    `SELECT a.work_id, p.display_name, a.position FROM authorships a JOIN people p ON p.person_id = a.person_id WHERE p.display_name IS NOT NULL`,
  )) {
    for (const r of batch) {
      for (const m of byWork.get(r.work_id) ?? []) if (m.id !== `${r.work_id}#${r.position}`) m.coauthors.add(nameKey(r.display_name));
    }
  }
  return [...mentions.values()];
}
