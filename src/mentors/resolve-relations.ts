/**
 * Stated mentorship: every `relations` row resolved to the person at its other end, exactly as docs/network.md
 * ("Mentorship, stated") says — by identifier when the source gives one, else the one person whose name matches
 * (identity name rules, initials included) and who has one piece of evidence (a work co-authored with the profile's
 * owner, or the relation's e-mail domain equal to or under one of their affiliation domains), else a new person
 * known only from the relation. Two or more candidates: none is chosen and the relation is reported as ambiguous.
 * Tombstoned identifiers never resolve. Reads only; refreshMentorships writes.
 */
import { createHash } from 'node:crypto';
import { STRONG_SCHEMES } from '../identity/decide.ts';
import { compatibleNames, nameBlockKeys, nameKey } from '../identity/names.ts';
import type { Queryable, SqlValue } from '../store/store.ts';
import type { MentorshipRow } from './mentorship-row.ts';

export type ResolvedHow = 'identifier' | 'name+coauthor' | 'name+email domain' | 'new';
export type Outcome = 'resolved' | 'ambiguous' | 'new' | 'dropped';

export interface RelationReportItem {
  owner: string;
  relation: string;
  name: string | null;
  outcome: Outcome;
  person: string | null;
  how: ResolvedHow | null;
  /** Ambiguous: the candidates; resolved: the unidentified mentions set aside for the one identified candidate. */
  candidates?: string[];
  setAside?: number;
  reason?: string;
}

export interface RelationReport {
  relations: number;
  resolved: number;
  ambiguous: number;
  new: number;
  dropped: number;
  items: RelationReportItem[];
}

/** A person created for a relation whose other end matches nobody: no identifier, source 'relation'. */
export interface RelationPerson {
  personId: string;
  name: string;
  recordKey: string;
  runId: number;
}

interface RelationRow {
  person_id: string;
  direction: string;
  relation: string;
  other_name: string | null;
  other_scheme: string | null;
  other_value: string | null;
  email_domain: string | null;
  start_year: number | null;
  end_year: number | null;
  source: string;
  record_key: string;
  run_id: number;
  line: number | null;
  file: string | null;
  by_id: string | null;
  erased: number;
}

const RELATIONS_SQL = `SELECT r.person_id, r.direction, r.relation, r.other_name, r.other_scheme, r.other_value, r.email_domain,
    r.start_year, r.end_year, r.source, r.record_key, r.run_id, sr.line, f.path AS file, pi.person_id AS by_id,
    CASE WHEN t.value IS NULL THEN 0 ELSE 1 END AS erased
  FROM relations r
  LEFT JOIN source_records sr ON sr.record_key = r.record_key
  LEFT JOIN ingest_files f ON f.run_id = sr.run_id AND f.file_no = sr.file_no
  LEFT JOIN person_identifiers pi ON pi.scheme = r.other_scheme AND pi.value = r.other_value
  LEFT JOIN tombstones t ON t.scheme = r.other_scheme AND t.value = r.other_value
  ORDER BY r.record_key, r.person_id, r.direction, r.relation, r.other_name, r.start_year`;

/** `eecs.harvard.edu` is under `harvard.edu`; a domain is under itself. */
export function domainUnder(domain: string, parent: string): boolean {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  const p = parent.trim().toLowerCase().replace(/\.$/, '');
  return !!d && !!p && (d === p || d.endsWith(`.${p}`));
}

/** Stable id of a relation-only person: one per (source record, direction, name), so a refresh recreates the same id. */
export function relationPersonId(recordKey: string, direction: string, name: string): string {
  return `relation:${createHash('sha256').update(`${recordKey}\u0000${direction}\u0000${nameKey(name)}`).digest('hex').slice(0, 16)}`;
}

const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

interface NameIndex {
  byBlock: Map<string, Array<{ id: string; name: string }>>;
}

