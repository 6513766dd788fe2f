/**
 * The API of a team server in the spirit of the OWASP API Security Top 10, on both backends with the real OpenAlex
 * sample: missing or bad authentication, roles, object-level authorisation between two recruiters' contact lists
 * (another user's list is not found, not by name and not by guessing ids), mass assignment, injection in every
 * parameter of every route, oversized and mistyped bodies, rate limits, security headers, closed CORS, no stack
 * traces or SQL in answers, and the audit log (kept, read by admins, emptied of an erased person).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCareers } from '../careers/index.ts';
import { erasePerson } from '../identity/index.ts';
import { importContactsText } from '../network/index.ts';
import { BACKENDS, openFreshStore } from '../store/test-backends.ts';
import type { Store } from '../store/store.ts';
import { cliActor } from '../teams/audit.ts';
import { addUser, revokeUser, rotateKey } from '../teams/users.ts';
import { defineRoute } from './route.ts';
import { API_ROUTES } from './routes/index.ts';
import { buildServer, startServer } from './server.ts';
import { loadOpenAlexSample } from './test-fixture.ts';

const BOB_NOTE = 'bob-private-note-7f3a';
const INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE people; --', "x' UNION SELECT key_hash, key_salt FROM users --", '${7*7}{{7*7}}', '../../../../etc/passwd', '<script>alert(1)</script>', '\u0000', 'A'.repeat(180)];

/** A route that fails inside the database, to prove answers carry no SQL or stack. */
const BROKEN = defineRoute({
  url: '/api/test-broken',
  tag: 'test',
  role: 'viewer',
  summary: 'fails with a database error',
  returns: 'never',
  async handler(_i, { store }) {
    return store.query('SELECT no_such_column FROM people WHERE secret_marker = 1');
  },
});

