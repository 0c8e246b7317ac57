import { spendable } from './order';
import type { AllocationPart, BatchState } from './types';

export interface AllocationPlan {
  /** The parts, in spending order. When not covered, the parts cover what is available. */
  parts: AllocationPart[];
  covered: boolean;
  /** What the batches hold in all, live ones only. */
  available: number;
}

/**
 * Plans a spend of `cost` credits across `batches` in the fixed order; one charge may draw from
 * several batches. Pure: the caller applies the plan in its transaction.
 */
export function allocate(batches: readonly BatchState[], cost: number, now: number): AllocationPlan {
  if (!Number.isSafeInteger(cost) || cost < 0) throw new RangeError(`cost must be a non-negative integer, got ${cost}`);
  const parts: AllocationPart[] = [];
  let left = cost;
  let available = 0;
  for (const b of spendable(batches, now)) {
    available += b.remaining;
    if (left === 0) continue;
    const take = Math.min(left, b.remaining);
    parts.push({ batchId: b.id, type: b.type, amount: take });
    left -= take;
  }
  return { parts, covered: left === 0, available };
}
