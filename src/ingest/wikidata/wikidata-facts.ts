/**
 * One Wikidata person entity (P31 instance of Q5 human) → facts, with the other entities of the same input as
 * lookups (their English label, P17 country, P297 ISO code):
 * - P69 educated at → a stated education record (degree from qualifier P512, years from P580/P582); dated, it
 *   is also a position (basis 'education').
 * - P108 employer → a dated position (basis 'employment'); no P582 = ongoing (read-time open end).
 * - P184 doctoral advisor / P185 doctoral student → stated mentorship relations, the other end by its Q-id.
 * - the Q-id, P496 ORCID, P2456 DBLP and P1960 Google Scholar → identifiers, so the entity joins people already stored.
 * Nothing else is read: above all never P27 (citizenship) or P172 (ethnic group).
 * A malformed time, reversed years or a bad identifier throws InputError naming the claim, e.g. claims.P69[0].qualifiers.P580.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import { normaliseOrcid, type IdentifierScheme } from '../../core/ids.ts';
import { institutionKey } from '../../identity/names.ts';
import { emptyFacts, personKey, type DegreeLevel, type InstitutionFact, type RecordFacts } from '../facts.ts';
import { degreeLevel } from '../orcid/degree-level.ts';
import { countryOfItem } from './wikidata-countries.ts';
import { DEGREE_ITEMS } from './wikidata-degrees.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the reader's first pass keeps of every entity: small, so a large input is read in bounded memory. */
export interface EntityLookup {
  label: string | null;
  human: boolean;
  /** P17 country items, preferred rank first. */
  countries: string[];
  /** P297 ISO 3166-1 alpha-2 code (validated), when the entity is a country. */
  iso: string | null;
}

export interface WikidataContext {
  file: string;
  line: number;
  lookups: ReadonlyMap<string, EntityLookup>;
}

/** A statement of a claim list with its index, deprecated ones left out, preferred ones first. */
interface Statement {
  s: Obj;
  i: number;
}

export function statements(entity: Obj, prop: string): Statement[] {
  const claims = isObj(entity['claims']) ? entity['claims'] : {};
  const list = Array.isArray(claims[prop]) ? (claims[prop] as unknown[]) : [];
  const out: Statement[] = [];
  list.forEach((s, i) => {
    if (isObj(s) && s['rank'] !== 'deprecated') out.push({ s, i });
  });
  return out.sort((a, b) => Number(b.s['rank'] === 'preferred') - Number(a.s['rank'] === 'preferred'));
}

/** The value of a snak, or null for 'novalue' / 'somevalue'. */
function snakValue(snak: unknown): unknown {
  if (!isObj(snak) || snak['snaktype'] !== 'value') return null;
  const dv = snak['datavalue'];
  return isObj(dv) ? dv['value'] : undefined;
}

/** The item id a snak names (`{id}` or `{numeric-id}`), null when it has no value; throws when it is not an item. */
function itemOf(snak: unknown, fail: (reason: string) => never): string | null {
  if (!isObj(snak) || snak['snaktype'] !== 'value') return null;
  const v = snakValue(snak);
  if (isObj(v) && typeof v['id'] === 'string' && /^Q\d+$/.test(v['id'])) return v['id'];
  if (isObj(v) && typeof v['numeric-id'] === 'number') return `Q${v['numeric-id']}`;
  return fail(`expected a Wikidata item, got ${JSON.stringify(v)}`);
}

/** The English label of an entity (else the multilingual one, else any). */
export function entityLabel(entity: Obj): string | null {
  const labels = isObj(entity['labels']) ? entity['labels'] : {};
  for (const lang of ['en', 'mul', ...Object.keys(labels)]) {
    const l = labels[lang];
    if (isObj(l) && typeof l['value'] === 'string' && l['value'].trim()) return l['value'].trim();
  }
  return null;
}

const TIME = /^([+-])(\d{1,16})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

class EntityReader {
  constructor(
    private readonly entity: Obj,
    private readonly ctx: WikidataContext,
  ) {}

