/**
 * The normalised facts every source parser emits, one `RecordFacts` per source record. The ingest writer
 * stages them, resolves person keys to people, and replaces a record's facts as a whole when the record
 * is re-ingested with newer content. Parsers never touch the database.
 */
import type { IdentifierScheme } from '../core/ids.ts';

export type SourceName = 'openalex' | 'paperlist' | 'csrankings' | 'orcid' | 'openreview' | 'wikidata' | 'synthetic';

/** `${scheme}:${value}`, e.g. `openalex:A5023888391`, `openreview:~Mengfan_Xu1`, `orcid:0000-0002-1825-0097`. */
export type PersonKey = string;

export const personKey = (scheme: IdentifierScheme, value: string): PersonKey => `${scheme}:${value}`;

export interface PersonFact {
  key: PersonKey;
  name: string | null;
  /** All identifiers of this person stated by the record (the key's own included or not; the writer adds it). */
  identifiers: Array<{ scheme: IdentifierScheme; value: string }>;
  /** True when the record is about this person (an author record), false when it only mentions them (a co-author). */
  primary: boolean;
  hIndex?: number | null;
  citedByCount?: number | null;
  worksCount?: number | null;
}

/**
 * How a country was established: stated by the source, or inferred (and how). 'university_domain': the
 * institution's web domain (or a parent domain) is a listed university's in the bundled world university list.
 */
export type CountryBasis = 'source' | 'known_institution' | 'cctld' | 'csrankings_default_us' | 'university_domain';

export interface InstitutionFact {
  id: string;
  name: string | null;
  country: string | null;
  countryBasis: CountryBasis | null;
  type: string | null;
  ror: string | null;
}

/** basis: where the observation comes from (an author's affiliation list, a work's authorship, a paper list, an ORCID employment, a roster). */
export type AffiliationBasis = 'affiliation' | 'authorship' | 'paper' | 'employment' | 'roster' | 'profile' | 'education';

export interface AffiliationYearFact {
  person: PersonKey;
  year: number;
  institution: string | null;
  country: string | null;
  countryBasis: CountryBasis | null;
  role: string | null;
  basis: AffiliationBasis;
  /** The source's own position text, e.g. "Intern+PhD student". */
  position?: string | null;
  /** The education level the position text names (educationLevel, the spec's rule), or null. */
  level?: DegreeLevel | null;
  /** The affiliation's web domain as the source gives it (aff_domain), for matching relations' e-mail domains. */
  domain?: string | null;
}

/**
 * A dated position (ORCID employment, OpenReview history entry, Wikidata P108, a stated education with years): one
 * affiliation-year per year from start to end. endYear null = ongoing, up to the last year of the data (evaluated
 * when read, so it keeps up as the data grows); a missing start with a known end means the end year alone.
 */
export interface PositionFact {
  person: PersonKey;
  institution: string | null;
  country: string | null;
  countryBasis: CountryBasis | null;
  role: string | null;
  position: string | null;
  level: DegreeLevel | null;
  domain: string | null;
  startYear: number | null;
  endYear: number | null;
  basis: AffiliationBasis;
}

/**
 * A mentorship relation a profile states (never any other kind). `direction` says what the other person is to
 * the profile's owner: 'advisor' (the other is the owner's mentor) or 'advisee'. The other end is named by an
 * identifier when the source gives one (OpenReview username, a Wikidata item), else by name and e-mail domain
 * (only the part after @: the address itself is never stored); refreshMentorships resolves it.
 */
export interface RelationFact {
  person: PersonKey;
  direction: 'advisor' | 'advisee';
  relation: string;
  otherName: string | null;
  other: { scheme: IdentifierScheme; value: string } | null;
  emailDomain: string | null;
  startYear: number | null;
  endYear: number | null;
}

/** A self-described expertise keyword of a person (OpenReview `expertise`), searched like a work's keywords. */
export interface KeywordFact {
  person: PersonKey;
  keyword: string;
  startYear: number | null;
  endYear: number | null;
}

export type DegreeLevel = 'bachelor' | 'master' | 'doctorate' | 'other';

export interface EducationFact {
  person: PersonKey;
  institution: string | null;
  country: string | null;
  degree: DegreeLevel;
  roleTitle: string | null;
  startYear: number | null;
  endYear: number | null;
}

export interface WorkFact {
  id: string;
  title: string | null;
  year: number | null;
  venue: string | null;
  citedByCount: number | null;
  authorCount: number;
  keywords: string[];
  topics: string[];
  abstract: string | null;
  status: string | null;
  doi: string | null;
}

export interface AuthorshipFact {
  work: string;
  person: PersonKey;
  position: number;
  institutions: string[];
}

/** A tie stated by a source without a shared work (CSRankings co-authorship by year, a stated mentorship). */
export interface TieFact {
  a: PersonKey;
  b: PersonKey;
  kind: 'coauthor' | 'mentor';
  year: number | null;
  confidence: number | null;
  evidence: string | null;
}

export interface RecordFacts {
  /** Unique across sources: `${source}:${kind}:${id}`. */
  recordKey: string;
  source: SourceName;
  kind: string;
  /** The record's own last-modified date (OpenAlex updated_date), when it has one. */
  updatedDate: string | null;
  /** Hash of the record's content: an identical re-ingest is recognised and changes nothing. */
  contentHash: string;
  /** 1-based line in the file where the record starts. */
  line: number;
  people: PersonFact[];
  institutions: InstitutionFact[];
  affiliationYears: AffiliationYearFact[];
  education: EducationFact[];
  positions: PositionFact[];
  relations: RelationFact[];
  keywords: KeywordFact[];
  works: WorkFact[];
  authorships: AuthorshipFact[];
  ties: TieFact[];
}

export function emptyFacts(base: Pick<RecordFacts, 'recordKey' | 'source' | 'kind' | 'updatedDate' | 'contentHash' | 'line'>): RecordFacts {
  return { ...base, people: [], institutions: [], affiliationYears: [], education: [], positions: [], relations: [], keywords: [], works: [], authorships: [], ties: [] };
}
