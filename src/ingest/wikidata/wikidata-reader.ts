/**
 * The Wikidata reader: entity JSON as `Special:EntityData/Q….json` gives it (`{"entities": {"Q42": {…}}}`, one
 * or many entities), JSONL (one entity or one such document a line), a bare entity, or an array of entities (the
 * dump's shape), gzipped or not. People are the entities with P31 (instance of) Q5; the other entities of the same
 * file are lookups (label, P17 country, P297 ISO code). Two streaming passes keep memory bounded: the first keeps
 * only each entity's small lookup (EntityLookup), the second emits the people.
 */
import { isCountryCode } from '../../core/countries.ts';
import { InputError } from '../../core/errors.ts';
import { readJsonRecords } from '../read-json-records.ts';
import type { ReadOptions, SourceItem, SourceReader } from '../source.ts';
import { entityLabel, statements, wikidataFacts, type EntityLookup } from './wikidata-facts.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Located {
  entity: Obj;
  line: number;
}

/** The line of each `"Q…": {` key inside a document's text (only entity keys are Q-ids followed by an object). */
function keyLines(text: string, firstLine: number): Map<string, number> {
  const out = new Map<string, number>();
  const re = /"([QPL]\d+)"\s*:\s*\{/g;
  let line = firstLine;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let i = text.indexOf('\n', last); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    last = m.index;
    if (m[1] && !out.has(m[1])) out.set(m[1], line);
  }
  return out;
}

/** The entities of one parsed JSON value, each with the line where it starts; null when the value is none. */
function entitiesOf(value: unknown, line: number, text: string): Located[] | null {
  if (!isObj(value)) return null;
  if (isObj(value['entities'])) {
    const entries = Object.values(value['entities']).filter(isObj);
    const lines = entries.length > 1 ? keyLines(text, line) : new Map<string, number>();
    return entries.map((entity) => ({ entity, line: lines.get(String(entity['id'])) ?? line }));
  }
  if (typeof value['id'] === 'string' && ('claims' in value || 'labels' in value || 'type' in value)) return [{ entity: value, line }];
  return null;
}

const isHuman = (e: Obj): boolean =>
  statements(e, 'P31').some((st) => {
    const snak = st.s['mainsnak'];
    const v = isObj(snak) && isObj(snak['datavalue']) ? snak['datavalue']['value'] : null;
    return isObj(v) && (v['id'] === 'Q5' || v['numeric-id'] === 5);
  });

/** The lookup of one entity; an invalid P297 code is an error located at the claim. */
function lookupOf(e: Obj, file: string, line: number): EntityLookup {
  const countries: string[] = [];
  for (const st of statements(e, 'P17')) {
    const snak = st.s['mainsnak'];
    const v = isObj(snak) && isObj(snak['datavalue']) ? snak['datavalue']['value'] : null;
    if (isObj(v) && typeof v['id'] === 'string') countries.push(v['id']);
  }
  let iso: string | null = null;
  for (const st of statements(e, 'P297')) {
    const snak = st.s['mainsnak'];
    const v = isObj(snak) && isObj(snak['datavalue']) ? snak['datavalue']['value'] : null;
    if (v === null || v === undefined) continue;
    const code = typeof v === 'string' ? v.trim().toUpperCase() : '';
    if (!isCountryCode(code)) {
      throw new InputError({ file, line, field: `claims.P297[${st.i}].mainsnak` }, `entity ${String(e['id'])}: ${JSON.stringify(v)} is not an ISO 3166-1 alpha-2 country code`);
    }
    iso ??= code;
  }
  return { label: entityLabel(e), human: isHuman(e), countries, iso };
}

export function createWikidataReader(): SourceReader {
  let people = 0;
  let lookupEntities = 0;
  return {
    source: 'wikidata',
    async *read(file: string, options: ReadOptions): AsyncIterable<SourceItem> {
      // Pass 1: the small lookup of every entity (labels of advisors, institutions, degrees; countries' codes).
      const lookups = new Map<string, EntityLookup>();
      for await (const item of readJsonRecords(file, { maxRecordBytes: options.maxRecordBytes })) {
        if ('rejection' in item) continue; // reported by pass 2
        for (const { entity, line } of entitiesOf(item.value, item.line, item.text) ?? []) {
          try {
            lookups.set(String(entity['id']), lookupOf(entity, file, line));
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            yield { kind: 'rejected', rejection: { file, line: e.location.line, field: e.location.field, reason: e.reason } };
          }
        }
      }
      // Pass 2: the people.
      for await (const item of readJsonRecords(file, options)) {
        if ('rejection' in item) {
          yield { kind: 'rejected', rejection: item.rejection };
          continue;
        }
        const found = entitiesOf(item.value, item.line, item.text);
        if (!found) {
          yield { kind: 'rejected', rejection: { file, line: item.line, reason: 'not a Wikidata entity (expected {"entities": {…}} or an entity with id and claims)' } };
          continue;
        }
        for (const { entity, line } of found) {
          if (!lookups.get(String(entity['id']))?.human) {
            if (lookups.has(String(entity['id']))) lookupEntities++;
            continue;
          }
          try {
            yield { kind: 'facts', facts: wikidataFacts(entity, { file, line, lookups }) };
            people++;
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            yield { kind: 'rejected', rejection: { file, line: e.location.line, field: e.location.field, reason: e.reason } };
          }
        }
      }
    },
    report() {
      return { wikidata_people: people, wikidata_lookup_entities: lookupEntities };
    },
  };
}
