/**
 * The account's real-time push (API.md § Real-time push): one SSE connection to `/v1/events`
 * through the `eventsource` package, with a custom fetch that adds the Bearer token and our own
 * `Last-Event-ID`.
 *
 * Reconnects are ours, not the library's: on any drop the source is closed and a new one made
 * after an exponential, jittered backoff that starts afresh once a stream delivers events. A stream
 * that stays silent longer than the idle limit (the service pings every 15 s) counts as dropped.
 * `event: error` unauthorized, or a 401 on connect, refreshes the session and reconnects; a
 * refused refresh ends the session. The owner is told about every open (to resync the balance
 * after a reconnect) and every connection state change.
 */
import { EventSource, type FetchLike } from 'eventsource';
import { BalanceEventSchema, type BalanceEvent } from '@cutline/contract/api';
import type { Connection } from '@cutline/contract/ipc';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { Logger } from './logger';
import type { Session } from './session';
import { realTimers, type Timers } from './timers';

export interface EventStreamDeps {
  serviceUrl: string;
  fetch: typeof fetch;
  session: Session;
  logger: Logger;
  random?: () => number;
  timers?: Timers;
  backoff?: BackoffOptions;
  /** A stream with no bytes for this long is treated as dead. Default 45 s (three pings). */
  idleTimeoutMs?: number;
  onEvent(event: BalanceEvent): void;
  /** The stream is open; `reconnected` is false only for the first open after `start`. */
  onOpen(reconnected: boolean): void;
  onStatus(status: Connection, reason: string | null): void;
  /** The session ended while the stream was trying to authenticate. */
  onSignedOut(): void;
}

const OFFLINE_REASON = 'Cannot reach the Cutline service. AI tools are off until the connection returns.';

export class EventStream {
  private source: EventSource | null = null;
  private running = false;
  private everOpened = false;
  /** Identifies the current connection attempt; events from older ones are ignored. */
  private attemptSeq = 0;
  private failures = 0;
  private authRetries = 0;
  private reconnectTimer: unknown = null;
  private idleTimer: unknown = null;
  private lastEventId: string | null = null;
  private usedToken: string | null = null;
  private status: Connection | null = null;
  private readonly timers: Timers;

  constructor(private readonly deps: EventStreamDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  get connected(): boolean {
    return this.status === 'online';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everOpened = false;
    this.failures = 0;
    this.authRetries = 0;
    this.lastEventId = null;
    this.setStatus('connecting', null);
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.attemptSeq++;
    this.closeSource();
    this.clearTimer('reconnect');
    this.clearTimer('idle');
    this.status = null;
  }

  /**
   * Drops the current connection and connects again at once, skipping any backoff wait: after
   * the machine wakes from sleep the old connection is most likely dead without knowing it.
   */
  reconnectNow(): void {
    if (!this.running) return;
    this.clearTimer('reconnect');
    this.clearTimer('idle');
    this.connect();
  }

  private connect(): void {
    this.closeSource();
    const attempt = ++this.attemptSeq;
    let opened = false;
    const source = new EventSource(`${this.deps.serviceUrl}/v1/events`, {
      fetch: this.streamFetch(attempt),
    });
    this.source = source;

    source.addEventListener('open', () => {
      if (attempt !== this.attemptSeq) return;
      opened = true;
      this.armIdleTimer(attempt);
      this.setStatus('online', null);
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.deps.onOpen(reconnected);
    });

    source.addEventListener('balance', (event: MessageEvent) => {
      if (attempt !== this.attemptSeq) return;
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        data = null;
      }
      const parsed = BalanceEventSchema.safeParse(data);
      if (!parsed.success) {
        this.deps.logger.warn('unreadable balance event ignored', { id: event.lastEventId });
        return;
      }
      // a stream that delivers events is healthy: the next drop starts the backoff afresh
      this.failures = 0;
      this.authRetries = 0;
      if (event.lastEventId) this.lastEventId = event.lastEventId;
      this.deps.onEvent(parsed.data);
    });

    source.addEventListener('error', (event: Event) => {
      if (attempt !== this.attemptSeq) return;
      if ('data' in event && typeof (event as MessageEvent).data === 'string') {
        // the service's own `event: error`
        let code: unknown = null;
        try {
          code = (JSON.parse((event as MessageEvent).data) as { error?: unknown }).error;
        } catch {
          // unreadable: treat as a drop
        }
        if (code === 'unauthorized') void this.reauthenticate(attempt);
        else this.dropped(attempt, opened, `service error ${String(code)}`);
        return;
      }
      const status = (event as Event & { code?: number }).code;
      if (status === 401) void this.reauthenticate(attempt);
      else this.dropped(attempt, opened, status ? `HTTP ${status}` : 'connection lost');
    });
  }

