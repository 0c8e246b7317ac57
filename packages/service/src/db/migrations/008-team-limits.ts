/**
 * Migration 8: teams that manage their spending.
 * - `users.team_role`: a team member's role (`owner`, `admin`, `member`); null outside a team.
 *   Members from before this migration become `member` (an operator names the owner with
 *   `PUT /admin/v1/teams/:id/members/:userId`).
 * - `users.team_limit`: the most pool credits the member may use in a team cycle; null: no limit.
 * - `users.pool_used`, `users.pool_held`: the counters a limit is checked against, kept by the
 *   charge engine in the transaction of every hold, capture and release (pool credits this member
 *   captured since the team's cycle started; pool credits in their open holds), and `pool_used`
 *   recounted when a team cycle starts. Filled here from the ledger and the open holds.
 * - `limit_requests`: a member asking the team admins for more (pending → approved or denied),
 *   listed per team and status, newest first, and per member.
 *
 * History: applied once to every database, in version order, and never edited afterwards (a
 * change is the next migration). The list the code runs is db/migrations.ts.
 */
import type { Migration } from '../migrations';

export const migration: Migration = {
  version: 8,
  name: 'teams: member roles, per-member limits on the pool, limit requests',
  sql: () => `
ALTER TABLE users ADD COLUMN team_role TEXT;
ALTER TABLE users ADD COLUMN team_limit INTEGER;
ALTER TABLE users ADD COLUMN pool_used INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pool_held INTEGER NOT NULL DEFAULT 0;
UPDATE users SET team_role = 'member',
  pool_used = COALESCE((SELECT SUM(l.amount) FROM ledger l JOIN teams t ON t.id = l.scope_id
    WHERE l.scope_id = users.team_id AND l.user_id = users.id AND l.kind = 'capture' AND l.unit = 'credits' AND l.at >= t.cycle_started_at), 0),
  pool_held = COALESCE((SELECT SUM(a.amount) FROM charges c JOIN allocations a ON a.charge_id = c.id JOIN batches b ON b.id = a.batch_id
    WHERE c.user_id = users.id AND c.status = 'held' AND b.owner_kind = 'team' AND b.owner_id = users.team_id), 0)
  WHERE team_id IS NOT NULL;
CREATE TABLE limit_requests (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  credits INTEGER NOT NULL CHECK (credits > 0),
  note TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  decided_by TEXT REFERENCES users(id)
);
CREATE INDEX limit_requests_team ON limit_requests(team_id, status, created_at);
CREATE INDEX limit_requests_user ON limit_requests(user_id, created_at);
`,
};
