/** User accounts: creating one, with its first cycle's grant. */
import type { Me } from '@cutline/contract/api';
import type { Plan } from '@cutline/contract/credit-types';
import { cycleDays, DAY_MS, type Billing } from '../../ledger/plans';
import { insertUser } from './records';
import { lockTeam, meNow, requireUser, userByEmail } from './state';
import type { Ctx } from '../kernel/context';
import { grantCycle } from './cycles';
import { conflict, invalid } from '../kernel/errors';
import { newId } from '../kernel/ids';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import { hashPassword } from '../auth/passwords';

export interface NewUser {
  email: string;
  password: string;
  plan: Plan;
  billing: Billing;
  proUses: number | null;
  teamId: string | null;
}

export async function createUser(ctx: Ctx, input: NewUser): Promise<Me> {
  if (input.proUses !== null && input.plan !== 'pro') throw invalid('proUses is only for a legacy Pro plan');
  // A teams seat may start without a team (docs/api.md § Admin API: `teamId: null`, then
  // `POST /admin/v1/teams/:id/members`): until it joins it has no team pool, only its own batches.
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  const out = await mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
    if (await userByEmail(tx, email)) throw conflict('a user with this email already exists');
    if (input.teamId) await lockTeam(tx, input.teamId);
    const id = newId('u');
    const personalCycle = input.plan === 'pro';
    const end = personalCycle ? now + cycleDays(input.billing) * DAY_MS : null;
    await insertUser(tx, {
      id, email, passwordHash, plan: input.plan, billing: input.billing, teamId: input.teamId, proUses: input.proUses,
      cycleStartedAt: personalCycle ? now : null, cycleEndsAt: end, createdAt: now,
    });
    const user = await requireUser(tx, id);
    if (personalCycle) await grantCycle(tx, journal, user, now, end!);
    journal.touchUser(id);
    return ok(id);
  });
  return meNow(ctx, out.value);
}
