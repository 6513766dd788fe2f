/**
 * Watchlists and alerts on real paper lists (CoRL 2021, then 2022–2023, then 2024), on DuckDB and PostgreSQL.
 * What a sweep reports is checked against an independent oracle: the followed people's works, institutions and
 * confirmed country moves read straight from the store before and after the ingest. Then: a second sweep reports
 * nothing; a sweep that never ran is made up by the next; one user never sees another's watches or alerts;
 * erasure removes a person from watches and alerts; webhooks are signed, retried through faults and kept in an
 * outbox, against a receiver on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareersKeepingParams } from '../careers/refresh-careers.ts';
import { dataPath } from '../core/paths.ts';
import { erasePerson } from '../identity/erase.ts';
import { ingestFiles } from '../ingest/run-ingest.ts';
import { refreshMentorships } from '../mentors/refresh-mentorships.ts';
import { BACKENDS, openFreshStore } from '../store/test-backends.ts';
import type { Store } from '../store/store.ts';
import { listAlerts, markAlertsRead, startWatching, sweepWatches, type AlertRow } from './alerts.ts';
import { cliActor } from './audit.ts';
import { sweepAndNotify } from './notify.ts';
import { addUser } from './users.ts';
import { listWatches, ownWatch, removeWatch } from './watchlists.ts';
import { deliverPending, listDeliveries, setWebhook, verifySignature } from './webhook.ts';

const paperlist = (f: string) => dataPath('paperlists', `${f}.json.gz`);

async function ingest(store: Store, files: string[]): Promise<void> {
  await ingestFiles(store, files.map(paperlist));
  await refreshCareersKeepingParams(store);
  await refreshMentorships(store);
}

/** The followed people's facts straight from the store: the oracle a sweep's alerts are checked against. */
async function factsOf(store: Store, people: readonly string[]): Promise<Set<string>> {
  const list = people.map((p) => `'${p.replace(/'/g, "''")}'`).join(', ');
  const out = new Set<string>();
  for (const r of await store.query<{ person_id: string; work_id: string }>(`SELECT DISTINCT person_id, work_id FROM authorships WHERE person_id IN (${list})`)) out.add(`${r.person_id} work ${r.work_id}`);
  for (const r of await store.query<{ person_id: string; institution_id: string }>(`SELECT DISTINCT person_id, institution_id FROM affiliation_years WHERE institution_id IS NOT NULL AND person_id IN (${list})`)) out.add(`${r.person_id} affiliation ${r.institution_id}`);
  for (const r of await store.query<{ person_id: string; from_place: string; to_place: string; year: number }>(`SELECT person_id, from_place, to_place, year FROM moves WHERE level = 'country' AND person_id IN (${list})`)) out.add(`${r.person_id} move ${r.from_place}>${r.to_place}@${r.year}`);
  return out;
}

const keyOf = (a: AlertRow) => {
  const d = a.detail as Record<string, string | number>;
  if (a.kind === 'work') return `${a.person_id} work ${d['work_id']}`;
  if (a.kind === 'affiliation') return `${a.person_id} affiliation ${d['institution_id']}`;
  if (a.kind === 'move') return `${a.person_id} move ${d['from']}>${d['to']}@${d['year']}`;
  return `${a.person_id} match`;
};

const corl2021Authors = (store: Store) =>
  store.query<{ person_id: string }>(`SELECT DISTINCT au.person_id FROM authorships au JOIN works w ON w.work_id = au.work_id WHERE w.venue = 'CoRL' AND w.year = 2021 ORDER BY 1`).then((r) => r.map((x) => x.person_id));