for (const backend of BACKENDS) {
  describe(`team server security (${backend})`, () => {
    let store: Store;
    let app: FastifyInstance;
    const keys: Record<string, string> = {};
    let target = '';
    let aliceContacts: string[] = [];
    let bobContacts: string[] = [];

    const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: string, payload?: string | object, headers: Record<string, string> = {}) => {
      const res = await app.inject({
        method,
        url,
        headers: { ...(user ? { authorization: `Bearer ${keys[user] ?? user}` } : {}), ...headers },
        ...(payload === undefined ? {} : { payload }),
      });
      let body: any = res.body;
      try {
        body = res.json();
      } catch {
        // not JSON
      }
      return { status: res.statusCode, body, text: res.body, headers: res.headers };
    };

    beforeAll(async () => {
      store = await openFreshStore(backend);
      await loadOpenAlexSample(store);
      await refreshCareers(store);
      const actor = cliActor();
      for (const [name, role] of [['root', 'admin'], ['alice', 'recruiter'], ['bob', 'recruiter'], ['ann', 'analyst'], ['vera', 'viewer'], ['gone', 'recruiter']] as const) {
        keys[name] = (await addUser(store, name, role, actor)).key;
      }
      await revokeUser(store, 'gone', actor);
      // a target with at least four co-authors: two are alice's contacts, two are bob's
      const rows = await store.query<{ t: string; c: string; name: string }>(
        `WITH co AS (SELECT a.person_id AS t, b.person_id AS c FROM authorships a JOIN authorships b ON b.work_id = a.work_id AND b.person_id <> a.person_id GROUP BY a.person_id, b.person_id),
              n AS (SELECT t FROM co GROUP BY t HAVING COUNT(*) >= 4 ORDER BY t LIMIT 1)
         SELECT co.t, co.c, p.display_name AS name FROM co JOIN n ON n.t = co.t JOIN people p ON p.person_id = co.c ORDER BY co.c LIMIT 4`,
      );
      expect(rows).toHaveLength(4);
      target = rows[0]!.t;
      aliceContacts = rows.slice(0, 2).map((r) => r.c);
      bobContacts = rows.slice(2, 4).map((r) => r.c);
      const csv = (ids: string[], note: string) => `name,openalex,strength,note\n${ids.map((id) => `"${rows.find((r) => r.c === id)!.name}",${id},4,${note}`).join('\n')}\n`;
      await importContactsText(store, csv(aliceContacts, 'alice-note'), 'alice.csv', { owner: 'alice' });
      await importContactsText(store, csv(bobContacts, BOB_NOTE), 'bob.csv', { owner: 'bob' });
      app = await buildServer(store, { web: false, routes: [BROKEN], csvLimit: 64 * 1024, bodyLimit: 16 * 1024 });
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    it('every route needs a valid, current key: none, malformed, unknown, wrong secret, revoked and replaced keys get 401', async () => {
      for (const r of API_ROUTES) {
        const url = r.url.replace(/:([a-z_]+)/gi, 'X');
        const res = await call(r.method ?? 'GET', url);
        expect(res.status, `${r.method ?? 'GET'} ${url}`).toBe(401);
        expect(res.body.code).toBe('UNAUTHORIZED');
      }
      const wrongSecret = keys['alice']!.slice(0, -4) + (keys['alice']!.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const auth of ['Bearer', 'Basic YWxpY2U6eA==', 'Bearer not-a-key', `Bearer atl_000000000000_${'A'.repeat(43)}`, `Bearer ${wrongSecret}`, `Bearer ${keys['gone']}`]) {
        const res = await call('GET', '/api/stats', undefined, undefined, { authorization: auth });
        expect(res.status, auth).toBe(401);
      }
      expect((await call('GET', '/api/stats', 'vera')).status).toBe(200);
      const old = keys['ann']!;
      keys['ann'] = (await rotateKey(store, 'ann', cliActor())).key;
      expect((await call('GET', '/api/stats', old)).status).toBe(401);
      expect((await call('GET', '/api/stats', 'ann')).status).toBe(200);
    });

    it('a server just started lets no request in unchecked: simultaneous first requests without a key all get 401', async () => {
      const fresh = await buildServer(store, { web: false, rateLimit: false });
      try {
        const answers = await Promise.all(Array.from({ length: 8 }, () => fresh.inject({ method: 'GET', url: '/api/me' })));
        expect(answers.map((r) => r.statusCode)).toEqual(Array(8).fill(401));
      } finally {
        await fresh.close();
      }
    });

    it('roles: viewers read aggregates only, analysts profiles, recruiters intros, admins users and audit (403 otherwise)', async () => {
      const expectStatus = async (user: string, url: string, status: number) => expect((await call('GET', url, user)).status, `${user} ${url}`).toBe(status);
      for (const url of ['/api/stats', '/api/flows', '/api/cohort', '/api/net-rates', '/api/diaspora/CN', '/api/me']) await expectStatus('vera', url, 200);
      for (const url of ['/api/people', `/api/people/${target}`, `/api/people/${target}/career`, '/api/search?q=learning', '/api/moves']) {
        await expectStatus('vera', url, 403);
        await expectStatus('ann', url, 200);
      }
      for (const url of ['/api/owners', `/api/intro?target=${target}`, '/api/contacts']) {
        await expectStatus('ann', url, 403);
        await expectStatus('alice', url, 200);
      }
      for (const url of ['/api/users', '/api/audit']) {
        await expectStatus('alice', url, 403);
        await expectStatus('root', url, 200);
      }
      const denied = await call('GET', '/api/people', 'vera');
      expect(denied.body).toMatchObject({ code: 'FORBIDDEN' });
      expect(denied.body.message).toContain('analyst');
      expect((await call('GET', '/api/me', 'alice')).body).toMatchObject({ name: 'alice', role: 'recruiter', mode: 'accounts' });
    });

    it("broken object-level authorisation: alice never reaches bob's list, by name, by id or through the cache", async () => {
      const owners = await call('GET', '/api/owners', 'alice');
      expect(owners.body.items).toEqual([{ owner: 'alice', contacts: 2 }]);
      const mine = await call('GET', `/api/intro?target=${target}`, 'alice');
      expect(mine.status).toBe(200);
      expect(mine.body.params.owner).toBe('alice');
      expect(mine.body.paths.length).toBeGreaterThan(0);
      expect(mine.body.paths.every((p: { nodes: string[] }) => aliceContacts.includes(p.nodes[1]!))).toBe(true);
      // Bob asks the very same URL: his own list answers, not alice's cached one.
      const his = await call('GET', `/api/intro?target=${target}`, 'bob');
      expect(his.body.params.owner).toBe('bob');
      expect(his.body.paths.every((p: { nodes: string[] }) => bobContacts.includes(p.nodes[1]!))).toBe(true);
      // Naming bob's list answers exactly like naming a list that does not exist.
      for (const [url, ghostUrl] of [
        [`/api/intro?owner=bob&target=${target}`, `/api/intro?owner=nobody&target=${target}`],
        ['/api/contacts?owner=bob', '/api/contacts?owner=nobody'],
        [`/api/brokers?owner=bob&ids=${target}`, `/api/brokers?owner=nobody&ids=${target}`],
      ] as const) {
        const a = await call('GET', url, 'alice');
        const ghost = await call('GET', ghostUrl, 'alice');
        expect(a.status, url).toBe(404);
        expect(ghost.status).toBe(404);
        expect(a.body.message.replace(/bob/g, 'nobody')).toBe(ghost.body.message);
      }
      // Guessing node ids: bob's own node and his contacts as targets of alice's brokers.
      const guess = await call('GET', `/api/brokers?ids=${encodeURIComponent(['me:bob', ...bobContacts].join(','))}`, 'alice');
      expect(guess.status).toBe(200);
      expect(guess.text).not.toContain(BOB_NOTE);
      expect(guess.body.unreached.items).toContain('me:bob');
      const intoBob = await call('GET', `/api/intro?target=${encodeURIComponent('me:bob')}`, 'alice');
      expect(intoBob.status).toBe(404);
      // Nothing alice can read carries bob's note.
      for (const url of ['/api/owners', '/api/contacts', `/api/intro?target=${target}&k=20&max_hops=4`, `/api/brokers?ids=${bobContacts.join(',')}`, `/api/people/${bobContacts[0]}`]) {
        const r = await call('GET', url, 'alice');
        expect(r.text, url).not.toContain(BOB_NOTE);
      }
      // Nor can she replace bob's list.
      const write = await call('POST', '/api/contacts?owner=bob', 'alice', 'name\nSomeone\n', { 'content-type': 'text/csv' });
      expect(write.status).toBe(404);
      expect((await store.query(`SELECT person_id FROM contacts WHERE owner = 'bob' ORDER BY person_id`)).map((r) => (r as { person_id: string }).person_id)).toEqual(bobContacts);
    });

    it('contacts upload: CSV through the API replaces only the caller\'s list; a bad file names upload, line and field and writes nothing', async () => {
      const [row] = await store.query<{ display_name: string }>(`SELECT display_name FROM people WHERE person_id = $1`, [aliceContacts[0]!]);
      const bad = await call('POST', '/api/contacts?filename=mine.csv', 'alice', `name,openalex,strength\n"${row!.display_name}",${aliceContacts[0]},9\n`, { 'content-type': 'text/csv' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('BAD_INPUT');
      expect(bad.body.message).toContain('mine.csv:2 field strength');
      expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE owner = 'alice'`))[0]!.n)).toBe(2);
      const ok = await call('POST', '/api/contacts', 'alice', `name,openalex,strength\n"${row!.display_name}",${aliceContacts[0]},5\n`, { 'content-type': 'text/csv' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ owner: 'alice', imported: 1, replaced: 2, file: 'upload.csv' });
      expect((await call('GET', '/api/contacts', 'alice')).body.items.map((c: { person_id: string }) => c.person_id)).toEqual([aliceContacts[0]!]);
      expect((await call('POST', '/api/contacts', 'ann', 'name\nX\n', { 'content-type': 'text/csv' })).status).toBe(403);
      const json = await call('POST', '/api/contacts', 'alice', { name: 'x' });
      expect(json.status).toBe(415);
      expect(json.body.code).toBe('UNSUPPORTED_FORMAT');
      await importContactsText(store, `name,openalex\n"${row!.display_name}",${aliceContacts[0]}\nx,${aliceContacts[1]}\n`, 'alice.csv', { owner: 'alice' });
    });

    it('mass assignment: bodies take only their declared fields; non-admins cannot create or promote users', async () => {
      const extra = await call('POST', '/api/users', 'root', { name: 'eve', role: 'viewer', key_hash: 'x', revoked_at: null });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toContain('key_hash');
      expect((await call('POST', '/api/users', 'alice', { name: 'eve', role: 'admin' })).status).toBe(403);
      expect((await call('PATCH', '/api/users/alice', 'alice', { role: 'admin' })).status).toBe(403);
      expect((await call('PATCH', '/api/users/vera', 'root', { role: 'analyst', name: 'root' })).status).toBe(400);
      expect((await call('POST', '/api/users', 'root', { name: 'eve', role: 'superuser' })).status).toBe(400);
      expect(await store.query(`SELECT name FROM users WHERE name = 'eve'`)).toEqual([]);
      const made = await call('POST', '/api/users', 'root', { name: 'eve', role: 'viewer' });
      expect(made.status).toBe(200);
      expect(made.body).toEqual({ name: 'eve', role: 'viewer', key: expect.stringMatching(/^atl_[0-9a-f]{12}_/) });
      expect((await call('GET', '/api/stats', made.body.key)).status).toBe(200);
      expect((await call('GET', '/api/users', 'root')).text).not.toMatch(/key_hash|key_salt|atl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/);
    });

    it('injection in every parameter of every GET route is data: no 5xx, no SQL, no secrets, nothing changed', async () => {
      const [before] = await store.query<{ p: number; u: number; c: number }>(`SELECT (SELECT COUNT(*) FROM people) AS p, (SELECT COUNT(*) FROM users) AS u, (SELECT COUNT(*) FROM contacts) AS c`);
      const hashes = (await store.query<{ key_hash: string }>(`SELECT key_hash FROM users`)).map((r) => r.key_hash);
      let calls = 0;
      for (const r of API_ROUTES.filter((x) => (x.method ?? 'GET') === 'GET')) {
        const pathParams = [...r.url.matchAll(/:([a-z_]+)/gi)].map((m) => m[1] as string);
        const queryParams = Object.keys((r.query as unknown as { shape?: Record<string, unknown> })?.shape ?? {});
        for (const bad of INJECTIONS) {
          const enc = encodeURIComponent(bad);
          const urls = [
            ...pathParams.map((p) => r.url.replace(/:([a-z_]+)/gi, (_m, name: string) => (name === p ? enc : target))),
            ...queryParams.map((q) => `${r.url.replace(/:([a-z_]+)/gi, target)}?${q}=${enc}${q === 'target' ? '' : `&target=${target}`}`),
          ];
          for (const url of urls) {
            const res = await call('GET', url, 'root');
            calls++;
            expect(res.status, `${url} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
            expect(res.text).not.toMatch(/\[in: |FROM people|WHERE person_id|\.ts:\d+|node_modules/);
            for (const h of hashes) expect(res.text).not.toContain(h);
          }
        }
      }
      expect(calls).toBeGreaterThan(300);
      const [after] = await store.query<{ p: number; u: number; c: number }>(`SELECT (SELECT COUNT(*) FROM people) AS p, (SELECT COUNT(*) FROM users) AS u, (SELECT COUNT(*) FROM contacts) AS c`);
      expect(after).toEqual(before);
    });

    it('errors carry no SQL or stack: a database failure is a generic 500', async () => {
      const res = await call('GET', '/api/test-broken', 'vera');
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/no_such_column|secret_marker|SELECT|\.ts:\d+/);
      expect(res.body.code).toBe('DB_ERROR');
    });

    it('oversized bodies get 413 before any work; the server stays up', async () => {
      const big = `name,note\n${'x,'.padEnd(200, 'y')}\n`.repeat(400); // ~80 KB > 64 KiB CSV limit
      const csv = await call('POST', '/api/contacts', 'alice', big, { 'content-type': 'text/csv' });
      expect(csv.status).toBe(413);
      expect(csv.body.code).toBe('TOO_LARGE');
      const json = await call('POST', '/api/users', 'root', { name: 'x'.repeat(20_000), role: 'viewer' });
      expect(json.status).toBe(413);
      expect(Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE owner = 'alice'`))[0]!.n)).toBe(2);
      expect((await call('GET', '/api/stats', 'vera')).status).toBe(200);
    });

    it('security headers on every answer; CORS closed (no Access-Control-* for any origin, preflights refused)', async () => {
      for (const url of ['/api/stats', '/docs', '/openapi.json', '/api/nope']) {
        const res = await call('GET', url, 'vera', undefined, { origin: 'https://evil.example' });
        expect(res.headers['x-content-type-options'], url).toBe('nosniff');
        expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
        expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
      const pre = await app.inject({ method: 'OPTIONS', url: '/api/stats', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(pre.statusCode).toBeGreaterThanOrEqual(400);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('rate limit per key: the key over the limit gets 429 with Retry-After, another key is unaffected', async () => {
      const limited = await buildServer(store, { web: false, rateLimit: 5 });
      try {
        const get = (user: string) => limited.inject({ url: '/api/stats', headers: { authorization: `Bearer ${keys[user]}` } });
        for (let i = 0; i < 5; i++) expect((await get('vera')).statusCode).toBe(200);
        const over = await get('vera');
        expect(over.statusCode).toBe(429);
        expect(over.json()).toMatchObject({ code: 'RATE_LIMITED' });
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        expect((await get('root')).statusCode).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('audit log: views, intro queries and user changes with who and when; an erasure leaves only that it happened', async () => {
      const victim = bobContacts[1]!;
      await call('GET', `/api/people/${victim}`, 'ann');
      await call('GET', `/api/intro?target=${victim}`, 'alice');
      const log = await call('GET', '/api/audit?limit=200', 'root');
      expect(log.status).toBe(200);
      const about = (rows: Array<{ target: string | null; detail: string | null }>) => rows.filter((r) => r.target === victim || (r.detail ?? '').includes(victim));
      const entries = log.body.items as Array<{ actor: string; action: string; target: string | null; detail: string | null; at: string; via: string }>;
      expect(entries.find((e) => e.action === 'profile.view' && e.target === victim)).toMatchObject({ actor: 'ann', via: 'api' });
      expect(entries.find((e) => e.action === 'intro.query' && e.target === victim)).toMatchObject({ actor: 'alice' });
      expect(entries.find((e) => e.action === 'user.add' && e.target === 'eve')).toMatchObject({ actor: 'root' });
      expect(entries.some((e) => e.action === 'user.revoke' && e.target === 'gone')).toBe(true);
      expect(Date.parse(entries[0]!.at)).toBeGreaterThan(Date.now() - 600_000);
      const users = await call('GET', '/api/audit?action=user.*', 'root');
      expect(users.body.items.every((e: { action: string }) => e.action.startsWith('user.'))).toBe(true);
      await erasePerson(store, victim);
      const afterLog = (await call('GET', '/api/audit?limit=200', 'root')).body.items as typeof entries;
      expect(about(afterLog)).toEqual([]);
      const erasure = afterLog.filter((e) => e.action === 'erasure');
      expect(erasure).toHaveLength(1);
      expect(erasure[0]).toMatchObject({ target: null, detail: null });
    });

    it('a server without users refuses to listen beyond loopback; with users it may', async () => {
      const empty = await openFreshStore(backend);
      try {
        await expect(startServer(empty, { host: '0.0.0.0', port: 0, web: false })).rejects.toThrow(/single-user mode and listens on loopback only/);
        const local = await startServer(empty, { host: '127.0.0.1', port: 0, web: false });
        const me = (await (await fetch(`${local.url}api/me`)).json()) as { mode: string; role: string };
        expect(me).toMatchObject({ mode: 'single-user', role: 'admin' });
        await local.app.close();
      } finally {
        await empty.close();
      }
      const wide = await startServer(store, { host: '0.0.0.0', port: 0, web: false });
      const res = await fetch(`${wide.url}api/stats`);
      expect(res.status).toBe(401);
      await wide.app.close();
    });
  });
}
