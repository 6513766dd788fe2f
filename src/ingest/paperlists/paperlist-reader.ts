/**
 * The Paper Copilot paper-list reader (data from https://github.com/papercopilot/paperlists, credit
 * "Paper Copilot"): streams the paper objects of one file and turns each into facts (paper-facts.ts);
 * report() says how many papers had their per-author lists skipped as misaligned, and how countries were set.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { jsonArrayWithLines } from './json-array-lines.ts';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { KnownInstitutions } from './known-institutions.ts';
import { newPaperlistStats, paperFacts, paperlistReport, venueYearFromFile, venueYearFromSite, type PaperlistStats } from './paper-facts.ts';

export { paperlistReport };

export interface PaperlistReader extends SourceReader {
  readonly stats: PaperlistStats;
}

export function createPaperlistReader(known: KnownInstitutions = KnownInstitutions.bundled()): PaperlistReader {
  const stats = newPaperlistStats();
  return {
    source: 'paperlist',
    stats,
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      const fromName = venueYearFromFile(file);
      const name = path.basename(file);
      options.onBytes?.(statSync(file).size);
      for (const item of jsonArrayWithLines(file)) {
        const site = typeof item.value === 'object' && item.value !== null ? (item.value as Record<string, unknown>)['site'] : undefined;
        const vy = fromName ?? venueYearFromSite(site);
        if (!vy) {
          yield {
            kind: 'rejected',
            rejection: { file, line: item.line, field: 'site', reason: 'cannot tell the venue and year: name the file like icml2023.json.gz' },
          };
          continue;
        }
        const r = paperFacts(item.value, { file: name, line: item.line, ...vy }, known, stats);
        yield 'reason' in r ? { kind: 'rejected', rejection: { ...r, file } } : { kind: 'facts', facts: r };
      }
    },
    report() {
      return paperlistReport(stats);
    },
  };
}
