/**
 * A team member's limit on the pool (docs/product.md § Teams), as pure rules: what is left of it,
 * the caps one charge may take (`SpendCaps` for `decideHold`), what a 402 says stopped it, and the
 * balance a limited member sees. The counters come with the member's row (`used`: pool credits
 * captured since the team's cycle started; `held`: pool credits in open holds), kept by the
 * charge engine in the same transaction as every hold, capture and release.
 */
import type { InsufficientReason, MemberLimit } from '@cutline/contract/api';
import { allocate, type SpendCaps } from './allocate';
import { decideHold, type HoldDecision, type HoldInput } from './charge-rules';
import type { BalanceSummary } from './summary';
import type { AllocationPart, BatchState } from './types';

export interface LimitState {
  /** The limit's credits; null: no limit. */
  credits: number | null;
  used: number;
  held: number;
}

/** The limit on the wire: `remaining` = max(0, credits − used − held); null without a limit. */
export function limitView(l: LimitState): MemberLimit | null {
  if (l.credits === null) return null;
  return { credits: l.credits, used: l.used, held: l.held, remaining: Math.max(0, l.credits - l.used - l.held) };
}

/**
 * The most one charge may take from each owner kind: from the pool, what is left of the limit
 * (none without one); from the member's own batches, `personalCap` (the consent sent with it).
 */
export function spendCaps(l: LimitState | null, personalCap?: number): SpendCaps {
  const caps: SpendCaps = {};
  const view = l ? limitView(l) : null;
  if (view) caps.team = view.remaining;
  if (personalCap !== undefined) caps.user = personalCap;
  return caps;
}

/**
 * Why a hold under `caps` was refused, given whether it would be covered without each cap (the
 * pool alone had enough → the limit; else the member's own credits were there → the personal cap).
 */
export function refusalReason(caps: SpendCaps, coveredWithout: (caps: SpendCaps) => boolean): InsufficientReason {
  if (caps.team !== undefined && coveredWithout({ ...caps, team: undefined })) return 'member_limit';
  if (caps.user !== undefined && coveredWithout({ ...caps, user: undefined })) return 'personal_cap';
  return 'insufficient';
}

export interface MemberHoldInput extends Omit<HoldInput, 'caps'> {
  /** The member's limit and its counters as locked with the hold; null outside a team. */
  limit: LimitState | null;
  /** The most the charge may take from the caller's own batches (what they agreed to); absent: no cap. */
  personalCap?: number;
}

export type MemberHoldDecision =
  | Exclude<HoldDecision, { kind: 'insufficient' }>
  | (Extract<HoldDecision, { kind: 'insufficient' }> & { reason: InsufficientReason });

/**
 * The hold's decision for any account (the charge engine's hold and the quote ask it): the
 * member's limit and the personal cap become the spend's caps; a refusal says which of them
 * stopped it, or that there was not enough at all.
 */
export function decideMemberHold(h: MemberHoldInput): MemberHoldDecision {
  const caps = spendCaps(h.limit, h.personalCap);
  const d = decideHold({ ...h, caps });
  if (d.kind !== 'insufficient') return d;
  return { ...d, reason: refusalReason(caps, (c) => allocate(h.batches, h.cost, h.now, c).covered) };
}

/** Pool credits a charge's parts took (the team's batches). */
export const poolPart = (parts: readonly (AllocationPart & { ownerKind?: 'user' | 'team' })[]): number =>
  parts.reduce((n, p) => (p.ownerKind === 'team' ? n + p.amount : n), 0);

/**
 * How a movement of a charge that took `pooled` pool credits moves the member's counters: a hold
 * holds them, a capture moves them from held to used, a release (or a lapsed hold's) frees them.
 */
export function poolMove(kind: 'hold' | 'capture' | 'release', pooled: number): { held: number; used: number } {
  if (kind === 'hold') return { held: pooled, used: 0 };
  if (kind === 'capture') return { held: -pooled, used: pooled };
  return { held: -pooled, used: 0 };
}

/**
 * A limited member's balance: at most `remaining` of the pool counts in `total` and
 * `byType.subscription` (the team's batches still list the pool's own remaining).
 */
export function capSummary(s: BalanceSummary, limit: MemberLimit | null): Pick<BalanceSummary, 'total' | 'byType'> {
  if (!limit) return s;
  const pool = s.live.reduce((n: number, b: BatchState) => (b.ownerKind === 'team' ? n + b.remaining : n), 0);
  const over = Math.max(0, pool - limit.remaining);
  if (over === 0) return s;
  return { total: s.total - over, byType: { ...s.byType, subscription: s.byType.subscription - over } };
}
