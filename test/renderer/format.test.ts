// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  activityDirection,
  activityLabel,
  chipText,
  confirmQuestion,
  credits,
  expiryText,
  groupActivity,
  refundNote,
  returnedText,
  signedAmount,
  usingTypes,
} from '../../src/renderer/src/format';
import { planSimulation, simulateJob } from '../../src/renderer/src/jobs/simulate';
import { FakeCutline, ManualClock, randomSequence } from './fake-cutline';

describe('words', () => {
  it('names the credit types a quote will use, in consumption order', () => {
    expect(
      usingTypes([
        { type: 'activity', batchId: 'a', amount: 5 },
        { type: 'subscription', batchId: 's', amount: 10 },
      ]),
    ).toBe('Using 10 subscription credits and 5 activity credits');
    expect(
      usingTypes([
        { type: 'subscription', batchId: 's', amount: 1 },
        { type: 'activity', batchId: 'a1', amount: 2 },
        { type: 'activity', batchId: 'a2', amount: 3 },
        { type: 'purchased', batchId: 'p', amount: 4 },
      ]),
    ).toBe('Using 1 subscription credit, 5 activity credits and 4 purchased credits');
    expect(usingTypes([{ type: 'purchased', batchId: 'p', amount: 60 }])).toBe('Using 60 purchased credits');
  });

  it('asks in credits, or in Pro uses', () => {
    expect(confirmQuestion({ cost: 15, usesProUse: false })).toBe('This will use 15 credits. Continue?');
    expect(confirmQuestion({ cost: 1, usesProUse: false })).toBe('This will use 1 credit. Continue?');
    expect(confirmQuestion({ cost: 15, usesProUse: true })).toBe('This will use 1 Pro use.');
  });

  it('says what came back', () => {
    expect(returnedText({ cost: 5, usesProUse: false })).toBe('5 credits returned');
    expect(returnedText({ cost: 15, usesProUse: true })).toBe('1 Pro use returned');
    expect(credits(1200)).toBe('1,200 credits');
  });

  it('chip text: credits, or Pro uses (with credits when there are both)', () => {
    const b = new FakeCutline().snapshot();
    expect(chipText({ ...b, total: 355 })).toBe('355 credits');
    expect(chipText({ ...b, total: 0, proUses: { remaining: 50, perCycle: 50 } })).toBe('50 Pro uses');
    expect(chipText({ ...b, total: 40, proUses: { remaining: 3, perCycle: 50 } })).toBe('3 Pro uses · 40 credits');
    expect(chipText({ ...b, total: 40, proUses: { remaining: 0, perCycle: 50 } })).toBe('40 credits');
  });

  it('expiry in words', () => {
    const now = Date.parse('2026-03-01T12:00:00.000Z');
    expect(expiryText(null, now)).toBe('Never expires');
    expect(expiryText('2026-03-04T12:00:00.000Z', now)).toBe('Expires Mar 4, 2026 (in 3 days)');
    expect(expiryText('2026-03-01T17:00:00.000Z', now)).toBe('Expires Mar 1, 2026 (in 5 hours)');
  });

  it("groups a charge's entries (hold, then capture or release, across batches) into one row with its latest step", () => {
    const base = { batchId: 'b', tool: 'ai-portrait', device: { id: 'd', platform: 'desktop' as const }, unit: 'credits' as const };
    const rows = groupActivity([
      { ...base, id: '6', at: '2026-01-01T00:00:06Z', kind: 'release', amount: 10, type: 'subscription', chargeId: 'c1' },
      { ...base, id: '5', at: '2026-01-01T00:00:05Z', kind: 'release', amount: 5, type: 'activity', chargeId: 'c1' },
      { ...base, id: '4', at: '2026-01-01T00:00:04Z', kind: 'hold', amount: 10, type: 'subscription', chargeId: 'c1' },
      { ...base, id: '3', at: '2026-01-01T00:00:03Z', kind: 'hold', amount: 5, type: 'activity', chargeId: 'c1' },
      { ...base, id: '2', at: '2026-01-01T00:00:02Z', kind: 'capture', amount: 3, type: 'purchased', chargeId: 'c0', device: { id: 'm', platform: 'mobile' } },
      { ...base, id: '1', at: '2026-01-01T00:00:01Z', kind: 'hold', amount: 3, type: 'purchased', chargeId: 'c0', device: { id: 'm', platform: 'mobile' } },
      { ...base, id: '0', at: '2026-01-01T00:00:00Z', kind: 'grant', amount: 100, type: 'purchased', chargeId: null, device: null, tool: null },
    ]);
    expect(rows.map((r) => [activityLabel(r), signedAmount(r.amount, r.unit, activityDirection(r)), r.types.join('+'), r.platform])).toEqual([
      ['Returned', '15 credits', 'subscription+activity', 'desktop'],
      ['Spent', '−3 credits', 'purchased', 'mobile'],
      ['Granted', '+100 credits', 'purchased', null],
    ]);
    expect(signedAmount(1, 'proUses', 'out')).toBe('−1 Pro use');
  });

  it('a charge row names its project and says why its credits came back, and what expired with its batch', () => {
    const base = { batchId: 'b', tool: 'ai-portrait', device: { id: 'd', platform: 'desktop' as const }, unit: 'credits' as const, project: { id: 'p1', name: 'Trailer' } };
    const rows = groupActivity([
      { ...base, id: '5', at: '2026-01-01T00:00:05Z', kind: 'expire', amount: 5, type: 'activity', chargeId: 'c2', reason: 'expired' },
      { ...base, id: '4', at: '2026-01-01T00:00:04Z', kind: 'release', amount: 15, type: 'activity', chargeId: 'c2', reason: 'expired' },
      { ...base, id: '3', at: '2026-01-01T00:00:03Z', kind: 'hold', amount: 15, type: 'activity', chargeId: 'c2' },
      { ...base, id: '2', at: '2026-01-01T00:00:02Z', kind: 'release', amount: 15, type: 'activity', chargeId: 'c1', reason: 'cancelled', project: undefined },
      { ...base, id: '1', at: '2026-01-01T00:00:01Z', kind: 'hold', amount: 15, type: 'activity', chargeId: 'c1', project: undefined },
    ]);
    expect(rows.map((r) => [activityLabel(r), r.project?.name ?? null, refundNote(r)])).toEqual([
      ['Expired while held', 'Trailer', 'Returned: the hold ran out before the AI action finished. 5 credits went back to a batch that had expired meanwhile, so they expired with it.'],
      ['Returned', null, 'Returned: the AI action was cancelled.'],
    ]);
  });
});

