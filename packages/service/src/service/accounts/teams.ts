/** Teams: creating one (with its first cycle's pool grant) and adding a member with a role. */
import { insertTeam } from './records';
import type { Me } from '@cutline/contract/api';
import type { TeamRole } from '@cutline/contract/credit-types';
import { cycleDays, DAY_MS, type Billing } from '../../ledger/plans';
import { lockAccount, lockTeam, meNow, requireUser } from './state';
import type { Ctx } from '../kernel/context';
import { conflict } from '../kernel/errors';
import { insertBatch } from '../batches/grants';
import { newId } from '../kernel/ids';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import type { UserRow } from '../kernel/rows';

export async function createTeam(ctx: Ctx, name: string, perCycle: number, billing: Billing = 'monthly'): Promise<{ id: string; name: string; creditsPerCycle: number; cycleEndsAt: string }> {
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    const id = newId('t');
    const end = now + cycleDays(billing) * DAY_MS;
    await insertTeam(tx, { id, name, creditsPerCycle: perCycle, cycleDays: cycleDays(billing), cycleStartedAt: now, cycleEndsAt: end, createdAt: now });
    if (perCycle > 0) {
      await insertBatch(tx, journal, { ownerKind: 'team', ownerId: id, type: 'subscription', amount: perCycle, expiresAt: end, source: 'cycle' }, now);
    }
    return ok({ id, name, creditsPerCycle: perCycle, cycleEndsAt: new Date(end).toISOString() });
  });
  return out.value;
}

/**
 * Adds a user to the team as `role` (`member` when not given). Adding a member again sets the
 * role given and keeps theirs otherwise; a member of another team is refused (409).
 */
export async function addTeamMember(ctx: Ctx, teamId: string, userId: string, role?: TeamRole): Promise<Me> {
  const inAnother = (u: UserRow) => u.team_id !== null && u.team_id !== teamId;
  const refusal = () => conflict('the user already belongs to another team');
  // the plan becomes teams and the pool part of the balance: every device reloads the account
  await mutate(ctx, { kind: 'grant', account: true }, async (tx, journal) => {
    await lockTeam(tx, teamId);
    // A member of another team is refused before that team would be locked after this one.
    if (inAnother(await requireUser(tx, userId))) throw refusal();
    const user = await lockAccount(tx, userId);
    if (inAnother(user)) throw refusal();
    if (user.team_id === teamId) {
      if (role) await tx.run('UPDATE users SET team_role = ? WHERE id = ?', [role, userId]);
    } else {
      await tx.run("UPDATE users SET team_id = ?, plan = 'teams', team_role = ?, team_limit = NULL WHERE id = ?", [teamId, role ?? 'member', userId]);
    }
    journal.touchUser(userId); // the team pool is now part of their balance
    return ok();
  });
  return meNow(ctx, userId);
}
