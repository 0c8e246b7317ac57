/**
 * The service's log (docs/operations.md § Logs): Fastify's own logger, pino, writing one JSON
 * object per line to stderr (stdout carries only the lines other programs read: the ready line).
 * Every request gets an id — a well-formed incoming `X-Request-Id` (a proxy's), else a fresh
 * UUID — echoed in the response and bound to each line logged for it. Credentials never reach a
 * line: header fields that carry them are censored, query values are logged only for parameters
 * known to hold none, and bodies are never logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config';


/**
 * Censored wherever a logged object holds them: the header fields that carry credentials (no
 * line logs headers today; this is the backstop). Exact paths only — pino's wildcard paths cost
 * several µs on every line. Bodies are never logged, so no body field is listed.
 */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'headers.authorization', 'headers.cookie', 'headers["set-cookie"]'];

export interface LoggerOptions {
  level: LogLevel;
  /** Where the lines go; stderr by default (written asynchronously: `flushLogger` before exit). */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    { level: opts.level, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    opts.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/**
 * Writes out what an asynchronous destination still holds, before `process.exit`: resolves when
 * the destination says it is written (sonic-boom's `flush` finishes a write already in flight
 * first, so a synchronous call could return with the last lines still buffered), or after
 * `timeoutMs` when the destination never answers (a closed pipe).
 */
export function flushLogger(logger: Logger, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      // A destination that cannot flush has nothing buffered.
      done();
    }
  });
}

/** An incoming request id is kept when it is this sane: what proxies send (UUIDs, hex, base64 ids). */
const SANE_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `X-Request-Id` when well-formed, else a new UUID. */
export function requestId(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && SANE_ID.test(h) ? h : randomUUID();
}

/** Query parameters whose values say what was asked and carry no credential. */
const PLAIN_PARAMS = new Set(['limit', 'before', 'tool', 'quantity', 'days', 'tz', 'page', 'account', 'response_type', 'client_id', 'code_challenge_method']);

/**
 * A request URL fit for the log: the path, and each query parameter's value only when it is
 * in `PLAIN_PARAMS` (codes, states, tokens, challenges and anything unknown become `[redacted]`).
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) return '[redacted]';
      return PLAIN_PARAMS.has(name) ? pair : `${name}=[redacted]`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** The error code each error answer carried: its request's log line and `cutline_refusals_total` read it. */
const errorCodes = new WeakMap<object, string>();

/** Notes the error code an answer carries (the API's one error path and the web pages' call it). */
export function noteErrorCode(reply: FastifyReply, code: string): void {
  errorCodes.set(reply.raw, code);
}

/** The code noted for this answer, if any. */
export function notedErrorCode(reply: FastifyReply): string | undefined {
  return errorCodes.get(reply.raw);
}

/**
 * Fastify's request lines, as the service writes them: one line per request, when it has been
 * answered (`request completed`: method, loggable URL, status, the error code of an error
 * answer, milliseconds), bound to the request id. Nothing when it arrives, and no line of
 * Fastify's own that would hold the raw URL (its "route not found").
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const code = status >= 400 ? notedErrorCode(reply) : undefined;
    const line = {
      req: { method: request.method, url: loggableUrl(request.url) },
      res: { statusCode: status },
      ...(code ? { error: code } : {}),
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
