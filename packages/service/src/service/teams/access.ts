/**
 * Who may do what in a team: the caller's team (404 outside one), and team admins (owner or
 * admin) for what changes other members (403 for a member).
 */
import { isTeamAdmin } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';
import { getTeam, lockTeam, requireUser } from '../accounts/state';
import { notFound, ServiceError } from '../kernel/errors';
import { userRow, type TeamRow, type UserRow } from '../kernel/rows';

const notInTeam = () => new ServiceError('not_found', 'you are not a member of a team');

/** The caller and their team (a read). */
export async function callerTeam(tx: Tx, userId: string): Promise<{ team: TeamRow; caller: UserRow }> {
  const caller = await requireUser(tx, userId);
  const team = caller.team_id ? await getTeam(tx, caller.team_id) : undefined;
  if (!team) throw notInTeam();
  return { team, caller };
}

/**
 * The caller's team, locked, and the caller as they stand under that lock: every change to a
 * team's members, roles, limits and requests locks the team first, so what is read after it
 * stays true until the commit.
 */
export async function lockCallerTeam(tx: Tx, userId: string): Promise<{ team: TeamRow; caller: UserRow }> {
  const pre = await requireUser(tx, userId);
  if (!pre.team_id) throw notInTeam();
  const team = await lockTeam(tx, pre.team_id);
  const caller = await requireUser(tx, userId);
  if (caller.team_id !== team.id) throw notInTeam();
  return { team, caller };
}

export function requireTeamAdmin(caller: UserRow, doing: string): void {
  if (!isTeamAdmin(caller.team_role)) throw new ServiceError('forbidden', `only the team's owner or an admin can ${doing}`);
}

/** A member of `team`, locked (after the team), or 404. */
export async function lockMember(tx: Tx, team: TeamRow, userId: string): Promise<UserRow> {
  const r = await tx.lockRow('users', userId);
  const u = r ? userRow(r) : undefined;
  if (!u || u.team_id !== team.id) throw notFound('team member');
  return u;
}
