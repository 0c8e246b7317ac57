import { spendable } from './order';
import type { AllocationPart, BatchState } from './types';

export interface AllocationPlan {
  /** The parts, in spending order. When not covered, the parts cover what is available. */
  parts: AllocationPart[];
  covered: boolean;
  /** What the batches hold in all, live ones only — as much of it as the caps let this spend take. */
  available: number;
}

/**
 * The most one spend may take from the batches of each owner kind: `team` from a team's pool,
 * `user` from the account's own batches. Absent: no limit. (Where a limit comes from — a
 * member's share of the pool, a cap on personal credits — is the caller's rule; the allocation
 * only respects it.)
 */
export interface SpendCaps {
  team?: number;
  user?: number;
}

/**
 * Plans a spend of `cost` credits across `batches` in the fixed order; one charge may draw from
 * several batches, never more from an owner kind than `caps` allow. Pure: the caller applies the
 * plan in its transaction.
 */
export function allocate(batches: readonly BatchState[], cost: number, now: number, caps: SpendCaps = {}): AllocationPlan {
  if (!Number.isSafeInteger(cost) || cost < 0) throw new RangeError(`cost must be a non-negative integer, got ${cost}`);
  const room = { team: caps.team ?? Infinity, user: caps.user ?? Infinity };
  const parts: AllocationPart[] = [];
  let left = cost;
  let available = 0;
  for (const b of spendable(batches, now)) {
    const may = Math.min(b.remaining, room[b.ownerKind]);
    if (may <= 0) continue;
    room[b.ownerKind] -= may;
    available += may;
    if (left === 0) continue;
    const take = Math.min(left, may);
    parts.push({ batchId: b.id, type: b.type, amount: take });
    left -= take;
  }
  return { parts, covered: left === 0, available };
}
