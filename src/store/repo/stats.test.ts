/** People per country of latest affiliation: each person once, by the documented tie-breaks, on every backend. */
import { expect, it } from 'vitest';
import { forEachBackend } from '../test-backends.ts';
import { peopleByLatestCountry, storeStats } from './stats.ts';

forEachBackend((newStore) => {
  it('counts each person once: latest year with a known country, then most rows that year, then alphabetical', async () => {
    const store = await newStore();
    const rows: Array<[string, number, string | null]> = [
      ['p1', 2019, 'US'], ['p1', 2020, 'CN'], // latest: CN
      ['p2', 2021, 'US'], ['p2', 2021, 'US'], ['p2', 2021, 'GB'], // two US rows in 2021 beat one GB row
      ['p3', 2021, 'FR'], ['p3', 2021, 'DE'], // a tie: DE before FR
      ['p4', 2022, null], ['p4', 2020, 'JP'], // an unknown country is skipped, not counted
      ['p5', 2023, null], // no known country: not counted at all
      ['p6', 2018, 'AR'], ['p6', 2018, 'AR'], ['p6', 2019, 'ZA'], // the latest year beats more rows and the alphabet
    ];
    for (const [i, [person, year, country]] of rows.entries()) {
      await store.exec(
        `INSERT INTO affiliation_years (person_id, year, institution_id, country, basis, source, record_key, run_id) VALUES ($1, $2, $3, $4, 'affiliation', 't', $5, 1)`,
        [person, year, `I${i}`, country, `k${i}`],
      );
    }
    const all = await peopleByLatestCountry(store);
    expect(all).toEqual([
      { country: 'CN', people: 1 },
      { country: 'DE', people: 1 },
      { country: 'JP', people: 1 },
      { country: 'US', people: 1 },
      { country: 'ZA', people: 1 },
    ]);
    expect(await peopleByLatestCountry(store, 2)).toEqual(all.slice(0, 2));
    expect((await storeStats(store, 3)).peopleByLatestCountry).toEqual(all.slice(0, 3));
  });
});
