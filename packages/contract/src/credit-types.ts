/** The three credit types, in the fixed consumption order (docs/product.md § Spending order). */
export const CREDIT_TYPES = ['subscription', 'activity', 'purchased'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** Rank of a type in the consumption order: lower is spent first. */
export const TYPE_RANK: Record<CreditType, number> = { subscription: 0, activity: 1, purchased: 2 };

export const LEDGER_KINDS = ['grant', 'hold', 'capture', 'release', 'expire', 'exchange', 'purchase'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const PLANS = ['free', 'pro', 'teams'] as const;
export type Plan = (typeof PLANS)[number];

/** A team member's role; "team admin" means owner or admin (docs/api.md § Teams). */
export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const isTeamAdmin = (role: TeamRole | null | undefined): boolean => role === 'owner' || role === 'admin';

export const LIMIT_REQUEST_STATUSES = ['pending', 'approved', 'denied'] as const;
export type LimitRequestStatus = (typeof LIMIT_REQUEST_STATUSES)[number];

export const PLATFORMS = ['desktop', 'web', 'mobile'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Web paths the desktop may open through a handoff link (docs/api.md § Handoff to the web). */
export const HANDOFF_PATHS = ['/store', '/exchange', '/credits', '/pricing', '/upgrade', '/team'] as const;
export type HandoffPath = (typeof HANDOFF_PATHS)[number];

/** Published Pro-use → credit exchange rate (docs/product.md § Pro uses): 4 credits per 5 Pro uses. */
const RATE = { credits: 4, proUses: 5 } as const;
export const EXCHANGE_RATE = RATE.credits / RATE.proUses;

/** Credits that `proUses` remaining Pro uses become: rounded down. */
export function exchangeCredits(proUses: number): number {
  // integer arithmetic on the ratio, so no floating-point drift (50 → 40, 3 → 2)
  return Math.floor((proUses * RATE.credits) / RATE.proUses);
}
