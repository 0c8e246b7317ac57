/**
 * Migration 8: teams that manage their spending.
 * - `users.team_role`: a team member's role (`owner`, `admin`, `member`); null outside a team.
 *   Members from before this migration become `member` (an operator names the owner with
 *   `PUT /admin/v1/teams/:id/members/:userId`).
 * - `users.team_limit`: the most pool credits the member may use in a team cycle; null: no limit.
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
UPDATE users SET team_role = 'member' WHERE team_id IS NOT NULL;
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
