/** @module core — ids, errors, countries, paths: the vocabulary every other module shares. */
export * from './errors.ts';
export * from './ids.ts';
export * from './countries.ts';
export * from './paths.ts';
