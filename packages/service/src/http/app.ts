/**
 * The Fastify application: body parsing with hard limits, the one JSON error shape of docs/api.md § Errors,
 * and every route group. Route modules get the service context and register their routes.
 */
import type { RequestListener, Server } from 'node:http';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { CONTROL_CHAR_MESSAGE, findControlChar } from '@cutline/contract/text';
import type { Ctx } from '../service/kernel/context';
import { codeForStatus, ServiceError } from '../service/kernel/errors';
import type { Metrics } from '../service/kernel/metrics';
import { clientErrorHandler, clientErrorResponse, frameworkErrorHandler } from './framework-errors';
import { loggableUrl, noteErrorCode, notedErrorCode, RequestLog, requestId } from './logging';
import type { CrashReportInbox } from '../service/crash-reports/inbox';
import { adminRoutes } from './routes-admin';
import { CRASH_REPORTS_PATH, crashReportRoutes } from './routes-crash-reports';
import { eventRoutes } from './routes-events';
import { oauthRoutes } from './routes-oauth';
import { opsRoutes } from './routes-ops';
import { v1Routes } from './routes-v1';
import { teamRoutes } from './routes-team';
import { webhookRoutes } from './routes-webhooks';
import { usageRoutes } from './routes-usage';
import { esc, page, PAGE_CSP, raw } from './html';

export interface AppOptions {
  adminToken: string | null;
  /** `/metrics` needs it as a Bearer token when set (routes-ops.ts). */
  metricsToken: string | null;
  /**
   * Addresses (or CIDR ranges) of reverse proxies whose `X-Forwarded-For` names the client: the
   * client address the sign-in limits count by. Unset, the connection's own address is the client.
   */
  trustProxy?: string[];
  pingMs: number;
  /** Where crash reports are kept (`POST /v1/crash-reports`, the admin's listing). */
  crashReports: CrashReportInbox;
  /** Extra route groups (the web pages) registered after the API. */
  plugins?: ((app: FastifyInstance, ctx: Ctx) => void | Promise<void>)[];
  /** The service's pino logger (http/logging.ts): Fastify's own, one JSON line per request. */
  logger: FastifyBaseLogger;
  /** This instance's metrics (`/metrics`, and what requests and refusals report). */
  metrics: Metrics;
  /**
   * Serve on this HTTP server instead of one Fastify creates (start.ts listens first, so the
   * port — and the public URL in the config — is final before the app is built). Fastify's
   * timeouts are applied to it; `adopt` receives the app's request handler.
   */
  server?: { server: Server; adopt(handler: RequestListener): void };
}

export const BODY_LIMIT = 64 * 1024;
export const MAX_PARAM_LENGTH = 2048;

const hasBody = (req: FastifyRequest): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
const isJson = (type: string | undefined): boolean => /^application\/json\s*(;|$)/i.test(type ?? '');
/** crashpad posts minidumps as a form: the one non-JSON body of /v1 (routes-crash-reports.ts). */
const isCrashUpload = (req: FastifyRequest): boolean =>
  req.method === 'POST' && req.url.split('?')[0] === CRASH_REPORTS_PATH && /^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '');

export function wantsHtml(req: FastifyRequest): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/html');
}

