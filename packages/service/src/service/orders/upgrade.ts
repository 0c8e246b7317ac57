/**
 * Upgrading to Pro on the web (payment simulated): the plan becomes `pro` with the billing
 * chosen, a cycle starts now, and the cycle's subscription credits are granted — one
 * transaction through `mutate`, so every device of the account receives the push (cause
 * `upgrade`). The checkout form's key makes it happen once: the upgrade is recorded as an order
 * (`pack` = `pro-monthly` / `pro-annual`) under the same unique `(user, form_key)` as the store's.
 */
import { creditsPerCycle, cycleDays, DAY_MS, type Billing } from '../../ledger/plans';
import { lockAccount } from '../accounts/state';
import type { Ctx } from '../kernel/context';
import { conflict, invalid } from '../kernel/errors';
import { insertBatch } from '../batches/grants';
import { newId } from '../kernel/ids';
import { mutate } from '../kernel/mutate';
import { insertOrder, orderByFormKey } from './records';
import { ok } from '../kernel/outcome';
import { FORM_KEY } from './store';

export const PRO_PRICES: Record<Billing, number> = { monthly: 999, annual: 8999 };

export interface Upgrade {
  orderId: string;
  billing: Billing;
  credits: number;
  priceCents: number;
  cycleEndsAt: number;
}

export async function upgradeToPro(ctx: Ctx, userId: string, billing: Billing, formKey: string): Promise<{ upgrade: Upgrade; created: boolean }> {
  if (billing !== 'monthly' && billing !== 'annual') throw invalid('Choose monthly or annual billing.');
  if (!FORM_KEY.test(formKey)) throw invalid('This checkout form is damaged. Open the upgrade page again.');
  const out = await mutate(ctx, { kind: 'upgrade', account: true }, async (tx, journal, now) => {
    const user = await lockAccount(tx, userId);
    const prior = await orderByFormKey(tx, userId, formKey);
    if (prior) {
      // The same form again (a double click, a reload): the upgrade it made stands.
      const b: Billing = prior.pack === 'pro-annual' ? 'annual' : 'monthly';
      return ok({ upgrade: { orderId: prior.id, billing: b, credits: prior.credits, priceCents: prior.priceCents, cycleEndsAt: Number(user.cycle_ends_at) }, created: false });
    }
    if (user.plan === 'pro') throw conflict('You are already on Pro. Nothing was charged.');
    if (user.plan === 'teams') throw conflict('Your account gets its credits from your team, so it cannot switch to Pro here. Nothing was charged.');
    const end = now + cycleDays(billing) * DAY_MS;
    await tx.run("UPDATE users SET plan = 'pro', billing = ?, cycle_started_at = ?, cycle_ends_at = ? WHERE id = ?", [billing, now, end, userId]);
    const credits = creditsPerCycle('pro', billing);
    const batch = await insertBatch(tx, journal, { ownerKind: 'user', ownerId: userId, type: 'subscription', amount: credits, expiresAt: end, source: 'cycle', grantedAt: now }, now);
    const orderId = newId('ord');
    await insertOrder(tx, { id: orderId, userId, formKey, pack: `pro-${billing}`, credits, priceCents: PRO_PRICES[billing], batchId: batch.id, createdAt: now });
    journal.touchUser(userId);
    return ok({ upgrade: { orderId, billing, credits, priceCents: PRO_PRICES[billing], cycleEndsAt: end }, created: true });
  });
  return out.value;
}
