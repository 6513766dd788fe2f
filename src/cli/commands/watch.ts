/** `atlas watch …` and `atlas alerts …`: watchlists and the alerts each ingest or pull brings (src/teams/). */
import { AtlasError, badArgument } from '../../core/errors.ts';
import { describeAlert, listAlerts, markAlertsRead, startWatching } from '../../teams/alerts.ts';
import { sweepAndNotify, notifyLine } from '../../teams/notify.ts';
import { listWatches, removeWatch, type WatchSearchFilters } from '../../teams/watchlists.ts';
import { deliverPending, getWebhook, listDeliveries, removeWebhook, setWebhook } from '../../teams/webhook.ts';
import { actingUser } from '../acting-user.ts';
import type { Command } from '../command.ts';
import { formatTable, printJson } from '../output.ts';
import { cohortFromFlags, countryArg } from './flows.ts';

const WATCH_USAGE = `atlas watch person PERSON                     a person (id, identifier or exact name)
atlas watch search "QUERY" [--limit N] [--origin CC] [--country CC] [--career-age A..B] [--min-h N]
                                              the top N (default 50, ≤ 200) people of a search, as \`atlas search\`
atlas watch cohort [--origin CC] [--institution I] [--venue V --year Y]
                                              a cohort, as \`atlas flows\` (≤ 5,000 people)
atlas watch list
atlas watch remove WATCH_ID

  --user NAME   whose watch (required once the atlas has users: an active recruiter or admin)
  A new watch takes what is known now as seen; each later ingest or pull reports the followed people's new
  confirmed country moves, new institutions and new works (\`atlas alerts\`). See docs/teams.md.`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'Watch a person, a search or a cohort: new moves, affiliations and works after each ingest',
  usage: WATCH_USAGE,
  options: {
    user: { type: 'string' }, limit: { type: 'string' }, origin: { type: 'string' }, country: { type: 'string' }, 'career-age': { type: 'string' }, 'min-h': { type: 'string' },
    institution: { type: 'string' }, venue: { type: 'string' }, year: { type: 'string' },
  },
  positionals: true,
  async run(ctx, values, args) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    const user = await actingUser(store, values['user'] as string | undefined);
    const out = (value: unknown, text: string) => (ctx.json ? printJson(ctx.stdout, value) : void ctx.stdout.write(text));
    const started = (w: Awaited<ReturnType<typeof startWatching>>) => out(w, `${user} watches ${w.label} (${w.watch_id}): following ${w.following} ${w.following === 1 ? 'person' : 'people'}; alerts come with the next ingest\n`);
    switch (sub) {
      case 'person': {
        if (!rest.length) throw badArgument('usage: atlas watch person PERSON');
        return started(await startWatching(store, user, { kind: 'person', person: rest.join(' ') }));
      }
      case 'search': {
        if (!rest.length) throw badArgument('usage: atlas watch search "QUERY" [--limit N]');
        const filters: WatchSearchFilters = {};
        if (values['origin'] !== undefined) filters.origin = countryArg('--origin', values['origin'] as string);
        if (values['country'] !== undefined) filters.country = countryArg('--country', values['country'] as string);
        if (values['career-age'] !== undefined) filters.careerAge = values['career-age'] as string;
        if (values['min-h'] !== undefined) filters.minH = values['min-h'] as string;
        const raw = values['limit'] as string | undefined;
        if (raw !== undefined && !/^\d+$/.test(raw)) throw badArgument(`--limit must be a whole number from 1 to 200, got "${raw}"`);
        return started(await startWatching(store, user, { kind: 'search', query: rest.join(' '), filters, limit: raw === undefined ? 50 : Number(raw) }));
      }
      case 'cohort': {
        const cohort = await cohortFromFlags(ctx, values);
        if (!cohort) throw badArgument('usage: atlas watch cohort [--origin CC] [--institution I] [--venue V --year Y]');
        return started(await startWatching(store, user, { kind: 'cohort', cohort }));
      }
      case 'list': {
        const ws = await listWatches(store, user);
        return out({ user, watches: ws }, ws.length ? formatTable(ws.map((w) => ({ id: w.watch_id, watch: w.label, following: w.following, unread: w.unread, swept: w.swept_at ?? '', error: w.last_error ?? '' }))) : `${user} watches nothing yet: \`atlas watch person|search|cohort …\`\n`);
      }
      case 'remove': {
        if (!rest[0]) throw badArgument('usage: atlas watch remove WATCH_ID');
        const r = await removeWatch(store, user, rest[0]);
        return out(r, `stopped watching ${r.removed} (${r.alerts} alerts removed)\n`);
      }
      default:
        throw new AtlasError('BAD_ARGUMENT', `${sub ? `unknown subcommand "${sub}"` : 'what to watch?'}; usage:\n${WATCH_USAGE}`);
    }
  },
};

