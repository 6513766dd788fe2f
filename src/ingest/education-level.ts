/**
 * The education level a position text names, exactly as docs/mobility.md ("Level of a position text") defines it:
 * split at `+`, read each part on its own (lower-cased, `.` deleted, tokens at every character not a–z or 0–9),
 * and take the highest level among the parts. Used for paper-list positions (observed education) and profile
 * history entries (stated education).
 */
import type { DegreeLevel } from './facts.ts';

const MASTER = new Set(['ms', 'msc', 'master', 'masters', 'mphil', 'mtech', 'mba']);
const BACHELOR = new Set(['undergrad', 'undergraduate', 'bachelor', 'bachelors', 'bsc']);
const RANK: Record<DegreeLevel, number> = { other: 1, bachelor: 2, master: 3, doctorate: 4 };

/** The level one part of a position names, or null. */
function partLevel(part: string): DegreeLevel | null {
  const tokens = part.toLowerCase().replace(/\./g, '').split(/[^a-z0-9]+/).filter(Boolean);
  if (tokens.some((t, i) => t === 'phd' || (t === 'doctoral' && tokens[i - 1] !== 'pre' && tokens[i - 1] !== 'post'))) return 'doctorate';
  if (tokens.some((t) => MASTER.has(t))) return 'master';
  if (tokens.some((t) => BACHELOR.has(t))) return 'bachelor';
  if (tokens.includes('student')) return 'other';
  return null;
}

/** The highest level any `+`-joined part of the position names; null when it names no education. */
export function educationLevel(position: string | null | undefined): DegreeLevel | null {
  if (!position) return null;
  let best: DegreeLevel | null = null;
  for (const part of position.split('+')) {
    const l = partLevel(part);
    if (l && (best === null || RANK[l] > RANK[best])) best = l;
  }
  return best;
}
