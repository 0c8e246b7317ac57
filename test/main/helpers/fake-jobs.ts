/**
 * A stand-in for the core's `JobActivity` (the durable `OpenCharges` in the app) for the update
 * controller's tests: a job runs from its hold until `settled`, or until its hold lapses.
 */
import type { Charge } from '@cutline/contract/api';
import type { JobActivity } from '../../../src/main/core/open-charges';
import type { Timers } from '../../../src/main/core/timers';

export class FakeJobs implements JobActivity {
  private readonly open = new Map<string, unknown>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly timers: Timers,
    private readonly now: () => number,
  ) {}

  running(): number {
    return this.open.size;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  held(charge: Pick<Charge, 'id' | 'status' | 'holdExpiresAt'>): void {
    if (charge.status !== 'held' || this.open.has(charge.id)) return;
    const left = Date.parse(charge.holdExpiresAt) - this.now();
    if (!(left > 0)) return;
    this.open.set(charge.id, this.timers.setTimeout(() => this.settled(charge.id), left));
    this.changed();
  }

  settled(chargeId: string): void {
    if (!this.open.has(chargeId)) return;
    this.timers.clearTimeout(this.open.get(chargeId));
    this.open.delete(chargeId);
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