  private streamFetch(attempt: number): FetchLike {
    return async (url, init) => {
      const token = this.deps.session.accessToken();
      if (!token) throw new TypeError('signed out');
      this.usedToken = token;
      const headers: Record<string, string> = { ...init.headers, Authorization: `Bearer ${token}` };
      if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
      else delete headers['Last-Event-ID'];
      const response = await this.deps.fetch(url, { ...init, headers } as RequestInit);
      if (!response.body || response.status !== 200) return response;
      // every chunk (events and `: ping` comments alike) proves the stream is alive
      const watched = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => {
            if (attempt === this.attemptSeq) this.armIdleTimer(attempt);
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(watched, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
  }

  private async reauthenticate(attempt: number): Promise<void> {
    if (attempt !== this.attemptSeq || !this.running) return;
    // nothing more from the refused source: it is closed, and its late events are ignored
    const current = ++this.attemptSeq;
    this.closeSource();
    this.clearTimer('idle');
    this.authRetries++;
    if (this.authRetries > 2) {
      // refreshed tokens keep being refused: back off instead of spinning
      this.dropped(current, false, 'unauthorized after refresh');
      return;
    }
    const fresh = await this.deps.session.refresh(this.usedToken ?? undefined);
    if (current !== this.attemptSeq || !this.running) return;
    if (fresh.ok) {
      this.connect();
    } else if (fresh.error.code === 'signed_out') {
      this.deps.logger.info('event stream stopped: session ended');
      this.stop();
      this.deps.onSignedOut();
    } else {
      this.dropped(current, false, `refresh failed: ${fresh.error.code}`);
    }
  }

  private dropped(attempt: number, wasOpen: boolean, reason: string): void {
    if (attempt !== this.attemptSeq || !this.running) return;
    this.attemptSeq++;
    this.closeSource();
    this.clearTimer('idle');
    const delay = backoffDelay(this.failures++, this.deps.random ?? Math.random, this.deps.backoff ?? DEFAULT_BACKOFF);
    this.deps.logger.info('event stream disconnected', { reason, retryInMs: delay });
    if (wasOpen) this.setStatus('connecting', null);
    else this.setStatus('offline', OFFLINE_REASON);
    this.clearTimer('reconnect');
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) this.connect();
    }, delay);
  }

  private armIdleTimer(attempt: number): void {
    this.clearTimer('idle');
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = null;
      this.deps.logger.warn('event stream silent, reconnecting');
      this.dropped(attempt, true, 'idle');
    }, this.deps.idleTimeoutMs ?? 45_000);
  }

  private clearTimer(which: 'reconnect' | 'idle'): void {
    const handle = which === 'reconnect' ? this.reconnectTimer : this.idleTimer;
    if (handle !== null) this.timers.clearTimeout(handle);
    if (which === 'reconnect') this.reconnectTimer = null;
    else this.idleTimer = null;
  }

  private closeSource(): void {
    this.source?.close();
    this.source = null;
  }

  private setStatus(status: Connection, reason: string | null): void {
    if (this.status === status) return;
    this.status = status;
    this.deps.onStatus(status, reason);
  }
}