/** People (not relation-only ones) sharing a blocking key with any of the names, read once. */
async function nameIndex(db: Queryable, names: readonly string[]): Promise<NameIndex> {
  const wanted = new Set(names.flatMap((n) => nameBlockKeys(n)));
  const byBlock = new Map<string, Array<{ id: string; name: string }>>();
  if (wanted.size === 0) return { byBlock };
  for await (const batch of db.iterate<{ person_id: string; display_name: string }>(
    `SELECT person_id, display_name FROM people WHERE display_name IS NOT NULL AND source <> 'relation'`,
    [],
    50_000,
  )) {
    for (const p of batch) {
      for (const k of nameBlockKeys(p.display_name)) {
        if (!wanted.has(k)) continue;
        const list = byBlock.get(k) ?? byBlock.set(k, []).get(k)!;
        list.push({ id: p.person_id, name: p.display_name });
      }
    }
  }
  return { byBlock };
}

function nameCandidates(index: NameIndex, name: string, owner: string): string[] {
  const out = new Set<string>();
  for (const k of nameBlockKeys(name)) {
    for (const p of index.byBlock.get(k) ?? []) if (p.id !== owner && compatibleNames(name, p.name)) out.add(p.id);
  }
  return [...out].sort();
}

interface CandidateEvidence {
  coauthor: boolean;
  domain: string | null;
  identified: boolean;
}

/** Evidence for each candidate: a work co-authored with the owner, an affiliation domain the e-mail domain is under, a strong identifier. */
async function candidateEvidence(db: Queryable, owner: string, emailDomain: string | null, ids: readonly string[]): Promise<Map<string, CandidateEvidence>> {
  const out = new Map<string, CandidateEvidence>(ids.map((id) => [id, { coauthor: false, domain: null, identified: false }]));
  if (ids.length === 0) return out;
  const list = placeholders(ids.length, 2);
  const params: SqlValue[] = [owner, ...ids];
  for (const r of await db.query<{ person_id: string }>(
    `SELECT DISTINCT b.person_id FROM authorships a JOIN authorships b ON b.work_id = a.work_id WHERE a.person_id = $1 AND b.person_id IN (${list})`,
    params,
  )) {
    out.get(r.person_id)!.coauthor = true;
  }
  if (emailDomain) {
    const rows = await db.query<{ person_id: string; domain: string }>(
      `SELECT DISTINCT person_id, LOWER(domain) AS domain FROM (
         SELECT person_id, domain FROM affiliation_years WHERE domain IS NOT NULL AND person_id IN (${placeholders(ids.length)})
         UNION ALL SELECT person_id, domain FROM positions WHERE domain IS NOT NULL AND person_id IN (${placeholders(ids.length)})
       ) d ORDER BY person_id, domain`,
      ids,
    );
    for (const r of rows) {
      const e = out.get(r.person_id)!;
      if (!e.domain && domainUnder(emailDomain, r.domain)) e.domain = r.domain;
    }
  }
  const strong = STRONG_SCHEMES.map((s) => `'${s}'`).join(', ');
  for (const r of await db.query<{ person_id: string }>(
    `SELECT DISTINCT person_id FROM person_identifiers WHERE scheme IN (${strong}) AND person_id IN (${placeholders(ids.length)})`,
    ids,
  )) {
    out.get(r.person_id)!.identified = true;
  }
  return out;
}

type Choice =
  | { kind: 'one'; person: string; how: ResolvedHow; setAside: number; detail: string }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'none' };

/**
 * The one candidate with evidence. An author mention without any identifier (a paper-list author slot that identity
 * resolution has not joined to anyone) is set aside when exactly one identified person has evidence: such mentions
 * are usually the same person seen once, not a second person. Two identified, or two unidentified with no
 * identified one: ambiguous.
 */
function choose(evidence: Map<string, CandidateEvidence>): Choice {
  const withEvidence = [...evidence].filter(([, e]) => e.coauthor || e.domain);
  if (withEvidence.length === 0) return { kind: 'none' };
  const identified = withEvidence.filter(([, e]) => e.identified);
  const pool = identified.length > 0 ? identified : withEvidence;
  if (pool.length > 1) return { kind: 'ambiguous', candidates: pool.map(([id]) => id) };
  const [id, e] = pool[0] as [string, CandidateEvidence];
  return e.coauthor
    ? { kind: 'one', person: id, how: 'name+coauthor', setAside: withEvidence.length - 1, detail: 'a work co-authored with the profile owner' }
    : { kind: 'one', person: id, how: 'name+email domain', setAside: withEvidence.length - 1, detail: `e-mail domain under affiliation domain ${e.domain}` };
}

