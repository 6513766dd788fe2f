/**
 * CSRankings (Emery Berger, CC BY-NC-ND 4.0, https://github.com/emeryberger/CSrankings) reader. Which file it
 * is comes from its header:
 * - a roster (`name,affiliation[,homepage,scholarid]`): one record per faculty member, an affiliation-year
 *   (basis 'roster', role 'faculty') in the snapshot's year (the folder is named after the snapshot date);
 *   DBLP name variants (dblp-aliases.csv.gz beside the file or in a sibling snapshot, and rows sharing a
 *   Google Scholar id at the same institution) are one person keyed `csrankings:<canonical name>`;
 * - faculty-coauthors (`author,coauthor,year,area`): co-author ties with their year, one record per author;
 * - country-info (`institution,region,countryabbrv`): institutions with their countries.
 * Countries come from country-info.csv (its `uk` is GB); an institution it does not list is in the US, as
 * CSRankings assumes (countryBasis 'csrankings_default_us').
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { AtlasError } from '../../core/errors.ts';
import { institutionKey } from '../../identity/names.ts';
import { emptyFacts, type InstitutionFact, type RecordFacts } from '../facts.ts';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { csrankingsCountry } from '../paperlists/known-institutions.ts';

interface CsvRow {
  line: number;
  cols: Record<string, string>;
}

function readCsv(file: string): CsvRow[] {
  const buf = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(buf) : buf;
  const recs = parse(text, { columns: true, info: true, trim: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Array<{
    record: Record<string, string>;
    info: { lines: number };
  }>;
  return recs.map((r) => ({ line: r.info.lines, cols: r.record }));
}

/** A companion file (dblp-aliases, country-info) beside `file`, else in the newest sibling snapshot folder that has it. */
function companion(file: string, names: string[]): string | null {
  const dir = path.dirname(file);
  for (const n of names) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  const parent = path.dirname(dir);
  let siblings: string[] = [];
  try {
    siblings = readdirSync(parent).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort().reverse();
  } catch {
    return null;
  }
  for (const s of siblings) for (const n of names) if (existsSync(path.join(parent, s, n))) return path.join(parent, s, n);
  return null;
}

export function snapshotOf(file: string): { date: string; year: number } {
  const m = /(\d{4})-\d{2}-\d{2}/.exec(path.basename(path.dirname(file))) ?? /(\d{4})-\d{2}-\d{2}/.exec(file);
  if (!m?.[1]) {
    throw new AtlasError('BAD_INPUT', `${file}: cannot tell the CSRankings snapshot date; keep the file in a folder named after it (e.g. 2024-10-24/)`);
  }
  return { date: m[0], year: Number(m[1]) };
}

/** Every copy of `name` beside `file` and in sibling snapshot folders, the file's own folder first. */
function companions(file: string, name: string): string[] {
  const dir = path.dirname(file);
  const out = existsSync(path.join(dir, name)) ? [path.join(dir, name)] : [];
  const parent = path.dirname(dir);
  try {
    for (const s of readdirSync(parent).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort().reverse()) {
      const f = path.join(parent, s, name);
      if (existsSync(f) && !out.includes(f)) out.push(f);
    }
  } catch {
    // no sibling snapshots
  }
  return out;
}

/**
 * Institution → country code from country-info.csv beside the file and in sibling snapshots (an older
 * snapshot lists fewer institutions; a country does not change); null when there is none (countries unknown).
 */
export function loadCountryInfo(file: string): Map<string, string> | null {
  const files = companions(file, 'country-info.csv');
  if (!files.length) return null;
  const out = new Map<string, string>();
  for (const f of files) {
    for (const r of readCsv(f)) {
      const c = csrankingsCountry(r.cols['countryabbrv'] ?? '');
      if (r.cols['institution'] && c && !out.has(r.cols['institution'])) out.set(r.cols['institution'], c);
    }
  }
  return out;
}

const aliasCache = new Map<string, Map<string, string>>();

