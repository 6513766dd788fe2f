/**
 * Test helper: write RecordFacts into a migrated store the simple way (person id = the key's holder in
 * person_identifiers, else the key itself), so identity tests can run on real parsed data without the
 * full ingest runner. Not used by the product.
 */
import type { RecordFacts } from '../ingest/facts.ts';
import type { ColumnSpec, SqlValue, Store } from '../store/store.ts';

const t = (name: string): ColumnSpec => ({ name, type: 'text' });
const i = (name: string): ColumnSpec => ({ name, type: 'int' });
const PROV = [t('source'), t('record_key'), i('run_id')];

export async function loadFactsForTest(store: Store, all: readonly RecordFacts[]): Promise<void> {
  const holder = new Map<string, string>();
  for (const r of await store.query<{ scheme: string; value: string; person_id: string }>('SELECT scheme, value, person_id FROM person_identifiers')) {
    holder.set(`${r.scheme}:${r.value}`, r.person_id);
  }
  const people = new Map<string, SqlValue[]>();
  const idents = new Map<string, SqlValue[]>();
  const insts = new Map<string, SqlValue[]>();
  const works = new Map<string, SqlValue[]>();
  const aff: SqlValue[][] = [];
  const edu: SqlValue[][] = [];
  const au: SqlValue[][] = [];
  const ties: SqlValue[][] = [];
  const personOf = (key: string, extra: Array<{ scheme: string; value: string }>, rk: string, src: string, name: string | null): string => {
    const keys = [key, ...extra.map((e) => `${e.scheme}:${e.value}`)];
    const pid = keys.map((k) => holder.get(k)).find(Boolean) ?? key;
    for (const k of keys) {
      if (holder.has(k)) continue;
      holder.set(k, pid);
      const c = k.indexOf(':');
      idents.set(k, [k.slice(0, c), k.slice(c + 1), pid, src, rk, 1]);
    }
    const p = people.get(pid);
    if (!p) people.set(pid, [pid, name, null, null, null, src, rk, 1]);
    else if (p[1] === null && name) p[1] = name;
    return pid;
  };
  for (const f of all) {
    const prov = [f.source, f.recordKey, 1];
    const map = new Map<string, string>();
    for (const p of f.people) map.set(p.key, personOf(p.key, p.identifiers, f.recordKey, f.source, p.name));
    const pid = (k: string): string => map.get(k) ?? personOf(k, [], f.recordKey, f.source, null);
    for (const x of f.institutions) if (!insts.has(x.id)) insts.set(x.id, [x.id, x.name, x.country, x.countryBasis, x.type, x.ror, ...prov]);
    for (const w of f.works) works.set(w.id, [w.id, w.title, w.year, w.venue, w.citedByCount, w.authorCount, w.keywords.join(';'), w.topics.join(';'), w.abstract, w.status, w.doi, ...prov]);
    for (const a of f.affiliationYears) aff.push([pid(a.person), a.year, a.institution, a.country, a.countryBasis, a.role, a.basis, ...prov]);
    for (const e of f.education) edu.push([pid(e.person), e.institution, e.country, e.degree, e.roleTitle, e.startYear, e.endYear, ...prov]);
    for (const a of f.authorships) au.push([a.work, pid(a.person), a.position, a.institutions.join(';'), ...prov]);
    for (const x of f.ties) ties.push([pid(x.a), pid(x.b), x.kind, x.year, x.confidence, x.evidence, ...prov]);
  }
  await store.bulkInsert('people', [t('person_id'), t('display_name'), i('source_h_index'), i('source_cited_by'), i('source_works_count'), ...PROV], [...people.values()]);
  await store.bulkInsert('person_identifiers', [t('scheme'), t('value'), t('person_id'), ...PROV], [...idents.values()]);
  await store.bulkInsert('institutions', [t('institution_id'), t('name'), t('country'), t('country_basis'), t('type'), t('ror'), ...PROV], [...insts.values()]);
  await store.bulkInsert('works', [t('work_id'), t('title'), i('year'), t('venue'), i('cited_by_count'), i('author_count'), t('keywords'), t('topics'), t('abstract'), t('status'), t('doi'), ...PROV], [...works.values()]);
  await store.bulkInsert('affiliation_years', [t('person_id'), i('year'), t('institution_id'), t('country'), t('country_basis'), t('role'), t('basis'), ...PROV], aff);
  await store.bulkInsert('education', [t('person_id'), t('institution_id'), t('country'), t('degree'), t('role_title'), i('start_year'), i('end_year'), ...PROV], edu);
  await store.bulkInsert('authorships', [t('work_id'), t('person_id'), i('position'), t('institution_ids'), ...PROV], au);
  await store.bulkInsert('ties', [t('a'), t('b'), t('kind'), i('year'), { name: 'confidence', type: 'double' }, t('evidence'), ...PROV], ties);
}
