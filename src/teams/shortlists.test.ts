/**
 * The recruiting pipeline through the API, on DuckDB and PostgreSQL with the real OpenAlex sample: a recruiter's
 * shortlist moves people through the stages with notes and a timed history; it is private (another recruiter gets
 * the same 404 as for a list that does not exist) until shared; only the owner shares or deletes; the CSV export is
 * guarded against spreadsheet formulas; erasure and merges reach the pipeline too.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../api/server.ts';
import { loadOpenAlexSample } from '../api/test-fixture.ts';
import { erasePerson, mergeByHand } from '../identity/index.ts';
import { BACKENDS, openFreshStore } from '../store/test-backends.ts';
import type { Store } from '../store/store.ts';
import { cliActor } from './audit.ts';
import { addUser } from './users.ts';

for (const backend of BACKENDS) {
  describe(`shortlists (${backend})`, () => {
    let store: Store;
    let app: FastifyInstance;
    const keys: Record<string, string> = {};
    let people: Array<{ person_id: string; display_name: string }> = [];
    let listId = '';

    const call = async (user: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const res = await app.inject({ method, url, headers: { authorization: `Bearer ${keys[user]}` }, ...(payload ? { payload } : {}) });
      let body: any = res.body;
      try {
        body = res.json();
      } catch {
        // CSV
      }
      return { status: res.statusCode, body, text: res.body, headers: res.headers };
    };

    beforeAll(async () => {
      store = await openFreshStore(backend);
      await loadOpenAlexSample(store);
      for (const [name, role] of [['alice', 'recruiter'], ['bob', 'recruiter'], ['carol', 'recruiter'], ['ann', 'analyst']] as const) keys[name] = (await addUser(store, name, role, cliActor())).key;
      people = await store.query(`SELECT person_id, display_name FROM people WHERE display_name IN (SELECT display_name FROM people GROUP BY display_name HAVING COUNT(*) = 1) ORDER BY source_cited_by DESC NULLS LAST, person_id LIMIT 4`);
      expect(people).toHaveLength(4);
      app = await buildServer(store, { web: false });
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    it('creates a list, adds people by id and by name, moves them through the stages with notes and a timed history', async () => {
      const made = await call('alice', 'POST', '/api/shortlists', { name: 'LLM leads' });
      expect(made.status).toBe(200);
      expect(made.body).toMatchObject({ owner: 'alice', name: 'LLM leads', shortlist_id: expect.stringMatching(/^sl_[0-9a-f]{16}$/) });
      listId = made.body.shortlist_id;
      expect((await call('alice', 'POST', '/api/shortlists', { name: 'LLM leads' })).status).toBe(409);
      const [a, b, c] = people;
      expect((await call('alice', 'POST', `/api/shortlists/${listId}/people`, { person: a!.person_id, note: 'strong retrieval work' })).body).toMatchObject({ stage: 'shortlisted', added_by: 'alice' });
      expect((await call('alice', 'POST', `/api/shortlists/LLM%20leads/people`, { person: b!.display_name, stage: 'contacted' })).body).toMatchObject({ person_id: b!.person_id, stage: 'contacted' });
      await call('alice', 'POST', `/api/shortlists/${listId}/people`, { person: c!.person_id });
      expect((await call('alice', 'POST', `/api/shortlists/${listId}/people`, { person: a!.person_id })).status).toBe(409);
      for (const stage of ['contacted', 'intro_requested', 'met', 'offer', 'hired']) {
        const moved = await call('alice', 'PATCH', `/api/shortlists/${listId}/people/${a!.person_id}`, { stage });
        expect(moved.body.stage).toBe(stage);
      }
      await call('alice', 'PATCH', `/api/shortlists/${listId}/people/${c!.person_id}`, { stage: 'declined', note: 'staying in academia' });
      expect((await call('alice', 'PATCH', `/api/shortlists/${listId}/people/${c!.person_id}`, { stage: 'interviewing' })).status).toBe(400);
      const board = (await call('alice', 'GET', `/api/shortlists/${listId}`)).body;
      expect(board.stages.map((s: { stage: string }) => s.stage)).toEqual(['shortlisted', 'contacted', 'intro_requested', 'met', 'offer', 'hired', 'declined']);
      const at = (stage: string) => board.stages.find((s: { stage: string }) => s.stage === stage).people.map((p: { person_id: string }) => p.person_id);
      expect(at('hired')).toEqual([a!.person_id]);
      expect(at('contacted')).toEqual([b!.person_id]);
      expect(at('declined')).toEqual([c!.person_id]);
      expect(board.stages.find((s: { stage: string }) => s.stage === 'declined').people[0].note).toBe('staying in academia');
      const hist = (await call('alice', 'GET', `/api/shortlists/${listId}/history?person=${a!.person_id}`)).body.items;
      expect(hist.map((e: { from_stage: string | null; to_stage: string }) => `${e.from_stage}>${e.to_stage}`)).toEqual(['null>shortlisted', 'shortlisted>contacted', 'contacted>intro_requested', 'intro_requested>met', 'met>offer', 'offer>hired']);
      expect(hist.every((e: { actor: string; happened_at: string }) => e.actor === 'alice' && Date.parse(e.happened_at) > 0)).toBe(true);
      const lists = (await call('alice', 'GET', '/api/shortlists')).body.items;
      expect(lists[0]).toMatchObject({ shortlist_id: listId, people: 3, mine: true, shared_with: [] });
      expect(lists[0].by_stage).toMatchObject({ hired: 1, contacted: 1, declined: 1, shortlisted: 0 });
    });

    it('is private until shared: others get the 404 of a missing list; shared users read and move, only the owner shares or deletes', async () => {
      for (const url of [`/api/shortlists/${listId}`, `/api/shortlists/${listId}/export.csv`, `/api/shortlists/${listId}/history`]) {
        const theirs = await call('bob', 'GET', url);
        const ghost = await call('bob', 'GET', url.replace(listId, 'sl_0000000000000000'));
        expect(theirs.status, url).toBe(404);
        expect(theirs.body.message.replace(listId, 'sl_0000000000000000')).toBe(ghost.body.message);
      }
      expect((await call('bob', 'PATCH', `/api/shortlists/${listId}/people/${people[1]!.person_id}`, { stage: 'met' })).status).toBe(404);
      expect((await call('bob', 'GET', '/api/shortlists')).body.items).toEqual([]);
      expect((await call('ann', 'GET', '/api/shortlists')).status).toBe(403);
      expect((await call('alice', 'POST', `/api/shortlists/${listId}/shares`, { users: ['ghost'] })).status).toBe(400);
      expect((await call('alice', 'POST', `/api/shortlists/${listId}/shares`, { users: ['bob'] })).body).toEqual({ shared_with: ['bob'] });
      const seen = (await call('bob', 'GET', '/api/shortlists')).body.items;
      expect(seen).toMatchObject([{ shortlist_id: listId, owner: 'alice', mine: false }]);
      expect((await call('bob', 'PATCH', `/api/shortlists/${listId}/people/${people[1]!.person_id}`, { stage: 'met' })).body).toMatchObject({ stage: 'met', updated_by: 'bob' });
      expect((await call('bob', 'POST', `/api/shortlists/${listId}/shares`, { users: ['carol'] })).status).toBe(403);
      expect((await call('bob', 'DELETE', `/api/shortlists/${listId}`)).status).toBe(403);
      expect((await call('carol', 'GET', `/api/shortlists/${listId}`)).status).toBe(404);
      expect((await call('alice', 'POST', `/api/shortlists/${listId}/people`, { person: people[3]!.person_id, owner: 'bob' })).status).toBe(400);
    });

    it('pipeline writes leave cached answers cached (they change nothing those read); a contact upload clears them', async () => {
      const profile = `/api/people/${people[1]!.person_id}`;
      await call('alice', 'GET', '/api/stats');
      await call('alice', 'GET', profile);
      expect((await call('alice', 'GET', '/api/stats')).headers['x-cache']).toBe('hit');
      const created = await call('alice', 'POST', '/api/shortlists', { name: 'cache check' });
      expect(created.status).toBe(200);
      await call('alice', 'POST', `/api/shortlists/${created.body.shortlist_id}/people`, { person: people[1]!.person_id });
      expect((await call('alice', 'GET', '/api/stats')).headers['x-cache']).toBe('hit');
      expect((await call('alice', 'GET', profile)).headers['x-cache']).toBe('hit');
      expect((await call('alice', 'DELETE', `/api/shortlists/${created.body.shortlist_id}`)).status).toBe(200);
      expect((await call('alice', 'GET', '/api/stats')).headers['x-cache']).toBe('hit');
      const csv = `name,openalex\n${people[2]!.display_name},${people[2]!.person_id}\n`;
      const up = await app.inject({ method: 'POST', url: '/api/contacts?filename=c.csv', headers: { authorization: `Bearer ${keys['carol']}`, 'content-type': 'text/csv' }, payload: csv });
      expect(up.statusCode, up.body).toBe(200);
      expect((await call('alice', 'GET', '/api/stats')).headers['x-cache']).toBeUndefined();
    });

    it('exports CSV with every entry, names and notes guarded against spreadsheet formulas', async () => {
      await call('alice', 'PATCH', `/api/shortlists/${listId}/people/${people[0]!.person_id}`, { note: '=HYPERLINK("http://evil.example","x")' });
      const res = await call('alice', 'GET', `/api/shortlists/${listId}/export.csv`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toBe('attachment; filename="LLM_leads.csv"');
      const lines = res.text.trim().split('\n');
      expect(lines[0]).toBe('shortlist,owner,person_id,name,stage,note,added_by,added_at,updated_by,updated_at');
      expect(lines).toHaveLength(4);
      const hired = lines.find((l) => l.includes(people[0]!.person_id))!;
      expect(hired).toContain(',hired,');
      expect(hired).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    });

    it('merging two people keeps one entry; erasing a person removes them from every list and its history', async () => {
      await call('alice', 'POST', `/api/shortlists/${listId}/people`, { person: people[3]!.person_id });
      await mergeByHand(store, people[2]!.person_id, people[3]!.person_id, 'test');
      const afterMerge = (await call('alice', 'GET', `/api/shortlists/${listId}`)).body;
      expect(afterMerge.total).toBe(3);
      const victim = people[1]!.person_id;
      await erasePerson(store, victim);
      const board = (await call('alice', 'GET', `/api/shortlists/${listId}`)).body;
      expect(board.stages.flatMap((s: { people: Array<{ person_id: string }> }) => s.people.map((p) => p.person_id))).not.toContain(victim);
      expect(await store.query(`SELECT person_id FROM shortlist_events WHERE person_id = $1`, [victim])).toEqual([]);
      expect((await call('alice', 'GET', `/api/shortlists/${listId}/export.csv`)).text).not.toContain(victim);
    });

    it('the owner deletes the list with its people, history and shares', async () => {
      expect((await call('alice', 'DELETE', `/api/shortlists/${listId}`)).body).toMatchObject({ deleted: listId, people: 2 });
      for (const t of ['shortlists', 'shortlist_entries', 'shortlist_events', 'shortlist_shares']) expect(await store.query(`SELECT * FROM ${t} WHERE shortlist_id = $1`, [listId])).toEqual([]);
      expect((await call('bob', 'GET', '/api/shortlists')).body.items).toEqual([]);
    });
  });
}
