/** Store overview: row counts per table, people per country of latest affiliation, ingest runs, country positions. */
import { z } from 'zod';
import { countryCentroids } from '../country-centroids.ts';
import { tableExists } from '../profile.ts';
import { defineRoute } from '../route.ts';
import { pagination } from '../schemas.ts';
import { peopleByLatestCountry } from '../../store/repo/stats.ts';

const TABLES = ['people', 'person_identifiers', 'institutions', 'affiliation_years', 'education', 'works', 'authorships', 'ties', 'contacts', 'careers', 'moves'];

export const statsRoutes = [
  defineRoute({
    url: '/api/stats',
    role: 'viewer',
    tag: 'stats',
    summary: 'Row counts per table, people per country of their latest affiliation, the latest ingest runs',
    returns: '{backend, counts: {table: n}, people_by_country: [{country, people}], ingest_runs: [...]}',
    cache: true,
    async handler(_input, { store }) {
      const counts: Record<string, number> = {};
      for (const t of TABLES) {
        if (!(await tableExists(store, t))) continue;
        const [row] = await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`);
        counts[t] = row?.n ?? 0;
      }
      const peopleByCountry = await peopleByLatestCountry(store);
      const runs = await store.query(`SELECT * FROM ingest_runs ORDER BY run_id DESC LIMIT 20`);
      return { backend: store.backend, counts, people_by_country: peopleByCountry, ingest_runs: runs };
    },
  }),
  defineRoute({
    url: '/api/ingest-runs',
    role: 'viewer',
    tag: 'stats',
    summary: 'Ingest runs, newest first, with per-run counts',
    query: z.object(pagination),
    returns: '{items: [{run_id, source, started_at, finished_at, status, files, records, inserted, ...}], total, limit, offset}',
    async handler({ query }, { store }) {
      const [total] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM ingest_runs');
      const items = await store.query(`SELECT * FROM ingest_runs ORDER BY run_id DESC LIMIT ${query.limit} OFFSET ${query.offset}`);
      return { items, total: total?.n ?? 0, limit: query.limit, offset: query.offset };
    },
  }),
  defineRoute({
    url: '/api/countries',
    role: 'viewer',
    tag: 'stats',
    summary: 'Countries with approximate map positions (mean of CSRankings institution locations; see docs/api.md)',
    returns: '{items: [{code, name, region, lat, lon, basis}]}',
    cache: true,
    async handler() {
      return { items: countryCentroids() };
    },
  }),
];
