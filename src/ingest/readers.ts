/** Source name → reader, and the automatic choice of a source from a file's name. */
import path from 'node:path';
import { AtlasError } from '../core/errors.ts';
import type { SourceName } from './facts.ts';
import type { SourceReader } from './source.ts';
import { createOpenAlexReader } from './openalex/openalex-reader.ts';
import { createPaperlistReader } from './paperlists/paperlist-reader.ts';
import { createCsrankingsReader } from './csrankings/csrankings-reader.ts';
import { createOrcidReader } from './orcid/orcid-reader.ts';

export const READERS = {
  openalex: createOpenAlexReader,
  paperlist: createPaperlistReader,
  csrankings: createCsrankingsReader,
  orcid: createOrcidReader,
} satisfies Partial<Record<Exclude<SourceName, 'synthetic'>, () => SourceReader>>;

export type IngestSource = keyof typeof READERS;

export function isIngestSource(s: string): s is IngestSource {
  return s in READERS;
}

/** Guess the source from the file name: Paper Copilot lists are named venueYYYY.json, CSRankings files keep their names, ORCID records are XML or record JSON. */
export function detectSource(file: string): IngestSource {
  const base = path.basename(file).toLowerCase();
  if (/^[a-z]+\d{4}\.json(\.gz)?$/.test(base)) return 'paperlist';
  if (/\.csv(\.gz)?$/.test(base)) {
    if (/faculty-affiliations|csrankings|faculty-coauthors/.test(base)) return 'csrankings';
    throw new AtlasError('UNSUPPORTED_FORMAT', `${file}: cannot tell the source of this CSV file; give --source (contacts go through \`atlas contacts import\`)`);
  }
  if (/\.xml(\.gz)?$/.test(base) || /^record.*\.json$/.test(base) || /orcid/.test(base)) return 'orcid';
  return 'openalex';
}
