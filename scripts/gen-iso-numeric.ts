/**
 * Writes src/web/iso-numeric.ts, the ISO 3166-1 numeric → alpha-2 table the dashboard's world map needs (Natural Earth
 * shapes are keyed by numeric code), from the bundled data/countries/country-codes.csv: the browser reads no files.
 * Run: `npx tsx scripts/gen-iso-numeric.ts`; `--check` only reports whether the file is current (exit 1 when stale).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { PACKAGE_ROOT, dataPath } from '../src/core/paths.ts';

export const ISO_NUMERIC_MODULE = path.join(PACKAGE_ROOT, 'src', 'web', 'iso-numeric.ts');

/** The module's text: numeric codes zero-padded to three digits, as world-atlas spells its feature ids. */
export function isoNumericModule(): string {
  const rows = parse(readFileSync(dataPath('countries', 'country-codes.csv')), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const pairs: string[] = [];
  for (const r of rows) {
    const numeric = (r['ISO3166-1-numeric'] ?? '').trim();
    const alpha2 = (r['ISO3166-1-Alpha-2'] ?? '').trim();
    if (!/^\d{1,3}$/.test(numeric) || !/^[A-Z]{2}$/.test(alpha2)) continue;
    pairs.push(`'${numeric.padStart(3, '0')}': '${alpha2}'`);
  }
  pairs.sort();
  const lines: string[] = [];
  for (let i = 0; i < pairs.length; i += 10) lines.push(`  ${pairs.slice(i, i + 10).join(', ')},`);
  return [
    '/** ISO 3166-1 numeric (three digits) → alpha-2. Generated from data/countries/country-codes.csv by scripts/gen-iso-numeric.ts: do not edit. */',
    'export const ISO_NUMERIC_TO_ALPHA2: Readonly<Record<string, string>> = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = isoNumericModule();
  let current = '';
  try {
    current = readFileSync(ISO_NUMERIC_MODULE, 'utf8');
  } catch {
    // missing: written below, or stale under --check
  }
  if (process.argv.includes('--check')) {
    process.stdout.write(current === text ? 'src/web/iso-numeric.ts is current\n' : 'src/web/iso-numeric.ts is stale: run `npx tsx scripts/gen-iso-numeric.ts`\n');
    process.exitCode = current === text ? 0 : 1;
  } else if (current !== text) {
    writeFileSync(ISO_NUMERIC_MODULE, text);
    process.stdout.write(`wrote ${path.relative(process.cwd(), ISO_NUMERIC_MODULE)}\n`);
  }
}
