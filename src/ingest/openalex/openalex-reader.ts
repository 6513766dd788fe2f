/** Reads OpenAlex Author, Work and Institution objects from API pages, arrays, single objects or snapshot JSONL (gzipped or not). */
import type { SourceItem, SourceReader, ReadOptions } from '../source.ts';
import { readJsonRecords } from '../read-json-records.ts';
import { FieldProblem, openAlexFacts } from './openalex-facts.ts';

export function createOpenAlexReader(): SourceReader {
  return {
    source: 'openalex',
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      for await (const item of readJsonRecords(file, options)) {
        if ('rejection' in item) {
          yield { kind: 'rejected', rejection: item.rejection };
          continue;
        }
        try {
          yield { kind: 'facts', facts: openAlexFacts(item.value, item.line, item.text) };
        } catch (e) {
          if (!(e instanceof FieldProblem)) throw e;
          yield { kind: 'rejected', rejection: { file, line: item.line, field: e.field, reason: e.reason } };
        }
      }
    },
  };
}
