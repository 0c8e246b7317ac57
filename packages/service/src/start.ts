/** Starts the credit service in this process: storage, migrations, seed, HTTP, sweeper. */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { DEFAULTS, defaultCrashReportsDir, type LogLevel } from './config';
import { buildApp } from './http/app';
import { createLogger } from './http/logging';
import { Metrics, type ServiceMetrics } from './service/kernel/metrics';
import { seedDemo } from './seed';
import { systemClock, type Clock } from './clock';
import type { Ctx } from './service/kernel/context';
import { countHits } from './service/auth/rate-counters';
import { CrashReportInbox, type CrashReportLimits } from './service/crash-reports/inbox';
import { EventHub } from './service/events/hub';
import { startSweeper } from './service/sweeper';
import { configureChargeEngine, type ChargeObserver } from './service/charges/engine';
import { mailHandler } from './service/mail/outbox-mail';
import { printedTransport, smtpTransport, type MailTransport } from './service/mail/transport';
import { startOutboxWorker } from './service/outbox/worker';
import { systemResolver, type HostResolver } from './service/webhooks/address-check';
import { webhookHandler } from './service/webhooks/handler';
import type { Db } from './db/db';
import type { PostgresDb } from './db/postgres';
import { openSqlite } from './db/sqlite';

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
  /** `/metrics` needs `Authorization: Bearer <metricsToken>` when set; open otherwise. */
  metricsToken?: string | null;
  /** Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed. */
  trustProxy?: string[];
  /** The log's level (default `info`); `quiet` silences it. */
  logLevel?: LogLevel;
  /** Where the JSON log lines go (default: stderr). */
  logDestination?: DestinationStream;
  quiet?: boolean;
  /** Extra route groups (the web pages). */
  plugins?: Parameters<typeof buildApp>[1]['plugins'];
  /** Where crash reports are kept; by default beside a SQLite file, else in the user-data folder. */
  crashReportsDir?: string;
  /** Crash-report allowances (tests lower them). */
  crashReportLimits?: Partial<CrashReportLimits>;
  /** `smtp://host:port` or `smtps://…`: mail goes through that server; unset, each mail is one printed line. */
  smtpUrl?: string | null;
  /** The From of every mail (default `Cutline <no-reply@<public host>>`). */
  mailFrom?: string;
  /** First retry delay of a mail that could not be sent; each next one doubles. */
  mailRetryMs?: number;
  /** Where the printed mail lines go (no SMTP server), one call per line without its line break; default stdout. */
  printMail?: (line: string) => void;
  /** Webhooks may reach private and loopback addresses (and loopback over plain http:). */
  webhookAllowPrivate?: boolean;
  /** First retry delay of a webhook delivery; each next one doubles. */
  webhookRetryMs?: number;
  /** How long one delivery attempt waits for the receiver's answer (at most, and by default, 10 s). */
  webhookTimeoutMs?: number;
  /** How webhook host names resolve (default: the system resolver; tests inject their own). */
  resolveHost?: HostResolver;
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
  /** Where mail goes, in words ("printed on the service's output", "sent through smtp://host:port"). */
  mail: string;
  ctx: Ctx;
  app: FastifyInstance;
  metrics: Metrics;
  logger: Logger;
  close(): Promise<CloseReport>;
}

/** How long requests already being answered get to finish before their connections are cut. */
export const CLOSE_GRACE_MS = 1000;

export async function openDb(spec: string, log?: (msg: string) => void): Promise<Db> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { openPostgres } = await import('./db/postgres');
    return openPostgres(spec, { log });
  }
  return openSqlite(spec);
}

/**
 * An HTTP server listening on 127.0.0.1 before any app exists: the port is known (port 0 picks
 * one), so the service's config is built once, with its final public URL. Requests that arrive
 * before the app is ready wait for it (`serve`).
 */
async function listenFirst(port: number): Promise<{ server: Server; adopt(handler: RequestListener): void; serve(): void }> {
  const server = createServer();
  const waiting: [IncomingMessage, ServerResponse][] = [];
  let handler: RequestListener | null = null;
  let ready = false;
  server.on('request', (req, res) => (ready ? handler!(req, res) : waiting.push([req, res])));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    adopt: (h) => (handler = h),
    serve() {
      ready = true;
      for (const [req, res] of waiting.splice(0)) handler!(req, res);
    },
  };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Start-up failed: requests waiting for the app get their connections closed, and the port is freed. */
