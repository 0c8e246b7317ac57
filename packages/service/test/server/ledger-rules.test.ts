import { describe, expect, it } from 'vitest';
import { exchangeCredits } from '@cutline/contract/credit-types';
import { allocate } from '../../src/ledger/allocate';
import { compareBatches, isLive, spendable } from '../../src/ledger/order';
import { paysWithProUses } from '../../src/ledger/pro-uses';
import { planRelease } from '../../src/ledger/release';
import { summarize } from '../../src/ledger/summary';
import { findTool } from '@cutline/contract/tools';
import type { AllocationPart, BatchState } from '../../src/ledger/types';

/** Applies a plan to in-memory batches (returns new objects), as the service's writes would. */
function applyParts(batches: readonly BatchState[], parts: readonly AllocationPart[], sign: 1 | -1): BatchState[] {
  const delta = new Map(parts.map((p) => [p.batchId, p.amount * sign]));
  return batches.map((b) => {
    const d = delta.get(b.id);
    if (d === undefined) return b;
    const remaining = b.remaining + d;
    if (remaining < 0 || remaining > b.amount) throw new RangeError(`batch ${b.id} would hold ${remaining} of ${b.amount}`);
    return { ...b, remaining };
  });
}

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
let n = 0;
function batch(p: Partial<BatchState> & Pick<BatchState, 'type'>): BatchState {
  const amount = p.amount ?? p.remaining ?? 10;
  return {
    id: p.id ?? `b${String(++n).padStart(3, '0')}`,
    ownerKind: p.ownerKind ?? 'user',
    ownerId: p.ownerId ?? 'u1',
    amount,
    remaining: p.remaining ?? amount,
    grantedAt: p.grantedAt ?? NOW - DAY,
    expiresAt: p.expiresAt === undefined ? NOW + 10 * DAY : p.expiresAt,
    source: p.source ?? 'test',
    type: p.type,
  };
}

describe('consumption order', () => {
  it('spends subscription, then activity, then purchased, whatever the expiry', () => {
    const purchased = batch({ type: 'purchased', expiresAt: NOW + DAY });
    const activity = batch({ type: 'activity', expiresAt: NOW + 2 * DAY });
    const sub = batch({ type: 'subscription', expiresAt: NOW + 30 * DAY });
    expect(spendable([purchased, activity, sub], NOW).map((b) => b.type)).toEqual(['subscription', 'activity', 'purchased']);
  });

  it('within a type, the batch expiring first goes first and permanent batches last', () => {
    const permanent = batch({ type: 'activity', expiresAt: null, id: 'perm' });
    const late = batch({ type: 'activity', expiresAt: NOW + 30 * DAY, id: 'late' });
    const soon = batch({ type: 'activity', expiresAt: NOW + 7 * DAY, id: 'soon' });
    expect(spendable([permanent, late, soon], NOW).map((b) => b.id)).toEqual(['soon', 'late', 'perm']);
  });

  it('breaks expiry ties by the oldest grant, then by id', () => {
    const exp = NOW + 5 * DAY;
    const young = batch({ type: 'activity', expiresAt: exp, grantedAt: NOW - DAY, id: 'a-young' });
    const old = batch({ type: 'activity', expiresAt: exp, grantedAt: NOW - 9 * DAY, id: 'z-old' });
    const twinB = batch({ type: 'purchased', expiresAt: null, grantedAt: NOW - DAY, id: 'twin-b' });
    const twinA = batch({ type: 'purchased', expiresAt: null, grantedAt: NOW - DAY, id: 'twin-a' });
    expect([young, twinB, old, twinA].sort(compareBatches).map((b) => b.id)).toEqual(['z-old', 'a-young', 'twin-a', 'twin-b']);
  });

  it('two permanent batches of one type go oldest grant first', () => {
    const newer = batch({ type: 'activity', expiresAt: null, grantedAt: NOW - DAY, id: 'newer' });
    const older = batch({ type: 'activity', expiresAt: null, grantedAt: NOW - 2 * DAY, id: 'older' });
    expect(spendable([newer, older], NOW).map((b) => b.id)).toEqual(['older', 'newer']);
  });
});

describe('expiry is exact', () => {
  it('a batch expiring exactly now is expired; one millisecond later it was still live', () => {
    const b = batch({ type: 'activity', expiresAt: NOW });
    expect(isLive(b, NOW)).toBe(false);
    expect(isLive(b, NOW - 1)).toBe(true);
  });

  it('expired and empty batches are never spent nor counted', () => {
    const expired = batch({ type: 'subscription', amount: 100, expiresAt: NOW - 1 });
    const empty = batch({ type: 'activity', amount: 10, remaining: 0 });
    const live = batch({ type: 'purchased', amount: 7, expiresAt: null });
    const s = summarize([expired, empty, live], NOW);
    expect(s.total).toBe(7);
    expect(s.byType).toEqual({ subscription: 0, activity: 0, purchased: 7 });
    const plan = allocate([expired, empty, live], 5, NOW);
    expect(plan.parts).toEqual([{ batchId: live.id, type: 'purchased', amount: 5 }]);
  });

  it('next expiry sums every batch expiring at the soonest instant and ignores permanent ones', () => {
    const at = NOW + 3 * DAY;
    const s = summarize(
      [batch({ type: 'activity', amount: 30, expiresAt: at }), batch({ type: 'purchased', amount: 5, expiresAt: at }), batch({ type: 'subscription', amount: 100, expiresAt: at + 1 }), batch({ type: 'activity', amount: 9, expiresAt: null })],
      NOW,
    );
    expect(s.nextExpiry).toEqual({ amount: 35, at });
    expect(summarize([batch({ type: 'activity', expiresAt: null })], NOW).nextExpiry).toBeNull();
  });
});

