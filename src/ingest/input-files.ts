/**
 * The files an ingest reads, from the paths a user gives: a file as it is; a folder (an OpenAlex snapshot's
 * `data/authors/`, say) as every data file under it, recursively, in path order — so a snapshot's
 * `updated_date=…` partitions come oldest first. (Which copy of a record lands does not depend on the order: the
 * runner takes the newest updated_date.) A folder that an OpenAlex snapshot manifest speaks for is first checked
 * against it (openalex/snapshot-manifest.ts): every listed part present, of its length and record count.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AtlasError } from '../core/errors.ts';
import { checkSnapshotFolder, type SnapshotCheck, type SnapshotCheckOptions } from './openalex/snapshot-manifest.ts';

/** What counts as a data file inside a folder: JSON, JSONL/NDJSON, ORCID XML, CSV, each possibly gzipped (OpenAlex parts are `part_000.gz`). */
const DATA_FILE = /\.(json|jsonl|ndjson|xml|csv)(\.gz)?$|\.gz$/i;

export interface InputFile {
  file: string;
  bytes: number;
}

export interface InputFilesOptions {
  /** How a snapshot folder's parts are checked against its manifest, and who hears of the result. */
  snapshot?: SnapshotCheckOptions & { onChecked?: (dir: string, check: SnapshotCheck) => void };
}

export async function inputFiles(paths: readonly string[], options: InputFilesOptions = {}): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    if (!st) throw new AtlasError('BAD_INPUT', `${p}: no such file or folder`);
    if (st.isFile()) {
      out.push({ file: p, bytes: st.size });
      continue;
    }
    if (!st.isDirectory()) throw new AtlasError('BAD_INPUT', `${p}: not a file or folder`);
    // Before anything is read: a snapshot folder whose manifest lists a part that is missing or differs stops here.
    const check = await checkSnapshotFolder(p, options.snapshot);
    if (check) options.snapshot?.onChecked?.(p, check);
    const found = await dataFilesUnder(p, new Set(check?.manifestFiles.map((m) => m.file)));
    if (found.length === 0) throw new AtlasError('BAD_INPUT', `${p}: the folder holds no data files (.json, .jsonl, .ndjson, .xml, .csv, or gzipped)`);
    out.push(...found);
  }
  return out;
}

/** The data files under a folder; `manifests` (snapshot manifests, some named manifest.json) are not data. */
async function dataFilesUnder(dir: string, manifests: ReadonlySet<string>): Promise<InputFile[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files: InputFile[] = [];
  for (const e of entries) {
    const full = path.join(e.parentPath, e.name);
    // Hidden files and folders (.DS_Store, .git) are never data; an OpenAlex `manifest` has no data extension.
    if (path.relative(dir, full).split(path.sep).some((part) => part.startsWith('.'))) continue;
    if (!e.isFile() || !DATA_FILE.test(e.name) || manifests.has(path.resolve(full))) continue;
    files.push({ file: full, bytes: (await stat(full)).size });
  }
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
