/**
 * The committed-event types shared by the push hub (service) and the relays that carry events
 * between instances (storage), and the SSE payload text of an event (built by the journal for
 * live events, by the event log for events read back, by the stream route for its snapshot):
 * neither layer owns them, so neither imports the other for them.
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
  /** Tells the other instances every token of an account was revoked (a password reset). */
  announceRevokeUser(userId: string): void;
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
  revokeUser(userId: string, announce?: boolean): void;
  forgetSnapshot(userId: string): void;
  forgetSnapshots(): void;
}

/**
 * The SSE data of one event: the balance, and the cause with the account's entries (`entry`
 * the first, `entries` all), exactly as `JSON.stringify({ balance, cause: { ...cause, entry,
 * entries } })` writes it. `entries` are the entries' JSON texts.
 */
export function eventPayload(balance: string, cause: string, entries: readonly string[]): string {
  if (!entries.length) return `{"balance":${balance},"cause":${cause}}`;
  const open = cause.slice(0, -1); // the cause's JSON object without its closing brace
  return `{"balance":${balance},"cause":${open}${open.length > 1 ? ',' : ''}"entry":${entries[0]},"entries":[${entries.join(',')}]}}`;
}

/** A stream's first event: the account's snapshot (its JSON), cause `snapshot`. */
export function snapshotPayload(balance: string): string {
  return eventPayload(balance, '{"kind":"snapshot"}', []);
}
