/** `atlas intro <target> --owner NAME`: the k best warm-introduction paths to a person, each hop with its evidence. */
import { badArgument } from '../../core/errors.ts';
import { DEFAULT_INTRO, DEFAULT_TIE_PARAMS, introPaths, nodeNames, type Evidence, type TieParams } from '../../network/index.ts';
import type { Command, OptionSpec, ParsedValues } from '../command.ts';
import { printJson } from '../output.ts';
import { auditCli } from '../../teams/audit.ts';

export const TIE_OPTIONS: OptionSpec = {
  owner: { type: 'string' },
  'max-hops': { type: 'string' },
  'half-life': { type: 'string' },
  'ref-year': { type: 'string' },
  'max-authors': { type: 'string' },
};

export const TIE_USAGE = `  --owner NAME       whose contacts the paths start from (see \`atlas contacts import\`)
  --max-hops N       at most N ties per path (default ${DEFAULT_INTRO.maxHops})
  --half-life Y      a shared paper counts half after Y years (default ${DEFAULT_TIE_PARAMS.halfLife})
  --ref-year Y       year the recency decay is measured from (default: last year in the data)
  --max-authors N    papers with more authors make no ties (default ${DEFAULT_TIE_PARAMS.maxAuthors})`;

export function numberFlag(values: ParsedValues, flag: string, integer: boolean): number | undefined {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw badArgument(`--${flag} must be ${integer ? 'a whole number' : 'a number'} (got "${raw}")`);
  return n;
}

export function tieFlags(values: ParsedValues): TieParams & { owner: string; maxHops: number } {
  const owner = (values['owner'] as string | undefined)?.trim();
  if (!owner) throw badArgument('--owner NAME is required: whose contacts the paths start from');
  return {
    owner,
    maxHops: numberFlag(values, 'max-hops', true) ?? DEFAULT_INTRO.maxHops,
    halfLife: numberFlag(values, 'half-life', false) ?? DEFAULT_TIE_PARAMS.halfLife,
    maxAuthors: numberFlag(values, 'max-authors', true) ?? DEFAULT_TIE_PARAMS.maxAuthors,
    refYear: numberFlag(values, 'ref-year', true),
  };
}

/** Where a mentorship tie comes from: the stated relation's file and line and how it was resolved, or the inference's reasons. */
function mentorshipSource(d: Record<string, unknown>): string {
  if (Array.isArray(d['reasons'])) return `; ${(d['reasons'] as unknown[]).join('; ')}`;
  const at = d['file'] ? ` ${String(d['file'])}${d['line'] ? `:${String(d['line'])}` : ''}` : '';
  return `; ${String(d['source'] ?? 'stated')}${at}, resolved by ${String(d['how'] ?? '?')}`;
}

function describeEvidence(e: Evidence): string {
  switch (e.kind) {
    case 'work':
      return `paper "${e.title ?? e.work_id}" (${e.year ?? 'no year'}, ${e.authors} authors)`;
    case 'contact':
      return `your contact, strength ${e.strength}${e.note ? ` — "${e.note}"` : ''} (${e.file}:${e.line})`;
    case 'mentor':
      return `mentorship (${e.source}${e.detail ? `: ${e.detail}` : ''}, confidence ${e.confidence ?? 1})`;
    case 'mentorship':
    case 'mentorship-inferred':
      return `${e.kind} "${e.relation ?? 'mentor'}" (${e.start_year ?? '?'}–${e.end_year ?? '?'}, confidence ${e.confidence}${mentorshipSource(e.detail)})`;
    default:
      return `co-authorship ${e.year ?? ''} (${e.source}${e.detail ? `: ${e.detail}` : ''})`;
  }
}

export const introCommand: Command = {
  name: 'intro',
  summary: 'Warm introductions: the k best paths from your contacts to a person, each tie with its evidence',
  usage: `atlas intro <target> --owner NAME [--k 5] [--max-hops 4] [--half-life 5] [--ref-year Y] [--json]

  <target>           person id, ORCID/OpenAlex/OpenReview/DBLP id, or exact name (ambiguous names list the candidates)
  --k N              number of paths (default ${DEFAULT_INTRO.k})
${TIE_USAGE}
Paths are ranked by cost Σ −ln(1 − e^−w) (docs/network.md).`,
  options: { ...TIE_OPTIONS, k: { type: 'string' } },
  positionals: true,
  async run(ctx, values, positionals) {
    const target = positionals.join(' ').trim();
    if (!target) throw badArgument('name a target: `atlas intro <person id | ORCID | name> --owner NAME`');
    const flags = tieFlags(values);
    const k = numberFlag(values, 'k', true) ?? DEFAULT_INTRO.k;
    const store = await ctx.store();
    const result = await introPaths(store, target, { ...flags, k });
    await auditCli(store, { action: 'intro.query', target: result.params.target, detail: { owner: result.params.owner, query: target } });
    if (ctx.json) return void printJson(ctx.stdout, result);
    const p = result.params;
    const names = await nodeNames(store, result.paths.flatMap((x) => x.nodes));
    const out: string[] = [`Introductions to ${p.target_name ?? p.target} (${p.target}) for ${p.owner}`];
    out.push(`parameters: k=${p.k} maxHops=${p.maxHops} halfLife=${p.halfLife} maxAuthors=${p.maxAuthors} refYear=${p.refYear}`);
    if (result.paths.length === 0) out.push(`no path within ${p.maxHops} hops from ${p.owner}'s contacts to ${p.target_name ?? p.target}`);
    result.paths.forEach((path, i) => {
      out.push('', `${i + 1}. ${path.nodes.map((n) => names.get(n) ?? n).join(' → ')}   strength ${path.strength.toFixed(4)}  cost ${path.cost.toFixed(4)}`);
      for (const h of path.hops) {
        out.push(`   ${names.get(h.from) ?? h.from} — ${names.get(h.to) ?? h.to}  (w ${h.weight.toFixed(3)})`);
        const shown = h.evidence.slice(0, 5);
        for (const e of shown) out.push(`     · ${describeEvidence(e)}`);
        if (h.evidence.length > shown.length) out.push(`     · … and ${h.evidence.length - shown.length} more (--json lists all)`);
      }
    });
    ctx.stdout.write(out.join('\n') + '\n');
  },
};
