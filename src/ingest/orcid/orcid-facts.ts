/**
 * ORCID records → facts. Reads v2.0 JSON full records (`activities-summary.educations.education-summary[]`), v3.0
 * JSON and XML records (`affiliation-group` → summaries), their employments/educations sections, and one full
 * employment/education. Only the professional record is read: names, the ORCID iD, employments and educations —
 * never e-mails, addresses (country of residence), biography or keywords.
 *
 * - An employment is a dated position (basis 'employment'); no end date = ongoing, evaluated when read up to the
 *   last year of the data (the spec's rule), so it keeps up as the data grows.
 * - An education is a stated education record, degree level from its role title; a dated one also gives a
 *   position (basis 'education'), so it yields an affiliation-year for each year it covers.
 * - A non-numeric or reversed date, or an organization country that is not an ISO 3166-1 code, rejects the record
 *   with the line of the offending summary and the field's path (an InputError the reader turns into a rejection).
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors.ts';
import { isCountryCode } from '../../core/countries.ts';
import { normaliseOrcid } from '../../core/ids.ts';
import { institutionKey } from '../../identity/names.ts';
import { educationLevel } from '../education-level.ts';
import { emptyFacts, type InstitutionFact, type RecordFacts } from '../facts.ts';
import { roleFromPosition } from '../paperlists/roles.ts';
import { degreeLevel } from './degree-level.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Unwrap the JSON API's `{value: …}` and the XML parser's `#text`, trim strings. */
function val(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number') return String(v);
  if (isObj(v)) return val(v['value'] ?? v['#text']);
  return null;
}

export interface OrcidContext {
  file: string;
  /** The line where the document starts. */
  line: number;
  /** The document's text, to find the line of a summary that is rejected. */
  text?: string;
}

/** One employment/education summary with the path of its place in the document, for error messages. */
interface Summary {
  s: Obj;
  field: string;
}

/** The summaries of one section (employments / educations) in the v2.0, v3.0 JSON or XML shape. */
function summaries(section: unknown, kind: 'employment' | 'education', base: string): Summary[] {
  if (!isObj(section)) return [];
  const at = (p: string): string => (base ? `${base}.${p}` : p);
  const out: Summary[] = [];
  asArray(section['affiliation-group']).forEach((g, i) => {
    if (!isObj(g)) return;
    asArray(g[`${kind}-summary`]).forEach((s, j) => {
      if (isObj(s)) out.push({ s, field: at(`affiliation-group[${i}].${kind}-summary${j ? `[${j}]` : ''}`) });
    });
    asArray(g['summaries']).forEach((w, j) => {
      if (isObj(w)) for (const s of asArray(w[`${kind}-summary`])) if (isObj(s)) out.push({ s, field: at(`affiliation-group[${i}].summaries[${j}].${kind}-summary`) });
    });
  });
  asArray(section[`${kind}-summary`]).forEach((s, i) => {
    if (isObj(s)) out.push({ s, field: at(`${kind}-summary[${i}]`) });
  });
  return out;
}

