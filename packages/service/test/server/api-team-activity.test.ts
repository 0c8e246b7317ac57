/**
 * Team activity: every member sees the team pool's movements by every member (who, tool,
 * device), in /v1/ledger, on their event stream and in the web history; personal batches stay private.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, charge, grant, newUser } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, visible } from '../web/browser';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function team(perCycle: number) {
  const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Crew', creditsPerCycle: perCycle });
  const a = await newUser(s.url);
  const b = await newUser(s.url);
  for (const m of [a, b]) expect((await admin(s.url, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: m.id })).status).toBe(201);
  return { a, b };
}

const ledger = async (token: string) => (await call(s.url, 'GET', '/v1/ledger?limit=50', { token })).body.entries as any[];
const phone = { id: 'phone-7f3a9c21', platform: 'mobile' as const };

describe('team activity', () => {
  it("a teammate's spend from the pool is in every member's history and stream, naming who, tool and device", async () => {
    const { a, b } = await team(100);
    const sse = await openSse(s.url, b.tokens.access_token);
    await sse.waitFor((e) => e.event === 'balance');
    const held = await charge(s.url, a.tokens.access_token, 'ai-portrait', phone);
    expect(held.status).toBe(201);
    const id = held.body.charge.id;
    expect((await call(s.url, 'POST', `/v1/charges/${id}/capture`, { token: a.tokens.access_token })).status).toBe(200);

    for (const kind of ['hold', 'capture']) {
      const ev = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.entry?.kind === kind);
      const { cause, balance } = JSON.parse(ev.data);
      expect(cause.entry).toMatchObject({ chargeId: id, tool: 'ai-portrait', device: phone, member: { id: a.id, email: a.email }, amount: 15, type: 'subscription' });
      expect(balance.total).toBe(85);
    }
    sse.close();

    const mine = await ledger(b.tokens.access_token);
    const theirs = mine.filter((e) => e.chargeId === id);
    expect(theirs.map((e) => e.kind).sort()).toEqual(['capture', 'hold']);
    for (const e of theirs) expect(e).toMatchObject({ member: { id: a.id, email: a.email }, device: phone, tool: 'ai-portrait' });
    // The team grant names nobody.
    expect(mine.find((e) => e.kind === 'grant')).toMatchObject({ member: null, amount: 100 });
    // The spender sees the same entries, also naming them.
    expect((await ledger(a.tokens.access_token)).filter((e) => e.chargeId === id).every((e) => e.member?.email === a.email)).toBe(true);
  });

  it("personal batches stay private: a teammate sees only the pool's part of a mixed charge", async () => {
    const { a, b } = await team(10);
    await grant(s.url, a.id, 'activity', 50);
    const held = await charge(s.url, a.tokens.access_token, 'ai-portrait'); // 10 from the pool, 5 personal
    expect(held.body.charge.allocation.map((p: any) => [p.type, p.amount])).toEqual([['subscription', 10], ['activity', 5]]);
    const id = held.body.charge.id;
    await call(s.url, 'POST', `/v1/charges/${id}/release`, { token: a.tokens.access_token, body: { reason: 'failed' } });

    const seen = (await ledger(b.tokens.access_token)).filter((e) => e.chargeId === id);
    expect(seen.map((e) => [e.kind, e.type, e.amount]).sort()).toEqual([['hold', 'subscription', 10], ['release', 'subscription', 10]]);
    expect((await ledger(b.tokens.access_token)).some((e) => e.type === 'activity')).toBe(false);
    const own = (await ledger(a.tokens.access_token)).filter((e) => e.chargeId === id);
    expect(own).toHaveLength(4);
  });

  it('the web history of a member shows the teammate who spent', async () => {
    const r = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Web crew', creditsPerCycle: 50 });
    const email = `web-a-${Date.now()}@cutline.test`;
    const a = await admin(s.url, 'POST', '/admin/v1/users', { email, password: 'password-123', plan: 'free' });
    const bEmail = `web-b-${Date.now()}@cutline.test`;
    const b = await admin(s.url, 'POST', '/admin/v1/users', { email: bEmail, password: 'password-123', plan: 'free' });
    for (const m of [a, b]) await admin(s.url, 'POST', `/admin/v1/teams/${r.body.id}/members`, { userId: m.body.id });
    const { signIn } = await import('../helpers/client');
    const ta = await signIn(s.url, email, 'password-123');
    const h = await charge(s.url, ta.access_token, 'remove-background', phone);
    await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: ta.access_token });
    const web = new Browser(s.url);
    await web.signIn(bEmail, 'password-123');
    const page = visible((await web.get('/credits')).text);
    expect(page).toContain(`by ${email}`);
    expect(page).toContain('Remove Background');
  });
});
