/** @module synth — deterministic synthetic OpenAlex snapshots for tests and benchmarks. */
export { synthesize, type SynthOptions, type SynthResult } from './synthesize.ts';
