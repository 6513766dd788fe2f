/**
 * The Store contract suite: every backend runs these same tests (duckdb/duckdb-store.test.ts,
 * postgres/postgres-store.test.ts), so domain code written once over `Store` behaves alike on each.
 * `newStore` returns a fresh, empty, NOT yet migrated store; the suite closes what it opens.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AtlasError } from '../core/errors.ts';
import { migrate } from './migrate.ts';
import { findPeople, resolvePerson } from './repo/people.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';
import type { ColumnSpec, SqlValue, Store } from './store.ts';

const PROV = ['source', 'record_key', 'run_id'];

async function seedPeople(s: Store): Promise<void> {
  const cols: ColumnSpec[] = [
    { name: 'person_id', type: 'text' },
    { name: 'display_name', type: 'text' },
    { name: 'source_h_index', type: 'int' },
    { name: 'source_cited_by', type: 'int' },
    { name: 'source_works_count', type: 'int' },
    ...PROV.map((name) => ({ name, type: name === 'run_id' ? ('int' as const) : ('text' as const) })),
  ];
  await s.bulkInsert('people', cols, [
    ['p1', 'Ada Lovelace', 10, 100, 5, 'openalex', 'r1', 1],
    ['p2', 'Alan Turing', null, null, null, 'openalex', 'r2', 1],
    ['p3', 'Alan Turing', 3, 4, 5, 'orcid', 'r3', 1],
  ]);
  const ids: Array<[string, string, string]> = [
    ['orcid', '0000-0002-1825-009X', 'p1'],
    ['openalex', 'A5023888391', 'p1'],
    ['openreview', '~Alan_Turing1', 'p2'],
    ['dblp', 'shared/1', 'p2'],
    ['dblp2', 'shared/1', 'p3'],
    ['name', 'ada', 'p1'],
  ];
  for (const [scheme, value, person] of ids) {
    await s.exec(`INSERT INTO person_identifiers (scheme, value, person_id, source, record_key, run_id) VALUES ($1, $2, $3, 'test', 'k', 1)`, [
      scheme,
      value,
      person,
    ]);
  }
}

async function expectAtlasError(p: Promise<unknown>, code: string): Promise<AtlasError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AtlasError);
  expect((e as AtlasError).code).toBe(code);
  return e as AtlasError;
}

export function runStoreContract(name: string, newStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async (migrated = true): Promise<Store> => {
      const s = await newStore();
      opened.push(s);
      if (migrated) await migrate(s);
      return s;
    };
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
    });

    describe('migrations', () => {
      it('applies every migration once, then reports them already applied', async () => {
        const s = await fresh(false);
        const first = await migrate(s);
        expect(first.map((r) => r.status)).toEqual(MIGRATIONS.map(() => 'applied'));
        const second = await migrate(s);
        expect(second.map((r) => r.status)).toEqual(MIGRATIONS.map(() => 'already-applied'));
        const versions = await s.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
        for (const t of ['people', 'person_identifiers', 'affiliation_years', 'works', 'authorships', 'ties', 'contacts']) {
          expect(await s.query(`SELECT COUNT(*) AS n FROM ${t}`)).toEqual([{ n: 0 }]);
        }
      });

      it('refuses a database newer than this code', async () => {
        const s = await fresh();
        await s.exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 'x')`, [SCHEMA_VERSION + 1]);
        await expectAtlasError(migrate(s), 'DB_ERROR');
      });

      it('rolls back a failing migration entirely', async () => {
        const s = await fresh();
        const bad = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'bad', statements: ['CREATE TABLE half_done (x INTEGER)', 'SELECT * FROM no_such_table'] }];
        await expectAtlasError(migrate(s, bad), 'DB_ERROR');
        await expectAtlasError(s.query('SELECT * FROM half_done'), 'DB_ERROR');
        expect(await s.query('SELECT MAX(version) AS v FROM schema_migrations')).toEqual([{ v: SCHEMA_VERSION }]);
      });
    });

    describe('query and exec', () => {
      it('normalises values: integers and aggregates as numbers, NULL as null, text, booleans, doubles', async () => {
        const s = await fresh();
        await s.exec(`CREATE TABLE t (i INTEGER, b BIGINT, d DOUBLE PRECISION, x TEXT, f BOOLEAN)`);
        await s.exec('INSERT INTO t VALUES ($1, $2, $3, $4, $5)', [7, 9007199254740991, 1.5, 'héllo', true]);
        await s.exec('INSERT INTO t VALUES ($1, $2, $3, $4, $5)', [null, null, null, null, false]);
        expect(await s.query('SELECT i, b, d, x, f FROM t ORDER BY i NULLS LAST')).toEqual([
          { i: 7, b: 9007199254740991, d: 1.5, x: 'héllo', f: true },
          { i: null, b: null, d: null, x: null, f: false },
        ]);
        expect(await s.query('SELECT COUNT(*) AS n, SUM(i) AS s, SUM(b) AS sb, AVG(i) AS a, MIN(x) AS m FROM t')).toEqual([
          { n: 2, s: 7, sb: 9007199254740991, a: 7, m: 'héllo' },
        ]);
        expect(await s.query('SELECT x FROM t WHERE i = $1 AND x = $2', [7, 'héllo'])).toEqual([{ x: 'héllo' }]);
        expect(await s.query('SELECT x FROM t WHERE i = $1', [8])).toEqual([]);
      });

      it('exec runs several statements separated by semicolons', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2)');
        expect(await s.query('SELECT SUM(x) AS s FROM a')).toEqual([{ s: 3 }]);
      });

      it('reports SQL errors and constraint violations as DB_ERROR naming the statement', async () => {
        const s = await fresh();
        const e = await expectAtlasError(s.query('SELEC 1'), 'DB_ERROR');
        expect(e.message).toContain('SELEC 1');
        await s.exec(`INSERT INTO people (person_id, source, record_key, run_id) VALUES ('p', 's', 'k', 1)`);
        await expectAtlasError(s.exec(`INSERT INTO people (person_id, source, record_key, run_id) VALUES ('p', 's', 'k', 1)`), 'DB_ERROR');
        expect(await s.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      });

      it('supports ON CONFLICT upserts', async () => {
        const s = await fresh();
        const up = `INSERT INTO people (person_id, display_name, source, record_key, run_id) VALUES ($1, $2, 's', 'k', 1)
                    ON CONFLICT (person_id) DO UPDATE SET display_name = excluded.display_name`;
        await s.exec(up, ['p', 'old']);
        await s.exec(up, ['p', 'new']);
        expect(await s.query('SELECT person_id, display_name FROM people')).toEqual([{ person_id: 'p', display_name: 'new' }]);
      });
    });

    describe('trimMemory', () => {
      it('leaves the store as it was: statements that need memory run after it, on every connection', async () => {
        const s = await fresh();
        // ~100 MB that cannot be spilled to disk (one aggregated string): it fails under the 32 MB of the trim
        const big =
          s.backend === 'duckdb'
            ? `SELECT length(string_agg(repeat('x', 1000), '')) AS n FROM range(100000)`
            : `SELECT length(string_agg(repeat('x', 1000), '')) AS n FROM generate_series(1, 100000)`;
        await s.trimMemory();
        await s.trimMemory();
        // several at once, so that more than one connection runs them
        const rows = await Promise.all([s.query<{ n: number }>(big), s.query<{ n: number }>(big), (async () => {
          const got: number[] = [];
          for await (const b of s.iterate<{ n: number }>(big)) got.push(...b.map((r) => r.n));
          return got.map((n) => ({ n }));
        })()]);
        expect(rows.map((r) => r[0]?.n)).toEqual([100_000_000, 100_000_000, 100_000_000]);
      });
    });

    describe('iterate', () => {
      it('streams all rows in order in batches of the requested size', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE n (i INTEGER, label TEXT)');
        await s.bulkInsert(
          'n',
          [
            { name: 'i', type: 'int' },
            { name: 'label', type: 'text' },
          ],
          Array.from({ length: 25 }, (_, i) => [i, `row ${i}`]),
        );
        const batches: number[][] = [];
        for await (const b of s.iterate<{ i: number; label: string }>('SELECT i, label FROM n WHERE i >= $1 ORDER BY i DESC', [0], 10)) {
          batches.push(b.map((r) => r.i));
          expect(b[0]?.label).toBe(`row ${b[0]?.i}`);
        }
        expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
        expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
        const none: unknown[] = [];
        for await (const b of s.iterate('SELECT i FROM n WHERE i < 0')) none.push(b);
        expect(none).toEqual([]);
      });

      it('leaves the store usable after the consumer stops early, also inside a transaction', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE n (i INTEGER)');
        await s.bulkInsert('n', [{ name: 'i', type: 'int' }], Array.from({ length: 50 }, (_, i) => [i]));
        for await (const b of s.iterate('SELECT i FROM n ORDER BY i', [], 5)) {
          expect(b).toHaveLength(5);
          break;
        }
        await s.transaction(async (tx) => {
          await tx.exec('INSERT INTO n VALUES (100)');
          let seen = 0;
          for await (const b of tx.iterate<{ i: number }>('SELECT i FROM n ORDER BY i DESC', [], 3)) {
            seen += b.length;
            expect(b[0]?.i).toBe(100);
            break;
          }
          expect(seen).toBe(3);
        });
        expect(await s.query('SELECT COUNT(*) AS n FROM n')).toEqual([{ n: 51 }]);
      });

      it('reports an error in the streamed query as DB_ERROR', async () => {
        const s = await fresh();
        const consume = async (): Promise<void> => {
          for await (const _ of s.iterate('SELECT * FROM no_such_table')) void _;
        };
        await expectAtlasError(consume(), 'DB_ERROR');
        expect(await s.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
      });
    });

    describe('bulkInsert and sqlType', () => {
      const cols: ColumnSpec[] = [
        { name: 'id', type: 'int' },
        { name: 'big', type: 'bigint' },
        { name: 'x', type: 'double' },
        { name: 'flag', type: 'bool' },
        { name: 'label', type: 'text' },
      ];

      it('round-trips every column type, NULLs and awkward text into a table made with sqlType', async () => {
        const s = await fresh();
        await s.exec(`CREATE TABLE staging (${cols.map((c) => `${c.name} ${s.sqlType(c.type)}`).join(', ')})`);
        const rows: SqlValue[][] = [
          [1, 1234567890123, 0.25, true, 'plain'],
          [2, null, null, null, null],
          [3, -5, -1e-9, false, 'tab\there, newline\nthere, cr\r, back\\slash \\N, "quotes" \'single\', ünïcödé 名前 😀'],
          [4, 0, 1e300, true, ''],
        ];
        await s.bulkInsert('staging', cols, rows);
        const back = await s.query('SELECT id, big, x, flag, label FROM staging ORDER BY id');
        expect(back.map((r) => cols.map((c) => r[c.name]))).toEqual(rows);
      });

      it('does nothing for no rows and loads many rows', async () => {
        const s = await fresh();
        await s.exec(`CREATE TABLE staging (${cols.map((c) => `${c.name} ${s.sqlType(c.type)}`).join(', ')})`);
        await s.bulkInsert('staging', cols, []);
        const many = Array.from({ length: 20_000 }, (_, i) => [i, i * 1000, i / 2, i % 2 === 0, `label-${i}`]);
        await s.bulkInsert('staging', cols, many);
        expect(await s.query('SELECT COUNT(*) AS n, SUM(id) AS s, COUNT(DISTINCT label) AS d FROM staging')).toEqual([
          { n: 20_000, s: (19_999 * 20_000) / 2, d: 20_000 },
        ]);
      });

      it('fails with DB_ERROR on a constraint violation and loads nothing of that batch', async () => {
        const s = await fresh();
        // people's columns in table order, for DuckDB's appender, with the provenance columns last.
        const all: ColumnSpec[] = [
          { name: 'person_id', type: 'text' },
          { name: 'display_name', type: 'text' },
          { name: 'source_h_index', type: 'int' },
          { name: 'source_cited_by', type: 'int' },
          { name: 'source_works_count', type: 'int' },
          { name: 'source', type: 'text' },
          { name: 'record_key', type: 'text' },
          { name: 'run_id', type: 'int' },
        ];
        await expectAtlasError(
          s.transaction(async (tx) => {
            await tx.bulkInsert('people', all, [
              ['p1', 'A', null, null, null, 's', 'k', 1],
              ['p1', 'B', null, null, null, 's', 'k', 1],
            ]);
          }),
          'DB_ERROR',
        );
        expect(await s.query('SELECT COUNT(*) AS n FROM people')).toEqual([{ n: 0 }]);
      });
    });

    describe('transaction', () => {
      it('commits all writes, and the value of fn is returned', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (x INTEGER)');
        const out = await s.transaction(async (tx) => {
          await tx.exec('INSERT INTO t VALUES (1)');
          await tx.bulkInsert('t', [{ name: 'x', type: 'int' }], [[2], [3]]);
          expect(await tx.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 3 }]);
          return 'done';
        });
        expect(out).toBe('done');
        expect(await s.query('SELECT SUM(x) AS s FROM t')).toEqual([{ s: 6 }]);
      });

      it('rolls back every write when fn throws, and rethrows the same error', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (x INTEGER)');
        const boom = new Error('boom');
        const got = await s
          .transaction(async (tx) => {
            await tx.exec('INSERT INTO t VALUES (1)');
            await tx.bulkInsert('t', [{ name: 'x', type: 'int' }], [[2]]);
            throw boom;
          })
          .catch((e: unknown) => e);
        expect(got).toBe(boom);
        expect(await s.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
      });

      it('nested calls join the outer transaction; the store itself writes into it', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (x INTEGER)');
        await s
          .transaction(async (tx) => {
            await tx.exec('INSERT INTO t VALUES (1)');
            await s.transaction(async (inner) => {
              await inner.exec('INSERT INTO t VALUES (2)');
            });
            await s.exec('INSERT INTO t VALUES (3)');
            expect(await s.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 3 }]);
            throw new Error('undo all three');
          })
          .catch(() => undefined);
        expect(await s.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
        await s.transaction(async () => {
          await s.transaction(async (inner) => inner.exec('INSERT INTO t VALUES (4)'));
        });
        expect(await s.query('SELECT x FROM t')).toEqual([{ x: 4 }]);
      });

      it('keeps concurrent transactions from one process whole', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (k INTEGER, x INTEGER)');
        await Promise.all(
          [1, 2, 3, 4].map((k) =>
            s
              .transaction(async (tx) => {
                for (let i = 0; i < 5; i++) await tx.exec('INSERT INTO t VALUES ($1, $2)', [k, i]);
                if (k % 2 === 0) throw new Error('even ones fail');
              })
              .catch(() => undefined),
          ),
        );
        expect(await s.query('SELECT k, COUNT(*) AS n FROM t GROUP BY k ORDER BY k')).toEqual([
          { k: 1, n: 5 },
          { k: 3, n: 5 },
        ]);
      });
    });

    describe('concurrent users of one store (a server)', () => {
      it('a streamed result is whole while other callers run statements and bulk loads meanwhile', async () => {
        const s = await fresh();
        await s.exec(`CREATE TABLE big AS SELECT i FROM ${s.backend === 'duckdb' ? 'range(0, 200000) r(i)' : 'generate_series(0, 199999) AS r(i)'}`);
        await s.exec('CREATE TABLE side (k INTEGER)');
        let streamed = 0;
        let sum = 0;
        let others = 0;
        let done = false;
        const busy = (async () => {
          while (!done) {
            await s.query('SELECT COUNT(*) AS n FROM big WHERE i % 7 = 0');
            await s.bulkInsert('side', [{ name: 'k', type: 'int' }], [[others]]);
            others++;
          }
        })();
        for await (const batch of s.iterate<{ i: number }>('SELECT i FROM big ORDER BY i', [], 5000)) {
          streamed += batch.length;
          for (const r of batch) sum += r.i;
          await new Promise((r) => setImmediate(r)); // let the other caller in between batches
        }
        done = true;
        await busy;
        expect(others).toBeGreaterThan(0);
        expect(streamed).toBe(200_000);
        expect(sum).toBe((199_999 * 200_000) / 2);
        expect((await s.query<{ n: number }>('SELECT COUNT(*) AS n FROM side'))[0]?.n).toBe(others);
      });

      it("a transaction's writes stay its own: another caller neither sees them before the commit nor loses its own with a rollback", async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (k INTEGER)');
        let inside!: () => void;
        let release!: () => void;
        const entered = new Promise<void>((r) => (inside = r));
        const gate = new Promise<void>((r) => (release = r));
        const tx = s
          .transaction(async (q) => {
            await q.exec('INSERT INTO t VALUES (1)');
            inside();
            await gate;
            await q.exec('INSERT INTO t VALUES (2)');
            throw new Error('changed my mind');
          })
          .catch((e: unknown) => e);
        await entered;
        await s.exec('INSERT INTO t VALUES (10)');
        expect(await s.query('SELECT k FROM t ORDER BY k')).toEqual([{ k: 10 }]);
        release();
        expect(((await tx) as Error).message).toBe('changed my mind');
        expect(await s.query('SELECT k FROM t ORDER BY k')).toEqual([{ k: 10 }]);
      });

      it('a transaction that commits while readers run is seen whole by the next read', async () => {
        const s = await fresh();
        await s.exec('CREATE TABLE t (k INTEGER)');
        const reads: number[] = [];
        let done = false;
        const reader = (async () => {
          while (!done) reads.push(Number((await s.query<{ n: number }>('SELECT COUNT(*) AS n FROM t'))[0]?.n));
        })();
        await s.transaction(async (q) => {
          for (let i = 0; i < 50; i++) {
            await q.exec('INSERT INTO t VALUES ($1)', [i]);
            await new Promise((r) => setImmediate(r));
          }
        });
        done = true;
        await reader;
        expect(reads.length).toBeGreaterThan(0);
        expect(reads.every((n) => n === 0 || n === 50)).toBe(true);
        expect((await s.query<{ n: number }>('SELECT COUNT(*) AS n FROM t'))[0]?.n).toBe(50);
      });
    });

    describe('withWriterLock', () => {
      it('returns fn value, is re-entrant, and serialises writers of one store', async () => {
        const s = await fresh();
        expect(await s.withWriterLock(async () => s.withWriterLock(async () => 42))).toBe(42);
        let active = 0;
        let maxActive = 0;
        const order: string[] = [];
        const writer = (name: string) =>
          s.withWriterLock(async () => {
            active++;
            maxActive = Math.max(maxActive, active);
            order.push(`${name}+`);
            await new Promise((r) => setTimeout(r, 30));
            order.push(`${name}-`);
            active--;
          });
        await Promise.all([writer('a'), writer('b'), writer('c')]);
        expect(maxActive).toBe(1);
        expect(order).toHaveLength(6);
        const failed = await s.withWriterLock(async () => Promise.reject(new Error('x'))).catch((e: unknown) => e);
        expect((failed as Error).message).toBe('x');
        expect(await s.withWriterLock(async () => 'free again')).toBe('free again');
      });
    });

    describe('schema view and repo', () => {
      it('career_affiliation_years keeps non-paper rows and the most frequent paper affiliation per year', async () => {
        const s = await fresh();
        const ins = `INSERT INTO affiliation_years (person_id, year, institution_id, country, basis, source, record_key, run_id)
                     VALUES ($1, $2, $3, $4, $5, 's', 'k', 1)`;
        const rows: Array<[string, number, string, string, string]> = [
          ['p1', 2020, 'I1', 'GB', 'paper'],
          ['p1', 2020, 'I1', 'GB', 'paper'],
          ['p1', 2020, 'I2', 'US', 'paper'],
          ['p1', 2020, 'I3', 'FR', 'profile'],
          ['p1', 2020, 'I3', 'FR', 'profile'],
          ['p1', 2021, 'I2', 'US', 'paper'],
          ['p1', 2021, 'I4', 'DE', 'paper'],
        ];
        for (const r of rows) await s.exec(ins, r);
        expect(
          await s.query('SELECT person_id, year, institution_id, country FROM career_affiliation_years ORDER BY year, institution_id'),
        ).toEqual([
          { person_id: 'p1', year: 2020, institution_id: 'I1', country: 'GB' },
          { person_id: 'p1', year: 2020, institution_id: 'I3', country: 'FR' },
          { person_id: 'p1', year: 2021, institution_id: 'I2', country: 'US' },
          { person_id: 'p1', year: 2021, institution_id: 'I4', country: 'DE' },
        ]);
      });

      it('resolvePerson and findPeople: by id, ORCID URL, OpenAlex URL, scheme:value, bare value, name', async () => {
        const s = await fresh();
        await seedPeople(s);
        const ada = { person_id: 'p1', display_name: 'Ada Lovelace' };
        expect(await resolvePerson(s, 'p1')).toEqual(ada);
        expect(await resolvePerson(s, 'https://orcid.org/0000-0002-1825-009x')).toEqual(ada);
        expect(await resolvePerson(s, 'https://openalex.org/a5023888391')).toEqual(ada);
        expect(await resolvePerson(s, 'A5023888391')).toEqual(ada);
        expect(await resolvePerson(s, 'openreview:~Alan_Turing1')).toEqual({ person_id: 'p2', display_name: 'Alan Turing' });
        expect(await resolvePerson(s, '  ada lovelace ')).toEqual(ada);
        expect(await findPeople(s, 'shared/1')).toEqual([
          { person_id: 'p2', display_name: 'Alan Turing' },
          { person_id: 'p3', display_name: 'Alan Turing' },
        ]);
        expect(await findPeople(s, 'ALAN TURING', 1)).toEqual([{ person_id: 'p2', display_name: 'Alan Turing' }]);
        expect(await findPeople(s, 'ada')).toEqual([]); // the 'name' scheme is not an identifier
        const amb = await expectAtlasError(resolvePerson(s, 'alan turing'), 'AMBIGUOUS');
        expect(amb.details).toEqual({
          candidates: [
            { person_id: 'p2', display_name: 'Alan Turing' },
            { person_id: 'p3', display_name: 'Alan Turing' },
          ],
        });
        await expectAtlasError(resolvePerson(s, 'nobody'), 'NOT_FOUND');
        await expectAtlasError(findPeople(s, '   '), 'BAD_ARGUMENT');
      });
    });
  });
}
