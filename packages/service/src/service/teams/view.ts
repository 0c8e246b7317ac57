/**
 * The team as its members see it (`GET /v1/team`, the web `/team` page): the pool, and each
 * member with role, limit and what they drew from the pool this cycle. A team admin sees every
 * member; a member only their own entry.
 */
import type { MemberLimit, Team, TeamMember } from '@cutline/contract/api';
import { isTeamAdmin } from '@cutline/contract/credit-types';
import type { Tx } from '../../db/db';
import { requireUser } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { iso, type TeamRow, type UserRow } from '../kernel/rows';
import { callerTeam } from './access';
import { poolRemaining, poolUse, teamMembers, type MemberRow, type PoolUse } from './records';

const NOTHING: PoolUse = { used: 0, held: 0 };

/** A limit of `credits` given what the member used and holds: `remaining` = max(0, credits − used − held). */
export function limitOf(credits: number | null, use: PoolUse): MemberLimit | null {
  if (credits === null) return null;
  return { credits, used: use.used, held: use.held, remaining: Math.max(0, credits - use.used - use.held) };
}

export function memberWire(m: MemberRow, use: PoolUse = NOTHING): TeamMember {
  return { id: m.id, email: m.email, role: m.role, limit: limitOf(m.limit, use), spent: use.used, held: use.held };
}

/** One member as the team admin's answers give it, read in the caller's transaction. */
export async function memberIn(tx: Tx, team: TeamRow, memberId: string): Promise<TeamMember> {
  const u = await requireUser(tx, memberId);
  const use = (await poolUse(tx, team.id, team.cycle_started_at)).get(memberId);
  return memberWire(memberOfUser(u), use);
}

export const memberOfUser = (u: UserRow): MemberRow => ({ id: u.id, email: u.email, role: u.team_role ?? 'member', limit: u.team_limit });

/** `GET /v1/team`: 404 outside a team. */
export function teamView(ctx: Ctx, userId: string): Promise<Team> {
  return ctx.db.read(async (tx) => {
    const { team, caller } = await callerTeam(tx, userId);
    const admin = isTeamAdmin(caller.team_role);
    const [members, use, remaining] = [await teamMembers(tx, team.id), await poolUse(tx, team.id, team.cycle_started_at), await poolRemaining(tx, team.id, ctx.clock.now())];
    let held = 0;
    for (const u of use.values()) held += u.held;
    return {
      id: team.id,
      name: team.name,
      creditsPerCycle: team.credits_per_cycle,
      cycleEndsAt: iso(team.cycle_ends_at),
      role: caller.team_role ?? 'member',
      pool: { remaining, held },
      members: members.filter((m) => admin || m.id === userId).map((m) => memberWire(m, use.get(m.id))),
    };
  });
}
