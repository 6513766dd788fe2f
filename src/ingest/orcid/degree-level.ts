/** Degree level from an ORCID education's free-text role title: bachelor / master / doctorate / other. */
import type { DegreeLevel } from '../facts.ts';

/** Checked in order; the first match wins (so "PhD" beats a "Master" mentioned later, and "MPhil" is a master). */
export const DEGREE_PATTERNS: ReadonlyArray<{ level: DegreeLevel; pattern: RegExp }> = [
  {
    level: 'master',
    pattern: /\bm\.?\s?phil\b|\bm\.?\s?res\b/i,
  },
  {
    level: 'doctorate',
    pattern:
      /^dr\.?\s|\bph\.?\s?d\b|\bphd|\bd\.?\s?phil\b|\bdoctor|\bdoktor|\bdoctorat|\bdottorato|\bdr\.?\s?(rer|phil|ing|sc|med)\b|\bsc\.?\s?d\b|\bd\.?\s?sc\b|\bed\.?\s?d\b|\bdr\.?\s?-?\s?ing\b|\bdoutorado|\bhabilitation/i,
  },
  {
    level: 'master',
    pattern:
      /\bmaster|\bmagist|\bm\.?\s?sc\b|\bm\.?\s?s\.?(?=\s|$|,|\)|\s?in\b)|\bm\.?\s?eng\b|\bm\.?\s?a\.?(?=\s|$|,|\))|\bm\.?\s?tech\b|\bmba\b|\bm\.?\s?s\.?\s?c\b|\bmestrado|\bmaestr|\bdiplom|\bllm\b|\bm\.?\s?math\b|\bm\.?\s?stat\b|\bm\.?\s?e\.?(?=\s|$|,)/i,
  },
  {
    level: 'bachelor',
    pattern:
      /\bbachelor|\bb\.?\s?sc\b|\bb\.?\s?s\.?(?=\s|$|,|\)|\s?in\b)|\bb\.?\s?a\.?(?=\s|$|,|\))|\bb\.?\s?eng\b|\bb\.?\s?tech\b|\bb\.?\s?e\.?(?=\s|$|,)|\ba\.?\s?b\.?(?=\s|$|,)|\blicenciatur|\blicence\b|\bundergrad|\bbacharel|\bgrado\b|\blaurea\b|\bbs\b/i,
  },
];

/** "Post-doctorate", "Postdoc", "Pre-doctoral fellow": a position around a doctorate, not a degree. */
const AROUND_DOCTORATE = /\b(post|pre)[-\s]?doc\w*/gi;

export function degreeLevel(roleTitle: string | null | undefined): DegreeLevel {
  const t = (roleTitle ?? '').replace(AROUND_DOCTORATE, ' ').trim();
  if (!t) return 'other';
  for (const { level, pattern } of DEGREE_PATTERNS) if (pattern.test(t)) return level;
  return 'other';
}
