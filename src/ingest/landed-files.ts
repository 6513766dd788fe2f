/** Files earlier ingest runs landed, for `atlas ingest --resume`: which of the files given can be skipped. */
import path from 'node:path';
import type { Queryable } from '../store/store.ts';
import type { InputFile } from './input-files.ts';

export interface SkippedFile {
  path: string;
  /** The run that landed a file at this path with this size. */
  runId: number;
}

/**
 * Split files into those still to ingest and those an earlier run landed: same absolute path and same size in
 * bytes, in a run that landed (status ok, or landed with rejections — its good records are in). A file rewritten
 * in place with exactly the same size is skipped too, which is why --resume is opt-in.
 */
export async function splitLanded(db: Queryable, files: readonly InputFile[]): Promise<{ todo: InputFile[]; skipped: SkippedFile[] }> {
  const rows = await db.query<{ path: string; bytes: number; run_id: number }>(
    `SELECT f.path, f.bytes, MAX(f.run_id) AS run_id FROM ingest_files f JOIN ingest_runs r ON r.run_id = f.run_id
     WHERE r.status IN ('ok', 'landed-with-rejections') GROUP BY f.path, f.bytes`,
  );
  const landed = new Map(rows.map((r) => [`${path.resolve(r.path)}\u0000${r.bytes}`, r.run_id]));
  const todo: InputFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const f of files) {
    const runId = landed.get(`${path.resolve(f.file)}\u0000${f.bytes}`);
    if (runId === undefined) todo.push(f);
    else skipped.push({ path: f.file, runId });
  }
  return { todo, skipped };
}