const ALERTS_USAGE = `atlas alerts [--all] [--limit N] [--mark-read]   your unread alerts (--all: read ones too), newest first
atlas alerts read [SEQ]                          mark alerts read (up to SEQ; default all)
atlas alerts webhook set URL [--secret S]        POST new alerts to URL, HMAC-signed (a new secret is printed once)
atlas alerts webhook show|remove
atlas alerts deliver                             send pending webhook deliveries now

  --user NAME   whose alerts (required once the atlas has users)
  Alerts are found after each ingest or pull; on data newer than the last sweep (an ingest killed before it),
  \`atlas alerts\` sweeps first. Webhook requests carry X-Atlas-Signature: sha256=HMAC(secret, timestamp + "." + body),
  X-Atlas-Timestamp and X-Atlas-Delivery; see docs/teams.md.`;

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'What is new about the people you watch; webhook delivery',
  usage: ALERTS_USAGE,
  options: { user: { type: 'string' }, all: { type: 'boolean' }, limit: { type: 'string' }, 'mark-read': { type: 'boolean' }, secret: { type: 'string' } },
  positionals: true,
  async run(ctx, values, args) {
    const [sub, ...rest] = args;
    const store = await ctx.store();
    const user = await actingUser(store, values['user'] as string | undefined);
    const out = (value: unknown, text: string) => (ctx.json ? printJson(ctx.stdout, value) : void ctx.stdout.write(text));
    switch (sub) {
      case undefined: {
        const swept = await sweepAndNotify(store, { owner: user });
        const line = notifyLine(swept);
        if (line && !ctx.json) ctx.stderr.write(`${line}\n`);
        const raw = values['limit'] as string | undefined;
        if (raw !== undefined && !/^\d+$/.test(raw)) throw badArgument(`--limit must be a whole number, got "${raw}"`);
        const alerts = await listAlerts(store, user, { unreadOnly: values['all'] !== true, limit: raw === undefined ? 100 : Number(raw) });
        if (values['mark-read'] === true && alerts.length) await markAlertsRead(store, user, alerts[0]!.seq);
        return out(
          { user, alerts, swept: swept.sweep.swept, errors: swept.sweep.errors },
          alerts.length ? formatTable(alerts.map((a) => ({ seq: a.seq, kind: a.kind, alert: describeAlert(a), watch: a.watch, at: a.created_at, read: a.read_at ? 'yes' : '' }))) : `no ${values['all'] === true ? '' : 'unread '}alerts for ${user}\n`,
        );
      }
      case 'read': {
        const seq = rest[0];
        if (seq !== undefined && !/^\d+$/.test(seq)) throw badArgument(`SEQ must be an alert's number (the seq column), got "${seq}"`);
        const r = await markAlertsRead(store, user, seq === undefined ? undefined : Number(seq));
        return out(r, `${r.marked} alerts marked read\n`);
      }
      case 'webhook': {
        const [what, url] = rest;
        if (what === 'set') {
          if (!url) throw badArgument('usage: atlas alerts webhook set URL [--secret S]');
          const w = await setWebhook(store, user, url, values['secret'] as string | undefined);
          return out(w, `new alerts of ${user} are POSTed to ${w.url}\nsigning secret (shown once; give it to the receiver): ${w.secret}\n`);
        }
        if (what === 'show') {
          const w = await getWebhook(store, user);
          const deliveries = await listDeliveries(store, user);
          return out({ webhook: w, deliveries }, w ? `${w.url} (since ${w.created_at})\n${deliveries.length ? formatTable(deliveries) : 'no deliveries yet\n'}` : `no webhook for ${user}\n`);
        }
        if (what === 'remove') {
          const r = await removeWebhook(store, user);
          return out(r, r.removed ? `webhook removed (${r.pending_dropped} pending deliveries dropped)\n` : `no webhook for ${user}\n`);
        }
        throw badArgument('usage: atlas alerts webhook set URL [--secret S] | show | remove');
      }
      case 'deliver': {
        const r = await deliverPending(store, { owner: user });
        return out({ deliveries: r }, r.length ? formatTable(r.map((d) => ({ ...d }))) : 'nothing pending\n');
      }
      default:
        throw new AtlasError('BAD_ARGUMENT', `unknown subcommand "${sub}"; usage:\n${ALERTS_USAGE}`);
    }
  },
};
