/**
 * The facts fingerprint derived tables are checked against: the last ingest run that changed facts (contact
 * imports excluded: careers and mentorships do not read contacts) and the last merge or split. An erasure is not
 * in it: it deletes the person's derived rows with their facts, and nobody else's career depends on them.
 * Each derivation stores the fingerprint it read (markDerived, in its own transaction); staleDerived names the
 * derivations that are older than the facts now.
 */
import type { Queryable } from '../store.ts';

export type Derivation = 'careers' | 'mentorships';
export const DERIVATIONS: readonly Derivation[] = ['careers', 'mentorships'];

const FACTS_SQL = `SELECT (SELECT MAX(run_id) FROM ingest_runs WHERE source <> 'contacts') AS runs, (SELECT MAX(merge_id) FROM merges) AS merges`;

export async function factsVersion(db: Queryable): Promise<string> {
  const [r] = await db.query<{ runs: number | null; merges: number | null }>(FACTS_SQL);
  return `runs:${r?.runs ?? 0};merges:${r?.merges ?? 0}`;
}

/** Inside a derivation's write transaction: it now reflects the facts of `inputs` (read before the derivation read them). */
export async function markDerived(tx: Queryable, name: Derivation, inputs: string): Promise<void> {
  await tx.exec('DELETE FROM derived_state WHERE name = $1', [name]);
  await tx.exec('INSERT INTO derived_state (name, inputs, derived_at) VALUES ($1, $2, $3)', [name, inputs, new Date().toISOString()]);
}

/** The derivations older than the facts (none when no facts were ever ingested). */
export async function staleDerived(db: Queryable): Promise<Derivation[]> {
  const now = await factsVersion(db);
  if (now === 'runs:0;merges:0') return [];
  const rows = await db.query<{ name: string; inputs: string }>('SELECT name, inputs FROM derived_state');
  const have = new Map(rows.map((r) => [r.name, r.inputs]));
  return DERIVATIONS.filter((d) => have.get(d) !== now);
}
