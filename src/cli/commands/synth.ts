/** `atlas synth`: write a deterministic synthetic OpenAlex snapshot (authors and works JSONL.gz). */
import { AtlasError } from '../../core/errors.ts';
import { synthesize } from '../../synth/index.ts';
import type { Command } from '../command.ts';
import { printJson } from '../output.ts';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a synthetic OpenAlex snapshot (same seed, same bytes) for benchmarks',
  usage: 'atlas synth --authors N --seed S --out DIR [--json]\n\n  Writes DIR/authors.jsonl.gz and DIR/works.jsonl.gz; ingest them with `atlas ingest DIR/*.jsonl.gz`.',
  options: { authors: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } },
  async run(ctx, values) {
    const authors = Number(values['authors']);
    const seed = Number(values['seed']);
    const out = values['out'] as string | undefined;
    if (!Number.isInteger(authors) || authors < 1 || authors > 100_000_000) throw new AtlasError('BAD_ARGUMENT', '--authors must be an integer 1..100000000');
    if (!Number.isInteger(seed)) throw new AtlasError('BAD_ARGUMENT', '--seed must be an integer');
    if (!out) throw new AtlasError('BAD_ARGUMENT', '--out DIR is required');
    const r = await synthesize({ authors, seed, out });
    if (ctx.json) printJson(ctx.stdout, r);
    else ctx.stdout.write(`wrote ${r.authors} authors to ${r.authorsFile} and ${r.works} works (${r.authorships} authorships) to ${r.worksFile}\n`);
  },
};
