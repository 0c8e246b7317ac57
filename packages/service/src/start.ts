/** Starts the credit service in this process: storage, migrations, seed, HTTP, sweeper. */
import type { FastifyInstance } from 'fastify';
import { DEFAULTS } from './config';
import { buildApp } from './http/app';
import { seedDemo } from './seed';
import { systemClock, type Clock } from './clock';
import type { Ctx } from './service/context';
import { EventHub } from './service/event-hub';
import { startSweeper } from './service/sweeper';
import type { Db } from './store/db';
import type { PostgresDb } from './store/postgres';
import { openSqlite } from './store/sqlite';

export interface ServerOptions {
  port?: number;
  /** SQLite file path (or ':memory:'), or a postgres:// URL. */
  db: string;
  adminToken?: string | null;
  seed?: 'demo' | null;
  holdTtlMs?: number;
  publicUrl?: string;
  accessTokenTtlS?: number;
  pingMs?: number;
  sweepMs?: number;
  clock?: Clock;
  quiet?: boolean;
  /** Extra route groups (the web pages). */
  plugins?: Parameters<typeof buildApp>[1]['plugins'];
}

/** What stopping took: the event streams ended and the connections closed (idle or forced). */
export interface CloseReport {
  ms: number;
  streams: number;
  connections: number;
}

export interface RunningServer {
  url: string;
  port: number;
  publicUrl: string;
  ctx: Ctx;
  app: FastifyInstance;
  close(): Promise<CloseReport>;
}

/** How long requests already being answered get to finish before their connections are cut. */
export const CLOSE_GRACE_MS = 1000;

export async function openDb(spec: string, log?: (msg: string) => void): Promise<Db> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { openPostgres } = await import('./store/postgres');
    return openPostgres(spec, { log });
  }
  return openSqlite(spec);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = (m: string) => {
    if (!opts.quiet) process.stderr.write(`[cutline-server] ${m}\n`);
  };
  const db = await openDb(opts.db, log);
  const hub = new EventHub();
  const ctx: Ctx = {
    db,
    clock: opts.clock ?? systemClock,
    hub,
    config: {
      publicUrl: 'http://127.0.0.1', // set once the port is known
      holdTtlMs: opts.holdTtlMs ?? DEFAULTS.holdTtlMs,
      accessTokenTtlS: opts.accessTokenTtlS ?? DEFAULTS.accessTokenTtlS,
      refreshTokenTtlS: DEFAULTS.refreshTokenTtlS,
    },
  };
  let app: FastifyInstance;
  try {
    // Several instances share a PostgreSQL store: its LISTEN/NOTIFY relay carries their commits,
    // started before the first request so other instances' commits reach this one's connections.
    if (db.kind === 'postgres') await (db as PostgresDb).startRelay(hub, ctx.clock);
    if (opts.seed === 'demo' && (await seedDemo(ctx))) log('seeded the demo accounts');

    const { plugins } = opts;
    const allPlugins = [...(plugins ?? []), ...(await defaultPlugins())];
    app = await buildApp(ctx, { adminToken: opts.adminToken ?? null, pingMs: opts.pingMs ?? DEFAULTS.pingMs, plugins: allPlugins, log });
  } catch (e) {
    await db.close(); // an open pool (and LISTEN connection) would keep the process alive
    throw e;
  }
  try {
    await app.listen({ host: '127.0.0.1', port: opts.port ?? DEFAULTS.port });
  } catch (e) {
    await app.close();
    await db.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULTS.port);
  const url = `http://127.0.0.1:${port}`;
  ctx.config.publicUrl = (opts.publicUrl ?? url).replace(/\/$/, '');
  const sweeper = startSweeper(ctx, opts.sweepMs ?? DEFAULTS.sweepMs, log);

  // Every open socket, so stopping can close them all: an event stream, a browser's idle
  // keep-alive connection or a preconnected socket with no request yet would each keep
  // `server.close()` waiting for its own timeout (up to a minute).
  const sockets = new Set<import('node:net').Socket>();
  const busy = new Set<import('node:net').Socket>(); // a request on it is being answered
  app.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  app.server.on('request', (req, res) => {
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
  });
  const closeIdle = () => {
    for (const s of sockets) if (!busy.has(s)) s.destroy();
  };

  let closing: Promise<CloseReport> | null = null;
  return {
    url,
    port,
    publicUrl: ctx.config.publicUrl,
    ctx,
    app,
    close() {
      closing ??= (async () => {
        const started = Date.now();
        const streams = hub.connectionCount;
        const connections = sockets.size;
        await sweeper.stop();
        // app.close() runs the preClose hooks (every event stream ends) and stops accepting;
        // then idle sockets go at once, and whatever is still busy after the grace period.
        const closed = app.close();
        closeIdle();
        const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        // Sockets that become idle meanwhile (the ended streams', finished requests') go too.
        const sweep = setInterval(closeIdle, 20);
        await closed;
        clearInterval(sweep);
        clearTimeout(force);
        await db.close();
        return { ms: Date.now() - started, streams, connections };
      })();
      return closing;
    },
  };
}

/** Route groups that live beside the API (the web pages), when present. */
async function defaultPlugins() {
  const { webPlugin } = await import('./web/plugin');
  return [webPlugin()];
}
