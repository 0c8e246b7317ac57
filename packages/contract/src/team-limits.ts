/**
 * A team member's share of the pool, in numbers and in words — the desktop's chip and details and
 * the web `/team` page say the same sentence. Pure.
 */

/** The pool credits a member can spend now: what is left in the pool, at most what is left of their limit. */
export function poolAllowance(poolRemaining: number, limit: { remaining: number } | null): number {
  return limit === null ? poolRemaining : Math.max(0, Math.min(poolRemaining, limit.remaining));
}

const n = (x: number) => Math.trunc(x).toLocaleString('en-US');
const credits = (x: number) => `${n(x)} credit${x === 1 ? '' : 's'}`;

/**
 * "You can spend 60 of the team's 420 credits this cycle (your limit: 100)." — or, without a
 * limit, "You can spend all 420 of the team's credits this cycle."
 */
export function poolSentence(poolRemaining: number, limit: { credits: number; remaining: number } | null): string {
  if (limit === null) return poolRemaining === 1 ? "You can spend the team's last credit this cycle." : `You can spend all ${n(poolRemaining)} of the team's credits this cycle.`;
  return `You can spend ${n(poolAllowance(poolRemaining, limit))} of the team's ${credits(poolRemaining)} this cycle (your limit: ${n(limit.credits)}).`;
}

/** Why a member cannot spend from the pool now, or null when they can: their limit, or an empty pool. */
export function poolStop(poolRemaining: number, limit: { remaining: number } | null): 'member_limit' | 'pool_empty' | null {
  if (poolRemaining <= 0) return 'pool_empty';
  if (limit !== null && limit.remaining <= 0) return 'member_limit';
  return null;
}
