/**
 * GET /v1/events — Server-Sent Events (API.md § Real-time push). The current snapshot first,
 * then every committed change to the account in version order, `: ping` comments, and an
 * `error` event that ends the stream when the token expires or is revoked.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Ctx } from '../service/context';
import type { HubEvent } from '../service/event-hub';
import { verifyAccess } from '../service/oauth';
import { balance } from '../service/reads';
import { requireBearer } from './bearer';

export async function eventRoutes(app: FastifyInstance, ctx: Ctx, opts: { pingMs: number }): Promise<void> {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/v1/events', async (req, reply) => {
    const grant = await requireBearer(ctx, req);
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.raw.socket.setNoDelay(true);

    let last = -1;
    let closed = false;
    let chain: Promise<void> = Promise.resolve();
    const enqueue = (job: () => Promise<void>) => {
      chain = chain.then(job).catch(() => finish(null));
    };
    const write = (chunk: string) => {
      if (!closed) res.write(chunk);
    };
    const sendEvent = (e: { version: number; payload: string }) => {
      if (e.version <= last) return;
      last = e.version;
      write(`id: ${e.version}\nevent: balance\ndata: ${e.payload}\n\n`);
    };

    // Subscribe before reading the snapshot so nothing committed in between is missed.
    const unsubscribe = ctx.hub.subscribe(grant.userId, (e: HubEvent) =>
      enqueue(async () => {
        if (e.version <= last) return;
        if (e.version > last + 1) {
          // A gap (events from another instance can arrive out of order): read what was missed, in order.
          const rows = await ctx.db.read((tx) =>
            tx.all<{ version: unknown; payload: string }>(
              'SELECT version, payload FROM events WHERE user_id = ? AND version > ? AND version <= ? ORDER BY version',
              [grant.userId, last, e.version],
            ),
          );
          for (const r of rows) sendEvent({ version: Number(r.version), payload: r.payload });
        }
        sendEvent(e);
      }),
    );
    const unrevoke = ctx.hub.onRevoke(grant.tokenHash, () => finish('unauthorized'));
    const ping = setInterval(() => {
      write(': ping\n\n');
      enqueue(async () => {
        if (!(await verifyAccess(ctx, String(req.headers.authorization).slice(7)))) finish('unauthorized');
      });
    }, opts.pingMs);
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
      const snap = await balance(ctx, grant.userId);
      sendEvent({ version: snap.version, payload: JSON.stringify({ balance: snap, cause: { kind: 'snapshot' } }) });
    });
  });
}
