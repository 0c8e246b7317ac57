/**
 * The charge's state machine as pure decisions (docs/product.md § Holds): what a hold, a capture,
 * a release or a lapsed hold's release does to a charge, given the account and the charge as they
 * stand. No I/O, no clock (time is passed in): the charge engine (service/charges/) applies the
 * decision to its batch in memory and writes the rows; the quote asks the same question.
 *
 * Limits on a spend are inputs (`SpendCaps`): a rule that bounds what one charge may take from the
 * team pool or from the member's own batches changes what the caller passes here, not the engine.
 */
import type { ChargeConflictReason } from '@cutline/contract/api';
import { allocate, type SpendCaps } from './allocate';
import { paysWithProUses, type ProUseAccount } from './pro-uses';
import type { AllocationPart, BatchState } from './types';

export type ChargeStatus = 'held' | 'captured' | 'released' | 'expired';

export interface HoldInput {
  account: ProUseAccount;
  tool: { eligibleForProUses: boolean };
  quantity: number;
  /** The action's price in credits. */
  cost: number;
  /** The batches the account may spend (its own, and a member's team pool). */
  batches: readonly BatchState[];
  now: number;
  caps?: SpendCaps;
}

export type HoldDecision =
  /** Paid with Pro uses, one per unit of quantity. */
  | { kind: 'proUses'; uses: number }
  /** Paid with credits: the parts, in spending order. */
  | { kind: 'credits'; parts: AllocationPart[] }
  /** Not enough: nothing is held. `parts` cover what is available (the quote shows them). */
  | { kind: 'insufficient'; available: number; parts: AllocationPart[] };

export function decideHold(h: HoldInput): HoldDecision {
  if (paysWithProUses(h.account, h.tool, h.quantity)) return { kind: 'proUses', uses: h.quantity };
  const plan = allocate(h.batches, h.cost, h.now, h.caps);
  return plan.covered ? { kind: 'credits', parts: plan.parts } : { kind: 'insufficient', available: plan.available, parts: plan.parts };
}

/** A charge as the decisions need it. */
export interface ChargeState {
  status: ChargeStatus;
  holdExpiresAt: number;
}

/** A hold whose time ran out: released as `expired` whoever asks first (docs/product.md § Holds). */
export const hasLapsed = (c: ChargeState, now: number): boolean => c.status === 'held' && c.holdExpiresAt <= now;

export type CaptureDecision =
  | { kind: 'capture' }
  /** Captured already: the same answer again. */
  | { kind: 'same' }
  /** The hold lapsed: release it as expired (the change stands), then refuse. */
  | { kind: 'releaseThenRefuse'; reason: 'hold_expired' }
  | { kind: 'refuse'; reason: ChargeConflictReason };

export function decideCapture(c: ChargeState, now: number): CaptureDecision {
  if (hasLapsed(c, now)) return { kind: 'releaseThenRefuse', reason: 'hold_expired' };
  switch (c.status) {
    case 'held':
      return { kind: 'capture' };
    case 'captured':
      return { kind: 'same' };
    case 'expired':
      return { kind: 'refuse', reason: 'hold_expired' };
    case 'released':
      return { kind: 'refuse', reason: 'charge_released' };
  }
}

export type ReleaseDecision =
  /** Return the credits; `expired` when the hold lapsed before the release came. */
  | { kind: 'release'; reason: 'failed' | 'cancelled' | 'expired' }
  /** Released or expired already: the same answer again. */
  | { kind: 'same' }
  | { kind: 'refuse'; reason: 'charge_captured' };

export function decideRelease(c: ChargeState, reason: 'failed' | 'cancelled', now: number): ReleaseDecision {
  if (c.status === 'captured') return { kind: 'refuse', reason: 'charge_captured' };
  if (c.status !== 'held') return { kind: 'same' };
  return { kind: 'release', reason: hasLapsed(c, now) ? 'expired' : reason };
}

/**
 * Returning Pro uses to the quota: never above one cycle's worth (a renewal may have refilled it
 * meanwhile), and never after the exchange (the account has no Pro uses any more).
 */
export function proUsesAfterReturn(a: { remaining: number | null; perCycle: number | null; exchanged: boolean }, uses: number): number | null {
  if (a.exchanged || a.remaining === null) return a.remaining;
  const back = a.remaining + uses;
  return a.perCycle !== null && back > a.perCycle ? a.perCycle : back;
}
