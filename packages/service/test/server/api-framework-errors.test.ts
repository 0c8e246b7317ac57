/**
 * Errors the HTTP stack makes before a route runs are API errors too (docs/api.md § Errors):
 * `{"error","message"}` JSON with a fitting status, never a 5xx. Sent over
 * raw sockets where a normal client would refuse to send such a request.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, grant, newUser } from '../helpers/client';

let s: TestServer;
let token: string;
let port: number;
beforeAll(async () => {
  s = await startTestServer();
  const u = await newUser(s.url);
  token = u.tokens.access_token;
  await grant(s.url, u.id, 'purchased', 50, null);
  port = Number(new URL(s.url).port);
});
afterAll(() => s.close());

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Writes `request` as is on a fresh connection and parses the one response. */
function raw(request: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', reject);
    sock.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const bodyText = rest.join('\r\n\r\n');
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        /* not JSON: the assertion will say so */
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    sock.write(request);
  });
}
const get = (path: string, extra = '') => raw(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n${extra}Connection: close\r\n\r\n`);

function expectApiError(r: RawReply, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.body).toEqual({ error: 'invalid_request', message: expect.any(String) });
  expect(r.body.message.length).toBeGreaterThan(10);
}

describe('what Node’s HTTP parser refuses', () => {
  it('a 20 KB header: 431 invalid_request', async () => {
    expectApiError(await get('/v1/balance', `X-Padding: ${'a'.repeat(20_000)}\r\n`), 431);
  });
  it('a Content-Length that is not a number: 400', async () => {
    expectApiError(await raw('POST /v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n'), 400);
  });
  it('two different Content-Lengths: 400', async () => {
    expectApiError(await raw('POST /v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'), 400);
  });
  it('a control character in a header: 400', async () => {
    expectApiError(await get('/v1/balance', 'X-Note: a\u0001b\r\n'), 400);
  });
  it('not HTTP at all: 400', async () => {
    expectApiError(await raw('HELLO THERE\r\n\r\n'), 400);
  });
});

describe('what the router refuses', () => {
  it('an undecodable path segment (/v1/charges/%ff): 400 invalid_request', async () => {
    const r = await get('/v1/charges/%ff');
    expectApiError(r, 400);
    expect(JSON.stringify(r.body)).not.toContain('FST_');
  });
  it('a charge id of 101–128 characters is the schema’s to judge: 404 not_found', async () => {
    for (const n of [101, 120, 128]) {
      const r = await call(s.url, 'GET', `/v1/charges/${'c'.repeat(n)}`, { token });
      expect(r.status, String(n)).toBe(404);
      expect(r.body).toMatchObject({ error: 'not_found' });
    }
  });
  it('a charge id beyond the schema’s 128: 400 invalid_request, however long', async () => {
    for (const n of [129, 1000, 2048, 5000]) {
      const r = await call(s.url, 'GET', `/v1/charges/${'c'.repeat(n)}`, { token });
      expect(r.status, String(n)).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
      expect(JSON.stringify(r.body)).not.toContain('FST_');
    }
  });
});

describe('bodies on /v1 are JSON only (415)', () => {
  const quote = (type: string, body: string) => call(s.url, 'POST', '/v1/quotes', { token, raw: body, headers: { 'content-type': type } });
  it('text/plain: 415 invalid_request', async () => {
    const r = await quote('text/plain', '{"tool":"auto-captions"}');
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ error: 'invalid_request' });
  });
  it('a form body: 415 invalid_request, and the charge is not made', async () => {
    const before = (await call(s.url, 'GET', '/v1/balance', { token })).body;
    const r = await call(s.url, 'POST', '/v1/charges', {
      token,
      raw: 'tool=auto-captions&quantity=1&device[id]=d&device[platform]=desktop',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': 'form-1' },
    });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect((await call(s.url, 'GET', '/v1/balance', { token })).body).toEqual(before);
  });
  it('JSON with a charset parameter is still JSON', async () => {
    expect((await quote('application/json; charset=utf-8', '{"tool":"auto-captions"}')).status).toBe(200);
  });
});

describe('no input gives a 5xx', () => {
  const paths = ['/v1/charges/%ff%fe', '/v1/charges/%', '/v1/ledger?limit=%ff', '/v1/ledger?before=%ff%00', '/%ff', '/store/orders/%ff', '/oauth/authorize?state=%ff', '/v1/charges/..%2f..%2f', `/v1/${'x'.repeat(3000)}`];
  for (const p of paths) {
    it(`GET ${p.slice(0, 40)}`, async () => {
      const r = await get(p);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      if (r.headers['content-type']?.startsWith('application/json')) expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });
  }
});
