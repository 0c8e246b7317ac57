/**
 * Reads of one account's state inside a transaction: the user, its team, its live batches, its
 * snapshot (held credits come with the user row) — and the one way to lock an account.
 *
 * Locking: a write that depends on an account's state first locks it with `lockAccount` (a
 * member's team, then the user) or `lockTeam` (a team, before any member), and works on the row
 * these return: the row as it stands once locked. Locks are always taken team before members,
 * so two writers cannot deadlock; on SQLite (`tx.serialisesWriters`) the transaction already
 * holds the one write lock and an account is "locked" with a single read.
 */
import type { BalanceSnapshot, Me } from '@cutline/contract/api';
import { capSummary, limitView, type LimitState } from '../../ledger/member-limit';
import { summarize } from '../../ledger/summary';
import type { BatchState } from '../../ledger/types';
import type { Tx } from '../../db/db';
import type { Ctx } from '../kernel/context';
import { notFound } from '../kernel/errors';
import { batchState, batchWire, isoOrNull, teamRow, userRow, type TeamRow, type UserRow } from '../kernel/rows';

export async function getUser(tx: Tx, id: string): Promise<UserRow | undefined> {
  const r = await tx.get('SELECT * FROM users WHERE id = ?', [id]);
  return r ? userRow(r) : undefined;
}

export async function userByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const r = await tx.get('SELECT * FROM users WHERE email = ?', [email.trim().toLowerCase()]);
  return r ? userRow(r) : undefined;
}

export async function requireUser(tx: Tx, id: string): Promise<UserRow> {
  const u = await getUser(tx, id);
  if (!u) throw notFound('user');
  return u;
}

/** Locks the account — its team first, then the user — and returns the user row as it stands once locked. */
export async function lockAccount(tx: Tx, userId: string): Promise<UserRow> {
  if (!tx.serialisesWriters) {
    // The team must be locked before its member: learn it from a plain read first.
    const pre = await requireUser(tx, userId);
    if (pre.team_id) await tx.lockRow('teams', pre.team_id);
  }
  const r = await tx.lockRow('users', userId);
  if (!r) throw notFound('user');
  return userRow(r);
}

/**
 * Locks several accounts at once (a batch of charge steps) in one statement: their teams, then
 * the users and every member of those teams (`Tx.lockAccounts`). Returns the rows as locked —
 * the users asked for and their teammates — and the teams locked. A user that joined a team
 * between the statement's read and its lock: that team is locked then (out of the usual order: a
 * deadlock this causes is detected by PostgreSQL and the transaction retried) and the accounts
 * locked again.
 */
export async function lockAccounts(tx: Tx, userIds: readonly string[]): Promise<{ users: Map<string, UserRow>; teams: Set<string> }> {
  for (;;) {
    const r = await tx.lockAccounts(userIds);
    const users = new Map(r.users.map((u) => [String(u.id), userRow(u)]));
    const teams = new Set(r.teams);
    const late = new Set<string>();
    for (const id of userIds) {
      const t = users.get(id)?.team_id;
      if (t && !teams.has(t)) late.add(t);
    }
    if (!late.size) return { users, teams };
    for (const t of [...late].sort()) await tx.lockRow('teams', t);
  }
}

/** Locks a team (before any of its members) and returns its row as it stands once locked. */
export async function lockTeam(tx: Tx, teamId: string): Promise<TeamRow> {
  const r = await tx.lockRow('teams', teamId);
  if (!r) throw notFound('team');
  return teamRow(r);
}

export async function getTeam(tx: Tx, id: string): Promise<TeamRow | undefined> {
  const r = await tx.get('SELECT * FROM teams WHERE id = ?', [id]);
  return r ? teamRow(r) : undefined;
}

export async function teamMemberIds(tx: Tx, teamId: string): Promise<string[]> {
  const rows = await tx.all<{ id: string }>('SELECT id FROM users WHERE team_id = ? ORDER BY id', [teamId]);
  return rows.map((r) => r.id);
}

