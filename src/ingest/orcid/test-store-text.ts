/**
 * Test helpers that look at every stored value: the text cells of every base table that match a pattern (to prove
 * that nothing derived from an e-mail, a residence or a citizenship claim was stored), and every table's row count
 * (to prove that a rejected ingest left the database unchanged). Both read information_schema, on either backend.
 */
import type { Store } from '../../store/store.ts';

async function baseTables(store: Store): Promise<string[]> {
  const rows = await store.query<{ t: string }>(
    `SELECT table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('information_schema', 'pg_catalog') AND table_name NOT LIKE 'stg_%' ORDER BY table_name`,
  );
  return rows.map((r) => r.t);
}

/** `table.column = value` for every text cell of every base table whose value contains `needle` (case-sensitive). */
export async function textCellsContaining(store: Store, needle: string): Promise<string[]> {
  const tables = new Set(await baseTables(store));
  const cols = await store.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns
     WHERE table_schema NOT IN ('information_schema', 'pg_catalog') AND lower(data_type) IN ('varchar', 'text', 'character varying') ORDER BY table_name, column_name`,
  );
  const out: string[] = [];
  for (const { t, c } of cols) {
    if (!tables.has(t)) continue;
    const hits = await store.query<{ v: string }>(`SELECT ${c} AS v FROM ${t} WHERE strpos(${c}, $1) > 0 LIMIT 5`, [needle]);
    for (const h of hits) out.push(`${t}.${c} = ${h.v}`);
  }
  return out;
}

/** Row count of every base table except the log of ingest runs (a failed run records itself there). */
export async function tableCounts(store: Store): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await baseTables(store)) {
    if (t === 'ingest_runs' || t === 'ingest_files') continue;
    out[t] = Number((await store.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n ?? 0);
  }
  return out;
}
