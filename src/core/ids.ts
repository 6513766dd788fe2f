/** Branded identifiers, made in one place so that a PersonId is never confused with a WorkId. */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type PersonId = Brand<string, 'PersonId'>;
export type InstitutionId = Brand<string, 'InstitutionId'>;
export type WorkId = Brand<string, 'WorkId'>;
export type CountryCode = Brand<string, 'CountryCode'>;

export const personId = (s: string): PersonId => s as PersonId;
export const institutionId = (s: string): InstitutionId => s as InstitutionId;
export const workId = (s: string): WorkId => s as WorkId;

/** Identifier schemes a person can carry; (scheme, value) is unique across people. */
export const IDENTIFIER_SCHEMES = ['openalex', 'orcid', 'openreview', 'dblp', 'scholar', 'semanticscholar', 'wikidata', 'csrankings', 'name', 'email'] as const;
export type IdentifierScheme = (typeof IDENTIFIER_SCHEMES)[number];

/** Strip an OpenAlex URL prefix: https://openalex.org/A5023888391 → A5023888391. */
export function openAlexShortId(id: string): string {
  const i = id.lastIndexOf('/');
  return i >= 0 ? id.slice(i + 1) : id;
}

/** Normalise an ORCID iD (URL or bare) to 0000-0000-0000-000X, or null when it is not one. */
export function normaliseOrcid(raw: string): string | null {
  const m = /(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\s*$/i.exec(raw.trim());
  return m?.[1] ? m[1].toUpperCase() : null;
}
