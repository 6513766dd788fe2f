/**
 * Flow aggregates: the derived careers tables (moves, careers, career_presence, career_affiliation_years) summed once
 * per data version into small per-year tables, so that a flow report without a cohort adds up a slice of them instead
 * of scanning the moves (serve-flows.ts keeps them). Each table answers one part of flows() exactly:
 *   - pairs: moves per (level, year, origin, destination);
 *   - movers: people with a move in a window, counted once — per (level, year of a move, year of the person's
 *     previous distinct move year, origin basis, deciding education record): a person moved in [from, to] exactly
 *     once at their first move year in the window, the one whose previous move year is before `from` (or none);
 *   - active: people present at a place in a window, counted once — per place, the person's islands of presence
 *     (maximal runs of years): an island containing `from`, or else the first one starting in (from, to] whose
 *     previous island ended before `from`.
 * Orders the store decides (pair ties broken by place names in the store's collation) are read from the store.
 */
import type { Queryable } from '../store/store.ts';
import type { Level } from './derive-career.ts';
import { decidingBasisSql } from './origin-rests-on.ts';
import { storedCareerParams } from './refresh-careers.ts';

/** Per-year rows of one level, years ascending; `rows[k]` holds the entries of `years[k]`. */
interface ByYear<T> {
  years: number[];
  rows: T[][];
}

export interface LevelAggregates {
  /** Distinct (origin, destination) pairs with their rank in the store's order of each column. */
  pairFrom: string[];
  pairTo: string[];
  pairFromRank: Int32Array;
  pairToRank: Int32Array;
  /** Per year: [pair index, moves]. */
  pairs: ByYear<[number, number]>;
  /** Per year: [previous move year or -Infinity, category index, people]. */
  movers: ByYear<[number, number, number]>;
  /** Per place: people present in each year (`cover[y - first]`), and island starts [start year, previous island's end or -Infinity, people] by start. */
  active: Map<string, PlacePresence>;
}

export interface PlacePresence {
  first: number;
  cover: Int32Array;
  starts: Array<[number, number, number]>;
}

export interface FlowAggregates {
  /** Movers' categories: careers.origin_basis and the deciding education record's rank (decidingBasisSql `o`). */
  categories: Array<{ originBasis: string | null; o: number | null }>;
  levels: Record<Level, LevelAggregates>;
  career: Record<string, unknown>;
}

const LEVELS: readonly Level[] = ['country', 'institution'];

function byYear<T>(entries: Iterable<[number, T]>): ByYear<T> {
  const m = new Map<number, T[]>();
  for (const [y, e] of entries) {
    const list = m.get(y);
    if (list) list.push(e);
    else m.set(y, [e]);
  }
  const years = [...m.keys()].sort((a, b) => a - b);
  return { years, rows: years.map((y) => m.get(y) as T[]) };
}

/** Rank of each value in the store's ORDER BY of a column (its collation, not JavaScript's). */
async function storeOrder(db: Queryable, column: 'from_place' | 'to_place'): Promise<Map<string, number>> {
  const rows = await db.query<{ place: string }>(`SELECT ${column} AS place FROM moves GROUP BY ${column} ORDER BY ${column}`);
  return new Map(rows.map((r, i) => [r.place, i]));
}

/**
 * Islands of presence per (person, place) from runs [first_year, last_year] (merged when they overlap or touch), as
 * (place, start, end, previous island's end) with the number of people; `runs` selects place, person_id, first_year, last_year.
 */
function islandsSql(runs: string): string {
  return `WITH r AS (
      SELECT place, person_id, first_year AS f, last_year AS l,
        MAX(last_year) OVER (PARTITION BY person_id, place ORDER BY first_year, last_year ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
      FROM (${runs}) src
    ), g AS (
      SELECT place, person_id, f, l,
        SUM(CASE WHEN reach IS NULL OR f > reach + 1 THEN 1 ELSE 0 END) OVER (PARTITION BY person_id, place ORDER BY f, l ROWS UNBOUNDED PRECEDING) AS island
      FROM r
    ), i AS (
      SELECT place, person_id, MIN(f) AS f, MAX(l) AS l FROM g GROUP BY place, person_id, island
    ), p AS (
      SELECT place, f, l, LAG(l) OVER (PARTITION BY person_id, place ORDER BY f) AS prev FROM i
    )
    SELECT place, f, l, prev, COUNT(*) AS n FROM p GROUP BY place, f, l, prev`;
}

/** What flows() counts as presence: country runs (career_presence), institution-years (career_affiliation_years). */
const PRESENCE_RUNS: Record<Level, string> = {
  country: `SELECT place, person_id, first_year, last_year FROM career_presence WHERE level = 'country'`,
  institution: `SELECT DISTINCT institution_id AS place, person_id, year AS first_year, year AS last_year FROM career_affiliation_years
    WHERE country IS NOT NULL AND institution_id IS NOT NULL`,
};

