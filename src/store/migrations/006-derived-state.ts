/**
 * Migration 6: what each derived table was derived from. `derived_state` holds, per derivation (`careers`:
 * careers, moves and presence; `mentorships`: stated and inferred ties), the fingerprint of the facts it read
 * (store/repo/derived-state.ts), written in the derivation's own transaction. A reader that finds it older than
 * the facts — an ingest killed between its commit and the refresh after it, a merge or split — re-derives first.
 */
import type { Migration } from '../schema.ts';

export const migration006: Migration = {
  version: 6,
  name: 'derived state',
  statements: [`CREATE TABLE derived_state (name TEXT PRIMARY KEY, inputs TEXT NOT NULL, derived_at TEXT NOT NULL)`],
};
