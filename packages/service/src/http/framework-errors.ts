/**
 * Errors the HTTP stack produces before a route runs, in the API's `{"error","message"}` shape (docs/api.md § Errors):
 * what Node's HTTP parser refuses (a header section too large, a bad Content-Length, a control
 * character in a header, not HTTP at all) is written on the socket by `clientErrorHandler`;
 * what Fastify's router refuses (an undecodable URL) goes through `frameworkErrors`.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The raw response for a request Node could not parse: status, error code, message. */
export function clientErrorResponse(err: { code?: string }): { status: number; reason: string; body: { error: string; message: string } } {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', body: { error: 'invalid_request', message: 'the request headers are too large (16 KiB at most)' } };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', body: { error: 'invalid_request', message: 'the request did not arrive in time' } };
  }
  const what =
    err.code === 'HPE_INVALID_CONTENT_LENGTH' || err.code === 'HPE_UNEXPECTED_CONTENT_LENGTH'
      ? 'its Content-Length is not valid'
      : err.code === 'HPE_INVALID_HEADER_TOKEN'
        ? 'a header contains a character headers may not contain'
        : 'it is not well-formed HTTP/1.1';
  return { status: 400, reason: 'Bad Request', body: { error: 'invalid_request', message: `the request could not be read: ${what}` } };
}

/** Fastify's `clientErrorHandler`: answers on the socket (no request object exists), then closes it. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const r = clientErrorResponse(err);
    const body = JSON.stringify(r.body);
    socket.write(
      `HTTP/1.1 ${r.status} ${r.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify's `frameworkErrors` (the router's refusals, before any hook): a 400 `invalid_request`. */
export function frameworkErrorHandler(send: (req: FastifyRequest, reply: FastifyReply, message: string) => FastifyReply) {
  return (error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-request-id', req.id);
    const message =
      error.code === 'FST_ERR_BAD_URL'
        ? 'the URL is not valid: a path segment is not decodable percent-encoded UTF-8'
        : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a path segment of the URL is far too long'
          : 'the request could not be routed';
    return send(req, reply, message);
  };
}