  fail(field: string, reason: string): never {
    throw new InputError({ file: this.ctx.file, line: this.ctx.line, field }, `entity ${String(this.entity['id'])}: ${reason}`);
  }

  /** Year of a time snak: null without a value, or when its precision is coarser than a year or it is outside 1800–2200. */
  private timeYear(snak: unknown, field: string): number | null {
    if (!isObj(snak) || snak['snaktype'] !== 'value') return null;
    const v = snakValue(snak);
    if (!isObj(v) || typeof v['time'] !== 'string') return this.fail(field, `expected a time value, got ${JSON.stringify(v)}`);
    const m = TIME.exec(v['time']);
    const precision = v['precision'];
    if (!m || (precision !== undefined && (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 0 || precision > 14))) {
      return this.fail(field, `malformed time ${JSON.stringify(v['time'])} (precision ${JSON.stringify(precision)}); expected e.g. "+1974-01-01T00:00:00Z"`);
    }
    if (typeof precision === 'number' && precision < 9) return null;
    const y = Number(m[2]) * (m[1] === '-' ? -1 : 1);
    return y >= 1800 && y <= 2200 ? y : null;
  }

  /** Start and end years from a statement's P580 / P582 qualifiers; reversed years are an error. */
  years(st: Statement, prop: string): { start: number | null; end: number | null } {
    const q = isObj(st.s['qualifiers']) ? st.s['qualifiers'] : {};
    const first = (p: string): unknown => (Array.isArray(q[p]) ? (q[p] as unknown[])[0] : undefined);
    const at = (p: string): string => `claims.${prop}[${st.i}].qualifiers.${p}`;
    const start = this.timeYear(first('P580'), at('P580'));
    const end = this.timeYear(first('P582'), at('P582'));
    if (start !== null && end !== null && end < start) this.fail(at('P580'), `start year ${start} is after end year ${end} (P582)`);
    return { start, end };
  }

  qualifierItem(st: Statement, prop: string, qualifier: string): string | null {
    const q = isObj(st.s['qualifiers']) ? st.s['qualifiers'] : {};
    const snak = Array.isArray(q[qualifier]) ? (q[qualifier] as unknown[])[0] : undefined;
    return itemOf(snak, (reason) => this.fail(`claims.${prop}[${st.i}].qualifiers.${qualifier}`, reason));
  }

  item(st: Statement, prop: string): string | null {
    return itemOf(st.s['mainsnak'], (reason) => this.fail(`claims.${prop}[${st.i}].mainsnak`, reason));
  }

  /** String values of an external-id property, each checked by `check` (which returns the normalised value or null). */
  externalIds(prop: string, what: string, check: (v: string) => string | null): string[] {
    const out: string[] = [];
    for (const st of statements(this.entity, prop)) {
      const v = snakValue(st.s['mainsnak']);
      if (v === null) continue;
      const ok = typeof v === 'string' ? check(v.trim()) : null;
      if (!ok) this.fail(`claims.${prop}[${st.i}].mainsnak`, `${JSON.stringify(v)} is not a ${what}`);
      out.push(ok);
    }
    return out;
  }
}

function degreeOf(item: string | null, lookups: ReadonlyMap<string, EntityLookup>): { degree: DegreeLevel; title: string | null } {
  if (!item) return { degree: 'other', title: null };
  const known = DEGREE_ITEMS[item];
  const label = lookups.get(item)?.label ?? null;
  if (known) return { degree: known.level, title: label ?? known.label };
  return { degree: label ? degreeLevel(label) : 'other', title: label };
}

/** The institution an item names: keyed by its label (institutionKey, as other sources key it) when the input has it. */
function institutionOf(qid: string, lookups: ReadonlyMap<string, EntityLookup>): InstitutionFact {
  const l = lookups.get(qid);
  const byName = l?.label ? institutionKey(l.label) : null;
  let country: string | null = null;
  for (const c of l?.countries ?? []) {
    country = lookups.get(c)?.iso ?? countryOfItem(c);
    if (country) break;
  }
  return { id: byName ?? `wikidata:${qid}`, name: byName ? (l?.label ?? null) : null, country, countryBasis: country ? 'source' : null, type: null, ror: null };
}