/**
 * The batches an account may spend now: its own and (for a team member) the team's subscription
 * batches. Reads only live rows through the (owner, expiry) partial index, so the cost follows
 * the number of live batches, never the length of history.
 */
export async function liveBatches(tx: Tx, user: Pick<UserRow, 'id' | 'team_id'>, now: number): Promise<BatchState[]> {
  const sql =
    'SELECT * FROM batches WHERE owner_id = ? AND remaining > 0 AND (expires_at IS NULL OR expires_at > ?)';
  const own = (await tx.all(sql, [user.id, now])).map(batchState);
  if (!user.team_id) return own;
  // Teams: subscription credits belong to the team; activity and purchased stay personal.
  const team = (await tx.all(sql, [user.team_id, now])).map(batchState).filter((b) => b.type === 'subscription');
  return own.concat(team);
}

export async function snapshotOf(tx: Tx, user: UserRow, now: number): Promise<BalanceSnapshot> {
  return snapshotFrom(user, await liveBatches(tx, user, now), now);
}

/**
 * `snapshotOf` over batches the caller already has: what `liveBatches` would read now (extra
 * non-live ones are ignored). Held credits come with the account (`users.held`, kept by every
 * charge step in the same transaction), so nothing else is read.
 */
export function snapshotFrom(user: UserRow, batches: readonly BatchState[], now: number): BalanceSnapshot {
  const s = summarize(batches, now);
  // A team member's limit on the pool (counters on their row): at most what is left of it counts.
  const state = limitStateOf(user);
  const limit = state ? limitView(state) : null;
  const { total, byType } = capSummary(s, limit);
  const snapshot: BalanceSnapshot = {
    version: user.version,
    total,
    held: user.held,
    byType,
    proUses: proUsesOf(user),
    batches: s.live.map(batchWire),
    nextExpiry: s.nextExpiry ? { amount: s.nextExpiry.amount, at: isoOrNull(s.nextExpiry.at)! } : null,
  };
  if (user.team_id !== null) snapshot.limit = limit;
  return snapshot;
}

/**
 * A team member's limit and its counters as their row holds them (`pool_used`, `pool_held`: kept
 * by the charge engine with every hold, capture and release); null outside a team.
 */
export const limitStateOf = (u: Pick<UserRow, 'team_id' | 'team_limit' | 'pool_used' | 'pool_held'>): LimitState | null =>
  u.team_id === null ? null : { credits: u.team_limit, used: u.pool_used, held: u.pool_held };

export function proUsesOf(user: UserRow): { remaining: number; perCycle: number } | null {
  if (user.exchanged || user.pro_uses_per_cycle === null) return null;
  return { remaining: user.pro_uses_remaining ?? 0, perCycle: user.pro_uses_per_cycle };
}

/** The account on the wire (`GET /v1/me`, the admin answers), with its team's name when it has one. */
export function meOf(u: UserRow, teamName: string | null): Me {
  return {
    id: u.id,
    email: u.email,
    plan: u.plan,
    teamId: u.team_id,
    team: u.team_id !== null && teamName !== null ? { id: u.team_id, name: teamName, role: u.team_role ?? 'member' } : null,
    proUses: proUsesOf(u),
    exchanged: u.exchanged === 1,
    cycleEndsAt: isoOrNull(u.cycle_ends_at),
  };
}

/** The account's `Me` as committed: the user and its team's name in one read. */
export const meNow = (ctx: Pick<Ctx, 'db'>, userId: string): Promise<Me> =>
  ctx.db.read(async (tx) => {
    const r = await tx.get('SELECT u.*, t.name AS team_name FROM users u LEFT JOIN teams t ON t.id = u.team_id WHERE u.id = ?', [userId]);
    if (!r) throw notFound('user');
    return meOf(userRow(r), r.team_name === null || r.team_name === undefined ? null : String(r.team_name));
  });