export function sendError(req: FastifyRequest, reply: FastifyReply, e: ServiceError): FastifyReply {
  noteErrorCode(reply, e.code);
  if (wantsHtml(req) && req.method === 'GET' && !req.url.startsWith('/v1/') && !req.url.startsWith('/admin/')) {
    return reply
      .status(e.status)
      .header('content-security-policy', PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(page('Something went wrong', raw(`<div class="card"><h1>Something went wrong</h1><p class="error">${esc(e.message)}</p></div>`)));
  }
  return reply.status(e.status).type('application/json; charset=utf-8').send(e.body());
}

/** A Fastify `serverFactory` for a server that exists already: set up as Fastify would its own. */
function adoptServer({ server, adopt }: NonNullable<AppOptions['server']>) {
  return (handler: RequestListener, o: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number; maxRequestsPerSocket?: number }): Server => {
    server.keepAliveTimeout = o.keepAliveTimeout!;
    server.requestTimeout = o.requestTimeout!;
    server.setTimeout(o.connectionTimeout);
    if (o.maxRequestsPerSocket && o.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
    adopt(handler);
    return server;
  };
}

export async function buildApp(ctx: Ctx, opts: AppOptions): Promise<FastifyInstance> {
  const { metrics } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new RequestLog(),
    genReqId: requestId,
    bodyLimit: BODY_LIMIT,
    trustProxy: opts.trustProxy?.length ? opts.trustProxy : false,
    return503OnClosing: true,
    // Long enough for any id the schemas allow (128) and beyond, so the schema decides (400/404).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: (err, socket) => {
      if (err.code !== 'ECONNRESET' && !socket.destroyed) metrics.refusal('invalid_request', clientErrorResponse(err).status);
      clientErrorHandler(err, socket);
    },
    frameworkErrors: frameworkErrorHandler((req, reply, message) => sendError(req, reply, new ServiceError('invalid_request', message))),
    ...(opts.server ? { serverFactory: adoptServer(opts.server) } : {}),
  });

  // JSON: an empty body is "no body" (so POST …/capture with Content-Type but nothing works);
  // anything unparseable is a 400 of our own shape.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ServiceError('invalid_request', 'the body is not valid JSON'), undefined);
    }
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  app.setErrorHandler((error: FastifyError | ServiceError, req, reply) => {
    if (error instanceof ServiceError) return sendError(req, reply, error);
    // Backstop: text PostgreSQL cannot store (NUL, invalid encoding) is the caller's error.
    const pgCode = (error as { code?: unknown }).code;
    if (pgCode === '22021' || pgCode === '22P05') return sendError(req, reply, new ServiceError('invalid_request', 'the request contains characters that cannot be stored'));
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 413) return sendError(req, reply, new ServiceError('invalid_request', `the body is larger than ${BODY_LIMIT} bytes`, {}, 413));
    if (status === 415) return sendError(req, reply, new ServiceError('invalid_request', 'send the body as application/json', {}, 415));
    if (status >= 400 && status < 500) return sendError(req, reply, new ServiceError('invalid_request', error.message || 'bad request', {}, status));
    req.log.error({ err: error, url: loggableUrl(req.url) }, 'internal error');
    return reply.status(500).send({ error: 'internal', message: 'Something went wrong on our side; nothing was changed.' });
  });

  // On the raw response, so it also reaches hijacked replies (the SSE stream) and every error.
  // /v1 and /admin take JSON bodies only (docs/api.md § Errors): a form or any other type is a 415.
  app.addHook('onRequest', async (req, reply) => {
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    reply.raw.setHeader('x-request-id', req.id);
    if ((req.url.startsWith('/v1/') || req.url.startsWith('/admin/')) && hasBody(req) && !isJson(req.headers['content-type']) && !isCrashUpload(req)) {
      throw new ServiceError('invalid_request', 'send the body as application/json', {}, 415);
    }
  });

  // Every path parameter, query value and body or form field, on every route (web pages too),
  // goes through the shared text rule before the route runs: a control character is a 400 and
  // reaches no database (a NUL is not even storable in PostgreSQL).
  app.addHook('preValidation', async (req) => {
    for (const [what, value] of [['path', req.params], ['query', req.query], ['body', req.body]] as const) {
      const at = findControlChar(value);
      if (at) throw new ServiceError('invalid_request', `${what} ${at}: ${CONTROL_CHAR_MESSAGE}`);
    }
  });

  // Every answer counted, and each error answer by its code (the log line is RequestLog's).
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    if (status >= 400) {
      const code = notedErrorCode(reply) ?? codeForStatus(status);
      noteErrorCode(reply, code);
      metrics.refusal(code, status);
    }
    metrics.requestDone(req.method, req.routeOptions.url ?? 'unmatched', status);
  });

  app.setNotFoundHandler((req, reply) => sendError(req, reply, new ServiceError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`)));

  await oauthRoutes(app, ctx);
  await v1Routes(app, ctx);
  await teamRoutes(app, ctx);
  await webhookRoutes(app, ctx);
  await usageRoutes(app, ctx);
  await eventRoutes(app, ctx, { pingMs: opts.pingMs });
  await adminRoutes(app, ctx, { token: opts.adminToken });
  await crashReportRoutes(app, opts.crashReports, { adminToken: opts.adminToken });
  for (const p of opts.plugins ?? []) await p(app, ctx);
  await opsRoutes(app, ctx, { metrics, metricsToken: opts.metricsToken });
  return app;
}
