/**
 * "Newest version wins", in one class. An account's `version` only ever grows (every change to
 * what it can spend bumps it), so of two snapshots the one with the higher version is the truth.
 *
 * The desktop core keeps the account's balance in one `BalanceState`: every snapshot it receives
 * — a push, a resync, a quote or a charge answer — is offered to `applyBalance`, which keeps it
 * only when it is newer and then announces it, once. The push of a change and the charge answer
 * that caused it carry the same version: whichever comes first is taken, the other dropped. The
 * renderer is sent exactly what is announced, in order, and compares no versions itself (the
 * renderer tests' stand-in for main keeps its balance in this same class).
 */
import type { BalanceSnapshot } from './api';

export interface Versioned {
  readonly version: number;
}

export class BalanceState<T extends Versioned = BalanceSnapshot> {
  private snapshot: T | null = null;
  private readonly listeners = new Set<(balance: T) => void>();

  get current(): T | null {
    return this.snapshot;
  }

  /** Applies `next` if it is newer than what is held; returns whether it was applied. */
  applyBalance(next: T): boolean {
    if (this.snapshot && next.version <= this.snapshot.version) return false;
    this.snapshot = next;
    for (const listener of this.listeners) listener(next);
    return true;
  }

  /** Forgets the balance (sign-out, another account: versions are per account). */
  reset(): void {
    this.snapshot = null;
  }

  onChange(listener: (balance: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
