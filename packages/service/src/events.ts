/**
 * The committed-event types shared by the push hub (service) and the relays that carry events
 * between instances (storage): neither layer owns them, so neither imports the other for them.
 */
export interface HubEvent {
  userId: string;
  version: number;
  /** JSON of `{"balance", "cause"}`, exactly the SSE `data:` line. */
  payload: string;
}

export interface Relay {
  /** Tells the other instances about events this instance committed. */
  announce(events: readonly HubEvent[]): void;
  /** Tells the other instances a token was revoked. */
  announceRevoke(tokenHash: string): void;
}

/**
 * What a relay needs of this instance's hub: plug in, ask who listens, deliver, revoke locally,
 * and drop cached snapshots it can no longer vouch for (one account, or all after a lost LISTEN).
 */
export interface RelayTarget {
  setRelay(relay: Relay | null): void;
  hasListeners(userId: string): boolean;
  deliver(events: readonly HubEvent[]): void;
  revoke(tokenHash: string, announce?: boolean): void;
  forgetSnapshot(userId: string): void;
  forgetSnapshots(): void;
}
