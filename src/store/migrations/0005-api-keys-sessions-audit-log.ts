import { sql } from '../sql.js';
import type { Migration } from './migration.js';

/**
 * Migration 5 creates the tables of API keys, dashboard sessions and the audit log.
 *
 * - auth_keys is keyed by the key id alone, not by project: a request names only its key, so
 *   finding the key (and with it the project) is one primary-key read. The row holds a salted
 *   scrypt hash, never the key. It is written at creation and at revocation only; `updated` is
 *   the version (a revocation always writes a larger one), read with FINAL.
 * - auth_key_usage holds last-used times apart from the key rows: a late usage write must never
 *   be able to replace a revocation. The largest time wins.
 * - auth_sessions keeps dashboard sessions (by the SHA-256 of the cookie token, never the token)
 *   so a restart does not log everyone out; a logout writes a newer row with `ended` set.
 * - audit_log is append-only, by project and time.
 */
export const migration0005: Migration = {
  id: 5,
  name: 'api keys, sessions and the audit log',
  statements: (t) => [
    sql`CREATE TABLE IF NOT EXISTS ${t('auth_keys')} (
      id String,
      project String,
      role String,
      name String,
      salt String,
      hash String,
      created UInt64,
      revoked UInt64,
      updated UInt64
    ) ENGINE = ReplacingMergeTree(updated)
    ORDER BY id`,
    sql`CREATE TABLE IF NOT EXISTS ${t('auth_key_usage')} (
      id String,
      last_used UInt64
    ) ENGINE = ReplacingMergeTree(last_used)
    ORDER BY id`,
    sql`CREATE TABLE IF NOT EXISTS ${t('auth_sessions')} (
      token_hash String,
      key_id String,
      created UInt64,
      expires UInt64,
      ended UInt64,
      updated UInt64
    ) ENGINE = ReplacingMergeTree(updated)
    ORDER BY token_hash`,
    sql`CREATE TABLE IF NOT EXISTS ${t('audit_log')} (
      project String,
      ts Int64,
      id String,
      actor String,
      action String,
      target String,
      detail String
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000)))
    ORDER BY (project, ts, id)`,
  ],
};
