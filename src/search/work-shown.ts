/**
 * What a search result shows of each matched work (title, year, venue, status, citations as the store has them),
 * kept in the index beside its id — one line per document — so an answer needs no look-up in the store: fetching
 * a few dozen random rows of a columnar store cold (a new process, or works the server has not read yet) took
 * ~0.2 s at 2,000,000 works (docs/search.md, "End to end"). A JSON array per line: titles may hold line breaks,
 * which JSON escapes. Expertise documents (not works) have an empty line; their keywords are looked up.
 */

export interface ShownWork {
  title: string | null;
  year: number | null;
  venue: string | null;
  status: string | null;
  citedBy: number | null;
}

export interface ShownWorkInput {
  title?: string | null;
  venue?: string | null;
  status?: string | null;
}

/** The line kept for a work. */
export function shownWorkLine(text: ShownWorkInput, year: number | null, citedBy: number | null): string {
  return JSON.stringify([text.title ?? null, year ?? null, text.venue ?? null, text.status ?? null, citedBy ?? null]);
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The work a line shows; null for an empty line (an expertise document) or one that is not such an array. */
export function parseShownWork(line: string | undefined): ShownWork | null {
  if (!line) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length !== 5) return null;
  return { title: str(v[0]), year: num(v[1]), venue: str(v[2]), status: str(v[3]), citedBy: num(v[4]) };
}
