/** Extension `GET /v1/orders/:id`: the caller's own store order, and 404 for anyone else's or an unknown id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newUser } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { buyPack } from '../helpers/web-actions';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const DAY = 86_400_000;

describe('GET /v1/orders/:id', () => {
  it("answers the caller's own order with what it bought", async () => {
    const u = await newUser(s.url);
    const before = Date.now();
    const orderId = await buyPack(s.url, u.email, 'password-123', 'pack-500');
    const r = await call(s.url, 'GET', `/v1/orders/${orderId}`, { token: u.tokens.access_token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: orderId,
      status: 'completed',
      pack: 'pack-500',
      credits: 500,
      priceCents: 1999,
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(r.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt)).toBe(730 * DAY);
  });

  it("answers 404 not_found for another account's order, the same as for an unknown id", async () => {
    const buyer = await newUser(s.url);
    const other = await newUser(s.url);
    const orderId = await buyPack(s.url, buyer.email, 'password-123');
    const foreign = await call(s.url, 'GET', `/v1/orders/${orderId}`, { token: other.tokens.access_token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: 'not_found', message: expect.any(String) });
    const unknown = await call(s.url, 'GET', '/v1/orders/ord_doesnotexist', { token: other.tokens.access_token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
    expect(foreign.body.message).toBe(unknown.body.message); // nothing tells the two apart
    for (const id of ['x', 'ord_%3Cscript%3E', `ord_${'a'.repeat(90)}`]) {
      const r = await call(s.url, 'GET', `/v1/orders/${id}`, { token: other.tokens.access_token });
      expect(r.status, id).toBe(404);
      expect(r.body.error).toBe('not_found');
    }
  });

  it('needs a Bearer token', async () => {
    const r = await call(s.url, 'GET', '/v1/orders/ord_any');
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });
});
