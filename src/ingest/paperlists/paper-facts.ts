/**
 * One Paper Copilot paper object (layout A, OpenReview-derived, or layout B, proceedings-derived; see
 * data/SOURCES.md §1) → RecordFacts: the work, its authorships, the authors (OpenReview id, else a
 * per-paper name key for resolution) and one affiliation-year observation per author with basis 'paper'.
 * Per-author lists that do not line up with the author list are never guessed at: the paper's per-author
 * affiliations are skipped and counted.
 */
import { createHash } from 'node:crypto';
import { countryFromDomain, countryFromName, isNoCountryName } from '../../core/countries.ts';
import { normaliseOrcid, type IdentifierScheme } from '../../core/ids.ts';
import { institutionKey } from '../../identity/names.ts';
import { emptyFacts, type CountryBasis, type InstitutionFact, type PersonFact, type RecordFacts } from '../facts.ts';
import type { Rejection } from '../source.ts';
import type { KnownInstitutions } from './known-institutions.ts';
import { roleFromPosition } from './roles.ts';
import { educationLevel } from '../education-level.ts';

export interface PaperContext {
  file: string;
  line: number;
  /** e.g. 'icml', from the file name icml2023.json.gz. */
  venueCode: string;
  year: number;
}

export interface PaperlistStats {
  papers: number;
  papersPerFile: Map<string, number>;
  /** Papers whose per-author aff/position lists differ in length from the author list, per file. */
  misaligned: Map<string, number>;
  /** Papers listed with no authors, per file: kept as works without authorships. */
  withoutAuthors: Map<string, number>;
  misalignedExamples: Array<{ file: string; line: number; paper: string; authors: number; aff: number; position: number }>;
  countryBasis: Record<'source' | 'known_institution' | 'cctld' | 'none', number>;
  unknownCountryNames: Set<string>;
}

export function newPaperlistStats(): PaperlistStats {
  return {
    papers: 0,
    papersPerFile: new Map(),
    misaligned: new Map(),
    withoutAuthors: new Map(),
    misalignedExamples: [],
    countryBasis: { source: 0, known_institution: 0, cctld: 0, none: 0 },
    unknownCountryNames: new Set(),
  };
}

const VENUES: Record<string, string> = {
  icml: 'ICML',
  nips: 'NeurIPS',
  neurips: 'NeurIPS',
  iclr: 'ICLR',
  corl: 'CoRL',
  colm: 'COLM',
  aistats: 'AISTATS',
  cvpr: 'CVPR',
  iccv: 'ICCV',
  eccv: 'ECCV',
  acl: 'ACL',
  emnlp: 'EMNLP',
  naacl: 'NAACL',
  aaai: 'AAAI',
  ijcai: 'IJCAI',
  kdd: 'KDD',
  www: 'WWW',
  uai: 'UAI',
  colt: 'COLT',
};

export function venueName(code: string, track?: string | null): string {
  const base = VENUES[code] ?? code.toUpperCase();
  return track && track !== 'main' ? `${base} (${track})` : base;
}

/** Venue code and year from a file name such as icml2023.json.gz; null when the name does not say. */
export function venueYearFromFile(file: string): { venueCode: string; year: number } | null {
  const base = file.split(/[\\/]/).pop() ?? '';
  const m = /^([a-z]+)[-_]?(\d{4})/i.exec(base);
  return m?.[1] && m[2] ? { venueCode: m[1].toLowerCase(), year: Number(m[2]) } : null;
}

