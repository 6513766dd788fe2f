/**
 * The ORCID reader: one file holds one ORCID document, XML (v3.0 record, employments, educations, employment,
 * education) or JSON (the public API's v2.0 or v3.0 record, or its employments/educations section). A bad date or
 * country rejects the document with the line and field of the offending value.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import { InputError } from '../../core/errors.ts';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { orcidFacts } from './orcid-facts.ts';

const ROOTS = ['record', 'employments', 'educations', 'employment', 'education'] as const;

/** Parse one ORCID document into its root kind and body; null when it is not one. */
export function parseOrcidDocument(text: string): { rootKind: string; doc: Record<string, unknown> } | null {
  const t = text.trimStart();
  if (t.startsWith('<')) {
    const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: true, htmlEntities: true });
    const parsed = parser.parse(text) as Record<string, unknown>;
    for (const r of ROOTS) {
      const body = parsed[r];
      if (typeof body === 'object' && body !== null) return { rootKind: r, doc: body as Record<string, unknown> };
    }
    return null;
  }
  const json = JSON.parse(text) as unknown;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if ('orcid-identifier' in o || 'activities-summary' in o) return { rootKind: 'record', doc: o };
  if ('education-summary' in o) return { rootKind: 'educations', doc: o };
  if ('employment-summary' in o) return { rootKind: 'employments', doc: o };
  if ('affiliation-group' in o) {
    const s = JSON.stringify(o).includes('"education-summary"') ? 'educations' : 'employments';
    return { rootKind: s, doc: o };
  }
  return null;
}

export function createOrcidReader(): SourceReader {
  let records = 0;
  let noId = 0;
  return {
    source: 'orcid',
    // eslint-disable-next-line @typescript-eslint/require-await
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      const buf = readFileSync(file);
      options.onBytes?.(buf.length);
      const text = (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
      let parsed: ReturnType<typeof parseOrcidDocument>;
      try {
        parsed = parseOrcidDocument(text);
      } catch (e) {
        yield { kind: 'rejected', rejection: { file, line: 1, reason: `not valid ORCID XML/JSON: ${e instanceof Error ? e.message : String(e)}` } };
        return;
      }
      if (!parsed) {
        yield { kind: 'rejected', rejection: { file, line: 1, reason: 'not an ORCID v3.0 record, employments/educations section, employment or education' } };
        return;
      }
      let facts: ReturnType<typeof orcidFacts>;
      try {
        facts = orcidFacts(parsed.doc, parsed.rootKind, { file, line: 1, text });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        yield { kind: 'rejected', rejection: { file, line: e.location.line, field: e.location.field, reason: e.reason } };
        return;
      }
      if (!facts) {
        noId++;
        yield { kind: 'rejected', rejection: { file, line: 1, field: 'path', reason: 'the document names no ORCID iD (orcid-identifier or path)' } };
        return;
      }
      records++;
      yield { kind: 'facts', facts };
    },
    report() {
      return { orcid_documents: records, without_orcid_id: noId };
    },
  };
}