function tieOf(r: RelationRow, other: string, how: ResolvedHow, extra: Record<string, unknown>): MentorshipRow {
  const [mentor, mentee] = r.direction === 'advisor' ? [other, r.person_id] : [r.person_id, other];
  const evidence = {
    source: r.source,
    file: r.file,
    line: r.line,
    relation: r.relation,
    name: r.other_name,
    years: [r.start_year, r.end_year],
    how,
    ...(r.other_scheme && r.other_value ? { identifier: `${r.other_scheme}:${r.other_value}` } : {}),
    ...(r.email_domain ? { email_domain: r.email_domain } : {}),
    ...extra,
  };
  return {
    mentor,
    mentee,
    kind: 'mentorship',
    relation: r.relation,
    confidence: 1,
    startYear: r.start_year,
    endYear: r.end_year,
    source: r.source,
    recordKey: r.record_key,
    evidence: JSON.stringify(evidence),
  };
}

export interface ResolvedRelations {
  ties: MentorshipRow[];
  newPeople: RelationPerson[];
  report: RelationReport;
}

/** Resolve every stated relation; nothing is written. */
export async function resolveRelations(db: Queryable): Promise<ResolvedRelations> {
  const rows = await db.query<RelationRow>(RELATIONS_SQL);
  const index = await nameIndex(db, rows.filter((r) => !r.by_id && r.other_name).map((r) => r.other_name as string));
  const ties: MentorshipRow[] = [];
  const newPeople = new Map<string, RelationPerson>();
  const items: RelationReportItem[] = [];
  for (const r of rows) {
    const base = { owner: r.person_id, relation: r.relation, name: r.other_name };
    if (Number(r.erased)) {
      items.push({ ...base, outcome: 'dropped', person: null, how: null, reason: 'the named person was erased' });
      continue;
    }
    if (r.by_id) {
      if (r.by_id === r.person_id) {
        items.push({ ...base, outcome: 'dropped', person: null, how: null, reason: 'names the profile owner' });
        continue;
      }
      ties.push(tieOf(r, r.by_id, 'identifier', {}));
      items.push({ ...base, outcome: 'resolved', person: r.by_id, how: 'identifier' });
      continue;
    }
    if (!r.other_name) {
      items.push({ ...base, outcome: 'dropped', person: null, how: null, reason: 'no name, and no identifier in the store' });
      continue;
    }
    const candidates = nameCandidates(index, r.other_name, r.person_id);
    const choice = choose(await candidateEvidence(db, r.person_id, r.email_domain, candidates));
    if (choice.kind === 'one') {
      ties.push(tieOf(r, choice.person, choice.how, { reason: choice.detail, ...(choice.setAside ? { unidentified_mentions_set_aside: choice.setAside } : {}) }));
      items.push({ ...base, outcome: 'resolved', person: choice.person, how: choice.how, ...(choice.setAside ? { setAside: choice.setAside } : {}) });
    } else if (choice.kind === 'ambiguous') {
      items.push({ ...base, outcome: 'ambiguous', person: null, how: null, candidates: choice.candidates });
    } else {
      const id = relationPersonId(r.record_key, r.direction, r.other_name);
      if (!newPeople.has(id)) newPeople.set(id, { personId: id, name: r.other_name, recordKey: r.record_key, runId: r.run_id });
      ties.push(tieOf(r, id, 'new', { reason: 'no person in the store matches the name with evidence; known only from this relation' }));
      items.push({ ...base, outcome: 'new', person: id, how: 'new' });
    }
  }
  const count = (o: Outcome): number => items.filter((i) => i.outcome === o).length;
  return {
    ties,
    newPeople: [...newPeople.values()],
    report: { relations: rows.length, resolved: count('resolved'), ambiguous: count('ambiguous'), new: count('new'), dropped: count('dropped'), items },
  };
}
