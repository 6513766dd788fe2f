/** Source name → reader, and the automatic choice of a source from a file's name. */
import path from 'node:path';
import { AtlasError } from '../core/errors.ts';
import type { SourceName } from './facts.ts';
import type { SourceReader } from './source.ts';
import { createOpenAlexReader } from './openalex/openalex-reader.ts';
import { createPaperlistReader } from './paperlists/paperlist-reader.ts';
import { createCsrankingsReader } from './csrankings/csrankings-reader.ts';
import { createOrcidReader } from './orcid/orcid-reader.ts';
import { createOpenReviewReader, looksLikeOpenReviewNotes, looksLikeOpenReviewProfiles } from './openreview/openreview-reader.ts';
import { createWikidataReader } from './wikidata/wikidata-reader.ts';

export const READERS = {
  openalex: createOpenAlexReader,
  paperlist: createPaperlistReader,
  csrankings: createCsrankingsReader,
  orcid: createOrcidReader,
  openreview: createOpenReviewReader,
  wikidata: createWikidataReader,
} satisfies Partial<Record<Exclude<SourceName, 'synthetic'>, () => SourceReader>>;

export type IngestSource = keyof typeof READERS;

export function isIngestSource(s: string): s is IngestSource {
  return s in READERS;
}

/** Guess the source from the file name: Paper Copilot lists are named venueYYYY.json, CSRankings files keep their names, ORCID records are XML or record JSON, OpenReview profile and note files are named for profiles or open like a profile or notes page (first KB sniffed). */
export function detectSource(file: string): IngestSource {
  const base = path.basename(file).toLowerCase();
  // Wikidata entity files (Special:EntityData/Q42.json) before the paper lists, whose venueYYYY pattern Q1234.json also fits
  if (/^q\d+\.(json|jsonl|ndjson)(\.gz)?$/.test(base) || /wikidata/.test(base)) return 'wikidata';
  // a venueYYYY.json file holding OpenReview notes (a saved `GET /notes` page) is no paper list
  if (/^[a-z]+\d{4}\.json(\.gz)?$/.test(base)) return looksLikeOpenReviewNotes(file) ? 'openreview' : 'paperlist';
  if (/\.csv(\.gz)?$/.test(base)) {
    if (/faculty-affiliations|csrankings|faculty-coauthors/.test(base)) return 'csrankings';
    throw new AtlasError('UNSUPPORTED_FORMAT', `${file}: cannot tell the source of this CSV file; give --source (contacts go through \`atlas contacts import\`)`);
  }
  if (/openreview/.test(base)) return 'openreview';
  if (/\.xml(\.gz)?$/.test(base) || /^record.*\.json$/.test(base) || /orcid/.test(base)) return 'orcid';
  // ORCID records saved under their iD, as pub.orcid.org/v2.0/<iD> gives them
  if (/^\d{4}-\d{4}-\d{4}-\d{3}[\dx]\.(json|xml)(\.gz)?$/.test(base)) return 'orcid';
  // OpenReview profile files: named for profiles, or (any name) opening like an API profile or notes page, a profile or a note
  if (/profile.*\.(json|jsonl|ndjson)(\.gz)?$/.test(base) || looksLikeOpenReviewProfiles(file)) return 'openreview';
  return 'openalex';
}
