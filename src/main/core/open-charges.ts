/**
 * Which AI jobs are running, as main sees them: a charge is open from its hold until it is
 * captured or released — or until its hold expires, when the service has released it anyway. The
 * update controller waits for this to reach zero before it restarts the app.
 */
import type { Charge } from '@cutline/contract/api';
import type { Timers } from './timers';

export interface JobActivity {
  /** AI jobs running now. */
  running(): number;
  /** Called whenever that number changes; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export class OpenCharges implements JobActivity {
  private readonly open = new Map<string, { expiry: unknown }>();
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
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A hold succeeded: its job runs until `settled` or the hold expires. */
  held(charge: Pick<Charge, 'id' | 'status' | 'holdExpiresAt'>): void {
    if (charge.status !== 'held' || this.open.has(charge.id)) return;
    const left = Date.parse(charge.holdExpiresAt) - this.now();
    if (!(left > 0)) return;
    const expiry = this.timers.setTimeout(() => this.settled(charge.id), left);
    this.open.set(charge.id, { expiry });
    this.changed();
  }

  /** Captured or released (or given up on). */
  settled(chargeId: string): void {
    const entry = this.open.get(chargeId);
    if (!entry) return;
    this.timers.clearTimeout(entry.expiry);
    this.open.delete(chargeId);
    this.changed();
  }

  /** The account changed or the app stops: nothing of the old account's is running for us any more. */
  clear(): void {
    if (this.open.size === 0) return;
    for (const { expiry } of this.open.values()) this.timers.clearTimeout(expiry);
    this.open.clear();
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // one broken listener must not stop the others
      }
    }
  }
}