/** Venue and year from a paper's own `site` URL (https://icml.cc/virtual/2017/poster/874), as a fallback. */
export function venueYearFromSite(site: unknown): { venueCode: string; year: number } | null {
  if (typeof site !== 'string') return null;
  const m = /\/\/(?:www\.)?([a-z]+)\.cc\/virtual\/(\d{4})\//i.exec(site);
  return m?.[1] && m[2] ? { venueCode: m[1].toLowerCase(), year: Number(m[2]) } : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** A `;`-joined per-author list, empties kept; null when the field is absent or has no non-empty entry. */
function list(v: unknown): string[] | null {
  const s = str(v);
  if (!s.trim() || !s.replace(/[;\s+]/g, '')) return null;
  return s.split(';').map((x) => x.trim());
}
const first = (s: string | undefined): string => (s ?? '').split('+')[0]?.trim() ?? '';

function dblpId(raw: string): string | null {
  const v = raw.trim().replace(/^https?:\/\/dblp\.org\/pid\//, '').replace(/\.html$/, '');
  return v && !/^https?:/.test(v) ? v : null;
}
function scholarId(raw: string): string | null {
  const v = raw.trim();
  const m = /[?&]user=([\w-]{12})/.exec(v);
  if (m?.[1]) return m[1];
  return /^[\w-]{12}$/.test(v) ? v : null;
}

/** normalised institution name → country name, from the paper's aff_unique_index / aff_country_unique_index blocks when they line up. */
function countryByInstitution(o: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const norms = str(o['aff_unique_norm']).split(';');
  const countries = str(o['aff_country_unique']).split(';');
  const uidx = str(o['aff_unique_index'])
    .split(/[;+]/)
    .filter((x) => x.trim() !== '' && (norms[Number(x)] ?? '').trim() !== '');
  const cidx = str(o['aff_country_unique_index'])
    .split(/[;+]/)
    .filter((x) => x.trim() !== '');
  if (uidx.length === 0 || uidx.length !== cidx.length) return out;
  uidx.forEach((u, i) => {
    const name = (norms[Number(u)] ?? '').trim();
    const country = (countries[Number(cidx[i])] ?? '').trim();
    const key = institutionKey(name);
    if (key && country && !out.has(key)) out.set(key, country);
  });
  return out;
}

function rejection(ctx: PaperContext, reason: string, field?: string): Rejection {
  return { file: ctx.file, line: ctx.line, field, reason };
}

/** Turn one paper object into facts; a rejection when it has no id or no authors. */
export function paperFacts(value: unknown, ctx: PaperContext, known: KnownInstitutions, stats: PaperlistStats): RecordFacts | Rejection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return rejection(ctx, 'expected a paper object');
  const o = value as Record<string, unknown>;
  // CVPR/ICCV 2019 carry `pid` instead of `id`; a paper with neither is keyed by a hash of its title.
  const title = str(o['title']).trim();
  const paperId = str(o['id']).trim() || str(o['pid']).trim() || (title ? `t${createHash('sha1').update(title).digest('hex').slice(0, 12)}` : '');
  if (!paperId) return rejection(ctx, 'paper has neither an id nor a title', 'id');
  // A paper listed without authors is still a paper: it lands as a work with no authorships, and is counted.
  const names = list(o['author']) ?? [];
  if (names.length === 0) stats.withoutAuthors.set(ctx.file, (stats.withoutAuthors.get(ctx.file) ?? 0) + 1);
  const n = names.length;
  const tag = `${ctx.venueCode}${ctx.year}`;
  const workId = `paperlist:${tag}:${paperId}`;
  const facts = emptyFacts({
    recordKey: `paperlist:paper:${tag}:${paperId}`,
    source: 'paperlist',
    kind: 'paper',
    updatedDate: null,
    contentHash: createHash('sha256').update(JSON.stringify(o)).digest('hex'),
    line: ctx.line,
  });
  const gs = typeof o['gs_citation'] === 'number' && o['gs_citation'] >= 0 ? o['gs_citation'] : null;
  const status = str(o['status']).trim().toLowerCase();
  facts.works.push({
    id: workId,
    title: title || null,
    year: ctx.year,
    venue: venueName(ctx.venueCode, str(o['track']).trim() || null),
    citedByCount: gs,
    authorCount: n,
    keywords: (list(o['keywords']) ?? []).filter(Boolean),
    topics: str(o['primary_area']).trim() ? [str(o['primary_area']).trim()] : [],
    abstract: str(o['abstract']).trim() || null,
    status: status === 'withdraw' ? 'withdrawn' : status || null,
    doi: null,
  });

  const ids = list(o['authorids']);
  const idsUsable = ids !== null && ids.length === n;
  const parallel = (field: string): string[] | null => {
    const l = list(o[field]);
    return l && l.length === n ? l : null;
  };
  const dblp = parallel('dblp');
  const scholar = parallel('google_scholar');
  const orcid = parallel('orcid');
  const aff = list(o['aff']);
  const position = list(o['position']);
  const domains = parallel('aff_domain');
  const aligned = (aff === null || aff.length === n) && (position === null || position.length === n);
  if (!aligned) {
    stats.misaligned.set(ctx.file, (stats.misaligned.get(ctx.file) ?? 0) + 1);
    if (stats.misalignedExamples.length < 20) {
      stats.misalignedExamples.push({ file: ctx.file, line: ctx.line, paper: paperId, authors: n, aff: aff?.length ?? 0, position: position?.length ?? 0 });
    }
  }
  stats.papers++;
  stats.papersPerFile.set(ctx.file, (stats.papersPerFile.get(ctx.file) ?? 0) + 1);

  const uidx = str(o['aff_unique_index']).split(';');
  const norms = str(o['aff_unique_norm']).split(';');
  const stated = countryByInstitution(o);
  const institutions = new Map<string, InstitutionFact>();

  names.forEach((name, i) => {
    const rawId = idsUsable ? (ids[i] ?? '') : '';
    const key = rawId.startsWith('~') ? `openreview:${rawId}` : `name:${tag}:${paperId}:${i + 1}`;
    const identifiers: PersonFact['identifiers'] = [];
    const add = (scheme: IdentifierScheme, v: string | null): void => {
      if (v) identifiers.push({ scheme, value: v });
    };
    if (rawId.startsWith('~')) {
      add('dblp', dblp ? dblpId(dblp[i] ?? '') : null);
      add('scholar', scholar ? scholarId(scholar[i] ?? '') : null);
      add('orcid', orcid ? normaliseOrcid(orcid[i] ?? '') : null);
    }
    facts.people.push({ key, name: name || null, identifiers, primary: false });

    let inst: string | null = null;
    if (aligned && aff) {
      const raw = first(aff[i]);
      const normName = uidx.length === n ? (norms[Number(first(uidx[i]))] ?? '').trim() : '';
      const instName = normName || raw;
      inst = institutionKey(instName);
      const fullPosition = position ? (position[i] ?? '').trim() : '';
      const pos = first(fullPosition);
      const domain = domains ? first(domains[i]) : '';
      if (inst || pos) {
        const c = inst ? countryFor(inst, raw, domain, stated, known, stats) : { country: null, basis: null };
        if (inst && !institutions.has(inst)) {
          institutions.set(inst, { id: inst, name: instName, country: c.country, countryBasis: c.basis, type: null, ror: null });
        }
        facts.affiliationYears.push({
          person: key,
          year: ctx.year,
          institution: inst,
          country: c.country,
          countryBasis: c.basis,
          role: roleFromPosition(pos, domain),
          basis: 'paper',
          position: fullPosition || null,
          level: educationLevel(fullPosition),
          domain: domain.toLowerCase() || null,
        });
      }
    }
    facts.authorships.push({ work: workId, person: key, position: i + 1, institutions: inst ? [inst] : [] });
  });
  facts.institutions.push(...institutions.values());
  return facts;
}

function countryFor(
  inst: string,
  raw: string,
  domain: string,
  stated: Map<string, string>,
  known: KnownInstitutions,
  stats: PaperlistStats,
): { country: string | null; basis: CountryBasis | null } {
  const name = stated.get(inst) ?? stated.get(institutionKey(raw) ?? '');
  if (name !== undefined) {
    const code = countryFromName(name);
    if (code) {
      known.learn(inst, code);
      stats.countryBasis.source++;
      return { country: code, basis: 'source' };
    }
    if (!isNoCountryName(name)) stats.unknownCountryNames.add(name);
  }
  const k = known.country(inst);
  if (k) {
    stats.countryBasis.known_institution++;
    return { country: k, basis: 'known_institution' };
  }
  const t = domain ? countryFromDomain(domain) : null;
  if (t) {
    stats.countryBasis.cctld++;
    return { country: t, basis: 'cctld' };
  }
  stats.countryBasis.none++;
  return { country: null, basis: null };
}

/** What the reader did with the noise: papers whose per-author lists were skipped (per file), and how countries were set. */
export function paperlistReport(stats: PaperlistStats): Record<string, number | string | Array<Record<string, unknown>>> {
  const out: Record<string, number | string | Array<Record<string, unknown>>> = {
    papers: stats.papers,
    papers_per_author_lists_skipped: [...stats.misaligned.values()].reduce((a, b) => a + b, 0),
  };
  for (const [file, n] of stats.misaligned) out[`skipped_misaligned:${file}`] = n;
  for (const [file, n] of stats.withoutAuthors) out[`papers_without_authors:${file}`] = n;
  out['country_stated'] = stats.countryBasis.source;
  out['country_inferred_known_institution'] = stats.countryBasis.known_institution;
  out['country_inferred_cctld'] = stats.countryBasis.cctld;
  out['country_unknown'] = stats.countryBasis.none;
  if (stats.unknownCountryNames.size) out['unrecognised_country_names'] = [...stats.unknownCountryNames].join('; ');
  if (stats.misalignedExamples.length) out['misaligned_examples'] = stats.misalignedExamples.slice(0, 5);
  return out;
}
