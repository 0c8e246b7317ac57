/**
 * A teams seat created without a team (`"plan":"teams","teamId":null`, docs/api.md § Admin API) has no team pool
 * until `POST /admin/v1/teams/:id/members` adds it: balance, charges, events, renew and the sweep
 * work on its own batches only, and joining gives it the team pool.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../src/service/sweeper';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, call, charge, grant, signIn } from '../helpers/client';
import { openSse } from '../helpers/sse';

const DAY = 86_400_000;
let offset = 0;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
});
afterAll(() => s.close());

async function seat() {
  const email = `seat-${randomBytes(5).toString('hex')}@cutline.test`;
  const r = await admin(s.url, 'POST', '/admin/v1/users', { email, password: 'password-123', plan: 'teams', teamId: null });
  return { r, email, tokens: r.status === 201 ? await signIn(s.url, email, 'password-123') : null };
}
const balanceOf = async (t: string) => (await call(s.url, 'GET', '/v1/balance', { token: t })).body;

describe('a teams seat without a team', () => {
  it('is created (201) with plan teams, no team and no cycle', async () => {
    const { r } = await seat();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ plan: 'teams', teamId: null, cycleEndsAt: null, proUses: null });
  });

  it('has no team pool: its balance, charges and events use its own batches only', async () => {
    const team = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Pool', creditsPerCycle: 500 });
    expect(team.status).toBe(201);
    const { r, tokens } = await seat();
    const t = tokens!.access_token;
    expect(await balanceOf(t)).toMatchObject({ total: 0, held: 0, batches: [] });
    expect((await charge(s.url, t, 'auto-captions')).status).toBe(402);

    await grant(s.url, r.body.id, 'activity', 10, null);
    const sse = await openSse(s.url, t);
    try {
      const h = await charge(s.url, t, 'auto-captions');
      expect(h.status).toBe(201);
      expect(h.body.charge.allocation).toEqual([{ type: 'activity', batchId: expect.any(String), amount: 3 }]);
      expect(h.body.balance).toMatchObject({ total: 7, held: 3 });
      expect(h.body.balance.batches.every((b: any) => b.scope === 'user')).toBe(true);
      const pushed = await sse.waitFor((e) => JSON.parse(e.data).cause?.chargeId === h.body.charge.id);
      expect(JSON.parse(pushed.data).balance).toMatchObject({ total: 7, held: 3 });
      expect((await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t })).status).toBe(200);
      expect((await charge(s.url, t, 'ai-image')).status).toBe(402); // 20 > 7, and no team pool to draw on
    } finally {
      sse.close();
    }
  });

  it('renew is a 409 (no billing cycle), and changes nothing', async () => {
    const { r, tokens } = await seat();
    await grant(s.url, r.body.id, 'purchased', 5, null);
    const before = await balanceOf(tokens!.access_token);
    const renew = await admin(s.url, 'POST', `/admin/v1/users/${r.body.id}/renew`);
    expect(renew.status).toBe(409);
    expect(renew.body).toMatchObject({ error: 'conflict', message: expect.any(String) });
    expect(await balanceOf(tokens!.access_token)).toEqual(before);
  });

  it('the sweep expires its own batches and leaves it teamless', async () => {
    const { r, tokens } = await seat();
    const t = tokens!.access_token;
    await grant(s.url, r.body.id, 'activity', 4, new Date(Date.now() + offset + DAY).toISOString());
    await grant(s.url, r.body.id, 'purchased', 6, null);
    offset += 2 * DAY;
    await sweepOnce(s.ctx);
    const entries = (await call(s.url, 'GET', '/v1/ledger', { token: t })).body.entries;
    expect(entries[0]).toMatchObject({ kind: 'expire', amount: 4, type: 'activity' });
    expect(await balanceOf(t)).toMatchObject({ total: 6, byType: { subscription: 0, activity: 0, purchased: 6 } });
    expect((await call(s.url, 'GET', '/v1/me', { token: t })).body).toMatchObject({ plan: 'teams', teamId: null });
  });

  it('joining a team afterwards gives it the team pool (charges, renew through the team)', async () => {
    const team = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Later', creditsPerCycle: 100 });
    const { r, tokens } = await seat();
    const t = tokens!.access_token;
    await grant(s.url, r.body.id, 'purchased', 5, null);
    const sse = await openSse(s.url, t);
    try {
      const join = await admin(s.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: r.body.id });
      expect(join.status).toBe(201);
      expect(join.body).toMatchObject({ plan: 'teams', teamId: team.body.id });
      const pushed = await sse.waitFor((e) => JSON.parse(e.data).balance.total === 105);
      expect(JSON.parse(pushed.data).balance.byType).toMatchObject({ subscription: 100, purchased: 5 });
    } finally {
      sse.close();
    }
    const h = await charge(s.url, t, 'ai-image');
    expect(h.status).toBe(201);
    expect(h.body.charge.allocation).toEqual([{ type: 'subscription', batchId: expect.any(String), amount: 20 }]);
    expect(h.body.balance).toMatchObject({ total: 85, held: 20 });
    await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
    const renew = await admin(s.url, 'POST', `/admin/v1/users/${r.body.id}/renew`);
    expect(renew.status).toBe(200);
    expect(renew.body.cycleEndsAt).toBeNull(); // the cycle is the team's
    expect(await balanceOf(t)).toMatchObject({ total: 105, byType: { subscription: 100, purchased: 5 } });
  });
});
