/**
 * Role families of job titles in the aijobs.net salary survey. Titles map to a family through an ordered rule table
 * (first match wins, case-insensitive); a family belongs to one broader group used by the band fallback ladder.
 */

export const ROLE_FAMILIES = [
  'research-scientist',
  'research-engineer',
  'ml-engineer',
  'data-scientist',
  'data-engineer',
  'software-engineer',
  'other',
] as const;
export type RoleFamily = (typeof ROLE_FAMILIES)[number];

/** Broader groups: the first fallback step widens a family to its group. */
export const ROLE_GROUPS: Record<string, readonly RoleFamily[]> = {
  research: ['research-scientist', 'research-engineer'],
  'applied-ml': ['ml-engineer', 'data-scientist'],
  engineering: ['data-engineer', 'software-engineer'],
  other: ['other'],
};

export function roleGroup(family: RoleFamily): { name: string; families: readonly RoleFamily[] } {
  for (const [name, families] of Object.entries(ROLE_GROUPS)) if (families.includes(family)) return { name, families };
  return { name: 'other', families: ['other'] };
}

/** The documented mapping table (docs/economics.md repeats it). Order matters: the first matching rule wins. */
export const ROLE_RULES: ReadonlyArray<{ family: RoleFamily; pattern: RegExp; examples: string }> = [
  {
    family: 'other',
    pattern: /\b(product (manager|owner|designer)|sales|account executive|marketing|business development|technical writer)\b/i,
    examples: 'AI Product Manager, Marketing Data Scientist, Sales Development Representative',
  },
  { family: 'research-engineer', pattern: /\bresearch engineer\b/i, examples: 'Research Engineer, AI Research Engineer, Machine Learning Research Engineer' },
  {
    family: 'research-scientist',
    pattern:
      /\b(research scientist|applied (research |machine learning |ml |ai )?scientist|(machine learning|ai|deep learning) (research )?(scientist|researcher)|principal researcher|postdoctoral)\b/i,
    examples: 'Research Scientist, Applied Scientist, Machine Learning Researcher, AI Scientist, Postdoctoral Fellow',
  },
  {
    family: 'ml-engineer',
    pattern: /\b(machine learning|ml|mlops|ai|artificial intelligence|deep learning|computer vision|nlp|prompt|robotics|machine vision)\b/i,
    examples: 'Machine Learning Engineer, AI Engineer, MLOps Engineer, Computer Vision Engineer, NLP Engineer',
  },
  {
    family: 'data-scientist',
    pattern: /\b(data scien\w*|decision scientist|statistician|quantitative (analyst|researcher|developer))\b/i,
    examples: 'Data Scientist, Applied Data Scientist, Decision Scientist, Statistician, Quantitative Researcher',
  },
  {
    family: 'data-engineer',
    pattern:
      /\b(data\b.*\b(engineer|architect|developer|modeler)|analytics engineer|etl|dataops|databricks|(business intelligence|bi) (engineer|developer)|power bi developer)\b/i,
    examples: 'Data Engineer, Data Architect, Analytics Engineer, ETL Developer, BI Developer',
  },
  {
    family: 'software-engineer',
    pattern:
      /\b(software|developer|full ?stack|fullstack|backend|frontend|engineer|devops|site reliability|member of technical staff|programmer|architect)\b/i,
    examples: 'Software Engineer, Engineer, Software Developer, Platform Engineer, Solutions Architect',
  },
];

/** Role family of a job title; 'other' when no rule matches (analysts, managers, consultants, …). */
export function roleFamily(title: string): RoleFamily {
  for (const r of ROLE_RULES) if (r.pattern.test(title)) return r.family;
  return 'other';
}

export function isRoleFamily(s: string): s is RoleFamily {
  return (ROLE_FAMILIES as readonly string[]).includes(s);
}
