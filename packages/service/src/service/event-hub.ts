/**
 * In-process fan-out of committed balance events to the SSE connections of this instance.
 * A change is published after its transaction commits; the event rows themselves are in the
 * `events` table (written in the same transaction), so a connection that sees a gap in versions
 * can read what it missed, in order. A relay (PostgreSQL LISTEN/NOTIFY) plugs in through
 * `setRelay` to carry commits between instances.
 */
import type { HubEvent, Relay, RelayTarget } from '../events';

export type { HubEvent, Relay } from '../events';

type Listener = (e: HubEvent) => void;
type TokenListener = () => void;

export class EventHub implements RelayTarget {
  private readonly byUser = new Map<string, Set<Listener>>();
  private readonly byToken = new Map<string, Set<TokenListener>>();
  private relay: Relay | null = null;

  setRelay(relay: Relay | null): void {
    this.relay = relay;
  }

  subscribe(userId: string, fn: Listener): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.byUser.delete(userId);
    };
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
      if (!set) continue;
      for (const fn of [...set]) fn(e);
    }
  }

  hasListeners(userId: string): boolean {
    return this.byUser.has(userId);
  }

  onRevoke(tokenHash: string, fn: TokenListener): () => void {
    let set = this.byToken.get(tokenHash);
    if (!set) this.byToken.set(tokenHash, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.byToken.delete(tokenHash);
    };
  }

  revoke(tokenHash: string, announce = true): void {
    for (const fn of [...(this.byToken.get(tokenHash) ?? [])]) fn();
    if (announce) this.relay?.announceRevoke(tokenHash);
  }

  get connectionCount(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }
}
