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
 */
import type { Me } from '@cutline/contract/api';
import { credits, date } from './format';

export interface NotEnoughInput {
  account: Pick<Me, 'plan' | 'proUses' | 'exchanged' | 'cycleEndsAt'> | null;
  /** Pro uses left as the newest balance says (fresher than the account's). */
  proUsesLeft: number | null;
  tool: { name: string; eligibleForProUses: boolean };
  cost: number;
  available: number;
}

export interface NotEnoughCopy {
  /** The dialog's question line. */
  headline: string;
  /** The amounts and the reason, in one or two sentences. */
  detail: string;
  offerUpgrade: boolean;
}

export function notEnoughCopy({ account, proUsesLeft, tool, cost, available }: NotEnoughInput): NotEnoughCopy {
  const amounts = `${tool.name} needs ${credits(cost)}. You have ${credits(available)}.`;
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
