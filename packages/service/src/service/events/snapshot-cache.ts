/**
 * The per-account snapshot cache: each account's latest snapshot this instance knows, so a new
 * event stream starts without reading the database (http/routes-events.ts). The hub keeps it
 * current from the events it delivers (events/hub.ts); a stream that had to read a snapshot
 * puts it here.
 *
 * INVARIANT (what makes an entry right): an entry at `version` is the account's latest committed
 * snapshot as far as this instance has heard, and stays right (1) until a batch of the account
 * expires — time moves without a new version — which `freshUntil` bounds, and (2) while every
 * newer committed change of the account reaches this cache: as an event the hub delivers
 * (committed here, or carried by the relay from another instance, maybe a little late) or, for an
 * account nobody here follows, as a `forget` (the hub's, or the relay's when it can no longer
 * vouch: a lost LISTEN connection forgets them all).
 *
 * HOW A BREACH IS CAUGHT: versions of an account are consecutive, so an event delivered for an
 * account whose entry is older than the event's version − 1 proves a change went past the cache.
 * The entry is replaced by the event's own snapshot (right as of that version), the breach is
 * counted (`skipped`), and the stream that started from the stale entry sees the same gap and
 * reads the missed versions from the event log before the new one (so no client skips a
 * version). Between relay deliveries from several instances a skip can be benign (a version from
 * one instance overtaking another's); a count that grows on one instance is the sign.
 */

/** An account's latest known snapshot: what a new stream starts with instead of reading the database. */
export interface CachedSnapshot {
  version: number;
  /** JSON of the BalanceSnapshot (the `balance` of the event payload). */
  balance: string;
  /** Until when it stays right without a new version: the next batch expiry (ms), or null. */
  freshUntil: number | null;
}

/** What an event gives the cache: its snapshot's JSON and next expiry, read only when the entry changes. */
export type SnapshotSource = () => { json: string; nextExpiryAt: number | null } | null;

export class SnapshotCache {
  private readonly entries = new Map<string, CachedSnapshot>();
  /** Events that skipped past an entry's version (see the invariant). */
  skipped = 0;

  /** Accounts kept: the most recently changed ones; the oldest is dropped first. */
  constructor(private readonly max = 10_000) {}

  /** Keeps `version`'s snapshot of the account (never replacing a newer one). */
  remember(userId: string, version: number, balance: SnapshotSource): void {
    const had = this.entries.get(userId);
    if (had && had.version >= version) return;
    const b = balance();
    if (!b) return;
    this.entries.delete(userId); // re-inserted last: the Map's order is the eviction order
    this.entries.set(userId, { version, balance: b.json, freshUntil: b.nextExpiryAt });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A committed event delivered to this instance's streams of the account: its snapshot is the newest. */
  delivered(userId: string, version: number, balance: SnapshotSource): void {
    const had = this.entries.get(userId);
    if (had && version > had.version + 1) this.skipped++;
    this.remember(userId, version, balance);
  }

  forget(userId: string): void {
    this.entries.delete(userId);
  }

  clear(): void {
    this.entries.clear();
  }

  /** The account's entry while it is still right at `now` (no batch expired since), else null. */
  fresh(userId: string, now: number): CachedSnapshot | null {
    const s = this.entries.get(userId);
    if (!s) return null;
    if (s.freshUntil !== null && s.freshUntil <= now) {
      this.entries.delete(userId);
      return null;
    }
    return s;
  }
}
