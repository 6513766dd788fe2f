/**
 * Migration 7: a team server's users and its audit log. `users` holds each user's role and the salted scrypt
 * hash of their API key (never the key); a revoked user keeps the row (names are not reused) with revoked_at set.
 * `audit_log` is append-only: who (actor and role at the time), what (action, target, detail JSON), when, and
 * through which interface. Erasing a person deletes the rows about them and appends one `erasure` row.
 */
import type { Migration } from '../schema.ts';

export const migration007: Migration = {
  version: 7,
  name: 'users and audit log',
  statements: [
    `CREATE TABLE users (
      name TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      key_id TEXT NOT NULL UNIQUE,
      key_salt TEXT NOT NULL,
      key_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      rotated_at TEXT,
      revoked_at TEXT
    )`,
    `CREATE TABLE audit_log (
      id TEXT PRIMARY KEY,
      happened_at TEXT NOT NULL,
      actor TEXT NOT NULL,
      role TEXT,
      via TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT
    )`,
    `CREATE INDEX audit_log_at ON audit_log (happened_at)`,
  ],
};
