/**
 * Concurrency on a shared PostgreSQL database: two ingest-like writers (two stores = two connection pools, as two
 * processes would be) neither duplicate nor corrupt anything under withWriterLock + transaction, and a reader
 * never sees half of a running ingest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import type { ColumnSpec, Store } from '../store.ts';
import { freshPostgresUrl } from '../test-backends.ts';
import { PostgresStore } from './postgres-store.ts';

const AFF: ColumnSpec[] = [
  { name: 'person_id', type: 'text' },
  { name: 'year', type: 'int' },
  { name: 'institution_id', type: 'text' },
  { name: 'country', type: 'text' },
  { name: 'country_basis', type: 'text' },
  { name: 'role', type: 'text' },
  { name: 'basis', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'record_key', type: 'text' },
  { name: 'run_id', type: 'int' },
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * What an ingest does per source record: skip it if already stored, else store the record and its facts. The
 * check and the write are separate statements with a pause between, the window in which two unsynchronised
 * writers both decide "new" and both insert.
 */
async function ingestLike(store: Store, runId: number, records: number, pause: () => Promise<void>): Promise<void> {
  await store.transaction(async (tx) => {
    const known = new Set((await tx.query<{ record_key: string }>(`SELECT record_key FROM source_records`)).map((r) => r.record_key));
    await pause();
    for (let r = 0; r < records; r++) {
      const key = `rec-${r}`;
      if (known.has(key)) continue;
      await tx.exec(
        `INSERT INTO source_records (record_key, source, kind, content_hash, run_id, file_no, line) VALUES ($1, 'test', 'author', 'h', $2, 1, $3)
         ON CONFLICT (record_key) DO NOTHING`,
        [key, runId, r],
      );
      await tx.bulkInsert(
        'affiliation_years',
        AFF,
        Array.from({ length: 10 }, (_, y) => [`p${r}`, 2010 + y, `I${r % 7}`, 'GB', null, null, 'profile', 'test', key, runId]),
      );
    }
  });
}

describe('PostgreSQL concurrency', () => {
  let url: string;
  const stores: Store[] = [];
  const open = async (): Promise<Store> => {
    const s = await PostgresStore.open(url);
    stores.push(s);
    return s;
  };
  beforeAll(async () => {
    url = await freshPostgresUrl();
    const s = await open();
    await migrate(s);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  const reset = async (s: Store) => s.exec('DELETE FROM affiliation_years; DELETE FROM source_records');
  const duplicates = async (s: Store) =>
    (await s.query<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT person_id, year FROM affiliation_years GROUP BY person_id, year HAVING COUNT(*) > 1) d`))[0]?.n;

  it('without the writer lock, two ingests racing on the same records do duplicate facts (the control)', async () => {
    const [a, b] = [await open(), await open()];
    await reset(a);
    let arrived = 0;
    let release!: () => void;
    const bothChecked = new Promise<void>((r) => (release = r));
    const barrier = async () => {
      if (++arrived === 2) release();
      await bothChecked;
    };
    await Promise.all([ingestLike(a, 1, 20, barrier), ingestLike(b, 2, 20, barrier)]);
    expect(await duplicates(a)).toBe(200); // 20 people × 10 years, each stored twice
  });

  it('with withWriterLock, two concurrent ingests store every record and fact exactly once', async () => {
    const [a, b] = [await open(), await open()];
    await reset(a);
    let inside = 0;
    let overlap = false;
    const writer = (s: Store, run: number) =>
      s.withWriterLock(async () => {
        if (++inside > 1) overlap = true;
        await ingestLike(s, run, 20, () => sleep(50));
        inside--;
      });
    await Promise.all([writer(a, 1), writer(b, 2), writer(a, 3)]);
    expect(overlap).toBe(false);
    expect(await duplicates(a)).toBe(0);
    expect(await a.query('SELECT COUNT(*) AS n, COUNT(DISTINCT person_id) AS p FROM affiliation_years')).toEqual([{ n: 200, p: 20 }]);
    // Every fact belongs to the run that stored its record: one run did all the work, the others found it done.
    expect(await a.query(`SELECT COUNT(*) AS n FROM affiliation_years f JOIN source_records r ON r.record_key = f.record_key WHERE r.run_id <> f.run_id`)).toEqual([
      { n: 0 },
    ]);
    expect(await a.query('SELECT COUNT(DISTINCT run_id) AS runs FROM source_records')).toEqual([{ runs: 1 }]);
  });

  it('a reader sees either none or all of a running ingest, never part of it', async () => {
    const [writer, reader] = [await open(), await open()];
    await reset(writer);
    let done = false;
    const seen = new Set<string>();
    const ingest = writer
      .withWriterLock(() =>
        writer.transaction(async (tx): Promise<void> => {
          for (let r = 0; r < 10; r++) {
            await tx.exec(`INSERT INTO source_records (record_key, source, kind, content_hash, run_id, file_no, line) VALUES ($1, 't', 'a', 'h', 1, 1, $2)`, [
              `rec-${r}`,
              r,
            ]);
            await tx.bulkInsert('affiliation_years', AFF, Array.from({ length: 100 }, (_, y) => [`p${r}`, 1900 + y, 'I1', 'GB', null, null, 'profile', 't', `rec-${r}`, 1]));
            await sleep(15);
          }
        }),
      )
      .finally(() => {
        done = true;
      });
    while (!done) {
      const [row] = await reader.query<{ recs: number; facts: number }>(
        `SELECT (SELECT COUNT(*) FROM source_records) AS recs, (SELECT COUNT(*) FROM affiliation_years) AS facts`,
      );
      seen.add(`${row?.recs}/${row?.facts}`);
      // A cursor read keeps one snapshot across its batches, even while the writer commits in between.
      let streamed = 0;
      for await (const batch of reader.iterate('SELECT person_id FROM affiliation_years', [], 128)) streamed += batch.length;
      expect([0, 1000]).toContain(streamed);
      await sleep(5);
    }
    await ingest;
    const [after] = await reader.query<{ recs: number; facts: number }>(
      `SELECT (SELECT COUNT(*) FROM source_records) AS recs, (SELECT COUNT(*) FROM affiliation_years) AS facts`,
    );
    seen.add(`${after?.recs}/${after?.facts}`);
    // The writer takes ≥150 ms, so the reader looked while it ran (0/0) and after (10/1000), and saw nothing else.
    expect([...seen].sort()).toEqual(['0/0', '10/1000']);
  });
});
