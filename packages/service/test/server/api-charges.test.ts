import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, call, charge, desktop, grant, newKey, newUser, phone, signIn } from '../helpers/client';

let s: TestServer;
const DAY = 86_400_000;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();

describe('demo accounts', () => {
  it('the Pro demo account has subscription, two activity batches and purchased credits', async () => {
    const t = await signIn(s.url, 'pro@cutline.test');
    const b = (await call(s.url, 'GET', '/v1/balance', { token: t.access_token })).body;
    expect(b).toMatchObject({ total: 355, held: 0, byType: { subscription: 200, activity: 55, purchased: 100 }, proUses: null });
    expect(b.batches.map((x: any) => x.type)).toEqual(['subscription', 'activity', 'activity', 'purchased']);
    expect(b.batches[2].expiresAt).toBeNull();
    expect(b.nextExpiry.amount).toBe(30);
  });

  it('the legacy account has 50 Pro uses; team members share the team pool', async () => {
    const p = await signIn(s.url, 'prouses@cutline.test');
    const me = (await call(s.url, 'GET', '/v1/me', { token: p.access_token })).body;
    expect(me.proUses).toEqual({ remaining: 50, perCycle: 50 });
    const a = await signIn(s.url, 'alice@cutline.test');
    const bal = (await call(s.url, 'GET', '/v1/balance', { token: a.access_token })).body;
    expect(bal.byType).toEqual({ subscription: 500, activity: 20, purchased: 0 });
    expect(bal.batches.find((x: any) => x.type === 'subscription').scope).toBe('team');
  });
});

