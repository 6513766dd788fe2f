/** `atlas mentors <person>`: stated and inferred mentors and mentees with evidence; `--evaluate`: the inference against stated ties. */
import { badArgument } from '../../core/errors.ts';
import { evaluateMentors, mentorsOf, refreshMentorships, type MentorTie } from '../../mentors/index.ts';
import { resolvePerson } from '../../store/repo/people.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

/** The evidence of a tie in one line: the stated relation's file, line and resolution, or the inference's reasons. */
export function evidenceLine(t: MentorTie): string {
  const e = t.evidence;
  if (Array.isArray(e['reasons'])) return (e['reasons'] as unknown[]).join('; ');
  const at = e['file'] ? `${String(e['file'])}${e['line'] ? `:${String(e['line'])}` : ''}` : 'file unknown';
  const how = String(e['how'] ?? '?');
  const reason = e['reason'] ? ` (${String(e['reason'])})` : '';
  return `${t.source} ${at}; "${t.relation ?? ''}" ${t.start_year ?? '?'}–${t.end_year ?? '?'}; resolved by ${how}${reason}`;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

function tiesTable(ties: readonly MentorTie[]): string {
  return formatTable(
    ties.map((t) => ({
      person: `${t.display_name ?? t.person_id}${t.relation_only ? ' (known only from the relation)' : ''}`,
      id: t.person_id,
      kind: t.kind,
      relation: t.relation,
      confidence: t.confidence,
      years: `${t.start_year ?? '?'}–${t.end_year ?? '?'}`,
      evidence: evidenceLine(t),
    })),
  );
}

export const mentorsCommand: Command = {
  name: 'mentors',
  summary: 'Mentors and mentees of a person (stated and inferred, with evidence); --evaluate: inferred vs stated ties',
  usage: `atlas mentors <person> [--json]
atlas mentors --evaluate [--json]
atlas mentors --refresh [--json]

  <person>     person id, identifier (openreview:~First_Last1, ORCID, …) or exact name
  --evaluate   on the people with a stated mentor, compare the raw inference (before stated ties replace
               inferred ones) with the stated ties: precision, recall and n
  --refresh    recompute the mentorship ties now (ingest does this after every load)
Stated ties come from profile relations (docs/network.md "Mentorship, stated"); inferred ones from a student's
co-authors during the doctorate or master window ("Mentorship, inferred"), each with its confidence and reasons.`,
  options: { evaluate: { type: 'boolean' }, refresh: { type: 'boolean' } },
  positionals: true,
  async run(ctx, values, positionals) {
    const query = positionals.join(' ').trim();
    const store = await ctx.store();
    if (values['refresh']) {
      if (query) throw badArgument('--refresh takes no person');
      const r = await store.withWriterLock(() => refreshMentorships(store));
      if (ctx.json) return printJson(ctx.stdout, r);
      ctx.stdout.write(
        `mentorships refreshed in ${r.ms.total} ms: ${r.stated} stated (${r.relations.resolved} relations resolved, ${r.relations.ambiguous} ambiguous, ${r.relations.new} new people, ${r.relations.dropped} dropped), ${r.inferred} inferred (${r.replacedByStated} replaced by stated ties)\n`,
      );
      return;
    }
    if (values['evaluate']) {
      if (query) throw badArgument('--evaluate takes no person: it evaluates everyone with a stated mentor');
      const ev = await evaluateMentors(store);
      if (ctx.json) return printJson(ctx.stdout, ev);
      ctx.stdout.write(
        [
          `Inferred vs stated mentorship, on the ${ev.people} people with a stated mentor (${ev.withStudentWindow} of them have a student window the inference can read)`,
          `stated ties ${ev.stated}, inferred ties ${ev.inferred}, matching ${ev.correct}`,
          `precision ${pct(ev.precision)}  recall ${pct(ev.recall)}  (n = ${ev.people} people)`,
          ev.people < 30 ? `n is small: these figures say little; more profiles with stated advisors (OpenReview, Wikidata P184) would make them meaningful` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
      return;
    }
    if (!query) throw badArgument('name a person: `atlas mentors <person id | identifier | name>`, or `atlas mentors --evaluate`');
    const p = await resolvePerson(store, query);
    const r = await mentorsOf(store, p.person_id);
    if (ctx.json) return printJson(ctx.stdout, r);
    const out = [`Mentors of ${r.display_name ?? r.person_id} (${r.person_id})`, tiesTable(r.mentors), `Mentees of ${r.display_name ?? r.person_id}`, tiesTable(r.mentees)];
    ctx.stdout.write(out.join('\n'));
  },
};
