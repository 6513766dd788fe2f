/** `atlas person <id or name>`: identifiers, institution-years timeline, education (stated/observed), mentors and mentees, works and citations. */
import { AtlasError } from '../../core/errors.ts';
import { personProfile } from '../../store/repo/person-profile.ts';
import type { MentorTie } from '../../store/repo/mentorship-ties.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { auditCli } from '../../teams/audit.ts';

export const personCommand: Command = {
  name: 'person',
  summary: 'one person: identifiers, institutions by year, education, mentors and mentees, works, citations',
  usage: 'atlas person <person id | ORCID | OpenAlex id | OpenReview id | name> [--works N] [--json]',
  positionals: true,
  options: { works: { type: 'string', default: '20' } },
  async run(ctx, values, args) {
    const q = args.join(' ').trim();
    if (!q) throw new AtlasError('BAD_ARGUMENT', 'give a person id, identifier or name');
    const n = Number(values['works']);
    if (!Number.isInteger(n) || n < 0 || n > 1000) throw new AtlasError('BAD_ARGUMENT', '--works must be an integer 0..1000');
    const store = await ctx.store();
    const p = await personProfile(store, q, n);
    await auditCli(store, { action: 'profile.view', target: p.person_id, detail: { query: q } });
    if (ctx.json) return void printJson(ctx.stdout, p);
    ctx.stdout.write(`${p.display_name ?? '(no name)'}  [${p.person_id}]\n`);
    ctx.stdout.write(`identifiers: ${p.identifiers.map((i) => `${i.scheme}:${i.value}`).join('  ')}\n`);
    ctx.stdout.write(`citations (works in store): ${p.citations}${p.source_h_index !== null ? `   h-index (source, author level): ${p.source_h_index}` : ''}\n\n`);
    ctx.stdout.write('institutions by year:\n');
    ctx.stdout.write(formatTable(p.timeline, ['year', 'institution', 'country', 'role', 'sources']));
    if (p.education.length) {
      ctx.stdout.write('\neducation (basis: stated = a source says so, observed = from paper-list positions):\n');
      const years = (s: number | null, e: number | null) => (s === null && e === null ? '' : s === e ? String(s) : `${s ?? '?'}–${e ?? 'open'}`);
      ctx.stdout.write(
        formatTable(
          p.education.map((e) => ({ ...e, institution: e.institution ?? e.institution_id, years: years(e.start_year, e.end_year), position: e.role_title })),
          ['degree', 'institution', 'country', 'years', 'basis', 'source', 'position'],
        ),
      );
    }
    const tieRows = (ts: MentorTie[]) =>
      ts.map((t) => ({ ...t, name: t.display_name ?? '', years: t.start_year === null && t.end_year === null ? '' : `${t.start_year ?? '?'}–${t.end_year ?? ''}`, confidence: t.confidence }));
    for (const [label, list] of [['mentors', p.mentors], ['mentees', p.mentees]] as const) {
      if (!list.length) continue;
      ctx.stdout.write(`\n${label} (kind mentorship = stated, mentorship-inferred = inferred from co-authorship and positions):\n`);
      ctx.stdout.write(formatTable(tieRows(list), ['person_id', 'name', 'kind', 'relation', 'confidence', 'years', 'source']));
    }
    ctx.stdout.write(`\nworks (latest ${p.works.length}):\n`);
    ctx.stdout.write(formatTable(p.works, ['year', 'title', 'venue', 'cited_by_count', 'status']));
  },
};
