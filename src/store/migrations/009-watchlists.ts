/**
 * Migration 9: watchlists and alerts. A watch belongs to one user and follows a person, the top people of a search,
 * or a cohort; `watch_people` holds who it follows now and `watch_seen` the facts (moves, affiliations, works)
 * already known about them, so each sweep after an ingest reports only what is new — and a sweep that never ran
 * (a killed ingest) is caught up by the next one. `alerts` are what a sweep found; `webhooks` and
 * `webhook_deliveries` are the optional signed POST of new alerts to a user's URL, retried until delivered.
 * Erasing a person removes their watches, followed rows, seen facts and alerts (PERSON_COLUMNS).
 */
import type { Migration } from '../schema.ts';

export const migration009: Migration = {
  version: 9,
  name: 'watchlists and alerts',
  statements: [
    `CREATE TABLE watches (
      watch_id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      kind TEXT NOT NULL,
      person_id TEXT,
      spec TEXT NOT NULL,
      label TEXT NOT NULL,
      created_at TEXT NOT NULL,
      swept_at TEXT,
      swept_version TEXT,
      last_error TEXT
    )`,
    `CREATE INDEX watches_owner ON watches (owner)`,
    `CREATE TABLE watch_people (watch_id TEXT NOT NULL, person_id TEXT NOT NULL, since TEXT NOT NULL, PRIMARY KEY (watch_id, person_id))`,
    `CREATE TABLE watch_seen (watch_id TEXT NOT NULL, person_id TEXT NOT NULL, fact TEXT NOT NULL, PRIMARY KEY (watch_id, person_id, fact))`,
    `CREATE TABLE alerts (
      alert_id TEXT PRIMARY KEY,
      seq BIGINT NOT NULL,
      owner TEXT NOT NULL,
      watch_id TEXT NOT NULL,
      person_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      fact TEXT NOT NULL,
      detail TEXT NOT NULL,
      created_at TEXT NOT NULL,
      read_at TEXT
    )`,
    `CREATE INDEX alerts_owner ON alerts (owner, seq)`,
    `CREATE TABLE webhooks (owner TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, created_at TEXT NOT NULL)`,
    `CREATE TABLE webhook_deliveries (
      delivery_id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      alert_ids TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      last_error TEXT,
      last_status INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
  ],
};
