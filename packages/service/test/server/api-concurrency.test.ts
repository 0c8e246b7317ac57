import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, charge, grant, newKey, newUser } from '../helpers/client';
import { expectBooksBalanced } from '../helpers/audit';
import { chargeEngine } from '../../src/service/charges/engine';

let s: TestServer;
/** The sizes of the charge engine's committed batches, from the start. */
const batches: number[] = [];
beforeAll(async () => {
  s = await startTestServer();
  chargeEngine(s.ctx.db).observer = { batch: (size, _ms, committed) => void (committed && batches.push(size)) };
});
afterAll(() => s.close());
// After every race: the books still add up (GET /admin/v1/audit recomputes them from the ledger).
afterEach(() => expectBooksBalanced(s.url));

describe('concurrent charges against a small balance', () => {
  it('never overspends: exactly as many succeed as the balance covers, across several batches', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    // 40 credits in 4 batches of mixed types; auto-captions costs 3 → 13 charges fit, 1 credit is left
    await grant(s.url, u.id, 'subscription', 10, new Date(Date.now() + 86_400_000).toISOString());
    await grant(s.url, u.id, 'activity', 10, null);
    await grant(s.url, u.id, 'purchased', 10, null);
    await grant(s.url, u.id, 'purchased', 10, new Date(Date.now() + 9 * 86_400_000).toISOString());
    const results = await Promise.all(Array.from({ length: 60 }, () => charge(s.url, t, 'auto-captions')));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toHaveLength(13);
    expect(refused).toHaveLength(47);
    for (const r of refused) expect(r.body.error).toBe('insufficient_credits');
    const b = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
    expect(b).toMatchObject({ total: 1, held: 39 });
    // capture half, release the rest, concurrently: the books balance exactly
    await Promise.all(
      ok.map((r, i) =>
        call(s.url, 'POST', `/v1/charges/${r.body.charge.id}/${i % 2 ? 'capture' : 'release'}`, { token: t, body: i % 2 ? undefined : { reason: 'failed' } }),
      ),
    );
    const after = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
    expect(after).toMatchObject({ total: 40 - 3 * 6, held: 0 });
  });

  it('1,000 concurrent charges, batched, against a balance covering 300: exactly 300 hold, none overspends; then all settled at once', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    // 900 credits in three batches; auto-captions costs 3.
    await grant(s.url, u.id, 'subscription', 300, new Date(Date.now() + 86_400_000).toISOString());
    await grant(s.url, u.id, 'activity', 300, null);
    await grant(s.url, u.id, 'purchased', 300, null);
    const from = batches.length;
    const results = await Promise.all(Array.from({ length: 1000 }, () => charge(s.url, t, 'auto-captions')));
    expect(results.filter((r) => r.status === 201)).toHaveLength(300);
    expect(results.filter((r) => r.status === 402)).toHaveLength(700);
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.charge.id)).size).toBe(300);
    // Every hold its own version, whatever batch it went in.
    const versions = results.filter((r) => r.status === 201).map((r) => r.body.balance.version as number).sort((a, b) => a - b);
    expect(versions.every((v, i) => i === 0 || v === versions[i - 1] + 1)).toBe(true);
    expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body).toMatchObject({ total: 0, held: 900 });
    // The steps were applied in batches: the charges shared transactions.
    expect(Math.max(...batches.slice(from))).toBeGreaterThan(1);

    const held = results.filter((r) => r.status === 201);
    const settled = await Promise.all(
      held.map((r, i) => call(s.url, 'POST', `/v1/charges/${r.body.charge.id}/${i % 3 ? 'capture' : 'release'}`, { token: t, body: i % 3 ? undefined : { reason: 'failed' } })),
    );
    expect(settled.every((r) => r.status === 200)).toBe(true);
    expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body).toMatchObject({ total: 3 * 100, held: 0 });
  }, 120_000); // 1,000 requests on a shared machine

  it('parallel retries of one key make one charge', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    const key = newKey();
    const rs = await Promise.all(Array.from({ length: 10 }, () => charge(s.url, u.tokens.access_token, 'ai-image', undefined, key)));
    expect(new Set(rs.map((r) => r.body.charge.id)).size).toBe(1);
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await call(s.url, 'GET', '/v1/balance', { token: u.tokens.access_token })).body.total).toBe(80);
  });

  it('parallel capture and release of one charge: exactly one wins, the other is a conflict', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    const t = u.tokens.access_token;
    const h = await charge(s.url, t, 'ai-image');
    const [c, r] = await Promise.all([
      call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t }),
      call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'cancelled' } }),
    ]);
    expect([c.status, r.status].sort()).toEqual([200, 409]);
    const total = (await call(s.url, 'GET', '/v1/balance', { token: t })).body.total;
    expect(total).toBe(c.status === 200 ? 80 : 100);
  });
});
