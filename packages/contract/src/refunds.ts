/**
 * Refunds that explain themselves: why a charge's credits came back, in the words the desktop's
 * Activity panel and the web history both use (docs/product.md § Holds).
 */
export type ReleaseReason = 'failed' | 'cancelled' | 'expired';

/** Why the credits came back, as the end of "Held, then returned (…)". */
export const RELEASE_REASON_WORDS: Record<ReleaseReason, string> = {
  failed: 'the AI action failed',
  cancelled: 'the AI action was cancelled',
  expired: 'the hold ran out before the AI action finished',
};

/** A part that went back to a batch which had expired meanwhile (`amount`: e.g. "5 credits"). */
export const expiredWithBatch = (amount: string): string => `${amount} went back to a batch that had expired meanwhile, so they expired with it`;
