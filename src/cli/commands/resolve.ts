/**
 * `atlas resolve [--apply] [--report]`: identity resolution by names and evidence. Without --apply it only
 * plans; --report measures precision and recall on mentions labelled by their own OpenReview ids (hidden).
 */
import { evaluateResolution, resolveIdentities } from '../../identity/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'Resolve identities by name + evidence (same institution, shared co-authors); --report for precision/recall',
  usage: `atlas resolve [--apply] [--report] [--show N] [--json]

  --apply     merge the planned pairs (each merge recorded with its reasons in table merges)
  --report    precision and recall on a labelled set: authorships of people with an OpenReview id,
              the id hidden, resolved by names and evidence alone, compared pairwise with the truth
  --show N    list the first N planned merges with reasons (default 10)`,
  options: { apply: { type: 'boolean' }, report: { type: 'boolean' }, show: { type: 'string' } },
  async run(ctx, values) {
    const store = await ctx.store();
    const apply = values['apply'] === true;
    const plan = apply ? await store.withWriterLock(() => resolveIdentities(store, { apply })) : await resolveIdentities(store, { apply });
    const evaluation = values['report'] ? await evaluateResolution(store) : null;
    const show = Number((values['show'] as string | undefined) ?? 10);
    if (ctx.json) return printJson(ctx.stdout, { ...plan, merges: plan.merges.slice(0, Math.max(show, 0)), plannedMerges: plan.merges.length, evaluation });
    ctx.stdout.write(
      `${plan.profiles} people, ${plan.candidatePairs} candidate pairs by name, ${plan.acceptedPairs} backed by evidence, ` +
        `${plan.refusedByConflict} refused (conflicting identifiers, shared work or a split), ${plan.merges.length} merges ${apply ? `applied: ${plan.applied}` : 'planned (use --apply)'}\n`,
    );
    if (show > 0 && plan.merges.length) {
      ctx.stdout.write(formatTable(plan.merges.slice(0, show).map((m) => ({ kept: m.kept, merged: m.merged, reasons: m.reasons.join('; ') }))));
    }
    if (evaluation) {
      ctx.stdout.write(
        `\nLabelled set: ${evaluation.mentions} authorships of ${evaluation.people} people with OpenReview ids (ids hidden)\n` +
          `precision ${evaluation.precision.toFixed(4)}  recall ${evaluation.recall.toFixed(4)}  F1 ${evaluation.f1.toFixed(4)}  ` +
          `(pairs: true ${evaluation.truePairs}, predicted ${evaluation.predictedPairs}, correct ${evaluation.correctPairs})\n`,
      );
    }
  },
};
