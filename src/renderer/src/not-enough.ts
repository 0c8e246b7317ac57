/**
 * What the "not enough" dialog says, per plan and per case (issue 12 § Plan-aware "not enough").
 * Pure: the account, the tool and the amounts in; the sentence, the detail and which ways out
 * to offer come out.
 *
 * The dialog's title already says "Not enough credits": the headline goes straight to the way out.
 *
 * - Free: buy credits or upgrade to Pro (both offered).
 * - A subscriber (Pro, Teams): never "upgrade to Pro" — buy credits, and when the next cycle's
 *   credits arrive.
 * - A legacy Pro-uses account: why its Pro uses don't cover this action — the tool is not
 *   eligible, or none are left this cycle (and when they renew) — then buy credits.
 * - A team member: *your limit is reached* (the pool alone had enough) — ask the team admins for
 *   more, or buy credits of your own — apart from *the team's pool is empty* — buy credits.
 */
import type { Me } from '@cutline/contract/api';
import { credits, date, num } from './format';

export interface NotEnoughInput {
  account: Pick<Me, 'plan' | 'proUses' | 'exchanged' | 'cycleEndsAt'> | null;
  /** Pro uses left as the newest balance says (fresher than the account's). */
  proUsesLeft: number | null;
  tool: { name: string; eligibleForProUses: boolean };
  cost: number;
  available: number;
  /** A team member's case, and their share: the pool left, their limit, their own credits. */
  team?: { why: 'member_limit' | 'pool_empty' | null; pool: number; limit: { credits: number; remaining: number } | null; own: number };
}

export interface NotEnoughCopy {
  /** The dialog's question line. */
  headline: string;
  /** The amounts and the reason, in one or two sentences. */
  detail: string;
  offerUpgrade: boolean;
  /** Offer *Request more…* (a member whose limit stopped the action). */
  offerRequestMore?: boolean;
}

export function notEnoughCopy({ account, proUsesLeft, tool, cost, available, team }: NotEnoughInput): NotEnoughCopy {
  const amounts = `${tool.name} needs ${credits(cost)}. You have ${credits(available)}.`;
  if (team?.why === 'member_limit' && team.limit) {
    const left = Math.min(team.limit.remaining, team.pool);
    return {
      headline: "Your limit on the team's credits is reached. Ask a team admin for more, or buy credits of your own",
      detail: `${tool.name} needs ${credits(cost)}. You can use ${credits(left)} more of the team's ${credits(team.pool)} this cycle (your limit: ${num(team.limit.credits)}), and you have ${credits(team.own)} of your own.`,
      offerUpgrade: false,
      offerRequestMore: true,
    };
  }
  if (team?.why === 'pool_empty') {
    return {
      headline: "The team's pool is empty. Buy credits of your own to keep going",
      detail: `${tool.name} needs ${credits(cost)}. The team's credits are all spent or held until its next cycle, and you have ${credits(team.own)} of your own.`,
      offerUpgrade: false,
    };
  }
  const plan = account?.plan ?? 'free';
  const renews = account?.cycleEndsAt ? date(account.cycleEndsAt) : null;

  if (account?.proUses && !account.exchanged) {
    if (!tool.eligibleForProUses) {
      return {
        headline: `${tool.name} isn't covered by Pro uses. Buy credits to use it`,
        detail: `${tool.name} is paid in credits only. It needs ${credits(cost)}. You have ${credits(available)}.`,
        offerUpgrade: false,
      };
    }
    const left = proUsesLeft ?? account.proUses.remaining;
    if (left <= 0) {
      return {
        headline: renews
          ? `You've used all your Pro uses this cycle. They renew on ${renews}. Buy credits to keep going`
          : "You've used all your Pro uses this cycle. Buy credits to keep going",
        detail: `Until then, ${amounts}`,
        offerUpgrade: false,
      };
    }
  }

  if (plan === 'free') {
    return { headline: 'Buy credits or upgrade to Pro', detail: amounts, offerUpgrade: true };
  }
  return {
    headline: renews ? `Buy credits, or wait for your next cycle's credits on ${renews}` : 'Buy credits to keep going',
    detail: amounts,
    offerUpgrade: false,
  };
}