describe('simulated job', () => {
  it('a damaged clip always fails, whatever the randomness', () => {
    for (const r of [0, 0.5, 0.999]) {
      expect(planSimulation({ random: () => r, failRate: 0, corrupt: true }).failAt).not.toBeNull();
    }
  });

  it('fails a healthy clip only when the draw is under the fail rate', () => {
    expect(planSimulation({ random: randomSequence(0, 0.2, 0), failRate: 0.1, corrupt: false }).failAt).toBeNull();
    expect(planSimulation({ random: randomSequence(0, 0.05, 0), failRate: 0.1, corrupt: false }).failAt).toBe(1);
  });

  it('reports progress step by step, then the outcome once; stopping it silences it', () => {
    const clock = new ManualClock();
    const progress: number[] = [];
    const outcomes: string[] = [];
    simulateJob(
      { random: () => 0, schedule: clock.schedule, stepMs: 10, failRate: 0, corrupt: false },
      (p) => progress.push(p),
      (o) => outcomes.push(o),
    );
    clock.advance(10 * 11);
    expect(outcomes).toEqual([]);
    clock.advance(10);
    expect(progress).toHaveLength(12);
    expect(progress.at(-1)).toBe(1);
    expect(outcomes).toEqual(['success']);

    const stopped: string[] = [];
    const stop = simulateJob(
      { random: () => 0, schedule: clock.schedule, stepMs: 10, failRate: 0, corrupt: false },
      () => {},
      (o) => stopped.push(o),
    );
    clock.advance(30);
    stop();
    clock.advance(1000);
    expect(stopped).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
