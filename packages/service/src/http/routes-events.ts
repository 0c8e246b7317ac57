/**
 * GET /v1/events — Server-Sent Events (API.md § Real-time push). The current snapshot first,
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
import type { ServerResponse } from 'node:http';
import type { Ctx } from '../service/context';
import { ServiceError } from '../service/errors';
import { sseFrame, type HubEvent } from '../service/event-hub';
import { balance } from '../service/reads';
import { requireBearer } from './bearer';
import { Admission } from './stream-admission';

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
    const unrevoke = ctx.hub.onRevoke(grant.tokenHash, () => finish('unauthorized'));
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    req.raw.socket.setNoDelay(true);
    res.write(`retry: ${retryBase + Math.floor(Math.random() * (retryJitter + 1))}\n\n`);

    let last = -1;
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (job: () => Promise<void>) => {
      chain = chain.then(job).catch(() => finish(null));
    };
    const write = (chunk: string | Buffer) => {
      if (!closed) res.write(chunk);
    };
    const sendEvent = (e: HubEvent) => {
      if (e.version <= last) return;
      last = e.version;
      write(sseFrame(e));
    };

    // Subscribe before taking the snapshot so nothing committed in between is missed.
    const unsubscribe = ctx.hub.subscribe(grant.userId, (e: HubEvent) =>
      enqueue(async () => {
        if (closed || e.version <= last) return;
        if (e.version > last + 1) {
          // A gap (events from another instance can arrive out of order): read what was missed, in order.
          const rows = await admission.run(() =>
            ctx.db.read((tx) =>
              tx.all<{ version: unknown; payload: string }>(
                'SELECT version, payload FROM events WHERE user_id = ? AND version > ? AND version <= ? ORDER BY version',
                [grant.userId, last, e.version],
              ),
            ),
          );
          for (const r of rows) sendEvent({ userId: grant.userId, version: Number(r.version), payload: r.payload });
        }
        sendEvent(e);
      }),
    );
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

    enqueue(async () => {
      const cached = ctx.hub.cachedSnapshot(grant.userId, ctx.clock.now());
      if (cached) {
        sendEvent({ userId: grant.userId, version: cached.version, payload: `{"balance":${cached.balance},"cause":{"kind":"snapshot"}}` });
        return;
      }
      const snap = await admission.run(async () => (closed ? null : balance(ctx, grant.userId)));
      if (!snap) return; // the client left while it waited: nothing read for it
      ctx.hub.remember(grant.userId, snap.version, () => ({
        json: JSON.stringify(snap),
        nextExpiryAt: snap.nextExpiry ? Date.parse(snap.nextExpiry.at) : null,
      }));
      sendEvent({ userId: grant.userId, version: snap.version, payload: JSON.stringify({ balance: snap, cause: { kind: 'snapshot' } }) });
    });
  });
}
