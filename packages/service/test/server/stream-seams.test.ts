/**
 * The two performance seams of event streams, each with its invariant broken on purpose:
 *
 * - The SSE writer (http/sse-writer.ts) writes an event's pre-framed chunk straight to the socket
 *   only while that is the body's next bytes. A pipelined request's stream is answered while the
 *   response before it still owns the connection: the writer must see that and let the response
 *   queue the event, so the client reads two whole responses in order. Once the stream owns the
 *   connection, events go straight to the socket again.
 * - The per-account snapshot cache (service/events/snapshot-cache.ts) is right only while every
 *   committed change reaches the hub. A change committed behind this hub's back (another service
 *   context on the same database) makes it stale: a stream opened then starts from the stale
 *   snapshot; the next change skips a version, which the cache counts and corrects, and the
 *   stream reads the missed version before the new one.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubEvent } from '../../src/events';
import { SseWriter, sseFrame } from '../../src/http/sse-writer';
import { EventHub } from '../../src/service/events/hub';
import { hold } from '../../src/service/charges/steps';
import { charge, grant, newUser } from '../helpers/client';
import { openSse } from '../helpers/sse';
import { startTestServer, type TestServer } from '../helpers/server';

const event = (version: number): HubEvent => ({ userId: 'u_1', version, payload: `{"balance":{"version":${version}},"cause":{"kind":"test"}}` });

/** Resolves when `pred` holds (polled). */
async function until(pred: () => boolean): Promise<void> {
  for (let i = 0; !pred(); i++) {
    if (i > 1000) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the SSE writer', () => {
  let server: Server;
  let finishFirst: () => void = () => {};
  let writer: SseWriter | null = null;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first ');
        finishFirst = () => res.end('response');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      writer = new SseWriter(res);
      writer.text('retry: 1000\n\n');
      writer.event(event(1));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('an event of a pipelined stream waits for the response before it; once the stream owns the connection, events go straight to the socket', async () => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    // The stream's handler ran and wrote its first event while /slow still owns the connection.
    await until(() => writer !== null && received.includes('first '));
    expect(writer!.canWriteDirect()).toBe(false);
    expect({ direct: writer!.direct, framed: writer!.framed }).toEqual({ direct: 0, framed: 1 });
    expect(received).not.toContain('event: balance');

    finishFirst();
    await until(() => received.includes('event: balance'));
    expect(writer!.canWriteDirect()).toBe(true);
    writer!.event(event(2));
    expect({ direct: writer!.direct, framed: writer!.framed }).toEqual({ direct: 1, framed: 1 });
    await until(() => received.includes('id: 2'));
    socket.destroy();

    // Two whole responses, in order: the first one's body (chunked), then the stream's headers and its chunks.
    const [first, second] = received.split(/(?=HTTP\/1\.1 200 OK\r\n)/);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n6\r\nfirst \r\n8\r\nresponse\r\n0\r\n\r\n$/);
    const body = second.slice(second.indexOf('\r\n\r\n') + 4);
    const chunks: string[] = [];
    for (let rest = body; rest.length; ) {
      const eol = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, eol), 16);
      chunks.push(rest.slice(eol + 2, eol + 2 + size));
      expect(rest.slice(eol + 2 + size, eol + 4 + size)).toBe('\r\n');
      rest = rest.slice(eol + 4 + size);
    }
    expect(chunks.join('')).toBe(`retry: 1000\n\n${sseFrame(event(1)).toString()}${sseFrame(event(2)).toString()}`);
  });
});

describe('the snapshot cache', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a change committed behind the hub’s back is caught at the next event: counted, corrected, and no stream skips a version', async () => {
    const u = await newUser(s.url);
    const token = u.tokens.access_token;
    await grant(s.url, u.id, 'purchased', 100, null);
    const first = await openSse(s.url, token); // reads the snapshot and caches it
    const v0 = Number((await first.waitFor((e) => e.event === 'balance')).id);

    // Committed through another service context on the same database: this hub never hears of it.
    const elsewhere = { ...s.ctx, hub: new EventHub() };
    await hold(elsewhere, u.id, 'behind-the-back', { tool: 'auto-captions', quantity: 1, device: { id: 'x', platform: 'web' } });

    const late = await openSse(s.url, token);
    const stale = await late.waitFor((e) => e.event === 'balance');
    expect(Number(stale.id)).toBe(v0); // the breach: the cache did not hear of v0 + 1
    const skippedBefore = s.ctx.hub.snapshots.skipped;

    const h = await charge(s.url, token, 'auto-captions'); // v0 + 2, through this hub
    expect(h.body.balance.version).toBe(v0 + 2);
    for (const sse of [first, late]) {
      await sse.waitFor((e) => Number(e.id) === v0 + 2);
      expect(sse.events.filter((e) => e.event === 'balance').map((e) => Number(e.id))).toEqual([v0, v0 + 1, v0 + 2]);
    }
    expect(s.ctx.hub.snapshots.skipped).toBe(skippedBefore + 1);
    // Corrected: a stream opened now starts from v0 + 2, with the balance the hold answered.
    const fresh = await openSse(s.url, token);
    const snap = await fresh.waitFor((e) => e.event === 'balance');
    expect(Number(snap.id)).toBe(v0 + 2);
    expect(JSON.parse(snap.data).balance).toEqual(h.body.balance);
    for (const sse of [first, late, fresh]) sse.close();
  });
});
