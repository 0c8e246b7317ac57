/**
 * Carries committed balance events between service instances over PostgreSQL LISTEN/NOTIFY.
 *
 * Sending: after a transaction commits, `EventHub.publish` calls `announce`; what is announced in
 * one turn of the event loop (every step of a batch of charges) goes in one small NOTIFY
 * (`{"i": instance, "e": [[userId, version], …]}`) — never the payload itself.
 * Receiving: a dedicated connection LISTENs; for a notification from another instance, the
 * relay reads the event rows (written in the committed transaction; db/event-log.ts reads
 * them and builds the payloads) for the users that have connections here, from just after what it last delivered up to the announced version, and
 * hands them to `EventHub.deliver` in version order. SSE connections drop versions they already
 * sent and fill any remaining gap from the `events` table themselves, so a late or reordered
 * notification can never make a client skip or repeat a version.
 *
 * Revocations travel the same way: `{"i", "r": <token hash>}` ends that token's streams on every
 * instance, `{"i", "u": <user id>}` every stream of that account (a password reset).
 *
 * When the LISTEN connection drops, the relay reconnects with backoff and then replays the
 * event rows stamped since shortly before the drop, so changes committed meanwhile still arrive.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../clock';
import type { HubEvent, Relay, RelayTarget } from '../events';
import { toDollarParams } from './db';
import { accountsChangedSince, eventsInWindows, eventsSince, type EventQuerier } from './event-log';

export const CHANNEL = 'cutline_events';
/** NOTIFY payloads must stay under 8000 bytes; keep a margin. */
const MAX_PAYLOAD = 7000;
/** Replay window before the moment the LISTEN connection was lost (clock skew between instances). */
const CATCH_UP_MARGIN_MS = 30_000;

/** Most versions of one user read per announcement. */
const MAX_READ = 64;

type Notice = { i: string; e?: [string, number][]; r?: string; u?: string };

export interface RelayStats {
  connected: boolean;
  /** Times the LISTEN connection was re-established after a drop. */
  reconnects: number;
  /** Notifications received from other instances. */
  received: number;
  /** Events handed to the local hub from other instances (including catch-up). */
  delivered: number;
  /** Events handed to the local hub by catch-up after a reconnect. */
  caughtUp: number;
}

export interface PgRelayOptions {
  /** Connection settings for the dedicated LISTEN connection. */
  connection: pg.ClientConfig;
  /** Runs queries (the service's pool). */
  pool: pg.Pool;
  hub: RelayTarget;
  /** The clock that stamps `events.at` (the service's), for the catch-up window. */
  clock: Clock;
  instanceId?: string;
  log?: (msg: string) => void;
  /** First reconnect delay; doubles up to 5 s. */
  reconnectMs?: number;
}

export class PgRelay implements Relay {
  readonly instanceId: string;
  private client: pg.Client | null = null;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private lostAt: number | null = null;
  /** Highest version handed to the local hub, for users with connections here. */
  private readonly lastDelivered = new Map<string, number>();
  private pruneAt = 1024;
  /** user → highest announced version not yet read. */
  private readonly pending = new Map<string, number>();
  private draining: Promise<void> | null = null;
  /** [user, version] pairs announced in this turn, sent together. */
  private readonly outgoing: [string, number][] = [];
  private flushing = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly stats_: RelayStats = { connected: false, reconnects: 0, received: 0, delivered: 0, caughtUp: 0 };

  /** The event log's reads on the service's pool (each its own statement, outside a transaction). */
  private readonly query: EventQuerier;

  constructor(private readonly opts: PgRelayOptions) {
    this.query = {
      all: async <T>(sql: string, params: readonly unknown[] = []) => (await opts.pool.query(toDollarParams(sql), [...params])).rows as T[],
    };
    this.instanceId = opts.instanceId ?? randomUUID();
    this.reconnectDelay = opts.reconnectMs ?? 100;
  }

  get stats(): Readonly<RelayStats> {
    return { ...this.stats_ };
  }

  /** Connects and LISTENs, then plugs into the hub. Throws if the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
    this.opts.hub.setRelay(this);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.opts.hub.setRelay(null);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const c = this.client;
    this.client = null;
    this.stats_.connected = false;
    if (c) await c.end().catch(() => undefined);
    await this.settle();
  }

  /** Waits for NOTIFYs being sent and deliveries being read. */
  async settle(): Promise<void> {
    while (this.inflight.size || this.draining) {
      await Promise.allSettled([...this.inflight, this.draining]);
    }
  }

  announce(events: readonly HubEvent[]): void {
    for (const e of events) {
      if (this.opts.hub.hasListeners(e.userId)) this.noteDelivered(e.userId, e.version);
      else this.lastDelivered.delete(e.userId);
      this.outgoing.push([e.userId, e.version]);
    }
    // Everything announced in this turn of the event loop (a batch of charge steps publishes
    // each step's events in turn) goes in one NOTIFY, sent once the turn's synchronous work is done.
    if (this.outgoing.length && !this.flushing) {
      this.flushing = true;
      queueMicrotask(() => this.flushAnnouncements());
    }
  }

  private flushAnnouncements(): void {
    this.flushing = false;
    const pairs = this.outgoing.splice(0);
    let batch: [string, number][] = [];
    let size = 0;
    const flush = () => {
      if (batch.length) this.notify({ i: this.instanceId, e: batch });
      batch = [];
      size = 0;
    };
    for (const pair of pairs) {
      const item = JSON.stringify(pair);
      if (size + item.length + 64 > MAX_PAYLOAD) flush();
      batch.push(pair);
      size += item.length + 1;
    }
    flush();
  }