describe('quote, hold, capture, release', () => {
  it('draws subscription → activity → purchased across batches, and capture keeps it spent', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    await grant(s.url, u.id, 'purchased', 100, inDays(700));
    await grant(s.url, u.id, 'activity', 4, null);
    await grant(s.url, u.id, 'activity', 3, inDays(7));
    await grant(s.url, u.id, 'subscription', 5, inDays(30));

    const q = await call(s.url, 'POST', '/v1/quotes', { token: t, body: { tool: 'ai-portrait', quantity: 1 } });
    expect(q.status).toBe(200);
    expect(q.body).toMatchObject({ cost: 15, covered: true, usesProUse: false });
    expect(q.body.plan.map((p: any) => [p.type, p.amount])).toEqual([['subscription', 5], ['activity', 3], ['activity', 4], ['purchased', 3]]);
    expect(q.body.balance.total).toBe(112); // a quote changes nothing

    const h = await charge(s.url, t, 'ai-portrait');
    expect(h.status).toBe(201);
    expect(h.body.charge).toMatchObject({ status: 'held', tool: 'ai-portrait', cost: 15, usesProUse: false });
    expect(h.body.charge.allocation).toEqual(q.body.plan);
    expect(h.body.balance).toMatchObject({ total: 97, held: 15, byType: { subscription: 0, activity: 0, purchased: 97 } });
    expect(Date.parse(h.body.charge.holdExpiresAt)).toBeGreaterThan(Date.now());

    const c = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
    expect(c.status).toBe(200);
    expect(c.body.charge.status).toBe('captured');
    expect(c.body.balance).toMatchObject({ total: 97, held: 0 });
    expect(c.body.balance.version).toBeGreaterThan(h.body.balance.version);
    // repeating a capture returns the same; releasing a captured charge is a conflict
    const again = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
    expect(again.status).toBe(200);
    expect(again.body.charge.status).toBe('captured');
    const rel = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'failed' } });
    expect(rel.status).toBe(409);
    expect(rel.body.error).toBe('conflict');
    expect(rel.body).toMatchObject({ reason: 'charge_captured', message: 'the charge was already captured and cannot be released' });
    expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body.total).toBe(97);
  });

  it('release returns the credits to the very batches they came from', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    const b1 = await grant(s.url, u.id, 'activity', 2, inDays(3));
    const b2 = await grant(s.url, u.id, 'purchased', 10, inDays(700));
    const before = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
    const h = await charge(s.url, t, 'remove-background');
    expect(h.body.charge.allocation).toEqual([
      { type: 'activity', batchId: b1.id, amount: 2 },
      { type: 'purchased', batchId: b2.id, amount: 3 },
    ]);
    const r = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'cancelled' } });
    expect(r.status).toBe(200);
    expect(r.body.charge).toMatchObject({ status: 'released', releaseReason: 'cancelled' });
    expect(r.body.balance.batches).toEqual(before.batches);
    expect(r.body.balance).toMatchObject({ total: 12, held: 0 });
    // repeating it returns the same; capturing a released charge is a conflict
    expect((await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'cancelled' } })).status).toBe(200);
    const refused = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', reason: 'charge_released' });
    expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body.total).toBe(12);
  });

  it('not enough credits: 402 with cost, available and the store URL, and nothing held', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    await grant(s.url, u.id, 'activity', 4, null);
    const r = await charge(s.url, t, 'remove-background');
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ error: 'insufficient_credits', cost: 5, available: 4, storeUrl: `${s.publicUrl}/store` });
    expect(typeof r.body.message).toBe('string');
    const b = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
    expect(b).toMatchObject({ total: 4, held: 0 });
    const ledger = (await call(s.url, 'GET', '/v1/ledger', { token: t })).body;
    expect(ledger.entries.map((e: any) => e.kind)).toEqual(['grant']);
  });

  it('the same Idempotency-Key with the same body is the same charge; with another body it is 422', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    await grant(s.url, u.id, 'purchased', 50, null);
    const key = newKey();
    const a = await charge(s.url, t, 'smart-cutout', desktop, key);
    const b = await charge(s.url, t, 'smart-cutout', desktop, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.charge.id).toBe(a.body.charge.id);
    expect(b.body.balance.total).toBe(42); // charged once
    const other = await charge(s.url, t, 'auto-captions', desktop, key);
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_mismatch');
    // keys are per account: another account may use the same key
    const v = await newUser(s.url);
    await grant(s.url, v.id, 'purchased', 50, null);
    const c = await charge(s.url, v.tokens.access_token, 'smart-cutout', desktop, key);
    expect(c.status).toBe(201);
    expect(c.body.charge.id).not.toBe(a.body.charge.id);
  });

  it("another account's charge is not found", async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 50, null);
    const h = await charge(s.url, u.tokens.access_token, 'auto-captions');
    const other = await newUser(s.url);
    for (const [m, p, body] of [
      ['GET', '', undefined],
      ['POST', '/capture', undefined],
      ['POST', '/release', { reason: 'failed' }],
    ] as const) {
      const r = await call(s.url, m, `/v1/charges/${h.body.charge.id}${p}`, { token: other.tokens.access_token, body });
      expect(r.status).toBe(404);
      expect(r.body.error).toBe('not_found');
    }
    expect((await call(s.url, 'GET', `/v1/charges/${h.body.charge.id}`, { token: u.tokens.access_token })).body.status).toBe('held');
  });

  it('history lists every movement newest first, with tool and device, paginated by cursor', async () => {
    const u = await newUser(s.url);
    const t = u.tokens.access_token;
    await grant(s.url, u.id, 'purchased', 100, null);
    const h1 = await charge(s.url, t, 'auto-captions', desktop);
    await call(s.url, 'POST', `/v1/charges/${h1.body.charge.id}/capture`, { token: t });
    const h2 = await charge(s.url, t, 'remove-background', phone);
    await call(s.url, 'POST', `/v1/charges/${h2.body.charge.id}/release`, { token: t, body: { reason: 'failed' } });
    const all = (await call(s.url, 'GET', '/v1/ledger?limit=50', { token: t })).body;
    expect(all.entries.map((e: any) => e.kind)).toEqual(['release', 'hold', 'capture', 'hold', 'grant']);
    expect(all.entries[0]).toMatchObject({ tool: 'remove-background', device: phone, amount: 5, type: 'purchased', chargeId: h2.body.charge.id });
    expect(all.next).toBeNull();
    const p1 = (await call(s.url, 'GET', '/v1/ledger?limit=2', { token: t })).body;
    expect(p1.entries).toHaveLength(2);
    const p2 = (await call(s.url, 'GET', `/v1/ledger?limit=2&before=${p1.next}`, { token: t })).body;
    const p3 = (await call(s.url, 'GET', `/v1/ledger?limit=2&before=${p2.next}`, { token: t })).body;
    expect([...p1.entries, ...p2.entries, ...p3.entries].map((e: any) => e.id)).toEqual(all.entries.map((e: any) => e.id));
    expect(p3.next).toBeNull();
  });
});

