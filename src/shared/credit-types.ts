/** The three credit types, in the fixed consumption order (PRODUCT.md § Credits 2). */
export const CREDIT_TYPES = ['subscription', 'activity', 'purchased'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** Rank of a type in the consumption order: lower is spent first. */
export const TYPE_RANK: Record<CreditType, number> = { subscription: 0, activity: 1, purchased: 2 };

export const LEDGER_KINDS = ['grant', 'hold', 'capture', 'release', 'expire', 'exchange', 'purchase'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const PLANS = ['free', 'pro', 'teams'] as const;
export type Plan = (typeof PLANS)[number];

export const PLATFORMS = ['desktop', 'web', 'mobile'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Web paths the desktop may open through a handoff link (API.md § Sign-in). */
export const HANDOFF_PATHS = ['/store', '/exchange', '/credits', '/pricing', '/upgrade'] as const;
export type HandoffPath = (typeof HANDOFF_PATHS)[number];

/** Published Pro-use → credit exchange rate (PRODUCT.md § Credits 8). */
export const EXCHANGE_RATE = 0.8;

/** Credits that `proUses` remaining Pro uses become: rounded down. */
export function exchangeCredits(proUses: number): number {
  // integer arithmetic: 0.8 = 4/5, so no floating-point drift (50 → 40, 3 → 2)
  return Math.floor((proUses * 4) / 5);
}
