/**
 * `balanceJson` (kernel/rows.ts) writes a snapshot's JSON with each batch's text made once per
 * (frozen) batch: it must be `JSON.stringify` byte for byte — sources with quotes, backslashes
 * and non-ASCII, Pro uses or none, no batches, no next expiry — and a batch state the cache
 * holds cannot be changed under it.
 */
import { describe, expect, it } from 'vitest';
import { snapshotFrom } from '../../src/service/accounts/state';
import { balanceJson, batchState, batchWire, userRow } from '../../src/service/kernel/rows';

const NOW = Date.UTC(2026, 5, 1);
const user = (over: Record<string, unknown> = {}) =>
  userRow({ id: 'u_1', email: 'a@b.c', password_hash: 'x', plan: 'pro', billing: 'monthly', team_id: null, pro_uses_remaining: null, pro_uses_per_cycle: null, exchanged: 0, cycle_started_at: null, cycle_ends_at: null, version: 7, held: 3, created_at: 0, ...over });
const batch = (id: string, source: string, expires: number | null, remaining = 4) =>
  batchState({ id, owner_kind: 'user', owner_id: 'u_1', type: 'purchased', amount: 9, remaining, granted_at: NOW - 1000, expires_at: expires, source });

describe('balanceJson', () => {
  it('is JSON.stringify byte for byte, and a batch text made once serves every snapshot', () => {
    const batches = [batch('b_1', 'pack "small" \\ été ✓', NOW + 60_000), batch('b_2', 'plain', null, 2), batch('b_3', '</script>', NOW + 5, 1)];
    const cases = [
      snapshotFrom(user(), batches, NOW),
      snapshotFrom(user({ pro_uses_remaining: 2, pro_uses_per_cycle: 5 }), batches.slice(1), NOW),
      snapshotFrom(user({ held: 0 }), [], NOW),
      snapshotFrom(user(), batches, NOW + 10), // b_3 expired: not listed
    ];
    for (const s of cases) expect(balanceJson(s)).toBe(JSON.stringify(s));
    // The same batch state gives the same (cached) wire object in every snapshot.
    const b2 = (i: number) => cases[i].batches.find((w) => w.id === 'b_2');
    expect(b2(0)).toBe(b2(1));
  });

  it('a batch state cannot be changed under what was derived from it', () => {
    const b = batch('b_9', 'x', null);
    expect(batchWire(b).remaining).toBe(4);
    expect(() => {
      (b as { remaining: number }).remaining = 1;
    }).toThrow(TypeError);
    expect(() => {
      (batchWire(b) as { remaining: number }).remaining = 1;
    }).toThrow(TypeError);
  });
});
