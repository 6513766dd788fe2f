/**
 * Test helper: writes a small OpenAlex snapshot folder from real bundled records — gzipped JSONL parts under
 * `updated_date=…` partitions and a manifest in one of the three shapes OpenAlex publishes — so the manifest
 * check and the snapshot download can be tested on the real layout.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { dataPath } from '../../core/paths.ts';
import type { ManifestShape } from './snapshot-manifest.ts';

/** Real OpenAlex records bundled in data/openalex-samples: 30 authors and 30 institutions. */
export function sampleRecords(entity: 'authors' | 'institutions'): Record<string, unknown>[] {
  const file = entity === 'authors' ? dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json') : dataPath('openalex-samples', 'openalex-research-rag', 'institutions_sample.json.gz');
  const buf = readFileSync(file);
  return JSON.parse((file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8')) as Record<string, unknown>[];
}

export interface BuiltPart {
  entity: string;
  /** Path below the snapshot root, e.g. data/jsonl/authors/updated_date=2025-01-01/part_0000.gz */
  key: string;
  file: string;
  records: number;
  bytes: number;
}

export interface BuiltSnapshot {
  root: string;
  /** The manifest file written (below root). */
  manifest: string;
  parts: BuiltPart[];
}

/** Each entity's records in three parts over two partitions: 10 + 10 in 2025-01-01, the rest in 2025-02-01. */
export function buildSnapshot(root: string, shape: ManifestShape, entities: readonly ('authors' | 'institutions')[] = ['authors'], urlStyle: 's3' | 'https' = 's3'): BuiltSnapshot {
  const parts: BuiltPart[] = [];
  const base = shape === 'legacy' ? 'data' : 'data/jsonl';
  const digits = shape === 'legacy' ? 3 : 4;
  for (const entity of entities) {
    const recs = sampleRecords(entity);
    const chunks = [
      ['2025-01-01', 0, recs.slice(0, 10)],
      ['2025-01-01', 1, recs.slice(10, 20)],
      ['2025-02-01', 0, recs.slice(20)],
    ] as const;
    for (const [date, n, chunk] of chunks) {
      const key = `${base}/${entity}/updated_date=${date}/part_${String(n).padStart(digits, '0')}.gz`;
      const file = path.join(root, ...key.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, gzipSync(chunk.map((r) => JSON.stringify(r)).join('\n') + '\n'));
      parts.push({ entity, key, file, records: chunk.length, bytes: statSync(file).size });
    }
  }
  const url = (p: BuiltPart): string => (urlStyle === 's3' ? `s3://openalex/${p.key}` : `https://openalex.s3.amazonaws.com/${p.key}`);
  const files = (list: BuiltPart[]): unknown[] => list.map((p) => ({ url: url(p), meta: { content_length: p.bytes, record_count: p.records } }));
  const sum = (list: BuiltPart[], k: 'bytes' | 'records'): number => list.reduce((n, p) => n + p[k], 0);
  let manifest: string;
  let json: unknown;
  if (shape === 'legacy') {
    manifest = path.join(root, 'data', entities[0]!, 'manifest');
    json = { entries: files(parts), meta: { content_length: sum(parts, 'bytes'), record_count: sum(parts, 'records') } };
  } else if (shape === 'entity') {
    manifest = path.join(root, 'data', 'jsonl', entities[0]!, 'manifest.json');
    json = { date: '2025-02-01', format: 'jsonl', entity: entities[0], record_count: sum(parts, 'records'), content_length: sum(parts, 'bytes'), files: files(parts) };
  } else {
    manifest = path.join(root, 'data', 'jsonl', 'manifest.json');
    const ents = entities.map((entity) => {
      const mine = parts.filter((p) => p.entity === entity);
      return { entity, record_count: sum(mine, 'records'), content_length: sum(mine, 'bytes'), files: files(mine) };
    });
    json = { date: '2025-02-01', format: 'jsonl', meta: { record_count: sum(parts, 'records'), content_length: sum(parts, 'bytes') }, entities: ents };
  }
  writeFileSync(manifest, JSON.stringify(json, null, 2));
  return { root, manifest, parts };
}
