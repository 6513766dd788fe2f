import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { answerOnEachBackend, forEachBackend } from '../store/test-backends.ts';
import { dataPath } from '../core/paths.ts';
import { InputError } from '../core/errors.ts';
import { storeStats } from '../store/repo/stats.ts';
import { refreshCareers, flows } from '../careers/index.ts';
import { ingestFiles } from './run-ingest.ts';

const OPENALEX = [
  dataPath('openalex-samples', 'b-vitamins-fixtures', 'A5023888391.json'),
  dataPath('openalex-samples', 'openalex-research-rag', 'authors_sample.json'),
  dataPath('openalex-samples', 'openalex-research-rag', 'works_sample.json.gz'),
];
const LISTS = ['corl2023.json.gz', 'corl2024.json.gz', 'icml2017.json.gz'].map((f) => dataPath('paperlists', f));

forEachBackend((newStore) => {
  it('ingests real OpenAlex records and conference lists idempotently, all-or-nothing', async () => {
    const store = await newStore();
    await ingestFiles(store, OPENALEX);
    await ingestFiles(store, LISTS);
    const before = (await storeStats(store)).tables;
    expect(before['people']).toBeGreaterThan(2000);
    const again = await ingestFiles(store, [...OPENALEX, ...LISTS]);
    expect(again.inserted + again.replaced).toBe(0);
    expect({ ...(await storeStats(store)).tables, ingest_runs: 0 }).toEqual({ ...before, ingest_runs: 0 });
    const err = await ingestFiles(store, [dataPath('paperlists', 'corl2022.json.gz'), dataPath('countries', 'ppp-gdp.csv')], { source: 'openalex' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect({ ...(await storeStats(store)).tables, ingest_runs: 0 }).toEqual({ ...before, ingest_runs: 0 });
  });
});

describe('same answers on both backends', () => {
  it('gives identical counts, careers and flows after the same ingest', async () => {
    expect(readdirSync(dataPath('paperlists')).length).toBeGreaterThan(20);
    const answers = await answerOnEachBackend(
      async (s) => {
        await ingestFiles(s, [...OPENALEX, ...LISTS]);
        await refreshCareers(s);
      },
      async (s) => ({
        tables: (await storeStats(s)).tables,
        careers: await s.query(`SELECT person_id, origin, current_country, category FROM careers ORDER BY person_id`),
        flows: await flows(s, { from: 2010, to: 2025 }),
      }),
    );
    expect(answers.postgres.tables).toEqual(answers.duckdb.tables);
    expect(answers.postgres.careers).toEqual(answers.duckdb.careers);
    expect(JSON.stringify(answers.postgres.flows).replace(/"refreshedAt":"[^"]*"/g, '')).toEqual(JSON.stringify(answers.duckdb.flows).replace(/"refreshedAt":"[^"]*"/g, ''));
  });
});
