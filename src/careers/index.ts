/** @module careers — origins, moves, current country, categories, flows, diaspora, returnees and cohort stages (docs/mobility.md). */
export * from './params.ts';
export * from './derive-career.ts';
export * from './refresh-careers.ts';
export * from './cohort.ts';
export * from './flows.ts';
export * from './flow-aggregates.ts';
export * from './serve-flows.ts';
export * from './diaspora.ts';
export * from './cohort-stages.ts';
export * from './origin-rests-on.ts';
export * from './institution-talent.ts';
