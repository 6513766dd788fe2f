/**
 * One OpenReview profile (API v1 or v2; v2 content fields may come wrapped as `{"value": …}`) → RecordFacts:
 * the profile id `~Name1` as the person's key (the id the Paper Copilot lists use, so the profile joins the person
 * already in the store), link fields as identifiers, every `history` entry as a dated position (and a stated
 * education record when its position names a student level), mentorship relations only (docs/network.md
 * "Mentorship, stated"), and `expertise` keywords. E-mail addresses, gender and every other relation are never
 * read into facts: of an e-mail only the domain of a mentor's address is kept, for resolving the mentor.
 */
import { createHash } from 'node:crypto';
import { countryFromDomain, isCountryCode } from '../../core/countries.ts';
import { normaliseOrcid, type IdentifierScheme } from '../../core/ids.ts';
import { countryFromUniversityDomain, normaliseDomain } from '../../core/university-domains.ts';
import { institutionKey } from '../../identity/names.ts';
import { educationLevel } from '../education-level.ts';
import { emptyFacts, type CountryBasis, type InstitutionFact, type PersonFact, type RecordFacts } from '../facts.ts';
import type { KnownInstitutions } from '../paperlists/known-institutions.ts';
import { roleFromPosition } from '../paperlists/roles.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field of a profile that cannot be read: the JSON path and why. */
export class ProfileProblem extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Relation texts that state a mentorship (docs/network.md): every other relation is dropped unread. */
export const MENTORSHIP_RELATION = /advisor|advisee|supervisor|mentor/i;

export interface OpenReviewStats {
  profiles: number;
  historyEntries: number;
  historyWithoutInstitution: number;
  statedEducation: number;
  mentorshipRelations: number;
  /** Relations that are not mentorships (co-author, family, …): never stored, only counted. */
  relationsDropped: number;
  keywords: number;
  countryBasis: Record<CountryBasis | 'none', number>;
}

export function newOpenReviewStats(): OpenReviewStats {
  return {
    profiles: 0,
    historyEntries: 0,
    historyWithoutInstitution: 0,
    statedEducation: 0,
    mentorshipRelations: 0,
    relationsDropped: 0,
    keywords: 0,
    countryBasis: { source: 0, university_domain: 0, known_institution: 0, cctld: 0, csrankings_default_us: 0, none: 0 },
  };
}

function addStats(into: OpenReviewStats, from: OpenReviewStats): void {
  for (const k of ['profiles', 'historyEntries', 'historyWithoutInstitution', 'statedEducation', 'mentorshipRelations', 'relationsDropped', 'keywords'] as const) into[k] += from[k];
  for (const [b, n] of Object.entries(from.countryBasis)) into.countryBasis[b as CountryBasis | 'none'] += n;
}

const VALUE_WRAPPER_KEYS = new Set(['value', 'readers', 'nonreaders', 'writers', 'signatures']);

/** API v2 wraps content fields as `{"value": …}` (with optional readers); anything else is returned as is. */
export function unwrap(v: unknown): unknown {
  if (isObj(v) && 'value' in v && Object.keys(v).every((k) => VALUE_WRAPPER_KEYS.has(k))) return v['value'];
  return v;
}

function text(v: unknown): string | null {
  const u = unwrap(v);
  if (typeof u === 'string') return u.trim() || null;
  if (typeof u === 'number' && Number.isFinite(u)) return String(u);
  return null;
}

function list(v: unknown): unknown[] {
  const u = unwrap(v);
  return Array.isArray(u) ? u : [];
}

/** A year as profiles give it (2010, "2010", null, ""); anything else is a problem of that field. */
function year(v: unknown, field: string): number | null {
  const u = unwrap(v);
  if (u === null || u === undefined || (typeof u === 'string' && u.trim() === '')) return null;
  const n = typeof u === 'number' ? u : typeof u === 'string' && /^\s*\d{4}\s*$/.test(u) ? Number(u) : NaN;
  if (!Number.isInteger(n) || n < 1900 || n > 2100) throw new ProfileProblem(field, `expected a year (e.g. 2015), got ${JSON.stringify(u)}`);
  return n;
}

function years(o: Obj, at: string): { startYear: number | null; endYear: number | null } {
  const startYear = year(o['start'], `${at}.start`);
  const endYear = year(o['end'], `${at}.end`);
  if (startYear !== null && endYear !== null && startYear > endYear) {
    throw new ProfileProblem(`${at}.start`, `start year ${startYear} is after end year ${endYear}`);
  }
  return { startYear, endYear };
}

