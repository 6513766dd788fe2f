/**
 * Name normalisation for identity resolution and institution keys: case, accents, hyphens, word order and
 * initials. Pure functions with no imports, so that source readers can use them too.
 */

/** Lower case, accents stripped, hyphens and apostrophes joined, dots and digits (DBLP "0001", OpenReview "1") dropped. */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[-‐'’]/g, '')
    .replace(/[._,]/g, ' ')
    .replace(/\d+/g, ' ')
    .replace(/[^a-z\p{L}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Order-independent key: "Kim Sung-hoon" and "Sung-hoon Kim" both give "kim sunghoon". */
export function nameKey(name: string): string {
  return [...nameTokens(name)].sort().join(' ');
}

/**
 * Blocking keys: a surname candidate (first or last token, for either name order) with the initial of another
 * token. Two names that could be the same person share at least one key; compatibleNames decides.
 */
export function nameBlockKeys(name: string): string[] {
  const t = nameTokens(name);
  if (t.length < 2) return [];
  const keys = new Set<string>();
  for (const s of [t[0] as string, t[t.length - 1] as string]) {
    if (s.length < 2) continue;
    let skipped = false;
    for (const o of t) {
      if (o === s && !skipped) {
        skipped = true;
        continue;
      }
      keys.add(`${s}|${o[0]}`);
    }
  }
  return [...keys];
}

export type NameMatch = 'exact' | 'initials' | null;

function restMatches(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0) return false;
  const used = new Set<number>();
  for (const s of short) {
    const j = long.findIndex((l, k) => !used.has(k) && (l === s || (s.length === 1 && l[0] === s) || (l.length === 1 && s[0] === l)));
    if (j < 0) return false;
    used.add(j);
  }
  return true;
}

/**
 * Whether two names can denote the same person: 'exact' when the token sets are equal (any order),
 * 'initials' when they share a surname (first or last token) and the given names agree up to initials
 * ("J. Zico Kolter" ~ "Zico Kolter", "Y. Liu" ~ "Yang Liu"), null otherwise.
 */
export function compatibleNames(a: string, b: string): NameMatch {
  const ta = nameTokens(a);
  const tb = nameTokens(b);
  if (ta.length === 0 || tb.length === 0) return null;
  if ([...ta].sort().join(' ') === [...tb].sort().join(' ')) return 'exact';
  for (const ia of [0, ta.length - 1]) {
    for (const ib of [0, tb.length - 1]) {
      const sa = ta[ia] as string;
      if (sa.length < 2 || sa !== tb[ib]) continue;
      if (restMatches(ta.filter((_, k) => k !== ia), tb.filter((_, k) => k !== ib))) return 'initials';
    }
  }
  return null;
}

const INSTITUTION_WORDS: Record<string, string> = {
  universite: 'university',
  universitat: 'university',
  universitaet: 'university',
  universidad: 'university',
  universidade: 'university',
  universita: 'university',
  universiteit: 'university',
  univ: 'university',
  technische: 'technical',
  inst: 'institute',
  institut: 'institute',
  instituto: 'institute',
  tech: 'technology',
};
const INSTITUTION_STOP = new Set(['the', 'of', 'at', 'in', 'and', 'de', 'du', 'des', 'di', 'der', 'fur', 'la', 'le', 'del', 'da']);
/** University systems whose bare name is no one institution: the campus after a comma is kept in the key. */
const MULTI_CAMPUS = /^(the\s+)?university\s+of\s+(california|texas|illinois|massachusetts|north\s+carolina|colorado|maryland|wisconsin)$/i;
/** What may follow such a name after a comma without naming a campus: a country, a state, a postcode, a department. */
const NOT_A_CAMPUS = /^(usa|u\.s\.a\.?|us|united states( of america)?|america|california|texas|illinois|massachusetts|north carolina|colorado|maryland|wisconsin|[a-z]{2}(\s+\d{5})?|\d{5}.*)$|department|dept\b|school of|faculty of|division|institute|center|centre|lab/i;
const INSTITUTION_HINT = /universit|institut|college|school|academy|laborator|\blab\b|centre|center|inc\b|corp|ltd|gmbh|research|hospital|foundation/i;

/**
 * A normalised institution name, for keys such as `name:university massachusetts amherst`: accents, case,
 * punctuation and filler words dropped, local words for "university" unified. When the string lists a
 * department before the institution ("Biomedical Informatics, Columbia University"), the part naming
 * the institution is kept.
 */
export function normaliseInstitutionName(raw: string): string {
  const parts = raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean);
  let pick = parts[0] ?? '';
  if (parts.length > 1 && /department|dept\.?|school of|faculty of|division|group|program/i.test(pick)) {
    pick = parts.find((p) => INSTITUTION_HINT.test(p) && !/department|dept\.?|school of|faculty of|division/i.test(p)) ?? pick;
  }
  // "University of California, Berkeley": the part after the comma names the campus, which is the institution.
  const campus = parts[parts.indexOf(pick) + 1];
  if (campus && MULTI_CAMPUS.test(pick.trim()) && !NOT_A_CAMPUS.test(campus)) pick = `${pick} ${campus}`;
  return pick
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((w) => w && !INSTITUTION_STOP.has(w))
    .map((w) => INSTITUTION_WORDS[w] ?? w)
    .join(' ');
}

/** Institution id for a name-only institution (paper lists, CSRankings): `name:<normalised name>`, or null for an empty name. */
export function institutionKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const n = normaliseInstitutionName(raw);
  return n ? `name:${n}` : null;
}