describe('allocation', () => {
  it('one charge draws from several batches in order, taking only what it needs from the last', () => {
    const sub = batch({ type: 'subscription', amount: 10 });
    const act = batch({ type: 'activity', amount: 5 });
    const pur = batch({ type: 'purchased', amount: 100 });
    const plan = allocate([pur, act, sub], 18, NOW);
    expect(plan.covered).toBe(true);
    expect(plan.available).toBe(115);
    expect(plan.parts).toEqual([
      { batchId: sub.id, type: 'subscription', amount: 10 },
      { batchId: act.id, type: 'activity', amount: 5 },
      { batchId: pur.id, type: 'purchased', amount: 3 },
    ]);
  });

  it('a hold spanning 4 batches, then its release, leaves every batch as it was', () => {
    const batches = [
      batch({ type: 'subscription', amount: 2 }),
      batch({ type: 'activity', amount: 3, expiresAt: NOW + DAY }),
      batch({ type: 'activity', amount: 4, expiresAt: null }),
      batch({ type: 'purchased', amount: 50 }),
    ];
    const plan = allocate(batches, 15, NOW);
    expect(plan.parts.map((p) => p.amount)).toEqual([2, 3, 4, 6]);
    const held = applyParts(batches, plan.parts, -1);
    expect(held.map((b) => b.remaining)).toEqual([0, 0, 0, 44]);
    const back = applyParts(held, planRelease(plan.parts, () => null, NOW), 1);
    expect(back).toEqual(batches);
  });

  it('exactly the available amount is covered; one more is not, and the plan says how much there is', () => {
    const batches = [batch({ type: 'activity', amount: 6 }), batch({ type: 'purchased', amount: 4 })];
    expect(allocate(batches, 10, NOW).covered).toBe(true);
    const short = allocate(batches, 11, NOW);
    expect(short.covered).toBe(false);
    expect(short.available).toBe(10);
  });

  it('rejects negative or fractional costs', () => {
    expect(() => allocate([], -1, NOW)).toThrow(RangeError);
    expect(() => allocate([], 1.5, NOW)).toThrow(RangeError);
  });

  it('team pool: team subscription first, then the member’s own activity, then purchased', () => {
    const teamSub = batch({ type: 'subscription', ownerKind: 'team', ownerId: 't1', amount: 5 });
    const ownAct = batch({ type: 'activity', amount: 5 });
    const ownPur = batch({ type: 'purchased', amount: 5 });
    const plan = allocate([ownPur, ownAct, teamSub], 12, NOW);
    expect(plan.parts.map((p) => p.batchId)).toEqual([teamSub.id, ownAct.id, ownPur.id]);
  });
});

describe('release into a batch that expired meanwhile', () => {
  it('marks only the parts whose batch expired (at or before now) as expiring with it', () => {
    const parts = [
      { batchId: 'gone', type: 'activity' as const, amount: 3 },
      { batchId: 'edge', type: 'activity' as const, amount: 2 },
      { batchId: 'alive', type: 'purchased' as const, amount: 4 },
      { batchId: 'perm', type: 'purchased' as const, amount: 1 },
    ];
    const expiry: Record<string, number | null> = { gone: NOW - 1, edge: NOW, alive: NOW + 1, perm: null };
    const plan = planRelease(parts, (id) => expiry[id], NOW);
    expect(plan.map((p) => [p.batchId, p.expiredMeanwhile])).toEqual([
      ['gone', true],
      ['edge', true],
      ['alive', false],
      ['perm', false],
    ]);
  });
});

describe('Pro uses', () => {
  const portrait = findTool('ai-portrait')!;
  const script = findTool('script-to-video')!;
  // A catalogue may still mark a tool ineligible (the field is in the contract): never a Pro use.
  const ineligible = { ...portrait, id: 'ineligible', eligibleForProUses: false };
  it('every tool of the default catalogue is eligible, Script to Video included (the exchange help page names it)', () => {
    expect(script.eligibleForProUses).toBe(true);
    expect(paysWithProUses({ proUsesRemaining: 1, exchanged: false }, script, 1)).toBe(true);
  });
  it('an eligible action takes Pro uses while enough remain, whatever its credit price', () => {
    expect(paysWithProUses({ proUsesRemaining: 1, exchanged: false }, portrait, 1)).toBe(true);
    expect(paysWithProUses({ proUsesRemaining: 0, exchanged: false }, portrait, 1)).toBe(false);
    expect(paysWithProUses({ proUsesRemaining: 1, exchanged: false }, portrait, 2)).toBe(false);
  });
  it('never after an exchange, never for an ineligible tool, never for an account without Pro uses', () => {
    expect(paysWithProUses({ proUsesRemaining: 5, exchanged: true }, portrait, 1)).toBe(false);
    expect(paysWithProUses({ proUsesRemaining: 5, exchanged: false }, ineligible, 1)).toBe(false);
    expect(paysWithProUses({ proUsesRemaining: null, exchanged: false }, portrait, 1)).toBe(false);
  });
  it('exchanges at 0.8 credits per Pro use, rounded down', () => {
    expect(exchangeCredits(50)).toBe(40);
    expect(exchangeCredits(3)).toBe(2);
    expect(exchangeCredits(1)).toBe(0);
    expect(exchangeCredits(0)).toBe(0);
    expect(exchangeCredits(99)).toBe(79);
  });
});
