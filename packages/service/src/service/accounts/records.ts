/**
 * The account aggregate's writes (users and teams rows) and the sweep's "whose cycle is due"
 * query, beside the reads and locks of `accounts/state.ts`. Every call runs inside a transaction
 * that already locked the account (`lockAccount` / `lockTeam`), except `insertUser`/`insertTeam`
 * (a new row) and `cyclesDue` (a read that only picks candidates; each is locked and re-checked).
 */
import type { Plan } from '@cutline/contract/credit-types';
import type { Billing } from '../../ledger/plans';
import type { Tx } from '../../db/db';

export interface NewUserRow {
  id: string;
  email: string;
  passwordHash: string;
  plan: Plan;
  billing: Billing;
  teamId: string | null;
  proUses: number | null;
  cycleStartedAt: number | null;
  cycleEndsAt: number | null;
  /** When the address was confirmed; null until the owner opens the confirmation link. */
  emailVerifiedAt: number | null;
  createdAt: number;
}

export async function insertUser(tx: Tx, u: NewUserRow): Promise<void> {
  await tx.run(
    `INSERT INTO users (id, email, password_hash, plan, billing, team_id, pro_uses_remaining, pro_uses_per_cycle,
      exchanged, cycle_started_at, cycle_ends_at, version, email_verified_at, team_role, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?)`,
    // A user made in a team joins it as a member.
    [u.id, u.email, u.passwordHash, u.plan, u.billing, u.teamId, u.proUses, u.proUses, u.cycleStartedAt, u.cycleEndsAt, u.emailVerifiedAt, u.teamId ? 'member' : null, u.createdAt],
  );
}

export interface NewTeamRow {
  id: string;
  name: string;
  creditsPerCycle: number;
  cycleDays: number;
  cycleStartedAt: number;
  cycleEndsAt: number;
  createdAt: number;
}

export async function insertTeam(tx: Tx, t: NewTeamRow): Promise<void> {
  await tx.run(
    'INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [t.id, t.name, t.creditsPerCycle, t.cycleDays, t.cycleStartedAt, t.cycleEndsAt, t.createdAt],
  );
}

/** A new password (a reset); receiving the reset link also proves the address. */
export async function setPassword(tx: Tx, userId: string, passwordHash: string, now: number): Promise<void> {
  await tx.run('UPDATE users SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?', [passwordHash, now, userId]);
}

/** The address is confirmed (its confirmation link was opened); the first confirmation stands. */
export async function markEmailVerified(tx: Tx, userId: string, now: number): Promise<void> {
  await tx.run('UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?', [now, userId]);
}

/** A charge paid with Pro uses takes them from the cycle's quota. */
export async function spendProUses(tx: Tx, userId: string, uses: number): Promise<void> {
  await tx.run('UPDATE users SET pro_uses_remaining = pro_uses_remaining - ? WHERE id = ?', [uses, userId]);
}

/** A released Pro-use charge gives them back, never above one cycle's worth (a renewal may have refilled it meanwhile); not after an exchange. */
export async function returnProUses(tx: Tx, userId: string, uses: number): Promise<void> {
  await tx.run(
    `UPDATE users SET pro_uses_remaining = CASE WHEN pro_uses_remaining + ? > pro_uses_per_cycle
       THEN pro_uses_per_cycle ELSE pro_uses_remaining + ? END WHERE id = ? AND exchanged = 0`,
    [uses, uses, userId],
  );
}

/** A new cycle's Pro uses: the quota refilled. */
export async function refillProUses(tx: Tx, userId: string, uses: number): Promise<void> {
  await tx.run('UPDATE users SET pro_uses_remaining = ? WHERE id = ?', [uses, userId]);
}

/** The one-way exchange: no Pro uses left, none granted again. */
export async function markExchanged(tx: Tx, userId: string): Promise<void> {
  await tx.run('UPDATE users SET pro_uses_remaining = 0, exchanged = 1 WHERE id = ?', [userId]);
}

export async function setUserCycle(tx: Tx, userId: string, start: number, end: number): Promise<void> {
  await tx.run('UPDATE users SET cycle_started_at = ?, cycle_ends_at = ? WHERE id = ?', [start, end, userId]);
}

export async function setTeamCycle(tx: Tx, teamId: string, start: number, end: number): Promise<void> {
  await tx.run('UPDATE teams SET cycle_started_at = ?, cycle_ends_at = ? WHERE id = ?', [start, end, teamId]);
}

/** Pro users and teams whose cycle ended by `now` (at most `limit` of each): candidates the sweep locks and re-checks. */
export async function cyclesDue(tx: Tx, now: number, limit: number): Promise<{ users: string[]; teams: string[] }> {
  const users = await tx.all<{ id: string }>("SELECT id FROM users WHERE plan = 'pro' AND cycle_ends_at <= ? LIMIT ?", [now, limit]);
  const teams = await tx.all<{ id: string }>('SELECT id FROM teams WHERE cycle_ends_at <= ? LIMIT ?', [now, limit]);
  return { users: users.map((r) => r.id), teams: teams.map((r) => r.id) };
}
