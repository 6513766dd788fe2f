/**
 * Migration 8: the recruiting pipeline. A shortlist belongs to one user and may be shared with named users; each
 * entry is a person at a stage (shortlisted → contacted → intro_requested → met → offer → hired | declined) with a
 * note; every change of stage or note is an event with who and when. Erasing a person removes their entries and
 * events (PERSON_COLUMNS); a merge moves them to the kept person.
 */
import type { Migration } from '../schema.ts';

export const migration008: Migration = {
  version: 8,
  name: 'shortlists',
  statements: [
    `CREATE TABLE shortlists (
      shortlist_id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (owner, name)
    )`,
    `CREATE TABLE shortlist_shares (shortlist_id TEXT NOT NULL, user_name TEXT NOT NULL, shared_at TEXT NOT NULL, PRIMARY KEY (shortlist_id, user_name))`,
    `CREATE TABLE shortlist_entries (
      shortlist_id TEXT NOT NULL,
      person_id TEXT NOT NULL,
      stage TEXT NOT NULL,
      note TEXT,
      added_by TEXT NOT NULL,
      added_at TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (shortlist_id, person_id)
    )`,
    `CREATE TABLE shortlist_events (
      event_id TEXT PRIMARY KEY,
      shortlist_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      person_id TEXT NOT NULL,
      happened_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      from_stage TEXT,
      to_stage TEXT,
      note TEXT
    )`,
    `CREATE INDEX shortlist_events_list ON shortlist_events (shortlist_id, person_id)`,
  ],
};
