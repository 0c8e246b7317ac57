/**
 * The member's limit on the pool as pure rules (ledger/member-limit.ts): the hold's decision
 * under the limit and the personal cap, the 402's reason, the counters' moves, the capped balance.
 */
import { describe, expect, it } from 'vitest';
import { capSummary, decideMemberHold, limitView, poolMove, type LimitState, type MemberHoldInput } from '../../src/ledger/member-limit';
import { summarize } from '../../src/ledger/summary';
import type { BatchState } from '../../src/ledger/types';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const batch = (id: string, ownerKind: 'user' | 'team', type: BatchState['type'], remaining: number, expiresAt: number | null = NOW + 10 * DAY): BatchState => ({
  id,
  ownerKind,
  ownerId: ownerKind === 'team' ? 't1' : 'u1',
  type,
  amount: remaining,
  remaining,
  grantedAt: NOW - DAY,
  expiresAt,
  source: 'test',
});

const pool = (n: number) => batch('pool', 'team', 'subscription', n);
const activity = (n: number) => batch('act', 'user', 'activity', n, NOW + 3 * DAY);
const purchased = (n: number) => batch('buy', 'user', 'purchased', n, NOW + 300 * DAY);
const limit = (credits: number | null, used = 0, held = 0): LimitState => ({ credits, used, held });

function decide(batches: BatchState[], cost: number, l: LimitState | null, personalCap?: number) {
  const input: MemberHoldInput = {
    account: { proUsesRemaining: null, exchanged: false },
    tool: { eligibleForProUses: false },
    quantity: 1,
    cost,
    batches,
    now: NOW,
    limit: l,
    personalCap,
  };
  return decideMemberHold(input);
}

describe('limitView', () => {
  it('remaining = max(0, credits − used − held); no limit → null', () => {
    expect(limitView(limit(100, 30, 20))).toEqual({ credits: 100, used: 30, held: 20, remaining: 50 });
    expect(limitView(limit(10, 30, 20))).toEqual({ credits: 10, used: 30, held: 20, remaining: 0 });
    expect(limitView(limit(null, 30, 20))).toBeNull();
  });
});

describe('decideMemberHold', () => {
  it('takes at most the limit\'s remaining from the pool, the rest from own credits: activity, then purchased', () => {
    const d = decide([pool(500), activity(4), purchased(50)], 15, limit(100, 80, 10));
    expect(d).toEqual({
      kind: 'credits',
      parts: [
        { batchId: 'pool', type: 'subscription', amount: 10 },
        { batchId: 'act', type: 'activity', amount: 4 },
        { batchId: 'buy', type: 'purchased', amount: 1 },
      ],
    });
  });

  it('no limit, or outside a team: the pool without bound', () => {
    expect(decide([pool(500)], 60, limit(null))).toMatchObject({ kind: 'credits', parts: [{ amount: 60 }] });
    expect(decide([activity(20)], 15, null)).toMatchObject({ kind: 'credits' });
  });

  it('refused by the limit when the pool had enough: member_limit, available = what the limit lets', () => {
    expect(decide([pool(500)], 15, limit(100, 90, 0))).toMatchObject({ kind: 'insufficient', reason: 'member_limit', available: 10 });
    // the limit is what stops it even when own credits cover part of it
    expect(decide([pool(500), activity(3)], 15, limit(100, 95, 0))).toMatchObject({ reason: 'member_limit', available: 8 });
  });

  it('insufficient when even without the limit (and the cap) there is not enough', () => {
    expect(decide([pool(10)], 15, limit(100))).toMatchObject({ kind: 'insufficient', reason: 'insufficient', available: 10 });
    expect(decide([activity(5)], 15, null, 2)).toMatchObject({ reason: 'insufficient', available: 2 });
  });

  it('personalCap: the most from own batches; a hold that needs more → personal_cap', () => {
    // the pool was drained: 15 of their own would be needed, they agreed to 5
    expect(decide([pool(0), activity(20)], 15, limit(100), 5)).toMatchObject({ kind: 'insufficient', reason: 'personal_cap', available: 5 });
    expect(decide([pool(10), activity(20)], 15, limit(100), 5)).toMatchObject({ kind: 'credits', parts: [{ amount: 10 }, { amount: 5 }] });
    expect(decide([pool(100), activity(20)], 15, null, 0)).toMatchObject({ kind: 'credits', parts: [{ batchId: 'pool', amount: 15 }] });
    expect(decide([activity(20)], 15, null, 0)).toMatchObject({ reason: 'personal_cap', available: 0 });
  });

  it('Pro uses are not credits: neither the limit nor the cap applies', () => {
    const d = decideMemberHold({
      account: { proUsesRemaining: 3, exchanged: false },
      tool: { eligibleForProUses: true },
      quantity: 1,
      cost: 15,
      batches: [],
      now: NOW,
      limit: limit(0),
      personalCap: 0,
    });
    expect(d).toEqual({ kind: 'proUses', uses: 1 });
  });
});

describe('poolMove', () => {
  it('a hold holds, a capture moves held to used, a release frees', () => {
    expect(poolMove('hold', 15)).toEqual({ held: 15, used: 0 });
    expect(poolMove('capture', 15)).toEqual({ held: -15, used: 15 });
    expect(poolMove('release', 15)).toEqual({ held: -15, used: 0 });
  });
});

describe('capSummary', () => {
  it('counts at most the limit\'s remaining of the pool in total and subscription; own credits in full', () => {
    const s = summarize([pool(300), activity(7)], NOW);
    expect(capSummary(s, limitView(limit(100, 10, 5)))).toMatchObject({ total: 85 + 7, byType: { subscription: 85, activity: 7 } });
    expect(capSummary(s, limitView(limit(1000)))).toMatchObject({ total: 307, byType: { subscription: 300 } });
    expect(capSummary(s, null)).toMatchObject({ total: 307 });
  });
});
