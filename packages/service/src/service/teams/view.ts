/**
 * The team as its members see it (`GET /v1/team`, the web `/team` page): the pool, and each
 * member with role, limit and what they drew from the pool this cycle. A team admin sees every
 * member; a member only their own entry.
 */
import type { Team, TeamMember } from '@cutline/contract/api';
import { isTeamAdmin } from '@cutline/contract/credit-types';
import { limitView } from '../../ledger/member-limit';
import type { Tx } from '../../db/db';
import { requireUser } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { iso, type UserRow } from '../kernel/rows';
import { callerTeam } from './access';
import { poolRemaining, teamMembers, type MemberRow } from './records';

/** A member on the wire: the limit from the counters the charge engine keeps (the snapshot's too). */
export function memberWire(m: MemberRow): TeamMember {
  return { id: m.id, email: m.email, role: m.role, limit: limitView({ credits: m.limit, used: m.used, held: m.held }), spent: m.used, held: m.held };
}

/** One member as the team admin's answers give it, read in the caller's transaction. */
export async function memberIn(tx: Tx, memberId: string): Promise<TeamMember> {
  return memberWire(memberOfUser(await requireUser(tx, memberId)));
}

export const memberOfUser = (u: UserRow): MemberRow => ({
  id: u.id,
  email: u.email,
  role: u.team_role ?? 'member',
  limit: u.team_limit,
  used: u.pool_used,
  held: u.pool_held,
});

/** `GET /v1/team`: 404 outside a team. */
export function teamView(ctx: Ctx, userId: string): Promise<Team> {
  return ctx.db.read(async (tx) => {
    const { team, caller } = await callerTeam(tx, userId);
    const admin = isTeamAdmin(caller.team_role);
    const [members, remaining] = [await teamMembers(tx, team.id), await poolRemaining(tx, team.id, ctx.clock.now())];
    const held = members.reduce((n, m) => n + m.held, 0);
    return {
      id: team.id,
      name: team.name,
      creditsPerCycle: team.credits_per_cycle,
      cycleEndsAt: iso(team.cycle_ends_at),
      role: caller.team_role ?? 'member',
      pool: { remaining, held },
      members: members.filter((m) => admin || m.id === userId).map(memberWire),
    };
  });
}
