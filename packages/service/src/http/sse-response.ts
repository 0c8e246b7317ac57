/** Turning a route's reply into a Server-Sent Events stream: the API's `/v1/events` and the web's `/credits/live`. */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Takes the response over from Fastify, sends the event-stream headers and the `retry:` line; the raw response is the route's. */
export function startEventStream(reply: FastifyReply, retryMs: number): ServerResponse {
  reply.hijack();
  const res: ServerResponse = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  res.write(`retry: ${retryMs}\n\n`);
  return res;
}
