/**
 * Migration 7: accounts a person can open and recover.
 * - `rate_counters`: the sign-in (and sign-up, forgot-password) limits, shared by every instance on
 *   one database — one row per key (`signin:acct:<email>|<address>`, `signin:addr:<address>`, …)
 *   with its hits and the end of its window; the sweep deletes ended windows.
 * - `users.email_verified_at`: when the address was confirmed. Accounts made before this migration
 *   were made by an operator (admin API, demo seed), who vouched for the address: confirmed at
 *   creation.
 * - `account_links`: one-time links sent by mail (`verify`, `reset`), stored as the SHA-256 of their
 *   token, with expiry and the moment they were used.
 * - `outbox`: work to do after a commit (mail), written in the transaction of the change and
 *   claimed by a worker (`FOR UPDATE SKIP LOCKED` on PostgreSQL), retried with backoff.
 * - lookups by user for "every token, code and link of this account" (a password reset).
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Dialect, Migration } from '../migrations';

const serial = (d: Dialect) => (d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY');

export const migration: Migration = {
  version: 7,
  name: 'accounts: shared sign-in counters, email verification, one-time links, outbox',
  sql: (d) => `
CREATE TABLE rate_counters (
  key TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX rate_counters_expiry ON rate_counters(expires_at);
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
UPDATE users SET email_verified_at = created_at;
CREATE TABLE account_links (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  purpose TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX account_links_user ON account_links(user_id, purpose);
CREATE INDEX account_links_expiry ON account_links(expires_at);
CREATE TABLE outbox (
  id ${serial(d)},
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  locked_until BIGINT,
  last_error TEXT,
  failed_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(topic, next_attempt_at) WHERE failed_at IS NULL;
CREATE INDEX tokens_user ON tokens(user_id);
CREATE INDEX auth_codes_user_unused ON auth_codes(user_id) WHERE used = 0;
CREATE INDEX handoff_codes_user_unused ON handoff_codes(user_id) WHERE used = 0;
`,
};
