/**
 * Streams JSON objects out of a file in every shape OpenAlex and our other JSON sources come in:
 * JSONL (one object a line), a JSON array of objects, an API page `{"meta":…,"results":[…]}`, or a single
 * object — gzipped or not, detected automatically. Each object comes with the 1-based line where it starts;
 * a bad record comes back as a rejection naming the line and the reason.
 */
import type { ReadOptions, Rejection } from './source.ts';
import { readLines, type LineItem } from './read-lines.ts';

export type JsonRecordItem = { value: unknown; line: number; text: string } | { rejection: Rejection };

export type JsonShape = 'jsonl' | 'array' | 'document';

function problemReason(item: Extract<LineItem, { problem: string }>, max: number): string {
  return item.problem === 'too-long'
    ? `line of ${item.bytes} bytes is longer than the record limit of ${max} bytes`
    : 'invalid UTF-8 in this line';
}

function isPage(v: unknown): v is { results: unknown[] } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { results?: unknown }).results) && 'meta' in v;
}

/**
 * Whether a JSON text's characters are inside a string literal, fed one character code at a time: 'open' for
 * a string's opening quote, 'string' for its content and closing quote, 'code' for everything else.
 */
class JsonStringTracker {
  private inStr = false;
  private esc = false;

  step(c: number): 'open' | 'string' | 'code' {
    if (this.inStr) {
      if (this.esc) this.esc = false;
      else if (c === 92) this.esc = true;
      else if (c === 34) this.inStr = false;
      return 'string';
    }
    if (c !== 34) return 'code';
    this.inStr = true;
    return 'open';
  }
}

/** Start lines of the elements of the array under key `results` (depth 2) within a document text. */
function elementLines(text: string, firstLine: number, arrayDepth: number): number[] {
  const out: number[] = [];
  let depth = 0;
  const strings = new JsonStringTracker();
  let line = firstLine;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    const at = strings.step(c);
    if (at === 'string') continue;
    if (at === 'open') {
      if (expectElement) { out.push(line); expectElement = false; }
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (expectElement && c !== 93) { out.push(line); expectElement = false; }
    if (c === 123 || c === 91) {
      depth++;
      if (c === 91 && depth === arrayDepth) expectElement = true;
    } else if (c === 125 || c === 93) depth--;
    else if (c === 44 && depth === arrayDepth) expectElement = true;
  }
  return out;
}

function* fromParsed(v: unknown, line: number, text: string, file: string): Generator<JsonRecordItem> {
  if (isPage(v)) {
    const lines = elementLines(text, line, 2);
    for (let i = 0; i < v.results.length; i++) {
      const r = v.results[i];
      const at = lines[i] ?? line;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) yield { rejection: { file, line: at, field: `results[${i}]`, reason: 'expected an object' } };
      else yield { value: r, line: at, text: JSON.stringify(r) };
    }
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) yield { value: v, line, text };
  else yield { rejection: { file, line, reason: 'expected a JSON object' } };
}

function parseError(e: unknown): string {
  return `malformed JSON (${e instanceof Error ? e.message : String(e)})`;
}

export async function* readJsonRecords(file: string, options: ReadOptions): AsyncGenerator<JsonRecordItem> {
  const lines = readLines(file, options.maxRecordBytes, options.onBytes);
  let shape: JsonShape | undefined;
  // Array scanner state.
  let depth = 0;
  const strings = new JsonStringTracker();
  let buf = '';
  let bufLine = 0;
  let arrayDone = false;
  // Document state.
  const doc: string[] = [];
  let docLine = 0;
  let docBytes = 0;

  for await (const item of lines) {
    if ('problem' in item) {
      yield { rejection: { file, line: item.line, reason: problemReason(item, options.maxRecordBytes) } };
      if (shape !== 'jsonl' && shape !== undefined) return; // structure lost: cannot resync inside an array or document
      continue;
    }
    const { text, line } = item;
    if (shape === undefined) {
      const t = text.trimStart();
      if (t === '') continue;
      if (t.startsWith('[')) shape = 'array';
      else if (t.startsWith('{')) {
        try {
          JSON.parse(text);
          shape = 'jsonl';
        } catch {
          shape = 'document';
        }
      } else {
        yield { rejection: { file, line, reason: 'not JSON: expected a JSON object, an array of objects, or one object per line' } };
        return;
      }
    }
    if (shape === 'jsonl') {
      if (text.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        yield { rejection: { file, line, reason: parseError(e) } };
        continue;
      }
      yield* fromParsed(v, line, text, file);
    } else if (shape === 'document') {
      if (doc.length === 0) docLine = line;
      docBytes += text.length + 1;
      if (docBytes > options.maxRecordBytes) {
        yield { rejection: { file, line: docLine, reason: `JSON document longer than the record limit of ${options.maxRecordBytes} bytes` } };
        return;
      }
      doc.push(text);
    } else {
      // Array of objects: scan characters, buffer one element at a time.
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (arrayDone) {
          if (c !== 32 && c !== 9 && c !== 13) {
            yield { rejection: { file, line, reason: 'unexpected content after the closing ] of the array' } };
            return;
          }
          continue;
        }
        if (depth >= 2 || (depth === 1 && buf !== '')) buf += text[i];
        const at = strings.step(c);
        if (at === 'string') continue;
        if (at === 'open') {
          if (depth === 1 && buf === '') { buf = '"'; bufLine = line; }
          continue;
        }
        if (c === 123 || c === 91) {
          depth++;
          if (depth === 2 && buf === '') { buf = text[i] as string; bufLine = line; }
        } else if (c === 125 || c === 93) {
          depth--;
          if (depth === 0) { arrayDone = true; continue; }
        }
        if (depth === 1 && buf !== '' && (c === 44 || c === 125 || c === 93 || c === 34)) {
          if (c === 44) buf = buf.slice(0, -1);
          if (c === 125 || c === 93 || c === 44) {
            const elemText = buf.trim();
            buf = '';
            if (elemText === '') continue;
            let v: unknown;
            try {
              v = JSON.parse(elemText);
            } catch (e) {
              yield { rejection: { file, line: bufLine, reason: parseError(e) } };
              continue;
            }
            yield* fromParsed(v, bufLine, elemText, file);
          }
        } else if (depth === 1 && buf === '' && c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== 91) {
          buf = text[i] as string;
          bufLine = line;
        }
        if (buf.length > options.maxRecordBytes) {
          yield { rejection: { file, line: bufLine, reason: `record longer than the limit of ${options.maxRecordBytes} bytes` } };
          return;
        }
      }
      if (depth >= 1 && buf !== '') buf += '\n';
    }
  }
  if (shape === 'document' && doc.length) {
    const text = doc.join('\n');
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      yield { rejection: { file, line: docLine, reason: parseError(e) } };
      return;
    }
    yield* fromParsed(v, docLine, text, file);
  } else if (shape === 'array' && !arrayDone) {
    yield { rejection: { file, line: bufLine || 1, reason: 'truncated JSON array (no closing ])' } };
  } else if (shape === undefined) {
    yield { rejection: { file, line: 1, reason: 'empty file: no JSON records' } };
  }
}
