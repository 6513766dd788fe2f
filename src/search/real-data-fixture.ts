/**
 * Test fixture: loads real sample data into a store with bulkInsert — CoRL paper lists (data/paperlists) and the
 * OpenAlex works sample — as works, authorships, people, institutions and affiliation-years. Used by the search
 * tests only (the product's ingest lives in src/ingest).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { countryFromName } from '../core/countries.ts';
import { dataPath } from '../core/paths.ts';
import type { ColumnSpec, SqlValue, Store } from '../store/store.ts';

const t = (name: string): ColumnSpec => ({ name, type: 'text' });
const i = (name: string): ColumnSpec => ({ name, type: 'int' });
const PROV = [t('source'), t('record_key'), i('run_id')];
const COLS = {
  people: [t('person_id'), t('display_name'), i('source_h_index'), i('source_cited_by'), i('source_works_count'), ...PROV],
  institutions: [t('institution_id'), t('name'), t('country'), t('country_basis'), t('type'), t('ror'), ...PROV],
  affiliation_years: [t('person_id'), i('year'), t('institution_id'), t('country'), t('country_basis'), t('role'), t('basis'), ...PROV],
  works: [t('work_id'), t('title'), i('year'), t('venue'), i('cited_by_count'), i('author_count'), t('keywords'), t('topics'), t('abstract'), t('status'), t('doi'), ...PROV],
  authorships: [t('work_id'), t('person_id'), i('position'), t('institution_ids'), ...PROV],
};
type Table = keyof typeof COLS;

const readGz = (...p: string[]): unknown => JSON.parse(gunzipSync(readFileSync(dataPath(...p))).toString('utf8'));
const split = (s: unknown): string[] => (typeof s === 'string' && s ? s.split(';').map((x) => x.trim()) : []);

interface PaperRow {
  id: string;
  title?: string;
  status?: string;
  abstract?: string;
  keywords?: string;
  primary_area?: string;
  author?: string;
  authorids?: string;
  gs_citation?: number;
  aff_unique_index?: string;
  aff_unique_norm?: string;
  aff_country_unique_index?: string;
  aff_country_unique?: string;
}

interface OpenAlexWork {
  id: string;
  title?: string | null;
  publication_year?: number | null;
  cited_by_count?: number | null;
  concepts?: Array<{ display_name: string }>;
  primary_location?: { source?: { display_name?: string } | null } | null;
  authorships?: Array<{
    author: { id: string | null; display_name?: string };
    institutions?: Array<{ id: string | null; display_name?: string; country_code?: string | null; type?: string | null }>;
  }>;
}

export interface RealDataSummary {
  works: number;
  people: number;
  /** person ids per source, for tests. */
  paperlistPeople: number;
  openalexPeople: number;
}

/** Load CoRL 2021–2024 paper lists and the OpenAlex works sample into a migrated store. */
export async function loadRealData(store: Store, years: readonly number[] = [2021, 2022, 2023, 2024]): Promise<RealDataSummary> {
  const rows: Record<Table, SqlValue[][]> = { people: [], institutions: [], affiliation_years: [], works: [], authorships: [] };
  const people = new Map<string, string>();
  const insts = new Set<string>();
  let plPeople = 0;
  for (const year of years) {
    const list = readGz('paperlists', `corl${year}.json.gz`) as PaperRow[];
    for (const p of list) {
      const wid = `corl${year}:${p.id}`;
      const names = split(p.author);
      const ids = split(p.authorids);
      rows.works.push([wid, p.title ?? null, year, `CoRL ${year}`, p.gs_citation ?? null, ids.length, split(p.keywords).join('; ') || null, p.primary_area || null, p.abstract ?? null, p.status ?? null, null, 'paperlist', wid, 1]);
      const affIdx = split(p.aff_unique_index);
      const affNorm = split(p.aff_unique_norm);
      const ccIdx = split(p.aff_country_unique_index);
      const ccNames = split(p.aff_country_unique);
      ids.forEach((aid, k) => {
        if (!aid) return;
        const pid = `or:${aid}`;
        if (!people.has(pid)) {
          people.set(pid, names[k] ?? aid);
          plPeople++;
        }
        rows.authorships.push([wid, pid, k + 1, null, 'paperlist', wid, 1]);
        const inst = affNorm[Number(affIdx[k])];
        const ccName = ccNames[Number(ccIdx[k])];
        const cc = ccName ? countryFromName(ccName) : null;
        if (inst && cc) {
          const iid = `pl:${inst}`;
          if (!insts.has(iid)) {
            insts.add(iid);
            rows.institutions.push([iid, inst, cc, 'paperlist', null, null, 'paperlist', iid, 1]);
          }
          rows.affiliation_years.push([pid, year, iid, cc, 'paperlist', null, 'paper', 'paperlist', wid, 1]);
        }
      });
    }
  }
  let oaPeople = 0;
  const works = readGz('openalex-samples', 'openalex-research-rag', 'works_sample.json.gz') as OpenAlexWork[];
  for (const w of works) {
    const wid = w.id.slice(w.id.lastIndexOf('/') + 1);
    const topics = (w.concepts ?? []).map((c) => c.display_name).join('; ');
    const n = w.authorships?.length ?? 0;
    rows.works.push([wid, w.title ?? null, w.publication_year ?? null, w.primary_location?.source?.display_name ?? null, w.cited_by_count ?? null, n, null, topics || null, null, null, null, 'openalex', wid, 1]);
    (w.authorships ?? []).forEach((a, k) => {
      if (!a.author.id) return;
      const pid = a.author.id.slice(a.author.id.lastIndexOf('/') + 1);
      if (!people.has(pid)) {
        people.set(pid, a.author.display_name ?? pid);
        oaPeople++;
      }
      rows.authorships.push([wid, pid, k + 1, null, 'openalex', wid, 1]);
      for (const inst of a.institutions ?? []) {
        if (!inst.id) continue;
        const iid = inst.id.slice(inst.id.lastIndexOf('/') + 1);
        if (!insts.has(iid)) {
          insts.add(iid);
          rows.institutions.push([iid, inst.display_name ?? null, inst.country_code ?? null, 'openalex', inst.type ?? null, null, 'openalex', iid, 1]);
        }
        if (w.publication_year) rows.affiliation_years.push([pid, w.publication_year, iid, inst.country_code ?? null, 'openalex', null, 'paper', 'openalex', wid, 1]);
      }
    });
  }
  for (const [pid, name] of people) rows.people.push([pid, name, null, null, null, 'fixture', pid, 1]);
  for (const table of Object.keys(COLS) as Table[]) await store.bulkInsert(table, COLS[table], rows[table]);
  return { works: rows.works.length, people: people.size, paperlistPeople: plPeople, openalexPeople: oaPeople };
}
