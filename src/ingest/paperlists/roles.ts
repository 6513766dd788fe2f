/**
 * Career role from a paper list's free-text position ("PhD student", "Full Professor", "Research Scientist", …).
 * The table (docs/sources.md) is checked in order; the first matching pattern wins.
 */

export type Role = 'student' | 'postdoc' | 'faculty' | 'industry researcher' | 'other';

export const ROLE_PATTERNS: ReadonlyArray<{ role: Role; pattern: RegExp }> = [
  { role: 'postdoc', pattern: /post-?\s?doc|postdoctoral|research fellow/i },
  { role: 'faculty', pattern: /professor|lecturer|faculty|instructor|emerit|\breader\b|\bchair\b|\bdean\b|tenure/i },
  { role: 'student', pattern: /student|ph\.?\s?d\b|\bphd|graduate|undergrad|master|\bms\b|\bmsc\b|intern\b|internship|doctoral|\bcandidate\b/i },
  {
    role: 'industry researcher',
    pattern: /research|scientist|engineer|\bswe\b|developer|director|manager|founder|\bcto\b|\bceo\b|\bvp\b|vice president|head of|team lead|\blead\b|principal|staff|fellow|member of technical/i,
  },
];

/** Paper-list domains of universities and public research bodies: a "Researcher" there is not an industry researcher. */
const ACADEMIC_DOMAIN = /(\.edu|\.ac\.[a-z]{2}|\.edu\.[a-z]{2}|univ|\.mpg\.de|inria\.fr|cnrs\.fr|\.gov)$/i;

/** Map a position to a role; researchers and scientists at academic domains become 'other' (research staff, not industry). */
export function roleFromPosition(position: string | null | undefined, domain?: string | null): Role | null {
  const p = (position ?? '').trim();
  if (!p) return null;
  for (const { role, pattern } of ROLE_PATTERNS) {
    if (!pattern.test(p)) continue;
    if (role === 'industry researcher' && domain && ACADEMIC_DOMAIN.test(domain.trim())) return 'other';
    return role;
  }
  return 'other';
}
