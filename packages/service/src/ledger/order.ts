import { TYPE_RANK } from '@cutline/contract/credit-types';
import type { BatchState } from './types';

/**
 * A batch counts — for spending and for every balance figure — only while it has credits left
 * and its expiry lies strictly in the future: a batch expiring exactly now is expired
 * (docs/product.md § Expiry: exact expiry, whether or not a sweep has run).
 */
export function isLive(b: Pick<BatchState, 'remaining' | 'expiresAt'>, now: number): boolean {
  return b.remaining > 0 && (b.expiresAt === null || b.expiresAt > now);
}

/**
 * The fixed consumption order (docs/product.md § Spending order): type rank (subscription, activity,
 * purchased), then soonest expiry first with permanent batches last, then the oldest grant,
 * then id so the order is total and stable.
 */
export function compareBatches(a: BatchState, b: BatchState): number {
  return (
    TYPE_RANK[a.type] - TYPE_RANK[b.type] ||
    (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) ||
    a.grantedAt - b.grantedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Live batches in spending order. */
export function spendable(batches: readonly BatchState[], now: number): BatchState[] {
  return batches.filter((b) => isLive(b, now)).sort(compareBatches);
}
