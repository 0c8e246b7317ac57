import type { CreditType } from '@cutline/contract/credit-types';
import { spendable } from './order';
import type { BatchState } from './types';

export interface BalanceSummary {
  total: number;
  byType: Record<CreditType, number>;
  /** Live batches with something left, in spending order. */
  live: BatchState[];
  /** The soonest expiry among live batches and how much expires then. */
  nextExpiry: { amount: number; at: number } | null;
}

/** What can be spent now, read only from live batches (expired ones never count). */
export function summarize(batches: readonly BatchState[], now: number): BalanceSummary {
  const live = spendable(batches, now);
  const byType: Record<CreditType, number> = { subscription: 0, activity: 0, purchased: 0 };
  let total = 0;
  let next: { amount: number; at: number } | null = null;
  for (const b of live) {
    byType[b.type] += b.remaining;
    total += b.remaining;
    if (b.expiresAt === null) continue;
    if (next === null || b.expiresAt < next.at) next = { amount: b.remaining, at: b.expiresAt };
    else if (b.expiresAt === next.at) next.amount += b.remaining;
  }
  return { total, byType, live, nextExpiry: next };
}
