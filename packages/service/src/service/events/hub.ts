/**
 * In-process fan-out of committed balance events to the SSE connections of this instance.
 * A change is published after its transaction commits; the event rows themselves are in the
 * `events` table (written in the same transaction), so a connection that sees a gap in versions
 * can read what it missed, in order. A relay (PostgreSQL LISTEN/NOTIFY) plugs in through
 * `setRelay` to carry commits between instances.
 */
import type { HubEvent, Relay, RelayTarget } from '../../events';
import { SnapshotCache, type CachedSnapshot, type SnapshotSource } from './snapshot-cache';

type Listener = (e: HubEvent) => void;

type TokenListener = () => void;

export class EventHub implements RelayTarget {
  private readonly byUser = new Map<string, Set<Listener>>();
  private readonly byToken = new Map<string, Set<TokenListener>>();
  /** The same listeners by the account their token belongs to: a password reset ends them all at once. */
  private readonly byTokenUser = new Map<string, Set<TokenListener>>();
  /** The per-account snapshot cache (snapshot-cache.ts), kept current by the events delivered here. */
  readonly snapshots = new SnapshotCache();
  private relay: Relay | null = null;

  setRelay(relay: Relay | null): void {
    this.relay = relay;
  }

  subscribe(userId: string, fn: Listener): () => void {
    return listen(this.byUser, userId, fn);
  }

  /** Events committed by this instance: deliver here and announce to the others. */
  publish(events: readonly HubEvent[]): void {
    this.deliver(events);
    if (events.length) this.relay?.announce(events);
  }

  /** Deliver to this instance's listeners only (what a relay calls for remote commits). */
  deliver(events: readonly HubEvent[]): void {
    for (const e of events) {
      const set = this.byUser.get(e.userId);
      if (!set) {
        // Nobody here follows the account: a cached snapshot of it may now be behind; forget it.
        this.snapshots.forget(e.userId);
        continue;
      }
      this.snapshots.delivered(e.userId, e.version, () => balanceOf(e.payload));
      for (const fn of [...set]) fn(e);
    }
  }

  /** Keeps `version`'s snapshot of the account (never replacing a newer one). */
  remember(userId: string, version: number, balance: SnapshotSource): void {
    this.snapshots.remember(userId, version, balance);
  }

  /** Drops the account's cached snapshot (a change was committed that this hub will not deliver). */
  forgetSnapshot(userId: string): void {
    this.snapshots.forget(userId);
  }

  forgetSnapshots(): void {
    this.snapshots.clear();
  }

  /** The account's cached snapshot while it is still right at `now` (no batch expired since), else null. */
  cachedSnapshot(userId: string, now: number): CachedSnapshot | null {
    return this.snapshots.fresh(userId, now);
  }

  hasListeners(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /**
   * `fn` runs when the token is revoked — or, given the account it belongs to (`userId`), when
   * every token of that account is (`revokeUser`).
   */
  onRevoke(tokenHash: string, fn: TokenListener, userId?: string): () => void {
    const off = [listen(this.byToken, tokenHash, fn)];
    if (userId !== undefined) off.push(listen(this.byTokenUser, userId, fn));
    return () => off.forEach((f) => f());
  }

  revoke(tokenHash: string, announce = true): void {
    for (const fn of [...(this.byToken.get(tokenHash) ?? [])]) fn();
    if (announce) this.relay?.announceRevoke(tokenHash);
  }

  /** Every token of the account is revoked (a password reset): all its streams end, here and, announced, on every instance. */
  revokeUser(userId: string, announce = true): void {
    for (const fn of [...(this.byTokenUser.get(userId) ?? [])]) fn();
    if (announce) this.relay?.announceRevokeUser(userId);
  }

  /** Open streams of one access token on this instance (what the per-token cap counts). */
  tokenStreams(tokenHash: string): number {
    return this.byToken.get(tokenHash)?.size ?? 0;
  }

  get connectionCount(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }
}

/** Adds `fn` to `key`'s set in `map`; the returned function removes it (and the set once empty). */
function listen<F>(map: Map<string, Set<F>>, key: string, fn: F): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(fn);
  return () => {
    set!.delete(fn);
    if (set!.size === 0) map.delete(key);
  };
}

/** The `balance` of an event payload as JSON text, and its next expiry instant. */
function balanceOf(payload: string): { json: string; nextExpiryAt: number | null } | null {
  try {
    const b = (JSON.parse(payload) as { balance?: { nextExpiry?: { at: string } | null } }).balance;
    if (!b) return null;
    return { json: JSON.stringify(b), nextExpiryAt: b.nextExpiry ? Date.parse(b.nextExpiry.at) : null };
  } catch {
    return null;
  }
}
