/**
 * The account's real-time push (docs/api.md § Real-time push): ONE stream client for `GET /v1/events`
 * — fetch (Bearer token, our own `Last-Event-ID`) piped through eventsource-parser by `pipeSse`.
 *
 * Reconnects: on any drop, a new request after an exponential, jittered backoff (`backoff.ts`)
 * capped at 3 s by default, restarted once a stream delivers events; the SSE `retry:` field sets
 * the base, a 429 `rate_limited` (too many streams for this token) waits its `Retry-After` out.
 * `reconnectNow()` skips the wait (wake from sleep, the network came back, *Retry now*). A
 * stream silent longer than the idle limit (the service pings every 15 s) counts as dropped.
 * `event: error` unauthorized, or a 401 on connect, refreshes the session and reconnects; a
 * refused refresh ends the session. The owner hears about every open (to resync the balance after
 * a reconnect) and every connection state change.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { BalanceEventSchema, type BalanceEvent } from '@cutline/contract/api';
import type { Connection } from '@cutline/contract/ipc';
import { pipeSse } from '@cutline/contract/sse-body';
import { DEFAULT_BACKOFF, streamRetryDelay, type BackoffOptions } from './backoff';
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
  now?: () => number;
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
const RATE_LIMITED_REASON = 'Too many Cutline windows are connected with this account. Retrying shortly.';

export class EventStream {
  private running = false;
  private everOpened = false;
  /** Identifies the current connection attempt; anything from older ones is ignored. */
  private attemptSeq = 0;
  private abort: AbortController | null = null;
  private failures = 0;
  private authRetries = 0;
  private reconnectTimer: unknown = null;
  private idleTimer: unknown = null;
  private lastEventId: string | null = null;
  private usedToken: string | null = null;
  private status: Connection | null = null;
  private reason: string | null = null;
  /** The service's `retry:` (ms), from the last stream that sent one. */
  private retryMs: number | null = null;
  private lastAlive: number | null = null;
  private readonly timers: Timers;

  constructor(private readonly deps: EventStreamDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  get connected(): boolean {
    return this.status === 'online';
  }

  /** When the stream last proved it was current (a byte arrived, pings included); ms epoch. */
  get lastAliveAt(): number | null {
    return this.lastAlive;
  }

  /** The reconnection time the service asked for with `retry:`, if any. */
  get serviceRetryMs(): number | null {
    return this.retryMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everOpened = false;
    this.failures = 0;
    this.authRetries = 0;
    this.lastEventId = null;
    this.lastAlive = null;
    this.setStatus('connecting', null);
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.attemptSeq++;
    this.closeRequest();
    this.clearTimer('reconnect');
    this.clearTimer('idle');
    this.status = null;
    this.reason = null;
  }

  /**
   * Drops the current connection and connects again at once, skipping any backoff wait: after
   * the machine wakes from sleep the old connection is most likely dead without knowing it.
   */
  reconnectNow(): void {
    if (!this.running) return;
    this.clearTimer('reconnect');
    this.clearTimer('idle');
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.closeRequest();
    const attempt = ++this.attemptSeq;
    const abort = new AbortController();
    this.abort = abort;
    const token = this.deps.session.accessToken();
    if (!token) {
      this.dropped(attempt, false, 'signed out');
      return;
    }
    this.usedToken = token;
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      'Cache-Control': 'no-cache',
      Authorization: `Bearer ${token}`,
    };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;

    let response: Response;
    try {
      response = await this.deps.fetch(`${this.deps.serviceUrl}/v1/events`, { headers, signal: abort.signal });
    } catch {
      this.dropped(attempt, false, 'connection lost');
      return;
    }
    if (attempt !== this.attemptSeq) {
      void response.body?.cancel().catch(() => {});
      return;
    }
    if (response.status === 401) {
      void response.body?.cancel().catch(() => {});
      void this.reauthenticate(attempt);
      return;
    }
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
      const rateLimitedMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0;
      this.dropped(attempt, false, `HTTP 429 ${String(body?.error ?? '')}`.trim(), { rateLimitedMs, reason: RATE_LIMITED_REASON });
      return;
    }
    if (response.status !== 200 || !response.body) {
      void response.body?.cancel().catch(() => {});
      this.dropped(attempt, false, `HTTP ${response.status}`);
      return;
    }

    this.markAlive(attempt);
    this.setStatus('online', null);
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.deps.onOpen(reconnected);

    const parser = createParser({
      onEvent: (message) => this.onMessage(attempt, message),
      onRetry: (ms) => {
        if (attempt === this.attemptSeq && Number.isFinite(ms) && ms >= 0) this.retryMs = ms;
      },
    });
    // every chunk (events and `: ping` comments alike) proves the stream is alive
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          this.markAlive(attempt);
          controller.enqueue(chunk);
        },
      }),
    );
    await pipeSse(watched, parser);
    this.dropped(attempt, true, 'stream ended');
  }

  private onMessage(attempt: number, message: EventSourceMessage): void {
    if (attempt !== this.attemptSeq) return;
    if (message.event === 'error') {
      let code: unknown = null;
      try {
        code = (JSON.parse(message.data) as { error?: unknown }).error;
      } catch {
        // unreadable: treat as a drop
      }
      if (code === 'unauthorized') void this.reauthenticate(attempt);
      else this.dropped(attempt, true, `service error ${String(code)}`);
      return;
    }
    if (message.event !== 'balance') return;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      data = null;
    }
    const parsed = BalanceEventSchema.safeParse(data);
    if (!parsed.success) {
      this.deps.logger.warn('unreadable balance event ignored', { id: message.id });
      return;
    }
    // a stream that delivers events is healthy: the next drop starts the backoff afresh
    this.failures = 0;
    this.authRetries = 0;
    if (message.id) this.lastEventId = message.id;
    this.deps.onEvent(parsed.data);
  }

  private async reauthenticate(attempt: number): Promise<void> {
    if (attempt !== this.attemptSeq || !this.running) return;
    // nothing more from the refused stream: it is closed, and its late events are ignored
    const current = ++this.attemptSeq;
    this.closeRequest();
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
      void this.connect();
    } else if (fresh.error.code === 'signed_out') {
      this.deps.logger.info('event stream stopped: session ended');
      this.stop();
      this.deps.onSignedOut();
    } else {
      this.dropped(current, false, `refresh failed: ${fresh.error.code}`);
    }
  }

  private dropped(
    attempt: number,
    wasOpen: boolean,
    reason: string,
    limited: { rateLimitedMs: number; reason: string } | null = null,
  ): void {
    if (attempt !== this.attemptSeq || !this.running) return;
    this.attemptSeq++;
    this.closeRequest();
    this.clearTimer('idle');
    const delay = streamRetryDelay(this.failures++, this.deps.random ?? Math.random, this.deps.backoff ?? DEFAULT_BACKOFF, {
      retryMs: this.retryMs,
      rateLimitedMs: limited ? limited.rateLimitedMs : null,
    });
    this.deps.logger.info('event stream disconnected', { reason, retryInMs: delay });
    if (wasOpen) this.setStatus('connecting', null);
    else this.setStatus('offline', limited?.reason ?? OFFLINE_REASON);
    this.clearTimer('reconnect');
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) void this.connect();
    }, delay);
  }

  private markAlive(attempt: number): void {
    if (attempt !== this.attemptSeq) return;
    this.lastAlive = (this.deps.now ?? Date.now)();
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

  private closeRequest(): void {
    this.abort?.abort();
    this.abort = null;
  }

  private setStatus(status: Connection, reason: string | null): void {
    if (this.status === status && this.reason === reason) return;
    this.status = status;
    this.reason = reason;
    this.deps.onStatus(status, reason);
  }
}
