import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/main/core/backoff';

const opts = { baseMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles per attempt, with half of each step random', () => {
    expect(backoffDelay(0, () => 0, opts)).toBe(50);
    expect(backoffDelay(0, () => 0.999999, opts)).toBe(100);
    expect(backoffDelay(1, () => 0, opts)).toBe(100);
    expect(backoffDelay(2, () => 0, opts)).toBe(200);
    expect(backoffDelay(3, () => 0.5, opts)).toBe(600);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(50, () => 0.999999, opts)).toBe(1000);
    expect(backoffDelay(1e9, () => 0, opts)).toBe(500);
  });

  it('spreads clients that fail at the same moment', () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => backoffDelay(4, () => r, opts)));
    expect(delays.size).toBe(3);
  });
});
