/** `atlas shortlist …`: the recruiting pipeline from the command line (src/teams/shortlists.ts). */
import { writeFile } from 'node:fs/promises';
import { AtlasError, badArgument } from '../../core/errors.ts';
import { auditCli } from '../../teams/audit.ts';
import {
  addToShortlist,
  createShortlist,
  deleteShortlist,
  entryHistory,
  listShortlists,
  removeFromShortlist,
  setShares,
  shortlistBoard,
  shortlistCsv,
  STAGES,
  updateEntry,
} from '../../teams/shortlists.ts';
import { actingUser } from '../acting-user.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';

const USAGE = `atlas shortlist list                                   your lists and those shared with you
atlas shortlist create NAME
atlas shortlist show LIST                              the board: people by stage
atlas shortlist add LIST PERSON [--stage S] [--note TEXT]
atlas shortlist move LIST PERSON STAGE [--note TEXT]
atlas shortlist note LIST PERSON TEXT
atlas shortlist remove LIST PERSON
atlas shortlist history LIST [PERSON]
atlas shortlist share LIST [USER ...]                  exactly these users (none: private again)
atlas shortlist export LIST [--out FILE.csv]
atlas shortlist delete LIST

  --user NAME   who acts (required once the atlas has users: an active recruiter or admin; default "local")
  LIST          a list id (sl_…) or the name of one of your lists
Stages: ${STAGES.join(' → ')}`;

export const shortlistCommand: Command = {
  name: 'shortlist',
  summary: 'Recruiting pipeline: shortlists of people moving through stages, with notes, sharing and CSV export',
  usage: USAGE,
  options: { user: { type: 'string' }, stage: { type: 'string' }, note: { type: 'string' }, out: { type: 'string' } },
  positionals: true,
  async run(ctx, values, args) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    const user = await actingUser(store, values['user'] as string | undefined);
    const note = values['note'] as string | undefined;
    const need = (n: number, what: string) => {
      if (rest.length < n) throw badArgument(`usage: atlas shortlist ${sub} ${what}`);
    };
    const write = <T>(fn: () => Promise<T>) => store.withWriterLock(fn);
    const out = (value: unknown, text: string) => (ctx.json ? printJson(ctx.stdout, value) : void ctx.stdout.write(text));
    switch (sub) {
      case 'list': {
        const lists = await listShortlists(store, user);
        return out({ user, shortlists: lists }, lists.length ? formatTable(lists.map((l) => ({ id: l.shortlist_id, name: l.name, owner: l.owner, people: l.people, ...l.by_stage, shared_with: l.shared_with.join(' ') }))) : 'no shortlists yet: `atlas shortlist create NAME`\n');
      }
      case 'create': {
        need(1, 'NAME');
        const s = await write(() => createShortlist(store, user, rest.join(' ')));
        return out(s, `created shortlist "${s.name}" (${s.shortlist_id}) for ${s.owner}\n`);
      }
      case 'show': {
        need(1, 'LIST');
        const b = await shortlistBoard(store, user, rest[0] as string);
        const rows = b.stages.flatMap((c) => c.people.map((p) => ({ stage: c.stage, person_id: p.person_id, name: p.display_name, note: p.note, updated: `${p.updated_at} by ${p.updated_by}` })));
        return out(b, `${b.shortlist.name} (${b.shortlist.shortlist_id}) of ${b.shortlist.owner}${b.shortlist.shared_with.length ? `, shared with ${b.shortlist.shared_with.join(', ')}` : ''}: ${b.total} people\n${formatTable(rows)}`);
      }
      case 'add': {
        need(2, 'LIST PERSON [--stage S] [--note TEXT]');
        const e = await write(() => addToShortlist(store, user, rest[0] as string, rest.slice(1).join(' '), { stage: values['stage'] as string | undefined, note }));
        return out(e, `${e.display_name ?? e.person_id} (${e.person_id}) is on the list at ${e.stage}\n`);
      }
      case 'move': {
        need(3, 'LIST PERSON STAGE [--note TEXT]');
        const e = await write(() => updateEntry(store, user, rest[0] as string, rest[1] as string, { stage: rest[2], note }));
        return out(e, `${e.display_name ?? e.person_id} → ${e.stage}\n`);
      }
      case 'note': {
        need(3, 'LIST PERSON TEXT');
        const e = await write(() => updateEntry(store, user, rest[0] as string, rest[1] as string, { note: rest.slice(2).join(' ') }));
        return out(e, `note on ${e.display_name ?? e.person_id} saved\n`);
      }
      case 'remove': {
        need(2, 'LIST PERSON');
        const r = await write(() => removeFromShortlist(store, user, rest[0] as string, rest[1] as string));
        return out(r, `removed ${r.removed}\n`);
      }
      case 'history': {
        need(1, 'LIST [PERSON]');
        const h = await entryHistory(store, user, rest[0] as string, rest[1]);
        return out({ events: h }, formatTable(h));
      }
      case 'share': {
        need(1, 'LIST [USER ...]');
        const shared = await write(() => setShares(store, user, rest[0] as string, rest.slice(1)));
        return out({ shared_with: shared }, shared.length ? `shared with ${shared.join(', ')}\n` : 'private: shared with nobody\n');
      }
      case 'export': {
        need(1, 'LIST [--out FILE.csv]');
        const r = await shortlistCsv(store, user, rest[0] as string);
        await auditCli(store, { action: 'export', target: null, detail: { shortlist: r.shortlist.shortlist_id, rows: r.rows } });
        const file = values['out'] as string | undefined;
        if (!file) return void ctx.stdout.write(r.csv);
        await writeFile(file, r.csv);
        ctx.stderr.write(`wrote ${r.rows} rows to ${file}\n`);
        return;
      }
      case 'delete': {
        need(1, 'LIST');
        const r = await write(() => deleteShortlist(store, user, rest[0] as string));
        return out(r, `deleted ${r.deleted} (${r.people} people)\n`);
      }
      default:
        throw new AtlasError('BAD_ARGUMENT', `${sub ? `unknown subcommand "${sub}"` : 'what to do?'}; usage:\n${USAGE}`);
    }
  },
};
