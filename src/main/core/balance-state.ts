/**
 * The account's balance as this app knows it. Every snapshot — from a push, a resync, a quote or
 * a charge response — goes through `applyBalance`, which keeps the one with the highest version
 * (docs/api.md: `version` only ever grows for an account) and drops any other, so a stale snapshot
 * arriving late can never overwrite a newer one. An accepted snapshot is announced once.
 */
import type { BalanceSnapshot } from '@cutline/contract/api';

export class BalanceState {
  private snapshot: BalanceSnapshot | null = null;
  private readonly listeners = new Set<(balance: BalanceSnapshot) => void>();

  get current(): BalanceSnapshot | null {
    return this.snapshot;
  }

  /** Applies `next` if it is newer than what is held; returns whether it was applied. */
  applyBalance(next: BalanceSnapshot): boolean {
    if (this.snapshot && next.version <= this.snapshot.version) return false;
    this.snapshot = next;
    for (const listener of this.listeners) listener(next);
    return true;
  }

  /** Forgets the balance (sign-out, another account: versions are per account). */
  reset(): void {
    this.snapshot = null;
  }

  onChange(listener: (balance: BalanceSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
