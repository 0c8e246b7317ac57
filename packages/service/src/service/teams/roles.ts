/**
 * An operator changes a member's role (`PUT /admin/v1/teams/:id/members/:userId`). `GET /v1/me`
 * names the role, so the change reaches the member's devices as an account change
 * (`cause.kind: "role"`, `account: true`).
 */
import type { TeamMember } from '@cutline/contract/api';
import type { TeamRole } from '@cutline/contract/credit-types';
import { lockTeam } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { lockMember } from './access';
import { setRole } from './records';
import { memberIn } from './view';

export async function setMemberRole(ctx: Ctx, teamId: string, userId: string, role: TeamRole): Promise<TeamMember> {
  const out = await mutate(ctx, { kind: 'role', account: true }, async (tx, journal) => {
    const team = await lockTeam(tx, teamId);
    await lockMember(tx, team, userId);
    await setRole(tx, userId, role);
    journal.touchUser(userId);
    return ok(await memberIn(tx, userId));
  });
  return out.value;
}
