/** `atlas institution <id or name>`: who is there now, where they studied and worked before, where alumni and former staff went. */
import { badArgument } from '../../core/errors.ts';
import { findInstitutions, institutionTalent, resolveInstitution } from '../../careers/index.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { careersReady, paramsLine, restsOnLine } from './flows.ts';

export const institutionCommand: Command = {
  name: 'institution',
  summary: "An institution's talent both ways: people there now, their feeders (education, previous affiliation), where alumni and former staff went",
  usage: `atlas institution <institution id | name> [--top N] [--json]
atlas institution --find TEXT [--json]

  --top N       rows per table (default 15)
  --find TEXT   list institutions whose name or id contains TEXT, with how many people are there now

There now = careers.current_institution (the institution walk of docs/mobility.md). Studied = education records of the
people there now (stated and observed, a person with both counts in both columns). Worked before = confirmed
institution-level moves into it. Alumni = people with an education record there; former staff = people with a
confirmed move out whose current institution is another one.`,
  positionals: true,
  options: { top: { type: 'string', default: '15' }, find: { type: 'string' } },
  async run(ctx, values, args) {
    const top = Number(values['top']);
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw badArgument(`--top must be a whole number 1..1000 (got "${String(values['top'])}")`);
    const store = await ctx.store();
    await careersReady(store);
    const find = values['find'] as string | undefined;
    if (find !== undefined) {
      if (args.length) throw badArgument('give either an institution or --find TEXT, not both');
      if (find.trim().length < 2) throw badArgument('--find needs at least two characters');
      const found = await findInstitutions(store, find, top);
      if (ctx.json) return printJson(ctx.stdout, found);
      return void ctx.stdout.write(formatTable(found, ['institution_id', 'name', 'country', 'current']));
    }
    const q = args.join(' ').trim();
    if (!q) throw badArgument('give an institution id or name, e.g. `atlas institution "Tsinghua University"` (or --find TEXT)');
    const r = await institutionTalent(store, await resolveInstitution(store, q));
    if (ctx.json) return printJson(ctx.stdout, r);
    const t = <T extends Record<string, unknown>>(rows: T[], cols: string[]) => formatTable(rows.slice(0, top), cols);
    const name = (rows: Array<{ institution_id: string; name: string | null }>) => rows.map((x) => ({ ...x, name: x.name ?? x.institution_id }));
    ctx.stdout.write(`${r.institution.name ?? r.institution.institution_id}  [${r.institution.institution_id}]  ${r.institution.country ?? ''}\n`);
    ctx.stdout.write(paramsLine({ institution: r.institution.institution_id, ...r.params.career }));
    ctx.stdout.write(`\nthere now: ${r.current.people} people (current institution); ${r.current.activeInReferenceYear} with an affiliation-year there in the reference year ${r.params.career['referenceYear'] ?? '?'}\n`);
    ctx.stdout.write(restsOnLine('there now', r.current.originRestsOn));
    ctx.stdout.write('by origin\n' + t(r.current.byOrigin, ['country', 'people']));
    ctx.stdout.write(`people (most works in the store first)\n${t(r.current.members, ['person_id', 'display_name', 'origin', 'current_country', 'works'])}`);
    ctx.stdout.write(`\nwhere they studied: ${r.studied.people} of them have an education record (stated/observed: people with a record of that basis)\n`);
    ctx.stdout.write(t(name(r.studied.institutions), ['name', 'country', 'people', 'stated', 'observed']));
    ctx.stdout.write(t(r.studied.countries, ['country', 'people', 'stated', 'observed']));
    ctx.stdout.write(`\nwhere they worked before: ${r.workedBefore.moves} confirmed moves in, by ${r.workedBefore.people} people\n`);
    ctx.stdout.write(t(name(r.workedBefore.institutions), ['name', 'country', 'people', 'moves']));
    ctx.stdout.write(t(r.workedBefore.countries, ['country', 'people']));
    ctx.stdout.write(`\nalumni (an education record there): ${r.alumni.people}, ${r.alumni.stillHere} still there; now in\n`);
    ctx.stdout.write(t(r.alumni.byCurrentCountry, ['country', 'people']));
    ctx.stdout.write(t(name(r.alumni.byCurrentInstitution), ['name', 'country', 'people']));
    ctx.stdout.write(`\nformer staff (a confirmed move out, now elsewhere): ${r.formerStaff.people}; moved to\n`);
    ctx.stdout.write(t(name(r.formerStaff.movedTo), ['name', 'country', 'people', 'moves']));
    ctx.stdout.write('now in\n' + t(r.formerStaff.byCurrentCountry, ['country', 'people']));
    ctx.stdout.write(t(name(r.formerStaff.byCurrentInstitution), ['name', 'country', 'people']));
  },
};
