/**
 * Wikidata country item → ISO 3166-1 alpha-2 code, for an institution whose P17 (country) entity is not in the
 * input. From the `wikidata_id` column of the bundled datasets/country-codes table (data/countries, ODC-PDDL), plus
 * the items that table names differently: its NL row is the Kingdom of the Netherlands (Q29999), while Dutch
 * institutions' P17 is the country of the Netherlands (Q55).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { dataPath } from '../../core/paths.ts';

const EXTRA: Record<string, string> = { Q55: 'NL' };

let table: Map<string, string> | undefined;

function load(): Map<string, string> {
  if (table) return table;
  const rows = parse(readFileSync(dataPath('countries', 'country-codes.csv')), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const m = new Map<string, string>(Object.entries(EXTRA));
  for (const r of rows) {
    const q = /\/(Q\d+)$/.exec(r['wikidata_id'] ?? '')?.[1];
    const code = r['ISO3166-1-Alpha-2'];
    if (q && code && !m.has(q)) m.set(q, code);
  }
  table = m;
  return m;
}

/** The ISO alpha-2 code of a Wikidata country item, or null when the bundled table does not know it. */
export function countryOfItem(qid: string): string | null {
  return load().get(qid) ?? null;
}
