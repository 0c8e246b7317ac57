import { describe, expect, it } from 'vitest';
import type { BalanceSnapshot } from '@cutline/contract/api';
import { BalanceState } from '@cutline/contract/balance-state';

const snapshot = (version: number, total: number): BalanceSnapshot => ({
  version,
  total,
  held: 0,
  byType: { subscription: total, activity: 0, purchased: 0 },
  proUses: null,
  batches: [],
  nextExpiry: null,
});

describe('BalanceState.applyBalance', () => {
  it('keeps the highest version and announces each accepted snapshot once', () => {
    const state = new BalanceState();
    const seen: number[] = [];
    state.onChange((b) => seen.push(b.version));
    expect(state.applyBalance(snapshot(3, 100))).toBe(true);
    expect(state.applyBalance(snapshot(5, 90))).toBe(true);
    expect(state.applyBalance(snapshot(4, 95))).toBe(false); // a late charge response
    expect(state.applyBalance(snapshot(5, 90))).toBe(false); // the same push twice
    expect(state.current).toMatchObject({ version: 5, total: 90 });
    expect(seen).toEqual([3, 5]);
  });

  it('starts over after a reset (versions are per account)', () => {
    const state = new BalanceState();
    state.applyBalance(snapshot(40, 1));
    state.reset();
    expect(state.current).toBeNull();
    expect(state.applyBalance(snapshot(2, 7))).toBe(true);
  });
});
