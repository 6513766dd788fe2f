/** Locations of files shipped with the package (reference data, fixtures), independent of the working directory. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA_DIR = path.join(PACKAGE_ROOT, 'data');
export const dataPath = (...parts: string[]): string => path.join(DATA_DIR, ...parts);
