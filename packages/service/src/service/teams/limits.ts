/**
 * A team admin sets or removes a member's limit on the team pool (`PUT
 * /v1/team/members/:userId/limit`). The change is pushed at once to that member's streams
 * (`cause.kind: "limit"`), committed with it.
 */
import type { TeamMember } from '@cutline/contract/api';
import type { Ctx } from '../kernel/context';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { lockCallerTeam, lockMember, requireTeamAdmin } from './access';
import { queueTeamChange } from '../webhooks/team-watch';
import { setLimit } from './records';
import { memberIn } from './view';

/** The largest limit (the API's bound on `credits`). */
export const MAX_LIMIT = 1_000_000_000;

export async function setMemberLimit(ctx: Ctx, callerId: string, memberId: string, credits: number | null): Promise<TeamMember> {
  let webhooks = 0;
  const out = await mutate(ctx, { kind: 'limit' }, async (tx, journal, now) => {
    const { team, caller } = await lockCallerTeam(tx, callerId);
    requireTeamAdmin(caller, "set a member's limit");
    await lockMember(tx, team, memberId);
    await setLimit(tx, memberId, credits);
    journal.touchUser(memberId);
    // A lower limit can put the member near or at it: the team's webhooks hear of it in this transaction.
    webhooks = await queueTeamChange(tx, team.id, { members: [memberId] }, now);
    return ok(await memberIn(tx, memberId));
  });
  if (webhooks) ctx.wakeOutbox?.();
  return out.value;
}