async function stopListening(server: Server): Promise<void> {
  const closed = closeServer(server);
  server.closeAllConnections();
  await closed;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const logger = createLogger({ level: opts.quiet ? 'silent' : (opts.logLevel ?? 'info'), destination: opts.logDestination });
  const log = (m: string) => logger.info(m);
  const listening = await listenFirst(opts.port ?? DEFAULTS.port);
  const { server } = listening;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? DEFAULTS.port);
  const url = `http://127.0.0.1:${port}`;

  // Every open socket, so stopping can close them all: an event stream, a browser's idle
  // keep-alive connection or a preconnected socket with no request yet would each keep
  // `server.close()` waiting for its own timeout (up to a minute).
  const sockets = new Set<import('node:net').Socket>();
  const busy = new Set<import('node:net').Socket>(); // a request on it is being answered
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
  });
  const closeIdle = () => {
    for (const s of sockets) if (!busy.has(s)) s.destroy();
  };

  let db: Db;
  try {
    db = await openDb(opts.db, log);
  } catch (e) {
    await stopListening(server);
    throw e;
  }
  const hub = new EventHub();
  const pool = db.kind === 'postgres' ? (db as PostgresDb).pool : null;
  const metrics = new Metrics({
    openStreams: () => hub.connectionCount,
    ...(pool ? { pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) } : {}),
  });
  // The charge engine reports its batches and its steps (arrival → answer) to this instance's metrics.
  configureChargeEngine(db, { observer: chargeMetrics(metrics) });
  const ctx: Ctx = {
    db,
    clock: opts.clock ?? systemClock,
    hub,
    metrics,
    config: Object.freeze({
      publicUrl: (opts.publicUrl ?? url).replace(/\/$/, ''),
      holdTtlMs: opts.holdTtlMs ?? DEFAULTS.holdTtlMs,
      accessTokenTtlS: opts.accessTokenTtlS ?? DEFAULTS.accessTokenTtlS,
      refreshTokenTtlS: DEFAULTS.refreshTokenTtlS,
    }),
    webhookAddresses: { allowPrivate: opts.webhookAllowPrivate ?? false, resolve: opts.resolveHost ?? systemResolver },
  };
  let app: FastifyInstance;
  try {
    // Several instances share a PostgreSQL database: its LISTEN/NOTIFY relay carries their commits,
    // started before the first request is served so other instances' commits reach this one's connections.
    if (db.kind === 'postgres') await (db as PostgresDb).startRelay(hub, ctx.clock);
    if (opts.seed === 'demo' && (await seedDemo(ctx))) log('seeded the demo accounts');

    const { plugins } = opts;
    const allPlugins = [...(plugins ?? []), ...(await defaultPlugins())];
    const crashReports = new CrashReportInbox(opts.crashReportsDir ?? defaultCrashReportsDir(opts.db), ctx.clock, (keys, windowMs) => countHits(ctx, keys, windowMs), opts.crashReportLimits);
    app = await buildApp(ctx, {
      adminToken: opts.adminToken ?? null,
      metricsToken: opts.metricsToken ?? null,
      trustProxy: opts.trustProxy,
      pingMs: opts.pingMs ?? DEFAULTS.pingMs,
      plugins: allPlugins,
      logger,
      metrics,
      server: listening,
      crashReports,
    });
    await app.ready();
  } catch (e) {
    await stopListening(server);
    await db.close(); // an open pool (and LISTEN connection) would keep the process alive
    throw e;
  }
  listening.serve();
  const sweeper = startSweeper(ctx, opts.sweepMs ?? DEFAULTS.sweepMs, (err) => logger.error({ err, job: 'sweep' }, 'sweep failed'));
  const transport: MailTransport = opts.smtpUrl
    ? smtpTransport(opts.smtpUrl, opts.mailFrom ?? defaultFrom(ctx.config.publicUrl))
    : printedTransport(opts.printMail ?? ((line) => process.stdout.write(`${line}\n`)));
  logger.info({ mail: transport.describe }, `mail: ${transport.describe}`);
  // Background work like the sweep, on its period: mail queued by other instances, retries due.
  const outbox = startOutboxWorker(ctx, mailHandler(transport, opts.mailRetryMs ?? DEFAULTS.mailRetryMs), {
    pollMs: opts.sweepMs ?? DEFAULTS.sweepMs,
    log: (m) => logger.warn({ job: 'outbox' }, m),
  });
  // Webhook deliveries: the same outbox, on one instance of the fleet at a time.
  const webhookTimeoutMs = Math.min(opts.webhookTimeoutMs ?? DEFAULTS.webhookTimeoutMs, DEFAULTS.webhookTimeoutMs);
  const webhooks = startOutboxWorker(
    ctx,
    webhookHandler(ctx, { ...ctx.webhookAddresses!, retryMs: opts.webhookRetryMs ?? DEFAULTS.webhookRetryMs, timeoutMs: webhookTimeoutMs }),
    { pollMs: opts.sweepMs ?? DEFAULTS.sweepMs, leaseMs: webhookTimeoutMs + 30_000, oneInstance: true, log: (m) => logger.warn({ job: 'webhooks' }, m) },
  );
  ctx.wakeOutbox = () => {
    outbox.wake();
    webhooks.wake();
  };

  let closing: Promise<CloseReport> | null = null;
  return {
    url,
    port,
    publicUrl: ctx.config.publicUrl,
    mail: transport.describe,
    ctx,
    app,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        const started = Date.now();
        const streams = hub.connectionCount;
        const connections = sockets.size;
        await sweeper.stop();
        // A mail being sent gets the grace period; one cut off is sent again after its claim lapses.
        await Promise.all([outbox.stop(CLOSE_GRACE_MS), webhooks.stop(CLOSE_GRACE_MS)]);
        transport.close();
        // app.close() runs the preClose hooks (every event stream ends); the server (ours: it
        // listened first) stops accepting; then idle sockets go at once, and whatever is still
        // busy after the grace period.
        const closed = Promise.all([app.close(), closeServer(server)]);
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

/** `Cutline <no-reply@host>` for the public URL's host name (`localhost` when it is an IP address). */
function defaultFrom(publicUrl: string): string {
  const host = new URL(publicUrl).hostname;
  return `Cutline <no-reply@${/^[\d.]+$|:|^\[/.test(host) ? 'localhost' : host}>`;
}

/** Route groups that live beside the API (the web pages), when present. */
async function defaultPlugins() {
  const { webPlugin } = await import('./web/plugin');
  return [webPlugin()];
}

/** The charge engine's observer over an instance's metrics (a client's steps; the sweep's lapsed-hold releases are its job's). */
function chargeMetrics(metrics: ServiceMetrics): ChargeObserver {
  return {
    batch(size, _ms, committed) {
      if (committed) metrics.chargeBatch(size);
    },
    step(kind, ms, result) {
      if (kind === 'lapse') return;
      metrics.chargeStep(kind, ms / 1000, result === 'ok' ? 'ok' : result === 'error' ? 'error' : 'refused');
    },
  };
}
