/** @module mentors — stated and inferred mentorship ties: relation resolution, inference, refresh, queries, evaluation (../docs/network.md). */
export { refreshMentorships, type MentorshipRefresh } from './refresh-mentorships.ts';
export { resolveRelations, domainUnder, relationPersonId, type RelationReport, type RelationReportItem, type ResolvedHow } from './resolve-relations.ts';
export { inferMentorships, scoreCandidate, pickAdvisors, DEFAULT_INFERENCE, type Candidate, type InferenceParams, type Score } from './infer-mentorship.ts';
export { mentorsOf, type MentorsResult, type MentorTie } from './mentors-of.ts';
export { evaluateMentors, type MentorEvaluation } from './evaluate-mentors.ts';
export { MENTORSHIP_COLUMNS, pairKey, type MentorshipKind, type MentorshipRow } from './mentorship-row.ts';
