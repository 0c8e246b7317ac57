import { describe, expect, it } from 'vitest';
import { decideAlerts, EMPTY_MEMORY, type AlertInput } from '../../../src/main/core/alert-rules';
import type { BalanceSnapshot, Batch } from '@cutline/contract/api';

// Monday 2026-03-02 12:00 UTC
const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const H = 3_600_000;

function batch(id: string, type: Batch['type'], remaining: number, expiresInHours: number | null): Batch {
  return {
    id,
    type,
    scope: 'user',
    remaining,
    expiresAt: expiresInHours === null ? null : new Date(NOW + expiresInHours * H).toISOString(),
    grantedAt: new Date(NOW - 24 * H).toISOString(),
    source: 'test',
  };
}

function balance(batches: Batch[], proUses: BalanceSnapshot['proUses'] = null): BalanceSnapshot {
  const byType = { subscription: 0, activity: 0, purchased: 0 };
  for (const b of batches) byType[b.type] += b.remaining;
  return { version: 1, total: byType.subscription + byType.activity + byType.purchased, held: 0, byType, proUses, batches, nextExpiry: null };
}

const base = (over: Partial<AlertInput>): AlertInput => ({
  balance: null,
  cheapestTool: { name: 'Auto Captions', cost: 3 },
  settings: { enabled: true, lowBalanceThreshold: null },
  memory: EMPTY_MEMORY,
  now: NOW,
  timeZone: 'UTC',
  ...over,
});

describe('decideAlerts: expiring credits', () => {
  it('announces a batch expiring within 72 hours once, with its weekday', () => {
    const b = balance([batch('act', 'activity', 30, 66), batch('perm', 'purchased', 100, null)]);
    const first = decideAlerts(base({ balance: b }));
    expect(first.due.map((a) => a.text)).toEqual(['30 activity credits expire on Thursday']);
    expect(first.active).toHaveLength(1);
    const again = decideAlerts(base({ balance: b, memory: first.memory }));
    expect(again.due).toEqual([]);
    // still holds: the badge stays
    expect(again.active.map((a) => a.key)).toEqual(['expiry:act']);
  });

  it('ignores batches expiring later than 72 hours, spent ones and permanent ones', () => {
    const b = balance([batch('late', 'activity', 30, 73), batch('spent', 'activity', 0, 5), batch('perm', 'activity', 9, null)]);
    expect(decideAlerts(base({ balance: b })).active).toEqual([]);
  });

  it('says today and tomorrow in the given time zone', () => {
    const b = balance([batch('a', 'subscription', 1, 6), batch('b', 'activity', 12, 20)]);
    expect(decideAlerts(base({ balance: b })).due.map((a) => a.text)).toEqual([
      '1 subscription credit expires today',
      '12 activity credits expire tomorrow',
    ]);
  });

  it('a batch entering the window later is announced then (the hourly re-check)', () => {
    const b = balance([batch('act', 'activity', 30, 80)]);
    const early = decideAlerts(base({ balance: b }));
    expect(early.due).toEqual([]);
    const later = decideAlerts(base({ balance: b, memory: early.memory, now: NOW + 10 * H }));
    expect(later.due).toHaveLength(1);
  });
});

describe('decideAlerts: low balance', () => {
  it('below the cheapest tool: once per crossing; recovering re-arms it', () => {
    const low = balance([batch('a', 'activity', 2, null)]);
    const first = decideAlerts(base({ balance: low }));
    expect(first.due.map((a) => a.text)).toEqual([
      'Your balance is 2 credits: not enough for any AI tool (the cheapest, Auto Captions, needs 3 credits)',
    ]);
    expect(decideAlerts(base({ balance: low, memory: first.memory })).due).toEqual([]);
    const topped = decideAlerts(base({ balance: balance([batch('a', 'activity', 50, null)]), memory: first.memory }));
    expect(topped.active).toEqual([]);
    expect(topped.memory.low).toEqual([]);
    expect(decideAlerts(base({ balance: low, memory: topped.memory })).due).toHaveLength(1);
  });

  it("the user's threshold", () => {
    const settings = { enabled: true, lowBalanceThreshold: 50 };
    const b = balance([batch('a', 'activity', 42, null)]);
    const d = decideAlerts(base({ balance: b, settings }));
    expect(d.due.map((a) => a.text)).toEqual(['Your balance fell below 50 credits: 42 credits left']);
    expect(decideAlerts(base({ balance: balance([batch('a', 'activity', 50, null)]), settings })).active).toEqual([]);
  });

  it('both limits crossed by one change: one announcement, both remembered', () => {
    const d = decideAlerts(base({ balance: balance([batch('a', 'activity', 1, null)]), settings: { enabled: true, lowBalanceThreshold: 50 } }));
    expect(d.active).toHaveLength(2);
    expect(d.due).toHaveLength(1);
    expect(d.due[0].key).toBe('low:cheapest:3');
    expect(d.memory.low.sort()).toEqual(['low:cheapest:3', 'low:threshold:50']);
  });

  it('an account whose Pro uses still cover tools is not low on credits', () => {
    const b = balance([], { remaining: 10, perCycle: 50 });
    expect(decideAlerts(base({ balance: b })).active).toEqual([]);
    expect(decideAlerts(base({ balance: balance([], { remaining: 0, perCycle: 50 }) })).active).toHaveLength(1);
  });
});

describe('decideAlerts: settings', () => {
  it('turned off: nothing active, nothing due, memory untouched', () => {
    const memory = { expiring: ['expiry:x'], low: [] };
    const d = decideAlerts(base({ balance: balance([batch('a', 'activity', 1, 5)]), settings: { enabled: false, lowBalanceThreshold: 10 }, memory }));
    expect(d).toEqual({ active: [], due: [], memory });
  });

  it('forgets announced batches once they are gone from the balance', () => {
    const d = decideAlerts(base({ balance: balance([batch('b', 'activity', 30, 100)]), memory: { expiring: ['expiry:gone', 'expiry:b'], low: [] } }));
    expect(d.memory.expiring).toEqual(['expiry:b']);
  });
});