const RELATIONS = [
  { prop: 'P184', direction: 'advisor', relation: 'doctoral advisor (P184)' },
  { prop: 'P185', direction: 'advisee', relation: 'doctoral student (P185)' },
] as const;

const ID_PROPS: ReadonlyArray<{ prop: string; scheme: IdentifierScheme; what: string; check: (v: string) => string | null }> = [
  { prop: 'P496', scheme: 'orcid', what: 'ORCID iD', check: (v) => (/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/i.test(v) ? normaliseOrcid(v) : null) },
  { prop: 'P2456', scheme: 'dblp', what: 'DBLP author id', check: (v) => (/^[\w./-]+$/.test(v) ? v : null) },
  { prop: 'P1960', scheme: 'scholar', what: 'Google Scholar author id', check: (v) => (/^[\w-]{12}$/.test(v) ? v : null) },
];

/** Facts of one human entity; throws InputError (file, line, field) for bad values. */
export function wikidataFacts(entity: Obj, ctx: WikidataContext): RecordFacts {
  const id = String(entity['id']);
  const key = personKey('wikidata', id);
  const r = new EntityReader(entity, ctx);
  const { lookups } = ctx;
  const identifiers: Array<{ scheme: IdentifierScheme; value: string }> = [{ scheme: 'wikidata', value: id }];
  for (const p of ID_PROPS) for (const value of r.externalIds(p.prop, p.what, p.check)) identifiers.push({ scheme: p.scheme, value });
  const modified = typeof entity['modified'] === 'string' ? entity['modified'] : null;
  const facts = emptyFacts({ recordKey: `wikidata:entity:${id}`, source: 'wikidata', kind: 'entity', updatedDate: modified, contentHash: '', line: ctx.line });
  facts.people.push({ key, name: entityLabel(entity), identifiers, primary: true });
  const institutions = new Map<string, InstitutionFact>();
  const use = (qid: string): InstitutionFact => {
    const inst = institutionOf(qid, lookups);
    institutions.set(inst.id, inst);
    return inst;
  };

  for (const st of statements(entity, 'P69')) {
    const qid = r.item(st, 'P69');
    if (!qid) continue;
    const { start, end } = r.years(st, 'P69');
    const { degree, title } = degreeOf(r.qualifierItem(st, 'P69', 'P512'), lookups);
    const inst = use(qid);
    facts.education.push({ person: key, institution: inst.id, country: inst.country, degree, roleTitle: title, startYear: start, endYear: end });
    if (start === null && end === null) continue;
    facts.positions.push({
      person: key, institution: inst.id, country: inst.country, countryBasis: inst.countryBasis, role: 'student', position: title,
      level: degree, domain: null, startYear: start, endYear: end, basis: 'education',
    });
  }
  for (const st of statements(entity, 'P108')) {
    const qid = r.item(st, 'P108');
    if (!qid) continue;
    const { start, end } = r.years(st, 'P108');
    if (start === null && end === null) continue; // an undated employer says nothing about any year
    const inst = use(qid);
    facts.positions.push({
      person: key, institution: inst.id, country: inst.country, countryBasis: inst.countryBasis, role: null, position: null,
      level: null, domain: null, startYear: start, endYear: end, basis: 'employment',
    });
  }
  for (const rel of RELATIONS) {
    for (const st of statements(entity, rel.prop)) {
      const other = r.item(st, rel.prop);
      if (!other) continue;
      const { start, end } = r.years(st, rel.prop);
      facts.relations.push({
        person: key, direction: rel.direction, relation: rel.relation, otherName: lookups.get(other)?.label ?? null,
        other: { scheme: 'wikidata', value: other }, emailDomain: null, startYear: start, endYear: end,
      });
    }
  }
  facts.institutions.push(...institutions.values());
  // The facts depend on the lookups too (a label or country), so their content is what is hashed.
  const { people, education, positions, relations } = facts;
  facts.contentHash = createHash('sha256').update(JSON.stringify({ modified, people, institutions: facts.institutions, education, positions, relations })).digest('hex');
  return facts;
}
