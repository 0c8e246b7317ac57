/**
 * The team aggregate's storage beside `accounts/state.ts` (which reads and locks users and
 * teams): members with their roles and limits, what each member drew from the pool this cycle,
 * the pool itself, and limit requests. Writes run in a transaction that locked the team first
 * (`lockTeam`), then the member.
 */
import type { LimitRequest } from '@cutline/contract/api';
import type { LimitRequestStatus, TeamRole } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';
import { num } from '../../ledger-wire';
import { iso, isoOrNull, numOrNull } from '../kernel/rows';

export interface MemberRow {
  id: string;
  email: string;
  role: TeamRole;
  limit: number | null;
  /** Pool credits captured this team cycle, and held by open holds now (the charge engine's counters). */
  used: number;
  held: number;
}

const ROLE_ORDER: Record<TeamRole, number> = { owner: 0, admin: 1, member: 2 };

const memberRow = (r: Record<string, unknown>): MemberRow => ({
  id: String(r.id),
  email: String(r.email),
  role: ((r.team_role as TeamRole | null) ?? 'member') as TeamRole,
  limit: numOrNull(r.team_limit),
  used: num(r.pool_used ?? 0),
  held: num(r.pool_held ?? 0),
});

/** The team's members: owners, then admins, then members, each by email. */
export async function teamMembers(tx: Tx, teamId: string): Promise<MemberRow[]> {
  const rows = await tx.all('SELECT id, email, team_role, team_limit, pool_used, pool_held FROM users WHERE team_id = ?', [teamId]);
  return rows.map(memberRow).sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.email.localeCompare(b.email));
}

/** The ids of the team's admins (owners and admins), in id order. */
export async function teamAdminIds(tx: Tx, teamId: string): Promise<string[]> {
  const rows = await tx.all<{ id: string }>("SELECT id FROM users WHERE team_id = ? AND team_role IN ('owner', 'admin') ORDER BY id", [teamId]);
  return rows.map((r) => r.id);
}

export async function setRole(tx: Tx, userId: string, role: TeamRole): Promise<void> {
  await tx.run('UPDATE users SET team_role = ? WHERE id = ?', [role, userId]);
}

export async function setLimit(tx: Tx, userId: string, credits: number | null): Promise<void> {
  await tx.run('UPDATE users SET team_limit = ? WHERE id = ?', [credits, userId]);
}

/**
 * A new team cycle: every member's `used` starts at 0 (their open holds stay held). Run in the
 * transaction that starts the cycle, under the team's lock.
 */
export async function resetPoolUse(tx: Tx, teamId: string): Promise<void> {
  await tx.run('UPDATE users SET pool_used = 0 WHERE team_id = ? AND pool_used <> 0', [teamId]);
}

/** What is left in the team's pool now: its live subscription batches. */
export async function poolRemaining(tx: Tx, teamId: string, now: number): Promise<number> {
  const r = await tx.get<{ credits: unknown }>(
    "SELECT COALESCE(SUM(remaining), 0) AS credits FROM batches WHERE owner_id = ? AND remaining > 0 AND (expires_at IS NULL OR expires_at > ?) AND type = 'subscription'",
    [teamId, now],
  );
  return num(r?.credits ?? 0);
}

// ---- limit requests ---------------------------------------------------------------------------

export interface LimitRequestRow {
  id: string;
  team_id: string;
  user_id: string;
  email: string;
  credits: number;
  note: string | null;
  status: LimitRequestStatus;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

const requestRow = (r: Record<string, unknown>): LimitRequestRow => ({
  id: String(r.id),
  team_id: String(r.team_id),
  user_id: String(r.user_id),
  email: String(r.email),
  credits: num(r.credits),
  note: (r.note ?? null) as string | null,
  status: r.status as LimitRequestStatus,
  created_at: num(r.created_at),
  decided_at: numOrNull(r.decided_at),
  decided_by: (r.decided_by ?? null) as string | null,
});

export function limitRequestWire(r: LimitRequestRow): LimitRequest {
  return {
    id: r.id,
    userId: r.user_id,
    email: r.email,
    credits: r.credits,
    note: r.note,
    status: r.status,
    createdAt: iso(r.created_at),
    decidedAt: isoOrNull(r.decided_at),
    decidedBy: r.decided_by,
  };
}

const SELECT_REQUEST = 'SELECT r.*, u.email FROM limit_requests r JOIN users u ON u.id = r.user_id';

export async function insertLimitRequest(tx: Tx, r: Omit<LimitRequestRow, 'email' | 'status' | 'decided_at' | 'decided_by'>): Promise<void> {
  await tx.run("INSERT INTO limit_requests (id, team_id, user_id, credits, note, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)", [
    r.id, r.team_id, r.user_id, r.credits, r.note, r.created_at,
  ]);
}

export async function limitRequestById(tx: Tx, id: string): Promise<LimitRequestRow | undefined> {
  const r = await tx.get(`${SELECT_REQUEST} WHERE r.id = ?`, [id]);
  return r ? requestRow(r) : undefined;
}

/** The most requests one list answers (newest first). */
export const REQUEST_LIST_MAX = 500;

/** A team's requests (every member's), or one member's, newest first; optionally of one status. */
export async function listLimitRequests(tx: Tx, where: { teamId: string; userId?: string; status?: LimitRequestStatus }): Promise<LimitRequestRow[]> {
  const cond = ['r.team_id = ?'];
  const params: unknown[] = [where.teamId];
  if (where.userId !== undefined) {
    cond.push('r.user_id = ?');
    params.push(where.userId);
  }
  if (where.status !== undefined) {
    cond.push('r.status = ?');
    params.push(where.status);
  }
  const rows = await tx.all(`${SELECT_REQUEST} WHERE ${cond.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${REQUEST_LIST_MAX}`, params);
  return rows.map(requestRow);
}

export async function pendingRequestCount(tx: Tx, teamId: string, userId: string): Promise<number> {
  const r = await tx.get<{ n: unknown }>("SELECT COUNT(*) AS n FROM limit_requests WHERE team_id = ? AND user_id = ? AND status = 'pending'", [teamId, userId]);
  return num(r?.n ?? 0);
}

export async function decideLimitRequest(tx: Tx, id: string, status: 'approved' | 'denied', at: number, by: string): Promise<void> {
  await tx.run("UPDATE limit_requests SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'", [status, at, by, id]);
}