  announceRevoke(tokenHash: string): void {
    this.notify({ i: this.instanceId, r: tokenHash });
  }

  announceRevokeUser(userId: string): void {
    this.notify({ i: this.instanceId, u: userId });
  }

  private notify(n: Notice): void {
    if (this.stopping) return;
    const p = this.opts.pool
      .query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(n)])
      .catch((e: unknown) => this.log(`NOTIFY failed (other instances learn of it with the account's next change): ${msg(e)}`))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.opts.connection, application_name: `cutline-listen:${this.instanceId}`, keepAlive: true });
    client.on('notification', (m) => {
      if (m.channel === CHANNEL && m.payload) this.onNotice(m.payload);
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      client.removeAllListeners('end');
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.stopping) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.stats_.connected = true;
  }

  private lost(client: pg.Client, e: Error | null): void {
    if (this.client !== client || this.stopping) return;
    this.client = null;
    this.stats_.connected = false;
    this.lostAt = this.opts.clock.now();
    // Commits of other instances go unheard until the catch-up: no cached snapshot can be trusted.
    this.opts.hub.forgetSnapshots();
    this.log(`LISTEN connection lost${e ? `: ${e.message}` : ''}; reconnecting`);
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.reconnectDelay * (0.75 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.connect();
    } catch (e) {
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, 5000);
      this.log(`LISTEN reconnect failed: ${msg(e)}`);
      this.scheduleReconnect();
      return;
    }
    if (this.stopping) return;
    this.reconnectDelay = this.opts.reconnectMs ?? 100;
    this.stats_.reconnects++;
    const since = (this.lostAt ?? this.opts.clock.now()) - CATCH_UP_MARGIN_MS;
    this.lostAt = null;
    this.track(this.catchUp(since));
  }

  /** After a reconnect: every event stamped since `since`, for users with connections here. */
  private async catchUp(since: number): Promise<void> {
    const want = (await accountsChangedSince(this.query, since)).filter((u) => this.opts.hub.hasListeners(u));
    if (!want.length) return;
    const events = await eventsSince(this.query, want, since);
    const fresh = events.filter((e) => e.version > (this.lastDelivered.get(e.userId) ?? -1));
    this.stats_.caughtUp += fresh.length;
    this.deliver(fresh);
  }

  private onNotice(raw: string): void {
    let n: Notice;
    try {
      n = JSON.parse(raw) as Notice;
    } catch {
      this.log('ignored a malformed notification');
      return;
    }
    if (n.i === this.instanceId) return;
    this.stats_.received++;
    if (typeof n.r === 'string') this.opts.hub.revoke(n.r, false);
    if (typeof n.u === 'string') this.opts.hub.revokeUser(n.u, false);
    for (const [userId, version] of n.e ?? []) {
      if (!this.opts.hub.hasListeners(userId)) {
        this.lastDelivered.delete(userId); // a stream opened later starts from its own snapshot
        this.opts.hub.forgetSnapshot(userId); // …read afresh: a cached one is now behind
        continue;
      }
      if (version <= (this.lastDelivered.get(userId) ?? -1)) continue;
      this.pending.set(userId, Math.max(version, this.pending.get(userId) ?? -1));
    }
    if (this.pending.size && !this.draining) {
      this.draining = this.drain().finally(() => (this.draining = null));
    }
  }

  /** Reads what was announced, in one query per round, until nothing is pending. */
  private async drain(): Promise<void> {
    while (this.pending.size && !this.stopping) {
      const windows: { userId: string; after: number; upTo: number }[] = [];
      for (const [userId, version] of this.pending) {
        const last = this.lastDelivered.get(userId);
        // Unknown so far: the connection filled up to its snapshot. Either way at most
        // MAX_READ versions: a stream reads a longer gap from the table itself.
        const from = Math.max(last ?? version - 1, version - MAX_READ);
        if (version > from) windows.push({ userId, after: from, upTo: version });
      }
      this.pending.clear();
      if (!windows.length) continue;
      try {
        this.deliver(await eventsInWindows(this.query, windows));
      } catch (e) {
        // The rows are committed; a connection that sees the next version reads the gap itself.
        this.log(`reading announced events failed: ${msg(e)}`);
        for (const w of windows) this.opts.hub.forgetSnapshot(w.userId);
      }
    }
  }

  private deliver(events: readonly HubEvent[]): void {
    for (const e of events) this.noteDelivered(e.userId, e.version);
    this.stats_.delivered += events.length;
    this.opts.hub.deliver(events);
  }

  private noteDelivered(userId: string, version: number): void {
    if (version <= (this.lastDelivered.get(userId) ?? -1)) return;
    this.lastDelivered.set(userId, version);
    if (this.lastDelivered.size > this.pruneAt) {
      // Forget users nobody here listens to any more; amortised over the map doubling.
      for (const id of this.lastDelivered.keys()) {
        if (!this.opts.hub.hasListeners(id)) this.lastDelivered.delete(id);
      }
      this.pruneAt = Math.max(1024, 2 * this.lastDelivered.size);
    }
  }

  private track(p: Promise<void>): void {
    const q = p.catch((e: unknown) => this.log(`catch-up after reconnect failed: ${msg(e)}`)).finally(() => this.inflight.delete(q));
    this.inflight.add(q);
  }

  private log(m: string): void {
    this.opts.log?.(`[pg-relay ${this.instanceId.slice(0, 8)}] ${m}`);
  }
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
