/**
 * Well-known Wikidata academic degree items (P512 values) → degree level. Each Q-id here was checked against
 * several independent public uses (SPARQL queries and mappings naming the item with its label); an item not
 * listed is read from its label when the input carries its entity (degreeLevel), else it is 'other'.
 */
import type { DegreeLevel } from '../facts.ts';

export const DEGREE_ITEMS: Readonly<Record<string, { level: DegreeLevel; label: string }>> = {
  Q163727: { level: 'bachelor', label: "bachelor's degree" },
  Q1765120: { level: 'bachelor', label: 'Bachelor of Arts' },
  Q183816: { level: 'master', label: "master's degree" },
  Q849697: { level: 'doctorate', label: 'doctorate' },
  Q752297: { level: 'doctorate', label: 'Doctor of Philosophy' },
};