/** dblp.org/pid/… URL (or a bare pid) → pid; other dblp URLs name no stable id. */
function dblpId(raw: string | null): string | null {
  const v = (raw ?? '').trim().replace(/^https?:\/\/(www\.)?dblp\.(org|uni-trier\.de)\/pid\//, '').replace(/\.html$/, '');
  return v && !/^https?:|\s/.test(v) ? v : null;
}

/** Google Scholar profile URL (…?user=XXXXXXXXXXXX) or a bare 12-character user id → the id. */
function scholarId(raw: string | null): string | null {
  const v = (raw ?? '').trim();
  const m = /[?&]user=([\w-]{12})/.exec(v);
  if (m?.[1]) return m[1];
  return /^[\w-]{12}$/.test(v) ? v : null;
}

/** semanticscholar.org/author/Name/123456 (or a bare number) → the author id. */
function semanticScholarId(raw: string | null): string | null {
  const v = (raw ?? '').trim();
  const m = /semanticscholar\.org\/author\/(?:[^/?#]+\/)?(\d+)/i.exec(v);
  if (m?.[1]) return m[1];
  return /^\d+$/.test(v) ? v : null;
}

function displayName(names: unknown[]): string | null {
  const objs = names.map(unwrap).filter(isObj);
  const pick = objs.find((n) => unwrap(n['preferred']) === true) ?? objs[0];
  if (!pick) return null;
  return text(pick['fullname']) ?? ([text(pick['first']), text(pick['middle']), text(pick['last'])].filter(Boolean).join(' ') || null);
}

/** When a profile was last modified (tmdate, else tcdate; epoch milliseconds) as an ISO timestamp. */
function modified(profile: Obj): string | null {
  for (const k of ['tmdate', 'tcdate']) {
    const v = profile[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return new Date(v).toISOString();
  }
  return null;
}

export interface OpenReviewContext {
  line: number;
  known: KnownInstitutions;
  stats: OpenReviewStats;
}

function countryOf(
  instKey: string,
  stated: string | null,
  domain: string | null,
  known: KnownInstitutions,
): { country: string | null; countryBasis: CountryBasis | null } {
  if (stated) return { country: stated, countryBasis: 'source' };
  const u = countryFromUniversityDomain(domain);
  if (u) return { country: u, countryBasis: 'university_domain' };
  const k = known.country(instKey);
  if (k) return { country: k, countryBasis: 'known_institution' };
  const t = domain ? countryFromDomain(domain) : null;
  if (t) return { country: t, countryBasis: 'cctld' };
  return { country: null, countryBasis: null };
}

function addHistory(facts: RecordFacts, key: string, history: unknown[], ctx: OpenReviewContext, institutions: Map<string, InstitutionFact>): void {
  history.forEach((raw, i) => {
    const at = `content.history[${i}]`;
    const e = unwrap(raw);
    if (!isObj(e)) throw new ProfileProblem(at, 'expected a history entry object');
    const { startYear, endYear } = years(e, at);
    const position = text(e['position']);
    const inst = unwrap(e['institution']);
    const o = isObj(inst) ? inst : {};
    const code = (text(o['country']) ?? '').toUpperCase();
    if (code && !isCountryCode(code)) {
      throw new ProfileProblem(`${at}.institution.country`, `unknown country code "${text(o['country']) ?? ''}" (expected ISO 3166-1 alpha-2, e.g. US, CN, GB)`);
    }
    ctx.stats.historyEntries++;
    const id = institutionKey(text(o['name']));
    if (!id) {
      ctx.stats.historyWithoutInstitution++;
      return;
    }
    const domain = text(o['domain']) ? normaliseDomain(text(o['domain']) as string) || null : null;
    const c = countryOf(id, code || null, domain, ctx.known);
    if (c.countryBasis === 'source' && c.country) ctx.known.learn(id, c.country);
    ctx.stats.countryBasis[c.countryBasis ?? 'none']++;
    const had = institutions.get(id);
    if (!had || (had.country === null && c.country !== null)) {
      institutions.set(id, { id, name: text(o['name']), country: c.country, countryBasis: c.countryBasis, type: null, ror: null });
    }
    const level = educationLevel(position);
    facts.positions.push({ person: key, institution: id, ...c, role: roleFromPosition(position, domain), position, level, domain, startYear, endYear, basis: 'profile' });
    if (level) {
      ctx.stats.statedEducation++;
      facts.education.push({ person: key, institution: id, country: c.country, degree: level, roleTitle: position, startYear, endYear });
    }
  });
}

function addRelations(facts: RecordFacts, key: string, relations: unknown[], stats: OpenReviewStats): void {
  relations.forEach((raw, i) => {
    const at = `content.relations[${i}]`;
    const r = unwrap(raw);
    const relation = isObj(r) ? text(r['relation']) : null;
    if (!isObj(r) || !relation || !MENTORSHIP_RELATION.test(relation)) {
      stats.relationsDropped++;
      return;
    }
    const name = text(r['name']);
    const username = text(r['username']);
    if (!name && !username) throw new ProfileProblem(`${at}.name`, `the "${relation}" relation names no one (no name and no username)`);
    const { startYear, endYear } = years(r, at);
    // only the domain of the address, never the address (nor its masked form)
    const email = text(r['email']);
    const domain = email && email.includes('@') ? normaliseDomain(email.slice(email.lastIndexOf('@') + 1)) : '';
    stats.mentorshipRelations++;
    facts.relations.push({
      person: key,
      direction: /advisee/i.test(relation) ? 'advisee' : 'advisor',
      relation,
      otherName: name,
      other: username && username.startsWith('~') ? { scheme: 'openreview', value: username } : null,
      emailDomain: /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : null,
      startYear,
      endYear,
    });
  });
}

function addKeywords(facts: RecordFacts, key: string, expertise: unknown[], stats: OpenReviewStats): void {
  const seen = new Set<string>();
  expertise.forEach((raw, i) => {
    const at = `content.expertise[${i}]`;
    const x = unwrap(raw);
    if (!isObj(x)) throw new ProfileProblem(at, 'expected an expertise entry object');
    const { startYear, endYear } = years(x, at);
    for (const k of list(x['keywords'])) {
      const keyword = text(k);
      const id = `${keyword?.toLowerCase()}|${startYear}|${endYear}`;
      if (!keyword || seen.has(id)) continue;
      seen.add(id);
      stats.keywords++;
      facts.keywords.push({ person: key, keyword, startYear, endYear });
    }
  });
}

/** The facts of one profile object (the profile itself, not a `{"profile": …}` wrapper); throws ProfileProblem. */
export function openReviewFacts(profile: Obj, recordText: string, ctx: OpenReviewContext): RecordFacts {
  const id = text(profile['id']);
  if (!id || !/^~\S+$/.test(id)) throw new ProfileProblem('id', `expected an OpenReview profile id such as "~Yang_Liu3", got ${JSON.stringify(profile['id'] ?? null)}`);
  const content = unwrap(profile['content']);
  if (!isObj(content)) throw new ProfileProblem('content', 'the profile has no content object');
  const key = `openreview:${id}`;
  const facts = emptyFacts({
    recordKey: `openreview:profile:${id}`,
    source: 'openreview',
    kind: 'profile',
    updatedDate: modified(profile),
    contentHash: createHash('sha256').update(recordText).digest('hex'),
    line: ctx.line,
  });
  const names = list(content['names']);
  const identifiers: PersonFact['identifiers'] = [];
  const add = (scheme: IdentifierScheme, v: string | null): void => {
    if (v && !identifiers.some((x) => x.scheme === scheme && x.value === v)) identifiers.push({ scheme, value: v });
  };
  for (const n of names) {
    const u = isObj(unwrap(n)) ? text((unwrap(n) as Obj)['username']) : null;
    if (u && u !== id && /^~\S+$/.test(u)) add('openreview', u);
  }
  add('dblp', dblpId(text(content['dblp'])));
  add('scholar', scholarId(text(content['gscholar'])));
  add('orcid', normaliseOrcid(text(content['orcid']) ?? ''));
  add('semanticscholar', semanticScholarId(text(content['semanticScholar'])));
  facts.people.push({ key, name: displayName(names), identifiers, primary: true });

  // counted apart and added only when the whole profile is good, so a rejected profile counts nothing
  const stats = newOpenReviewStats();
  const institutions = new Map<string, InstitutionFact>();
  addHistory(facts, key, list(content['history']), { ...ctx, stats }, institutions);
  addRelations(facts, key, list(content['relations']), stats);
  addKeywords(facts, key, list(content['expertise']), stats);
  facts.institutions.push(...institutions.values());
  stats.profiles = 1;
  addStats(ctx.stats, stats);
  return facts;
}

/** What the reader saw, for the run's report: profiles, history entries, mentorships kept and other relations dropped, country bases. */
export function openReviewReport(stats: OpenReviewStats): Record<string, number> {
  const out: Record<string, number> = {
    profiles: stats.profiles,
    history_entries: stats.historyEntries,
    history_without_institution: stats.historyWithoutInstitution,
    stated_education: stats.statedEducation,
    mentorship_relations: stats.mentorshipRelations,
    relations_dropped_not_mentorship: stats.relationsDropped,
    expertise_keywords: stats.keywords,
  };
  for (const [basis, n] of Object.entries(stats.countryBasis)) if (n) out[`country_${basis}`] = n;
  return out;
}