/** dblp-aliases.csv is `alias,name` with unescaped quotes inside names (`"Johann" Sebastian Rudolph`): split on the last comma. */
function loadAliases(file: string): Map<string, string> {
  const f = companion(file, ['dblp-aliases.csv.gz', 'dblp-aliases.csv']);
  if (!f) return new Map();
  const cached = aliasCache.get(f);
  if (cached) return cached;
  const out = new Map<string, string>();
  const buf = readFileSync(f);
  const lines = (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8').split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const i = line.lastIndexOf(',');
    if (i <= 0) continue;
    const alias = line.slice(0, i).trim();
    const name = line.slice(i + 1).trim();
    if (alias && name) out.set(alias, name);
  }
  aliasCache.set(f, out);
  return out;
}

export function institutionFact(name: string, countries: Map<string, string> | null): InstitutionFact | null {
  const id = institutionKey(name);
  if (!id) return null;
  const listed = countries?.get(name);
  if (listed) return { id, name, country: listed, countryBasis: 'source', type: null, ror: null };
  if (countries) return { id, name, country: 'US', countryBasis: 'csrankings_default_us', type: null, ror: null };
  return { id, name, country: null, countryBasis: null, type: null, ror: null };
}

const hash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Roster rows grouped into people: DBLP alias → canonical name, and rows sharing a Scholar id and affiliation. */
export function rosterFacts(rows: CsvRow[], snapshot: { date: string; year: number }, aliases: Map<string, string>, countries: Map<string, string> | null): RecordFacts[] {
  const canonical = (n: string): string => aliases.get(n) ?? n;
  const groups = new Map<string, CsvRow[]>();
  const byScholar = new Map<string, string>();
  for (const r of rows) {
    const name = r.cols['name'] ?? '';
    const aff = r.cols['affiliation'] ?? '';
    if (!name) continue;
    const scholar = r.cols['scholarid'] ?? '';
    const sk = scholar && scholar !== 'NOSCHOLARPAGE' ? `${scholar}|${aff}` : '';
    let g = canonical(name);
    if (!groups.has(g) && sk && byScholar.has(sk)) g = byScholar.get(sk) as string;
    if (sk && !byScholar.has(sk)) byScholar.set(sk, g);
    const list = groups.get(g) ?? [];
    list.push(r);
    groups.set(g, list);
  }
  const out: RecordFacts[] = [];
  for (const [name, members] of groups) {
    const key = `csrankings:${name}`;
    const facts = emptyFacts({
      recordKey: `csrankings:roster:${snapshot.date}:${name}`,
      source: 'csrankings',
      kind: 'roster',
      updatedDate: snapshot.date,
      contentHash: hash(members.map((m) => m.cols)),
      line: members[0]?.line ?? 0,
    });
    const identifiers = new Map<string, { scheme: 'csrankings' | 'scholar'; value: string }>();
    for (const m of members) {
      const n = m.cols['name'] ?? '';
      if (n) identifiers.set(`c|${n}`, { scheme: 'csrankings', value: n });
      const s = m.cols['scholarid'] ?? '';
      if (s && s !== 'NOSCHOLARPAGE') identifiers.set(`s|${s}`, { scheme: 'scholar', value: s });
    }
    facts.people.push({ key, name, identifiers: [...identifiers.values()], primary: true });
    const affs = new Set(members.map((m) => m.cols['affiliation'] ?? '').filter(Boolean));
    for (const aff of affs) {
      const inst = institutionFact(aff, countries);
      if (!inst) continue;
      facts.institutions.push(inst);
      facts.affiliationYears.push({
        person: key,
        year: snapshot.year,
        institution: inst.id,
        country: inst.country,
        countryBasis: inst.countryBasis,
        role: 'faculty',
        basis: 'roster',
      });
    }
    out.push(facts);
  }
  return out;
}

