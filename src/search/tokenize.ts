/**
 * Text → search terms, the same way for indexed works and for queries: Unicode NFKC, lower case, split on
 * anything that is not a letter or a digit, drop English stop words and one-character Latin tokens, then a light
 * plural stemmer (`networks` → `network`, `studies` → `study`). No other stemming: `learning` stays `learning`,
 * so results stay explainable (the matched word is visibly in the title).
 */

const STOP = new Set(
  (
    'a an and are as at be by for from has have in into is it its of on or our that the their this to via we with ' +
    'using use based towards toward through over under can not no than then these those which while within without'
  ).split(' '),
);

/** Light plural stripping; idempotent (stem(stem(w)) === stem(w)). */
export function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 3 && w.endsWith('s') && !/(ss|us|is|ys)$/.test(w)) return stem(w.slice(0, -1));
  return w;
}

const SPLIT = /[^\p{L}\p{N}]+/u;
const LATIN1 = /^[a-z0-9]$/;

/** Terms of a text, in order, with repeats. */
export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.normalize('NFKC').toLowerCase().split(SPLIT)) {
    if (!raw || STOP.has(raw) || LATIN1.test(raw)) continue;
    const t = stem(raw);
    if (!STOP.has(t)) out.push(t);
  }
  return out;
}

/** Distinct query terms, in first-seen order. */
export function queryTerms(query: string): string[] {
  return [...new Set(tokenize(query))];
}
