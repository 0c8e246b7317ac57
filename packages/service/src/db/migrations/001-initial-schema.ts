/**
 * Migration 1: the first schema — teams, users, batches, charges and their allocations, the
 * ledger, the event rows, OAuth codes and tokens, handoff codes, web sessions, store orders.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Dialect, Migration } from '../migrations';

const serial = (d: Dialect) => (d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY');

export const migration: Migration = {
  version: 1,
  name: 'accounts, batches, charges, ledger, tokens, events',
  sql: (d) => `
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  credits_per_cycle INTEGER NOT NULL,
  cycle_days INTEGER NOT NULL,
  cycle_started_at BIGINT NOT NULL,
  cycle_ends_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  plan TEXT NOT NULL,
  billing TEXT NOT NULL,
  team_id TEXT REFERENCES teams(id),
  pro_uses_remaining INTEGER,
  pro_uses_per_cycle INTEGER,
  exchanged INTEGER NOT NULL DEFAULT 0,
  cycle_started_at BIGINT,
  cycle_ends_at BIGINT,
  version BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX users_team ON users(team_id);
CREATE INDEX users_cycle ON users(cycle_ends_at);
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  owner_kind TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  type TEXT NOT NULL,
  amount INTEGER NOT NULL,
  remaining INTEGER NOT NULL CHECK (remaining >= 0),
  granted_at BIGINT NOT NULL,
  expires_at BIGINT,
  source TEXT NOT NULL,
  expire_logged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX batches_live ON batches(owner_id, expires_at) WHERE remaining > 0;
CREATE INDEX batches_expiring ON batches(expires_at) WHERE remaining > 0 AND expire_logged = 0;
CREATE TABLE charges (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  tool TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  cost INTEGER NOT NULL,
  uses_pro_use INTEGER NOT NULL,
  pro_uses INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  release_reason TEXT,
  hold_expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  settled_at BIGINT,
  device_id TEXT,
  device_platform TEXT
);
CREATE UNIQUE INDEX charges_idem ON charges(user_id, idem_key);
CREATE INDEX charges_open ON charges(hold_expires_at) WHERE status = 'held';
CREATE INDEX charges_user_open ON charges(user_id) WHERE status = 'held';
CREATE TABLE allocations (
  charge_id TEXT NOT NULL REFERENCES charges(id),
  batch_id TEXT NOT NULL REFERENCES batches(id),
  type TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  ord INTEGER NOT NULL,
  PRIMARY KEY (charge_id, batch_id)
);
CREATE TABLE ledger (
  seq ${serial(d)},
  scope_id TEXT NOT NULL,
  user_id TEXT,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  amount INTEGER NOT NULL,
  unit TEXT NOT NULL,
  type TEXT,
  batch_id TEXT,
  charge_id TEXT,
  tool TEXT,
  device_id TEXT,
  device_platform TEXT
);
CREATE INDEX ledger_scope ON ledger(scope_id, seq);
CREATE TABLE events (
  user_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  at BIGINT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (user_id, version)
);
CREATE INDEX events_at ON events(at);
CREATE TABLE auth_codes (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  family_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX tokens_family ON tokens(family_id);
CREATE TABLE handoff_codes (
  code_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  next TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  csrf TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  form_key TEXT NOT NULL,
  pack TEXT NOT NULL,
  credits INTEGER NOT NULL,
  price_cents INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX orders_form ON orders(user_id, form_key);
`,
};
