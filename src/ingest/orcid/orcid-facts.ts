/**
 * ORCID v3.0 records (XML or JSON, a full record or just its employments/educations section, or one full
 * employment/education) → facts: the ORCID iD as the person's key, each employment as affiliation-years
 * (basis 'employment') for every year from start to end, each education as an education record with the
 * degree level parsed from its role title. An employment with no end date runs to the last year of the
 * data: the year of the record's newest last-modified date (never before its start year).
 */
import { createHash } from 'node:crypto';
import { isCountryCode } from '../../core/countries.ts';
import { normaliseOrcid } from '../../core/ids.ts';
import { institutionKey } from '../../identity/names.ts';
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

function year(date: unknown): number | null {
  if (!isObj(date)) return null;
  const y = Number(val(date['year']));
  return Number.isInteger(y) && y > 1800 && y < 2200 ? y : null;
}

/** Year of a last-modified date: an ISO string (XML) or epoch milliseconds (JSON). */
function modifiedYear(v: unknown): number | null {
  const s = val(v);
  if (!s) return null;
  const d = /^\d{11,}$/.test(s) ? new Date(Number(s)) : new Date(s);
  const y = d.getUTCFullYear();
  return Number.isFinite(y) ? y : null;
}

/** Every last-modified-date anywhere in the document, newest year. */
function newestModifiedYear(v: unknown, depth = 0): number | null {
  if (depth > 12) return null;
  let best: number | null = null;
  const take = (y: number | null): void => {
    if (y !== null && (best === null || y > best)) best = y;
  };
  if (Array.isArray(v)) for (const x of v) take(newestModifiedYear(x, depth + 1));
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) take(k === 'last-modified-date' ? modifiedYear(x) : newestModifiedYear(x, depth + 1));
  }
  return best;
}

/** The summaries of one section (employments / educations) in either the XML or the JSON shape. */
function summaries(section: unknown, kind: 'employment' | 'education'): Obj[] {
  if (!isObj(section)) return [];
  const out: Obj[] = [];
  for (const g of asArray(section['affiliation-group'])) {
    if (!isObj(g)) continue;
    for (const s of asArray(g[`${kind}-summary`])) if (isObj(s)) out.push(s);
    for (const w of asArray(g['summaries'])) if (isObj(w)) for (const s of asArray(w[`${kind}-summary`])) if (isObj(s)) out.push(s);
  }
  for (const s of asArray(section[`${kind}-summary`])) if (isObj(s)) out.push(s);
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

function organization(s: Obj): InstitutionFact | null {
  const org = s['organization'];
  if (!isObj(org)) return null;
  const name = val(org['name']);
  const id = institutionKey(name);
  if (!id) return null;
  const addr = org['address'];
  const raw = isObj(addr) ? (val(addr['country']) ?? '').toUpperCase() : '';
  const country = raw && isCountryCode(raw) ? raw : null;
  const dis = org['disambiguated-organization'];
  const ror =
    isObj(dis) && (val(dis['disambiguation-source']) ?? '').toUpperCase() === 'ROR' ? val(dis['disambiguated-organization-identifier']) : null;
  return { id, name, country, countryBasis: country ? 'source' : null, type: null, ror };
}

export interface OrcidContext {
  file: string;
  line: number;
}

/**
 * `doc` is the parsed document with the root element unwrapped: a record, an employments/educations section
 * or a single employment/education; `rootKind` says which. Null when it names no ORCID iD.
 */
export function orcidFacts(doc: Obj, rootKind: string, ctx: OrcidContext): RecordFacts | null {
  const orcid = orcidOf(doc);
  if (!orcid) return null;
  const key = `orcid:${orcid}`;
  const facts = emptyFacts({
    // a single employment/education is one of several: its put-code tells them apart
    recordKey: `orcid:${rootKind}:${orcid}${rootKind === 'employment' || rootKind === 'education' ? `:${val(doc['@_put-code']) ?? '0'}` : ''}`,
    source: 'orcid',
    kind: rootKind,
    updatedDate: null,
    contentHash: createHash('sha256').update(JSON.stringify(doc)).digest('hex'),
    line: ctx.line,
  });
  const lastYear = newestModifiedYear(doc);
  facts.people.push({ key, name: personName(doc), identifiers: [{ scheme: 'orcid', value: orcid }], primary: true });
  const acts = isObj(doc['activities-summary']) ? doc['activities-summary'] : doc;
  const employments =
    rootKind === 'employment' ? [doc] : summaries(rootKind === 'employments' ? doc : (acts as Obj)['employments'], 'employment');
  const educations = rootKind === 'education' ? [doc] : summaries(rootKind === 'educations' ? doc : (acts as Obj)['educations'], 'education');
  const institutions = new Map<string, InstitutionFact>();
  for (const e of employments) {
    const inst = organization(e);
    if (inst) institutions.set(inst.id, inst);
    const start = year(e['start-date']);
    const end = year(e['end-date']) ?? (start !== null ? Math.max(start, lastYear ?? start) : null);
    if (start === null || end === null || end < start) continue;
    const role = roleFromPosition(val(e['role-title']));
    for (let y = start; y <= end; y++) {
      facts.affiliationYears.push({
        person: key,
        year: y,
        institution: inst?.id ?? null,
        country: inst?.country ?? null,
        countryBasis: inst?.countryBasis ?? null,
        role,
        basis: 'employment',
      });
    }
  }
  for (const e of educations) {
    const inst = organization(e);
    if (inst) institutions.set(inst.id, inst);
    const title = val(e['role-title']);
    facts.education.push({
      person: key,
      institution: inst?.id ?? null,
      country: inst?.country ?? null,
      degree: degreeLevel(title),
      roleTitle: title,
      startYear: year(e['start-date']),
      endYear: year(e['end-date']),
    });
  }
  facts.institutions.push(...institutions.values());
  return facts;
}