describe('teams', () => {
  it("a member's charge draws the team pool first, and every member sees the pool shrink", async () => {
    const team = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Crew', creditsPerCycle: 10 });
    expect(team.status).toBe(201);
    const a = await newUser(s.url);
    const b = await newUser(s.url);
    for (const m of [a, b]) expect((await admin(s.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: m.id })).status).toBe(201);
    await grant(s.url, a.id, 'activity', 5, null);
    await grant(s.url, a.id, 'purchased', 5, null);
    const h = await charge(s.url, a.tokens.access_token, 'ai-portrait'); // 15 = 10 team + 5 own activity
    expect(h.body.charge.allocation.map((p: any) => [p.type, p.amount])).toEqual([['subscription', 10], ['activity', 5]]);
    const bb = (await call(s.url, 'GET', '/v1/balance', { token: b.tokens.access_token })).body;
    expect(bb.byType).toEqual({ subscription: 0, activity: 0, purchased: 0 });
    // b's own credits are personal: a cannot spend them, b can
    await grant(s.url, b.id, 'purchased', 8, null);
    expect((await call(s.url, 'GET', '/v1/balance', { token: a.tokens.access_token })).body.byType.purchased).toBe(5);
    // release returns the team's share to the team
    await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: a.tokens.access_token, body: { reason: 'failed' } });
    expect((await call(s.url, 'GET', '/v1/balance', { token: b.tokens.access_token })).body.byType.subscription).toBe(10);
  });
});

describe('Pro uses and cycles', () => {
  it('a legacy Pro account pays eligible tools (Script to Video included) with one Pro use and gets it back on failure', async () => {
    const u = await newUser(s.url, { plan: 'pro', proUses: 2 });
    const t = u.tokens.access_token;
    const q = await call(s.url, 'POST', '/v1/quotes', { token: t, body: { tool: 'ai-portrait' } });
    expect(q.body).toMatchObject({ usesProUse: true, covered: true, plan: [] });
    const h = await charge(s.url, t, 'ai-portrait');
    expect(h.status).toBe(201);
    expect(h.body.charge).toMatchObject({ usesProUse: true, allocation: [] });
    expect(h.body.balance.proUses).toEqual({ remaining: 1, perCycle: 2 });
    const r = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'failed' } });
    expect(r.body.balance.proUses).toEqual({ remaining: 2, perCycle: 2 });
    // script-to-video is eligible: with no credits at all, a Pro use pays its 60-credit price
    const script = await charge(s.url, t, 'script-to-video');
    expect(script.status).toBe(201);
    expect(script.body.charge).toMatchObject({ usesProUse: true, cost: 60, allocation: [] });
    expect(script.body.balance.proUses).toEqual({ remaining: 1, perCycle: 2 });
    await call(s.url, 'POST', `/v1/charges/${script.body.charge.id}/release`, { token: t, body: { reason: 'cancelled' } });
    // spend both; the third eligible action needs credits
    for (let i = 0; i < 2; i++) {
      const c = await charge(s.url, t, 'auto-captions');
      await call(s.url, 'POST', `/v1/charges/${c.body.charge.id}/capture`, { token: t });
    }
    expect((await charge(s.url, t, 'auto-captions')).status).toBe(402);
    await grant(s.url, u.id, 'activity', 3, null);
    const paid = await charge(s.url, t, 'auto-captions');
    expect(paid.body.charge).toMatchObject({ usesProUse: false, cost: 3 });
  });

  it('renew ends the cycle now: the old subscription batch expires and the next grant arrives', async () => {
    const u = await newUser(s.url, { plan: 'pro' });
    const t = u.tokens.access_token;
    const c = await charge(s.url, t, 'ai-image'); // 20 of 200
    await call(s.url, 'POST', `/v1/charges/${c.body.charge.id}/capture`, { token: t });
    const before = (await call(s.url, 'GET', '/v1/me', { token: t })).body;
    const r = await admin(s.url, 'POST', `/admin/v1/users/${u.id}/renew`);
    expect(r.status).toBe(200);
    const b = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
    expect(b.byType.subscription).toBe(200);
    expect(b.batches).toHaveLength(1);
    expect(Date.parse(r.body.cycleEndsAt)).toBeGreaterThan(Date.parse(before.cycleEndsAt) - 30 * DAY);
    const kinds = (await call(s.url, 'GET', '/v1/ledger', { token: t })).body.entries.map((e: any) => `${e.kind}:${e.amount}`);
    expect(kinds.slice(0, 2)).toEqual(['grant:200', 'expire:180']);
  });

  it('renewing a legacy account refills its Pro uses', async () => {
    const u = await newUser(s.url, { plan: 'pro', proUses: 3 });
    const t = u.tokens.access_token;
    const c = await charge(s.url, t, 'auto-captions');
    await call(s.url, 'POST', `/v1/charges/${c.body.charge.id}/capture`, { token: t });
    await admin(s.url, 'POST', `/admin/v1/users/${u.id}/renew`);
    expect((await call(s.url, 'GET', '/v1/me', { token: t })).body.proUses).toEqual({ remaining: 3, perCycle: 3 });
  });
});