function orcidOf(doc: Obj): string | null {
  const id = doc['orcid-identifier'];
  const fromId = isObj(id) ? (val(id['path']) ?? val(id['uri'])) : null;
  // A single employment/education carries no owner path; its source is the owner when self-asserted.
  const source = isObj(doc['source']) && isObj(doc['source']['source-orcid']) ? val(doc['source']['source-orcid']['path']) : null;
  for (const c of [fromId, val(doc['@_path']), val(doc['path']), source]) {
    if (!c) continue;
    const m = /(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/i.exec(c);
    if (m?.[1]) return normaliseOrcid(m[1]);
  }
  return null;
}

function personName(doc: Obj): string | null {
  const person = doc['person'];
  const name = isObj(person) ? person['name'] : undefined;
  if (!isObj(name)) return null;
  const credit = val(name['credit-name']);
  if (credit) return credit;
  const full = [val(name['given-names']), val(name['family-name'])].filter(Boolean).join(' ');
  return full || null;
}

/** A last-modified date (ISO string in XML, epoch milliseconds in JSON) as an ISO timestamp, or null. */
function isoDate(v: unknown): string | null {
  const s = val(v);
  if (!s) return null;
  const d = /^\d{11,}$/.test(s) ? new Date(Number(s)) : new Date(s);
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}

/** Reads the summaries of one document, raising an InputError located at the summary for bad values. */
class SummaryReader {
  constructor(private readonly ctx: OrcidContext) {}

  private fail(sum: Summary, field: string, reason: string): never {
    const path = val(sum.s['path']) ?? val(sum.s['@_path']);
    let line = this.ctx.line;
    const text = this.ctx.text;
    if (path && text) {
      const i = text.indexOf(`"${path}"`);
      if (i >= 0) line = this.ctx.line + countNewlines(text, i);
    }
    throw new InputError({ file: this.ctx.file, line, field: `${sum.field}.${field}` }, reason);
  }

  /** The year of a date, null when the date or its year is absent; a non-numeric or impossible year is an error. */
  private year(sum: Summary, key: 'start-date' | 'end-date'): number | null {
    const date = sum.s[key];
    if (date === null || date === undefined || date === '') return null;
    if (!isObj(date)) return this.fail(sum, key, `expected a date with year, month, day, got ${JSON.stringify(date)}`);
    const raw = val(date['year']);
    if (raw === null) return null;
    if (!/^\d{4}$/.test(raw)) return this.fail(sum, `${key}.year`, `year "${raw}" is not a four-digit number`);
    const y = Number(raw);
    if (y < 1800 || y > 2200) return this.fail(sum, `${key}.year`, `year ${y} is out of range`);
    return y;
  }

  years(sum: Summary): { start: number | null; end: number | null } {
    const start = this.year(sum, 'start-date');
    const end = this.year(sum, 'end-date');
    if (start !== null && end !== null && end < start) this.fail(sum, 'end-date.year', `end year ${end} is before start year ${start}`);
    return { start, end };
  }

  organization(sum: Summary): InstitutionFact | null {
    const org = sum.s['organization'];
    if (!isObj(org)) return null;
    const addr = org['address'];
    const raw = isObj(addr) ? val(addr['country']) : null;
    const country = raw ? raw.toUpperCase() : null;
    if (country !== null && !isCountryCode(country)) this.fail(sum, 'organization.address.country', `"${raw}" is not an ISO 3166-1 alpha-2 country code`);
    const name = val(org['name']);
    const id = institutionKey(name);
    if (!id) return null;
    const dis = org['disambiguated-organization'];
    const ror =
      isObj(dis) && (val(dis['disambiguation-source']) ?? '').toUpperCase() === 'ROR' ? val(dis['disambiguated-organization-identifier']) : null;
    return { id, name, country, countryBasis: country ? 'source' : null, type: null, ror };
  }
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * `doc` is the parsed document with the root element unwrapped: a record, an employments/educations section
 * or a single employment/education; `rootKind` says which. Null when it names no ORCID iD; throws InputError
 * (file, line, field) for a bad date or country.
 */
export function orcidFacts(doc: Obj, rootKind: string, ctx: OrcidContext): RecordFacts | null {
  const orcid = orcidOf(doc);
  if (!orcid) return null;
  const key = `orcid:${orcid}`;
  const history = isObj(doc['history']) ? doc['history'] : null;
  const facts = emptyFacts({
    // a single employment/education is one of several: its put-code tells them apart
    recordKey: `orcid:${rootKind}:${orcid}${rootKind === 'employment' || rootKind === 'education' ? `:${val(doc['@_put-code']) ?? val(doc['put-code']) ?? '0'}` : ''}`,
    source: 'orcid',
    kind: rootKind,
    updatedDate: isoDate(history ? history['last-modified-date'] : doc['last-modified-date']),
    contentHash: createHash('sha256').update(JSON.stringify(doc)).digest('hex'),
    line: ctx.line,
  });
  facts.people.push({ key, name: personName(doc), identifiers: [{ scheme: 'orcid', value: orcid }], primary: true });
  const acts = isObj(doc['activities-summary']) ? doc['activities-summary'] : null;
  const section = (kind: 'employment' | 'education'): Summary[] => {
    if (rootKind === kind) return [{ s: doc, field: kind }];
    if (rootKind === `${kind}s`) return summaries(doc, kind, '');
    return acts ? summaries(acts[`${kind}s`], kind, `activities-summary.${kind}s`) : summaries(doc[`${kind}s`], kind, `${kind}s`);
  };
  const reader = new SummaryReader(ctx);
  const institutions = new Map<string, InstitutionFact>();
  for (const sum of section('employment')) {
    const { start, end } = reader.years(sum);
    const inst = reader.organization(sum);
    if (inst) institutions.set(inst.id, inst);
    if (start === null && end === null) continue; // an undated employment says nothing about any year
    const title = val(sum.s['role-title']);
    facts.positions.push({
      person: key,
      institution: inst?.id ?? null,
      country: inst?.country ?? null,
      countryBasis: inst?.countryBasis ?? null,
      role: roleFromPosition(title),
      position: title,
      level: educationLevel(title),
      domain: null,
      startYear: start,
      endYear: end,
      basis: 'employment',
    });
  }
  for (const sum of section('education')) {
    const { start, end } = reader.years(sum);
    const inst = reader.organization(sum);
    if (inst) institutions.set(inst.id, inst);
    const title = val(sum.s['role-title']);
    const degree = degreeLevel(title);
    facts.education.push({ person: key, institution: inst?.id ?? null, country: inst?.country ?? null, degree, roleTitle: title, startYear: start, endYear: end });
    if (start === null && end === null) continue;
    facts.positions.push({
      person: key,
      institution: inst?.id ?? null,
      country: inst?.country ?? null,
      countryBasis: inst?.countryBasis ?? null,
      role: roleFromPosition(title) === 'postdoc' ? 'postdoc' : 'student',
      position: title,
      level: degree,
      domain: null,
      startYear: start,
      endYear: end,
      basis: 'education',
    });
  }
  facts.institutions.push(...institutions.values());
  return facts;
}
