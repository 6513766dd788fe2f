import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvRecords, readCsvRecords } from './csv-records.ts';
import { InputError } from './errors.ts';
import { dataPath } from './paths.ts';

const reference = (text: string): Record<string, string>[] => parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];

/** The refusal of a text, as file:line and reason. */
function refusal(text: string): string {
  try {
    csvRecords(text, 'x.csv');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  return 'read';
}

describe('csvRecords', () => {
  it('reads every shipped file it is used for exactly as csv-parse does', () => {
    const files = [
      dataPath('salaries-aijobs', 'salaries.csv.gz'),
      ...['country-codes.csv', 'ppp-gdp.csv', 'big-mac-full-index.csv', 'big-mac-raw-index.csv', 'big-mac-adjusted-index.csv'].map((f) => dataPath('countries', f)),
      dataPath('csrankings', '2024-10-24', 'geolocation.csv'),
      dataPath('csrankings', '2024-10-24', 'country-info.csv'),
    ];
    for (const file of files) {
      const bytes = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      const ours = readCsvRecords(file);
      expect(ours.length, file).toBeGreaterThan(10);
      expect(ours, file).toEqual(reference(text));
    }
  });

  it('reads quoted fields, doubled quotes, line breaks inside quotes, CRLF, empty lines and a byte-order mark', () => {
    const texts = [
      'a,b,c\n1,2,3\n',
      'a,b,c\r\n1,2,3\r\n\r\n4,5,6',
      '\ufeffname,note\nx,"hello, world"\n',
      'name,note\n"say ""hi""",""\n"two\nlines",z\n\nlast,"a\r\nb"\n',
      'a,b\n,\n"",x\n',
      'a,b\n"1",2\n3,"4"',
      'a\n\n\nx\n',
    ];
    for (const t of texts) expect(csvRecords(t, 'x.csv'), JSON.stringify(t)).toEqual(reference(t.replace(/^\ufeff/, '')));
    expect(csvRecords('\ufeffname,note\nx,y\n', 'x.csv')).toEqual([{ name: 'x', note: 'y' }]);
    expect(csvRecords('', 'x.csv')).toEqual([]);
  });

  it('refuses what csv-parse refuses, naming the file and the line', () => {
    const bad: [string, RegExp][] = [
      ['a,b\n1,2\n3\n', /^x\.csv:3: 1 fields where the header \(line 1\) names 2$/],
      ['a,b\n1,2,3\n', /^x\.csv:2: 3 fields/],
      ['a,b\n1,x"y\n', /^x\.csv:2: a quote inside the unquoted field 2$/],
      ['a,b\n"1"x,2\n', /^x\.csv:2: text after the closing quote of field 1$/],
      ['a,b\n"multi\nline"z,2\n', /^x\.csv:3: text after the closing quote of field 1$/],
      ['a,b\n1,2\n"never closed,3\n', /^x\.csv:3: a quoted field is never closed$/],
      ['a,b\n"two\nlines",2\n4\n', /^x\.csv:4: 1 fields/],
    ];
    for (const [t, message] of bad) {
      expect(refusal(t), JSON.stringify(t)).toMatch(message);
      expect(() => reference(t), JSON.stringify(t)).toThrow();
    }
  });
});
