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

/** Applies a plan to in-memory batches (returns new objects); used by tests and previews. */
export function applyParts(batches: readonly BatchState[], parts: readonly AllocationPart[], sign: 1 | -1): BatchState[] {
  const delta = new Map(parts.map((p) => [p.batchId, p.amount * sign]));
  return batches.map((b) => {
    const d = delta.get(b.id);
    if (d === undefined) return b;
    const remaining = b.remaining + d;
    if (remaining < 0 || remaining > b.amount) throw new RangeError(`batch ${b.id} would hold ${remaining} of ${b.amount}`);
    return { ...b, remaining };
  });
}
