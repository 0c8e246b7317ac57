import type { AllocationPart } from './types';

export interface ReleasePart extends AllocationPart {
  /** The batch expired while the credits were held: they go back to it and expire with it. */
  expiredMeanwhile: boolean;
}

/**
 * A release returns every part to the very batch it came from (docs/product.md § Holds).
 *
 * Decided rule for a refund into a batch that expired while the credits were held: the credits
 * still return to that batch — a hold never extends a credit's life — and, since expired credits
 * cannot be recovered (§ Credits 4), they expire with it at once: the release entry is followed
 * by an `expire` entry for the same amount in the same transaction. The user ends exactly where
 * they would be had the action never been tried.
 */
export function planRelease(
  parts: readonly AllocationPart[],
  expiryOf: (batchId: string) => number | null,
  now: number,
): ReleasePart[] {
  return parts.map((p) => {
    const exp = expiryOf(p.batchId);
    return { ...p, expiredMeanwhile: exp !== null && exp <= now };
  });
}
