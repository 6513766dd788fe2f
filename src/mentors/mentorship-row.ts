/** One row of the derived `mentorships` table (migration 4), stated or inferred, as the refresh writes it. */
import type { ColumnSpec, SqlValue } from '../store/store.ts';
import type { MentorshipKind } from '../store/repo/mentorship-ties.ts';

export type { MentorshipKind };

export interface MentorshipRow {
  mentor: string;
  mentee: string;
  kind: MentorshipKind;
  relation: string | null;
  /** 1 for a stated tie; in (0, 1] for an inferred one. */
  confidence: number;
  startYear: number | null;
  endYear: number | null;
  source: string;
  recordKey: string | null;
  /** JSON: source, file, line, relation text, years and how resolved (stated); the model's features and reasons (inferred). */
  evidence: string;
}

export const MENTORSHIP_COLUMNS: readonly ColumnSpec[] = [
  { name: 'mentor', type: 'text' },
  { name: 'mentee', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'relation', type: 'text' },
  { name: 'confidence', type: 'double' },
  { name: 'start_year', type: 'int' },
  { name: 'end_year', type: 'int' },
  { name: 'source', type: 'text' },
  { name: 'record_key', type: 'text' },
  { name: 'evidence', type: 'text' },
];

export const mentorshipValues = (m: MentorshipRow): SqlValue[] => [m.mentor, m.mentee, m.kind, m.relation, m.confidence, m.startYear, m.endYear, m.source, m.recordKey, m.evidence];

/** Unordered pair key: a stated tie between the same two people replaces an inferred one whatever its direction. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
