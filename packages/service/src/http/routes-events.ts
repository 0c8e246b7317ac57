/**
 * GET /v1/events — Server-Sent Events (docs/api.md § Real-time push). The current snapshot first,
 * then every committed change to the account in version order, `: ping` comments, and an
 * `error` event that ends the stream when the token expires or is revoked.
 *
 * A stream costs the database as little as possible, so that thousands of reconnecting desktops
 * slow streams, never charges: the bearer is verified once, at connect (behind the admission limit below); revocation arrives from
 * the hub (and through the relay from other instances) and expiry from a timer, so pings touch
 * nothing; the first snapshot comes from the hub's per-account cache while it is fresh; the reads
 * that remain (a snapshot not cached, a gap in versions) wait their turn behind a small
 * admission limit. One token may hold a few streams at once (429 `rate_limited` beyond), and
 * `retry:` (a base plus jitter) spreads the reconnects of a storm.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { snapshotPayload, type HubEvent } from '../events';
import { SseWriter } from './sse-writer';
import { balance, missedEvents } from '../service/accounts/reads';
import { requireBearer } from './bearer';
import { Admission } from './stream-admission';
import { startEventStream } from './sse-response';

export interface EventRouteOptions {
  pingMs: number;
  /** Concurrent streams one access token may hold on this instance (default 5). */
  streamsPerToken?: number;
  /** Stream database reads run at once (default 2): the rest of the pool stays for charges. */
  streamReads?: number;
  /** The SSE `retry:` a client waits before reconnecting: `retryBaseMs` plus up to `retryJitterMs`. */
  retryBaseMs?: number;
  retryJitterMs?: number;
}

export async function eventRoutes(app: FastifyInstance, ctx: Ctx, opts: EventRouteOptions): Promise<void> {
  const perToken = opts.streamsPerToken ?? 5;
  const admission = new Admission(opts.streamReads ?? 2);
  const retryBase = opts.retryBaseMs ?? 1000;
  const retryJitter = opts.retryJitterMs ?? 2000;
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/v1/events', async (req, reply) => {
    // The bearer check is a stream read too: a storm of reconnects queues here, not on the pool.
    const grant = await admission.run(() => requireBearer(ctx, req));
    if (ctx.hub.tokenStreams(grant.tokenHash) >= perToken) {
      throw new ServiceError(
        'rate_limited',
        `this access token already has ${perToken} open event streams; close one (or use the one already open) before opening another`,
      );
    }
    let closed = false;
    // Take the slot now (no await before it), so concurrent connects of one token cannot all pass the check.
    const unrevoke = ctx.hub.onRevoke(grant.tokenHash, () => finish('unauthorized'), grant.userId);
    const res = startEventStream(reply, retryBase + Math.floor(Math.random() * (retryJitter + 1)));
    req.raw.socket.setNoDelay(true);
    const out = new SseWriter(res);

    // Delivery: the hub calls `onEvent` for each committed event in one synchronous loop over the
    // account's connections; an event that follows the last one sent is written at once (the
    // frame's one Buffer, no promise, straight to the socket when sse-writer.ts's invariant holds). Only a gap (an event from another instance that overtook
    // one) or the first snapshot still being read makes events wait in `queued`, sent in order
    // once the read is done.
    let last = -1;
    let busy = true; // the first snapshot is not sent yet
    const queued: HubEvent[] = [];
    const write = (text: string) => {
      if (!closed) out.text(text);
    };
    const sendEvent = (e: HubEvent) => {
      if (e.version <= last) return;
      last = e.version;
      if (!closed) out.event(e);
    };
    const drain = async () => {
      while (queued.length && !closed) {
        const e = queued.shift()!;
        if (e.version <= last) continue;
        if (e.version > last + 1) {
          // A gap (events from another instance can arrive out of order): read what was missed, in order.
          const missed = await admission.run(() => missedEvents(ctx, grant.userId, last, e.version));
          for (const m of missed) sendEvent(m);
        }
        sendEvent(e);
      }
      busy = false;
    };
    const drainAfter = (work: Promise<void>) => void work.then(drain).catch(() => finish(null));
    const onEvent = (e: HubEvent) => {
      if (closed || e.version <= last) return;
      if (!busy && e.version === last + 1) return sendEvent(e);
      queued.push(e);
      if (!busy) {
        busy = true;
        drainAfter(Promise.resolve());
      }
    };

    // Subscribe before taking the snapshot so nothing committed in between is missed.
    const unsubscribe = ctx.hub.subscribe(grant.userId, onEvent);
    const ping = setInterval(() => write(': ping\n\n'), opts.pingMs);
    const expiry = setTimeout(() => finish('unauthorized'), Math.max(0, Math.min(grant.expiresAt - ctx.clock.now(), 2 ** 31 - 1)));

    function finish(error: string | null): void {
      if (closed) return;
      if (error) write(`event: error\ndata: ${JSON.stringify({ error })}\n\n`);
      closed = true;
      clearInterval(ping);
      clearTimeout(expiry);
      unsubscribe();
      unrevoke();
      open.delete(endForShutdown);
      res.end();
    }
    const endForShutdown = () => finish(null);
    open.add(endForShutdown);
    req.raw.on('close', () => finish(null));

    const cached = ctx.hub.cachedSnapshot(grant.userId, ctx.clock.now());
    if (cached) {
      sendEvent({ userId: grant.userId, version: cached.version, payload: snapshotPayload(cached.balance) });
      busy = false;
      return;
    }
    drainAfter(
      (async () => {
        const snap = await admission.run(async () => (closed ? null : balance(ctx, grant.userId)));
        if (!snap) return; // the client left while it waited: nothing read for it
        const json = JSON.stringify(snap);
        ctx.hub.remember(grant.userId, snap.version, () => ({ json, nextExpiryAt: snap.nextExpiry ? Date.parse(snap.nextExpiry.at) : null }));
        sendEvent({ userId: grant.userId, version: snap.version, payload: snapshotPayload(json) });
      })(),
    );
  });
}
