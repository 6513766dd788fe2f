/** @module identity — one person per real person: name normalisation, resolution by evidence, merges, splits, erasure. */
export { compatibleNames, institutionKey, nameBlockKeys, nameKey, nameTokens, normaliseInstitutionName } from './names.ts';
export { decide, STRONG_SCHEMES, type Profile } from './decide.ts';
export { evaluateMentions, evaluateResolution, planMerges, resolveIdentities, type Evaluation, type ResolutionPlan } from './resolve.ts';
export { mergeByHand, mergePeople, parseIdentifier, splitPerson } from './merge.ts';
export { erasePerson, type ErasureResult } from './erase.ts';
