/** Turns one OpenAlex Author, Work or Institution object into normalised facts, validating the fields it uses. */
import { createHash } from 'node:crypto';
import { isCountryCode } from '../../core/countries.ts';
import { normaliseOrcid, openAlexShortId } from '../../core/ids.ts';
import { emptyFacts, personKey, type InstitutionFact, type RecordFacts } from '../facts.ts';

/** A field problem in a record: the JSON path of the field and what is wrong with it. */
export class FieldProblem extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, key: string, path: string, required = false): string | null {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) throw new FieldProblem(path, 'missing');
    return null;
  }
  if (typeof v !== 'string') throw new FieldProblem(path, `expected a string, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  return v;
}

function int(o: Obj, key: string, path: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FieldProblem(path, `expected an integer, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
}

function arr(o: Obj, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FieldProblem(path, `expected an array, got ${typeof v}`);
  return v;
}

function country(o: Obj, path: string): string | null {
  const c = str(o, 'country_code', path);
  if (c === null || c === '') return null;
  if (!isCountryCode(c.toUpperCase())) throw new FieldProblem(path, `unknown country code "${c}" (expected ISO 3166-1 alpha-2)`);
  return c.toUpperCase();
}

function year(v: number | null, path: string): number | null {
  if (v !== null && (v < 1900 || v > 2100)) throw new FieldProblem(path, `year ${v} out of range 1900..2100`);
  return v;
}

function institution(o: unknown, path: string): InstitutionFact | null {
  if (!isObj(o)) throw new FieldProblem(path, 'expected an object');
  const id = str(o, 'id', `${path}.id`);
  if (!id) return null;
  const c = country(o, `${path}.country_code`);
  return {
    id: openAlexShortId(id),
    name: str(o, 'display_name', `${path}.display_name`),
    country: c,
    countryBasis: c ? 'source' : null,
    type: str(o, 'type', `${path}.type`),
    ror: str(o, 'ror', `${path}.ror`),
  };
}

function entityOf(id: string): 'author' | 'work' | 'institution' | null {
  const short = openAlexShortId(id);
  if (/^A\d+$/.test(short)) return 'author';
  if (/^W\d+$/.test(short)) return 'work';
  if (/^I\d+$/.test(short)) return 'institution';
  return null;
}

/** Reconstructs an abstract from OpenAlex's inverted index (word → positions). */
function abstractFrom(index: unknown): string | null {
  if (!isObj(index)) return null;
  const words: string[] = [];
  for (const [w, positions] of Object.entries(index)) {
    if (Array.isArray(positions)) for (const p of positions) if (typeof p === 'number') words[p] = w;
  }
  return words.filter((w) => w !== undefined).join(' ') || null;
}

export function openAlexFacts(obj: unknown, line: number, text: string): RecordFacts {
  if (!isObj(obj)) throw new FieldProblem('(record)', 'expected a JSON object');
  const rawId = str(obj, 'id', 'id', true) as string;
  const kind = entityOf(rawId);
  if (!kind) throw new FieldProblem('id', `"${rawId}" is not an OpenAlex author (A…), work (W…) or institution (I…) id`);
  const id = openAlexShortId(rawId);
  const f = emptyFacts({
    recordKey: `openalex:${kind}:${id}`,
    source: 'openalex',
    kind,
    updatedDate: str(obj, 'updated_date', 'updated_date'),
    contentHash: createHash('sha1').update(text).digest('hex'),
    line,
  });
  if (kind === 'institution') {
    const inst = institution(obj, '(record)');
    if (inst) f.institutions.push(inst);
  } else if (kind === 'author') authorFacts(obj, id, f);
  else workFacts(obj, id, f);
  return f;
}

