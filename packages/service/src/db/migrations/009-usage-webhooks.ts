/**
 * Migration 9: where the credits went, and webhooks for team admins.
 * - `charges.project_id`, `charges.project_name`: the project an AI action was for (the desktop
 *   sends its open project with every charge); null for charges made without one.
 * - `charges_captured (user_id, settled_at)` over captured charges: usage over a period reads the
 *   period's captures only, however long the account's history (`GET /v1/usage`, the CSV, the
 *   web's usage tables); `charges_project (user_id, project_id, settled_at)`: one project's cost.
 * - `webhooks`: a team's subscriptions (URL, event types, thresholds, the signing secret).
 * - `webhook_deliveries`: one row per event sent to a subscription — its `webhook-id`, body,
 *   status, attempts and last answer — kept for the admins' list; the attempts themselves are
 *   outbox rows (topic `webhook`) written in the same transaction.
 * - `webhook_crossings`: what already fired, so each crossing fires once per subscription, subject
 *   (a member, a batch) and team cycle.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 9,
  name: 'usage and webhooks: projects on charges, captured-charge indexes, webhooks, deliveries, crossings',
  sql: () => `
ALTER TABLE charges ADD COLUMN project_id TEXT;
ALTER TABLE charges ADD COLUMN project_name TEXT;
CREATE INDEX charges_captured ON charges(user_id, settled_at) WHERE status = 'captured';
CREATE INDEX charges_project ON charges(user_id, project_id, settled_at) WHERE status = 'captured' AND project_id IS NOT NULL;
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  pool_low_below INTEGER,
  member_near_percent INTEGER NOT NULL,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_team ON webhooks(team_id);
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, created_at);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);
CREATE TABLE webhook_crossings (
  webhook_id TEXT NOT NULL,
  type TEXT NOT NULL,
  subject TEXT NOT NULL,
  cycle_started_at BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (webhook_id, type, subject, cycle_started_at)
);
`,
};
