/**
 * Paper-list files are one JSON array of paper objects (gz or plain). This reads the whole file (each is
 * under ~10 MB) and yields every element with the 1-based line its object starts on, by scanning the text
 * for top-level elements outside strings. Stand-in until the shared streaming reader (readJsonRecords) is used.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AtlasError } from '../../core/errors.ts';

export function* jsonArrayWithLines(file: string): Generator<{ value: unknown; line: number }> {
  const buf = readFileSync(file);
  const text = (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AtlasError('BAD_INPUT', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length && lines.length < items.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (c === '{' && depth === (Array.isArray(parsed) ? 1 : 0)) lines.push(line);
      depth++;
    } else if (c === '}' || c === ']') depth--;
  }
  for (let k = 0; k < items.length; k++) yield { value: items[k], line: lines[k] ?? 1 };
}
