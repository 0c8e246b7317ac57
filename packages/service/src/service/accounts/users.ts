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
import type { Tx } from '../../db/db';
import type { Journal } from '../kernel/journal';

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
    // Made by an operator, who vouches for the address.
    return ok(await insertAccount(tx, journal, now, { ...input, email, passwordHash, emailVerifiedAt: now }));
  });
  return meNow(ctx, out.value);
}

/**
 * Writes a new account in the caller's transaction — the row, and a Pro plan's first cycle with
 * its grant — and returns its id. The email is lower-cased and free (the caller checked).
 */
export async function insertAccount(
  tx: Tx,
  journal: Journal,
  now: number,
  input: Omit<NewUser, 'password'> & { passwordHash: string; emailVerifiedAt: number | null },
): Promise<string> {
  if (input.teamId) await lockTeam(tx, input.teamId);
  const id = newId('u');
  const personalCycle = input.plan === 'pro';
  const end = personalCycle ? now + cycleDays(input.billing) * DAY_MS : null;
  await insertUser(tx, {
    id, email: input.email, passwordHash: input.passwordHash, plan: input.plan, billing: input.billing, teamId: input.teamId, proUses: input.proUses,
    cycleStartedAt: personalCycle ? now : null, cycleEndsAt: end, emailVerifiedAt: input.emailVerifiedAt, createdAt: now,
  });
  const user = await requireUser(tx, id);
  if (personalCycle) await grantCycle(tx, journal, user, now, end!);
  journal.touchUser(id);
  return id;
}
