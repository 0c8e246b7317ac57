/** The one-time exchange of a legacy Pro plan's remaining Pro uses for subscription credits (docs/product.md § Pro uses). */
import { markExchanged } from './records';
import type { Batch } from '@cutline/contract/api';
import { exchangeCredits } from '@cutline/contract/credit-types';
import { lockAccount, requireUser } from './state';
import { hasHeldProUse } from '../charges/records';
import type { Ctx } from '../kernel/context';
import { conflict, ServiceError } from '../kernel/errors';
import { insertBatch } from '../batches/grants';
import { mutate } from '../kernel/mutate';
import { ok } from '../kernel/outcome';
import type { UserRow } from '../kernel/rows';

export interface ExchangeResult {
  proUses: number;
  credits: number;
  batch: Batch | null;
  validUntil: string;
}

/** What an exchange would give now, for the confirm page. */
export async function exchangePreview(ctx: Ctx, userId: string): Promise<ExchangeResult & { eligible: boolean; reason: string | null }> {
  return ctx.db.read(async (tx) => {
    const u = await requireUser(tx, userId);
    const remaining = u.pro_uses_remaining ?? 0;
    const reason = exchangeRefusal(u);
    return {
      eligible: reason === null,
      reason,
      proUses: remaining,
      credits: exchangeCredits(remaining),
      batch: null,
      validUntil: new Date(u.cycle_ends_at ?? ctx.clock.now()).toISOString(),
    };
  });
}

function exchangeRefusal(u: UserRow): string | null {
  if (u.exchanged === 1) return 'This account has already exchanged its Pro uses; an exchange happens only once.';
  if (u.pro_uses_per_cycle === null || u.plan !== 'pro') return 'This account has no Pro uses to exchange.';
  return null;
}

/**
 * The one-time, irreversible exchange of every remaining Pro use for subscription credits at
 * the published rate, valid until the current cycle ends.
 */
export async function exchangeProUses(ctx: Ctx, userId: string): Promise<ExchangeResult> {
  const out = await mutate(ctx, { kind: 'exchange', account: true }, async (tx, journal, now) => {
    const u = await lockAccount(tx, userId);
    const reason = exchangeRefusal(u);
    if (reason) throw u.exchanged === 1 ? conflict(reason) : new ServiceError('forbidden', reason);
    if (await hasHeldProUse(tx, userId)) throw conflict('An AI action paid with a Pro use is still running; finish or cancel it first.');
    const proUses = u.pro_uses_remaining ?? 0;
    const credits = exchangeCredits(proUses);
    const end = u.cycle_ends_at ?? now;
    await markExchanged(tx, userId);
    journal.add({ userId, scopeId: userId, kind: 'exchange', amount: proUses, unit: 'proUses', type: null, batchId: null });
    journal.touchUser(userId);
    const batch =
      credits > 0 && end > now
        ? await insertBatch(tx, journal, { ownerKind: 'user', ownerId: userId, type: 'subscription', amount: credits, expiresAt: end, source: 'exchange', kind: 'exchange' }, now)
        : null;
    return ok({ proUses, credits: batch ? credits : 0, batch, validUntil: new Date(end).toISOString() });
  });
  return out.value;
}