for (const backend of BACKENDS) {
  describe(`watchlists and alerts (${backend})`, () => {
    let store: Store;
    let cohortWatch = '';
    let personWatch = '';
    let followed: string[] = [];
    let watchedPerson = '';

    beforeAll(async () => {
      store = await openFreshStore(backend);
      await ingest(store, ['corl2021']);
      for (const [name, role] of [['alice', 'recruiter'], ['bob', 'recruiter']] as const) await addUser(store, name, role, cliActor());
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    it('a new watch takes what is known as seen: no alerts before the next ingest', async () => {
      const w = await startWatching(store, 'alice', { kind: 'cohort', cohort: { venue: { venue: 'CoRL', year: 2021 } } });
      cohortWatch = w.watch_id;
      followed = await corl2021Authors(store);
      expect(w.following).toBe(followed.length);
      expect(w.label).toBe('cohort: CoRL 2021 authors');
      // bob follows one CoRL 2021 author, the one with the most papers (likely to publish again)
      const [top] = await store.query<{ person_id: string }>(
        `SELECT au.person_id FROM authorships au JOIN works w ON w.work_id = au.work_id WHERE w.year = 2021 GROUP BY au.person_id ORDER BY COUNT(*) DESC, au.person_id LIMIT 1`,
      );
      watchedPerson = top!.person_id;
      personWatch = (await startWatching(store, 'bob', { kind: 'person', person: watchedPerson })).watch_id;
      await startWatching(store, 'alice', { kind: 'search', query: 'robot manipulation', filters: {}, limit: 20 });
      expect(await listAlerts(store, 'alice')).toEqual([]);
      expect((await sweepWatches(store)).swept).toBe(0); // nothing changed since
      await expect(startWatching(store, 'alice', { kind: 'cohort', cohort: { venue: { venue: 'CoRL', year: 2021 } } })).rejects.toThrow(/already watch/);
    });

    it('after an ingest: exactly the new works, institutions and confirmed moves of the followed, per the store', async () => {
      const before = await factsOf(store, followed);
      await ingest(store, ['corl2022', 'corl2023']);
      const r = await sweepAndNotify(store);
      expect(r.sweep.swept).toBe(3);
      const after = await factsOf(store, followed);
      const expected = [...after].filter((f) => !before.has(f)).sort();
      const got = (await listAlerts(store, 'alice', { watch: cohortWatch, limit: 10_000 })).map(keyOf).sort();
      expect(got).toEqual(expected);
      expect(got.filter((k) => k.includes(' work ')).length).toBeGreaterThan(100); // real data: 183 of them publish again
      expect(got.some((k) => k.includes(' affiliation '))).toBe(true);
      // bob's person watch: that person's new facts, and only bob sees them
      const bobs = (await listAlerts(store, 'bob')).map(keyOf).sort();
      expect(bobs).toEqual(expected.filter((k) => k.startsWith(`${watchedPerson} `)));
      expect(bobs.length).toBeGreaterThan(0);
      expect((await listAlerts(store, 'alice')).some((a) => a.watch_id === personWatch)).toBe(false);
      await expect(ownWatch(store, 'alice', personWatch)).rejects.toThrow(/no watch/);
      await expect(removeWatch(store, 'alice', personWatch)).rejects.toThrow(/no watch/);
      // the search watch follows the top 20 now; people who came into it are one `match` each, not their old facts
      const search = (await listWatches(store, 'alice')).find((w) => w.kind === 'search')!;
      const searchAlerts = await listAlerts(store, 'alice', { watch: search.watch_id, limit: 10_000 });
      for (const a of searchAlerts.filter((x) => x.kind === 'match')) expect(searchAlerts.filter((x) => x.person_id === a.person_id && x.kind !== 'match')).toEqual([]);
    }, 120_000);

    it('a second sweep reports nothing; one that never ran is made up by the next, nothing twice', async () => {
      const [top] = await listAlerts(store, 'alice', { limit: 1 });
      expect((await sweepWatches(store)).swept).toBe(0);
      const before = await factsOf(store, followed);
      await ingest(store, ['corl2024']); // as if killed before its sweep: none runs here
      expect(await corl2021Authors(store)).toEqual(followed);
      const after = await factsOf(store, followed);
      const r = await sweepWatches(store);
      expect(r.swept).toBe(3);
      const fresh = await listAlerts(store, 'alice', { watch: cohortWatch, afterSeq: top!.seq, limit: 10_000 });
      const newFacts = [...after].filter((f) => !before.has(f)).sort();
      expect(newFacts.length).toBeGreaterThan(0);
      expect(fresh.map(keyOf).sort()).toEqual(newFacts);
      // nothing reported twice over the three ingests
      const all = (await listAlerts(store, 'alice', { watch: cohortWatch, limit: 100_000 })).map(keyOf);
      expect(new Set(all).size).toBe(all.length);
      expect((await sweepWatches(store)).swept).toBe(0);
    }, 120_000);

    it('marking read; erasure removes the person from watches, followed rows, seen facts and alerts', async () => {
      const unread = (await listAlerts(store, 'bob', { unreadOnly: true })).length;
      expect((await markAlertsRead(store, 'bob')).marked).toBe(unread);
      expect(await listAlerts(store, 'bob', { unreadOnly: true })).toEqual([]);
      await erasePerson(store, watchedPerson);
      for (const t of ['watches', 'watch_people', 'watch_seen', 'alerts']) {
        const [c] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t} WHERE person_id = $1`, [watchedPerson]);
        expect(Number(c!.n), t).toBe(0);
      }
      expect(await listWatches(store, 'bob')).toEqual([]);
      expect(await listAlerts(store, 'bob')).toEqual([]);
      expect((await listAlerts(store, 'alice', { limit: 10_000 })).some((a) => a.person_id === watchedPerson)).toBe(false);
    });
  });
}

describe('webhooks: signed, retried through faults, kept until delivered (DuckDB)', () => {
  let store: Store;
  let server: Server;
  let url = '';
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let faults: Array<'500' | 'reset' | '429' | '400' | 'html'> = [];
  const secret = 'test-secret-0123456789abcdef';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const f = faults.shift();
        if (f === 'reset') return req.socket.destroy();
        if (f === '500') return res.writeHead(500).end('oops');
        if (f === '429') return res.writeHead(429, { 'retry-after': '0' }).end();
        if (f === '400') return res.writeHead(400).end('bad');
        if (f === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>');
        return res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    store = await openFreshStore('duckdb');
    await ingest(store, ['corl2021']);
    await addUser(store, 'alice', 'recruiter', cliActor());
    await startWatching(store, 'alice', { kind: 'cohort', cohort: { venue: { venue: 'CoRL', year: 2021 } } });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await new Promise((r) => server?.close(r));
  });

  it('a 500, a reset and a 429 are retried; the delivery carries every new alert, signed', async () => {
    await setWebhook(store, 'alice', url, secret);
    faults = ['500', 'reset', '429'];
    await ingest(store, ['corl2022']);
    const r = await sweepAndNotify(store, { delivery: { baseDelayMs: 5 } });
    expect(r.deliveries).toHaveLength(1);
    expect(r.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 4, last_status: 204 });
    expect(received).toHaveLength(4);
    const last = received[received.length - 1]!;
    const body = JSON.parse(last.body) as { delivery: string; owner: string; alerts: Array<{ alert_id: string; text: string }> };
    expect(verifySignature(secret, String(last.headers['x-atlas-timestamp']), last.body, String(last.headers['x-atlas-signature']))).toBe(true);
    expect(verifySignature('another-secret-0123456789', String(last.headers['x-atlas-timestamp']), last.body, String(last.headers['x-atlas-signature']))).toBe(false);
    expect(verifySignature(secret, String(last.headers['x-atlas-timestamp']), last.body.replace('alice', 'mallory'), String(last.headers['x-atlas-signature']))).toBe(false);
    expect(body.delivery).toBe(last.headers['x-atlas-delivery']);
    expect(body.owner).toBe('alice');
    expect(body.alerts.map((a) => a.alert_id).sort()).toEqual(r.sweep.alertIds['alice']!.slice().sort());
    expect(body.alerts.length).toBeGreaterThan(10);
    expect(body.alerts[0]!.text.length).toBeGreaterThan(5);
    // every try of one delivery has the same id, so a receiver can drop repeats
    expect(new Set(received.map((x) => x.headers['x-atlas-delivery'])).size).toBe(1);
  }, 120_000);

  it('a receiver that is down keeps the delivery pending; the next run sends it; a 400 is not retried', async () => {
    received.length = 0;
    await setWebhook(store, 'alice', 'http://127.0.0.1:9/nothing-listens', secret);
    await ingest(store, ['corl2023']);
    const down = await sweepAndNotify(store, { delivery: { baseDelayMs: 1, attempts: 2 } });
    expect(down.deliveries[0]).toMatchObject({ status: 'pending', attempts: 2, last_status: null });
    expect(down.deliveries[0]!.last_error).toBeTruthy();
    await setWebhook(store, 'alice', url, secret);
    const later = await deliverPending(store, { baseDelayMs: 1 });
    expect(later[0]).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(received).toHaveLength(1);
    faults = ['400'];
    await ingest(store, ['corl2024']);
    const bad = await sweepAndNotify(store, { delivery: { baseDelayMs: 1 } });
    expect(bad.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, last_status: 400 });
    expect(received).toHaveLength(2);
    expect((await deliverPending(store)).length).toBe(0); // failed for good: not sent again
    expect((await listDeliveries(store, 'alice')).map((d) => d.status)).toEqual(['failed', 'delivered', 'delivered']);
  }, 120_000);

  it('refuses URLs it would not send to', async () => {
    await expect(setWebhook(store, 'alice', 'file:///etc/passwd')).rejects.toThrow(/only http/);
    await expect(setWebhook(store, 'alice', 'http://user:pw@127.0.0.1/')).rejects.toThrow(/user name or password/);
    await expect(setWebhook(store, 'alice', 'not a url')).rejects.toThrow(/bad webhook URL/);
  });
});

describe('watches and alerts over the API: each user sees only their own (DuckDB)', () => {
  let store: Store;
  let app: import('fastify').FastifyInstance;
  const keys: Record<string, string> = {};
  const call = async (user: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${keys[user]}` }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as any };
  };

  beforeAll(async () => {
    store = await openFreshStore('duckdb');
    await ingest(store, ['corl2021']);
    for (const [name, role] of [['alice', 'recruiter'], ['bob', 'recruiter'], ['vera', 'viewer']] as const) keys[name] = (await addUser(store, name, role, cliActor())).key;
    const { buildServer } = await import('../api/server.ts');
    app = await buildServer(store, { web: false, rateLimit: false });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('alice watches a cohort; bob cannot see, read or remove it; a viewer may not watch; no mass assignment', async () => {
    const made = await call('alice', 'POST', '/api/watches', { kind: 'cohort', venue: 'CoRL', year: 2021 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const id = made.body.watch_id as string;
    expect(made.body.following).toBeGreaterThan(400);
    expect((await call('alice', 'GET', '/api/watches')).body.items.map((w: { watch_id: string }) => w.watch_id)).toEqual([id]);
    expect((await call('bob', 'GET', '/api/watches')).body.items).toEqual([]);
    const other = await call('bob', 'DELETE', `/api/watches/${id}`);
    const missing = await call('bob', 'DELETE', '/api/watches/wa_doesnotexist00');
    expect(other.status).toBe(404);
    expect(other.body.message.replace(id, 'X')).toBe(missing.body.message.replace('wa_doesnotexist00', 'X'));
    expect((await call('vera', 'GET', '/api/alerts')).status).toBe(403);
    expect((await call('vera', 'POST', '/api/watches', { kind: 'person', person: 'x' })).status).toBe(403);
    expect((await call('bob', 'POST', '/api/watches', { kind: 'cohort', venue: 'CoRL', year: 2021, owner: 'alice' })).status).toBe(400);
    expect((await call('bob', 'POST', '/api/watches', { kind: 'cohort', venue: 'CoRL' })).status).toBe(400);

    await ingest(store, ['corl2022']);
    const alerts = await call('alice', 'GET', '/api/alerts?limit=1000');
    expect(alerts.status).toBe(200);
    expect(alerts.body.items.length).toBeGreaterThan(100);
    expect(alerts.body.items.every((a: { watch_id: string }) => a.watch_id === id)).toBe(true);
    expect((await call('bob', 'GET', '/api/alerts')).body.items).toEqual([]);
    const read = await call('alice', 'POST', '/api/alerts/read', { through: alerts.body.items[0].seq });
    expect(read.body.marked).toBe(alerts.body.items.length);
    expect((await call('alice', 'GET', '/api/alerts')).body.items).toEqual([]);
    expect((await call('alice', 'DELETE', `/api/watches/${id}`)).status).toBe(200);
  }, 120_000);
});