function authorFacts(o: Obj, id: string, f: RecordFacts): void {
  const key = personKey('openalex', id);
  const identifiers: RecordFacts['people'][number]['identifiers'] = [{ scheme: 'openalex', value: id }];
  const orcid = str(o, 'orcid', 'orcid');
  if (orcid) {
    const n = normaliseOrcid(orcid);
    if (!n) throw new FieldProblem('orcid', `"${orcid}" is not an ORCID iD`);
    identifiers.push({ scheme: 'orcid', value: n });
  }
  const stats = isObj(o['summary_stats']) ? o['summary_stats'] : {};
  f.people.push({
    key,
    name: str(o, 'display_name', 'display_name'),
    identifiers,
    primary: true,
    hIndex: int(stats, 'h_index', 'summary_stats.h_index'),
    citedByCount: int(o, 'cited_by_count', 'cited_by_count'),
    worksCount: int(o, 'works_count', 'works_count'),
  });
  arr(o, 'affiliations', 'affiliations').forEach((a, i) => {
    const path = `affiliations[${i}]`;
    if (!isObj(a)) throw new FieldProblem(path, 'expected an object');
    const inst = institution(a['institution'], `${path}.institution`);
    if (!inst) return;
    f.institutions.push(inst);
    arr(a, 'years', `${path}.years`).forEach((y, j) => {
      if (typeof y !== 'number' || !Number.isInteger(y)) throw new FieldProblem(`${path}.years[${j}]`, `expected a year, got ${JSON.stringify(y)}`);
      year(y, `${path}.years[${j}]`);
      f.affiliationYears.push({ person: key, year: y, institution: inst.id, country: inst.country, countryBasis: inst.countryBasis, role: null, basis: 'affiliation' });
    });
  });
}

function workFacts(o: Obj, id: string, f: RecordFacts): void {
  const y = year(int(o, 'publication_year', 'publication_year'), 'publication_year');
  const authorships = arr(o, 'authorships', 'authorships');
  const loc = isObj(o['primary_location']) ? o['primary_location'] : null;
  const src = loc && isObj(loc['source']) ? loc['source'] : null;
  const names = (key: string): string[] =>
    arr(o, key, key)
      .map((t) => (isObj(t) && typeof t['display_name'] === 'string' ? t['display_name'] : null))
      .filter((s): s is string => s !== null);
  f.works.push({
    id,
    title: str(o, 'title', 'title') ?? str(o, 'display_name', 'display_name'),
    year: y,
    venue: src ? str(src, 'display_name', 'primary_location.source.display_name') : null,
    citedByCount: int(o, 'cited_by_count', 'cited_by_count'),
    authorCount: authorships.length,
    keywords: names('keywords'),
    topics: [...names('topics'), ...names('concepts')],
    abstract: abstractFrom(o['abstract_inverted_index']),
    status: null,
    doi: str(o, 'doi', 'doi'),
  });
  authorships.forEach((a, i) => {
    const path = `authorships[${i}]`;
    if (!isObj(a)) throw new FieldProblem(path, 'expected an object');
    const author = a['author'];
    if (!isObj(author)) throw new FieldProblem(`${path}.author`, 'missing');
    const aid = str(author, 'id', `${path}.author.id`);
    if (!aid) return; // an authorship without an OpenAlex author id names nobody we can key
    const short = openAlexShortId(aid);
    const key = personKey('openalex', short);
    const identifiers: RecordFacts['people'][number]['identifiers'] = [{ scheme: 'openalex', value: short }];
    const orcid = str(author, 'orcid', `${path}.author.orcid`);
    const n = orcid ? normaliseOrcid(orcid) : null;
    if (n) identifiers.push({ scheme: 'orcid', value: n });
    f.people.push({ key, name: str(author, 'display_name', `${path}.author.display_name`), identifiers, primary: false });
    const insts: string[] = [];
    arr(a, 'institutions', `${path}.institutions`).forEach((inst, j) => {
      const fact = institution(inst, `${path}.institutions[${j}]`);
      if (!fact) return;
      f.institutions.push(fact);
      insts.push(fact.id);
      if (y !== null) {
        f.affiliationYears.push({ person: key, year: y, institution: fact.id, country: fact.country, countryBasis: fact.countryBasis, role: null, basis: 'authorship' });
      }
    });
    f.authorships.push({ work: id, person: key, position: i + 1, institutions: insts });
  });
}
