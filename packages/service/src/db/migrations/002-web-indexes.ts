/**
 * Migration 2: the web pages' lookups — usage by kind over time, expired and per-user web
 * sessions, a user's recent orders.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 2,
  name: 'web: usage-by-kind index, session and order lookups',
  sql: () => `
CREATE INDEX ledger_scope_kind_at ON ledger(scope_id, kind, at);
CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
CREATE INDEX web_sessions_user ON web_sessions(user_id);
CREATE INDEX orders_user_recent ON orders(user_id, created_at);
`,
};