async function presence(db: Queryable, level: Level): Promise<Map<string, PlacePresence>> {
  const rows = await db.query<{ place: string; f: number; l: number; prev: number | null; n: number }>(islandsSql(PRESENCE_RUNS[level]));
  const perPlace = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = perPlace.get(r.place);
    if (list) list.push(r);
    else perPlace.set(r.place, [r]);
  }
  const out = new Map<string, PlacePresence>();
  for (const [place, list] of perPlace) {
    let first = Infinity;
    let last = -Infinity;
    for (const r of list) {
      first = Math.min(first, r.f);
      last = Math.max(last, r.l);
    }
    // islands of one person never overlap: the people present in year y are the islands covering y
    const diff = new Int32Array(last - first + 2);
    for (const r of list) {
      diff[r.f - first] = (diff[r.f - first] ?? 0) + r.n;
      diff[r.l - first + 1] = (diff[r.l - first + 1] ?? 0) - r.n;
    }
    const cover = new Int32Array(last - first + 1);
    let run = 0;
    for (let k = 0; k < cover.length; k++) cover[k] = run += diff[k] ?? 0;
    // island starts by (start, previous end): the end of an island matters only for the cover
    const byStart = new Map<string, [number, number, number]>();
    for (const r of list) {
      const prev = r.prev ?? -Infinity;
      const key = `${r.f}:${prev}`;
      const e = byStart.get(key);
      if (e) e[2] += r.n;
      else byStart.set(key, [r.f, prev, r.n]);
    }
    const starts = [...byStart.values()].sort((a, b) => a[0] - b[0]);
    out.set(place, { first, cover, starts });
  }
  return out;
}

/** Movers per (level, move year, previous move year, category), with the categories. */
async function movers(db: Queryable): Promise<{ categories: FlowAggregates['categories']; rows: Array<{ level: string; year: number; prev: number | null; cat: number; n: number }> }> {
  const rows = await db.query<{ level: string; year: number; prev: number | null; origin_basis: string | null; o: number | null; n: number }>(
    `WITH my AS (SELECT DISTINCT level, person_id, year FROM moves),
      mp AS (SELECT level, person_id, year, LAG(year) OVER (PARTITION BY level, person_id ORDER BY year) AS prev FROM my)
     SELECT mp.level, mp.year, mp.prev, ev.origin_basis, ev.o, COUNT(*) AS n
     FROM mp JOIN (${decidingBasisSql('SELECT c.person_id, c.origin_basis FROM careers c WHERE c.person_id IN (SELECT person_id FROM moves)')}) ev
       ON ev.person_id = mp.person_id
     GROUP BY mp.level, mp.year, mp.prev, ev.origin_basis, ev.o`,
  );
  const categories: FlowAggregates['categories'] = [];
  const index = new Map<string, number>();
  const out = rows.map((r) => {
    const key = JSON.stringify([r.origin_basis, r.o]);
    let cat = index.get(key);
    if (cat === undefined) {
      cat = categories.length;
      index.set(key, cat);
      categories.push({ originBasis: r.origin_basis, o: r.o });
    }
    return { level: r.level, year: r.year, prev: r.prev, cat, n: r.n };
  });
  return { categories, rows: out };
}

/** Sum the derived tables into flow aggregates (a handful of GROUP BY statements). */
export async function buildFlowAggregates(db: Queryable): Promise<FlowAggregates> {
  const pairRows = await db.query<{ level: string; year: number; from_place: string; to_place: string; n: number }>(
    'SELECT level, year, from_place, to_place, COUNT(*) AS n FROM moves GROUP BY level, year, from_place, to_place',
  );
  const fromRank = await storeOrder(db, 'from_place');
  const toRank = await storeOrder(db, 'to_place');
  const m = await movers(db);
  const levels = {} as Record<Level, LevelAggregates>;
  for (const level of LEVELS) {
    const pairIndex = new Map<string, number>();
    const pairFrom: string[] = [];
    const pairTo: string[] = [];
    const perYear: Array<[number, [number, number]]> = [];
    for (const r of pairRows) {
      if (r.level !== level) continue;
      const key = `${r.from_place}\u0000${r.to_place}`;
      let k = pairIndex.get(key);
      if (k === undefined) {
        k = pairFrom.length;
        pairIndex.set(key, k);
        pairFrom.push(r.from_place);
        pairTo.push(r.to_place);
      }
      perYear.push([r.year, [k, r.n]]);
    }
    levels[level] = {
      pairFrom,
      pairTo,
      pairFromRank: Int32Array.from(pairFrom, (p) => fromRank.get(p) ?? 0),
      pairToRank: Int32Array.from(pairTo, (p) => toRank.get(p) ?? 0),
      pairs: byYear(perYear),
      movers: byYear(m.rows.filter((r) => r.level === level).map((r): [number, [number, number, number]] => [r.year, [r.prev ?? -Infinity, r.cat, r.n]])),
      active: await presence(db, level),
    };
  }
  return { categories: m.categories, levels, career: { ...(await storedCareerParams(db)) } };
}