/** Co-author rows → ties, each unordered (pair, year, area) once, grouped into one record per first-named author. */
export function coauthorFacts(rows: CsvRow[], snapshot: { date: string }, aliases: Map<string, string>): RecordFacts[] {
  const canonical = (n: string): string => aliases.get(n) ?? n;
  const seen = new Set<string>();
  const byAuthor = new Map<string, RecordFacts>();
  for (const r of rows) {
    const a0 = canonical(r.cols['author'] ?? '');
    const b0 = canonical(r.cols['coauthor'] ?? '');
    const year = Number(r.cols['year']);
    const area = r.cols['area'] ?? '';
    if (!a0 || !b0 || a0 === b0) continue;
    const [a, b] = a0 < b0 ? [a0, b0] : [b0, a0];
    const k = `${a}\u0000${b}\u0000${year}\u0000${area}`;
    if (seen.has(k)) continue;
    seen.add(k);
    let facts = byAuthor.get(a);
    if (!facts) {
      facts = emptyFacts({ recordKey: `csrankings:coauthors:${snapshot.date}:${a}`, source: 'csrankings', kind: 'coauthors', updatedDate: snapshot.date, contentHash: '', line: r.line });
      facts.people.push({ key: `csrankings:${a}`, name: a, identifiers: [], primary: false });
      byAuthor.set(a, facts);
    }
    if (!facts.people.some((p) => p.key === `csrankings:${b}`)) facts.people.push({ key: `csrankings:${b}`, name: b, identifiers: [], primary: false });
    facts.ties.push({ a: `csrankings:${a}`, b: `csrankings:${b}`, kind: 'coauthor', year: Number.isFinite(year) ? year : null, confidence: null, evidence: `csrankings:${area}` });
  }
  for (const f of byAuthor.values()) f.contentHash = hash(f.ties);
  return [...byAuthor.values()];
}

function countryInfoFacts(rows: CsvRow[], snapshot: { date: string }): RecordFacts[] {
  const out: RecordFacts[] = [];
  for (const r of rows) {
    const name = r.cols['institution'] ?? '';
    const c = csrankingsCountry(r.cols['countryabbrv'] ?? '');
    const id = institutionKey(name);
    if (!id || !c) continue;
    const facts = emptyFacts({ recordKey: `csrankings:institution:${name}`, source: 'csrankings', kind: 'institution', updatedDate: snapshot.date, contentHash: hash(r.cols), line: r.line });
    facts.institutions.push({ id, name, country: c, countryBasis: 'source', type: null, ror: null });
    out.push(facts);
  }
  return out;
}

export function createCsrankingsReader(): SourceReader {
  const ignored: string[] = [];
  const counts = { rosterPeople: 0, coauthorTies: 0, institutions: 0 };
  return {
    source: 'csrankings',
    // eslint-disable-next-line @typescript-eslint/require-await
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      const rows = readCsv(file);
      options.onBytes?.(readFileSync(file).length);
      const header = Object.keys(rows[0]?.cols ?? {});
      const has = (...c: string[]): boolean => c.every((x) => header.includes(x));
      let facts: RecordFacts[];
      if (has('name', 'affiliation')) {
        facts = rosterFacts(rows, snapshotOf(file), loadAliases(file), loadCountryInfo(file));
        counts.rosterPeople += facts.length;
      } else if (has('author', 'coauthor', 'year')) {
        facts = coauthorFacts(rows, snapshotOf(file), loadAliases(file));
        counts.coauthorTies += facts.reduce((a, f) => a + f.ties.length, 0);
      } else if (has('institution', 'countryabbrv')) {
        facts = countryInfoFacts(rows, snapshotOf(file));
        counts.institutions += facts.length;
      } else {
        ignored.push(path.basename(file));
        return;
      }
      for (const f of facts) yield { kind: 'facts', facts: f };
    },
    report() {
      const out: Record<string, number | string> = { roster_people: counts.rosterPeople, coauthor_ties: counts.coauthorTies, institutions: counts.institutions };
      if (ignored.length) out['ignored_files'] = `${ignored.join(', ')} (not a roster, co-author or country-info table)`;
      return out;
    },
  };
}
