/**
 * CSV (RFC 4180) read into records keyed by the header's names, for the data files the project ships (salary survey,
 * price levels, country lists). csv-parse took 0.5 s and a lot of garbage for the 74,000-line salary survey, which
 * every `atlas gap` and `atlas subsidy` reads; this reads it in a few tens of milliseconds. It reads what csv-parse
 * with `{ columns: true, skip_empty_lines: true }` reads (src/core/csv-records.test.ts compares the two on every file
 * it is used for) and refuses what that refuses: a record whose field count is not the header's, a quote inside an
 * unquoted field, text after a closing quote, a quote never closed. Each refusal names the file and the line.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from './errors.ts';

/** The text of a CSV file, gunzipped when its name ends in .gz. */
function csvText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The records of a CSV file (gzipped when its name ends in .gz), keyed by its header. */
export function readCsvRecords(path: string): Record<string, string>[] {
  return csvRecords(csvText(path), path);
}

/** Each record of a CSV file in turn, with the line it starts on; none is kept, so a caller keeps only what it needs. */
export function eachCsvFileRecord(path: string, fn: (record: Record<string, string>, line: number) => void): void {
  eachCsvRecord(csvText(path), path, fn);
}

/** Records of a CSV text, keyed by its header; empty lines are skipped; a leading byte-order mark is dropped. */
export function csvRecords(text: string, file: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  eachCsvRecord(text, file, (r) => out.push(r));
  return out;
}

function eachCsvRecord(text: string, file: string, fn: (record: Record<string, string>, line: number) => void): void {
  let header: CsvRow | undefined;
  eachCsvRow(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, (fields, line) => {
    if (!header) {
      header = { fields, line };
      return;
    }
    if (fields.length !== header.fields.length)
      throw new InputError({ file, line }, `${fields.length} fields where the header (line ${header.line}) names ${header.fields.length}`);
    const record: Record<string, string> = {};
    for (let i = 0; i < fields.length; i++) record[header.fields[i] as string] = fields[i] as string;
    fn(record, line);
  });
}

interface CsvRow {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Every non-empty record of a CSV text as its fields, with the line it starts on. */
function eachCsvRow(text: string, file: string, fn: (fields: string[], line: number) => void): void {
  let pos = 0;
  let line = 1;
  let nextQuote = text.indexOf('"');
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const lineEnd = end > pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (nextQuote >= 0 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
    if (nextQuote < 0 || nextQuote >= end) {
      // The common case: no quote on this line, so its fields are the text between commas.
      if (lineEnd > pos) fn(text.slice(pos, lineEnd).split(','), line);
      pos = end + 1;
      line++;
      continue;
    }
    const parsed = quotedRecord(text, pos, line, file);
    fn(parsed.fields, line);
    pos = parsed.next;
    line = parsed.nextLine;
  }
}

/** One record holding a quote, which may run over several lines; returns where the next record starts. */
function quotedRecord(text: string, start: number, startLine: number, file: string): { fields: string[]; next: number; nextLine: number } {
  const fields: string[] = [];
  let pos = start;
  let line = startLine;
  for (;;) {
    let field = '';
    if (text.charCodeAt(pos) === QUOTE) {
      pos++;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) throw new InputError({ file, line: startLine }, 'a quoted field is never closed');
        const part = text.slice(pos, q);
        for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) line++;
        field += part;
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      const c = text.charCodeAt(pos);
      if (pos < text.length && c !== COMMA && c !== LF && !(c === CR && text.charCodeAt(pos + 1) === LF))
        throw new InputError({ file, line }, `text after the closing quote of field ${fields.length + 1}`);
    } else {
      let end = pos;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF || (c === CR && text.charCodeAt(end + 1) === LF)) break;
        if (c === QUOTE) throw new InputError({ file, line }, `a quote inside the unquoted field ${fields.length + 1}`);
      }
      field = text.slice(pos, end);
      pos = end;
    }
    fields.push(field);
    const c = text.charCodeAt(pos);
    if (c === COMMA) {
      pos++;
      continue;
    }
    if (c === CR) pos++;
    return { fields, next: pos + 1, nextLine: line + 1 };
  }
}
