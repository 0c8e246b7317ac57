import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, call, charge, desktop, grant, newUser, phone, signIn } from '../helpers/client';
import { upgradeOnTheWeb } from '../helpers/web-actions';
import { openSse } from '../helpers/sse';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ pingMs: 200 });
});
afterAll(() => s.close());

const data = (e: { data: string }) => JSON.parse(e.data);

describe('GET /v1/events', () => {
  it('marks a change of plan, team or cycle with cause.account (a client reloads /v1/me); a grant or a charge is not marked', async () => {
    const u = await newUser(s.url);
    const sse = await openSse(s.url, u.tokens.access_token);
    await sse.waitFor(() => true);
    const next = (kind: string) => sse.waitFor((e) => e.event === 'balance' && data(e).cause.kind === kind && !seen.has(e.id));
    const seen = new Set<string | undefined>();
    const take = async (kind: string) => {
      const e = await next(kind);
      seen.add(e.id);
      return data(e).cause;
    };

    await grant(s.url, u.id, 'activity', 10);
    expect((await take('grant')).account).toBeUndefined();
    await upgradeOnTheWeb(s.url, u.email, 'password-123');
    expect(await take('upgrade')).toMatchObject({ kind: 'upgrade', account: true });
    expect((await admin(s.url, 'POST', `/admin/v1/users/${u.id}/renew`)).status).toBe(200);
    expect(await take('grant')).toMatchObject({ kind: 'grant', account: true });
    sse.close();

    const member = await newUser(s.url);
    const stream = await openSse(s.url, member.tokens.access_token);
    await stream.waitFor(() => true);
    const team = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Pushed', creditsPerCycle: 50 });
    expect((await admin(s.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: member.id })).status).toBe(201);
    const joined = data(await stream.waitFor((e) => e.event === 'balance' && data(e).cause.kind === 'grant'));
    expect(joined.cause.account).toBe(true);
    expect(joined.balance.total).toBe(50);
    stream.close();
  });

  it('starts with the current snapshot, then pushes a charge made by another device with its cause', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    const desk = await openSse(s.url, u.tokens.access_token);
    const first = await desk.waitFor(() => true);
    expect(first.event).toBe('balance');
    const snap = data(first);
    expect(snap.balance.total).toBe(100);
    expect(first.id).toBe(String(snap.balance.version));

    // a second device: its own sign-in
    const mobile = await signIn(s.url, u.email, 'password-123');
    const h = await charge(s.url, mobile.access_token, 'ai-portrait', phone);
    const ev = await desk.waitFor((e) => e.id === String(h.body.balance.version));
    const body = data(ev);
    expect(body.balance.total).toBe(85);
    expect(body.balance.held).toBe(15);
    expect(body.cause).toMatchObject({ kind: 'hold', chargeId: h.body.charge.id, tool: 'ai-portrait', device: phone });
    const c = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: mobile.access_token });
    const captured = data(await desk.waitFor((e) => e.id === String(c.body.balance.version)));
    expect(captured.cause).toMatchObject({ kind: 'capture', chargeId: h.body.charge.id, tool: 'ai-portrait', device: phone });
    expect(body.cause.entry).toMatchObject({ kind: 'hold', amount: 15, chargeId: h.body.charge.id, device: phone });
    desk.close();
  });

  it('sends versions in increasing order, sends pings, and resumes with the current snapshot', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    const t = u.tokens.access_token;
    const sse = await openSse(s.url, t);
    await sse.waitFor(() => true);
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const h = await charge(s.url, t, 'auto-captions', desktop);
      const c = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
      last = c.body.balance.version;
    }
    await sse.waitFor((e) => Number(e.id) === last);
    const ids = sse.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    await sse.waitFor(() => sse.comments.some((c) => c.trim() === 'ping'), 5000).catch(() => undefined);
    expect(sse.comments.map((c) => c.trim())).toContain('ping');
    sse.close();

    // reconnect with an older Last-Event-ID: the current snapshot at once
    const again = await openSse(s.url, t, String(last - 3));
    const snap = await again.waitFor(() => true);
    expect(Number(snap.id)).toBe(last);
    expect(data(snap).balance.total).toBe(85);
    again.close();
  });

  it('a team charge reaches every member; a personal grant reaches only its owner', async () => {
    const alice = await signIn(s.url, 'alice@cutline.test');
    const bob = await signIn(s.url, 'bob@cutline.test');
    const bobSse = await openSse(s.url, bob.access_token);
    const start = data(await bobSse.waitFor(() => true)).balance;
    // The pool as bob's snapshot lists it (its team batches' own remaining: bob's limit caps his
    // total, not the batches).
    const pool = (b: { batches: { scope: string; remaining: number }[] }) => b.batches.filter((x) => x.scope === 'team').reduce((n, x) => n + x.remaining, 0);
    const h = await charge(s.url, alice.access_token, 'auto-captions');
    const ev = await bobSse.waitFor((e) => pool(data(e).balance) === pool(start) - 3);
    expect(data(ev).cause.kind).toBe('hold');
    await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: alice.access_token, body: { reason: 'cancelled' } });
    await bobSse.waitFor((e) => Number(e.id) > Number(ev.id) && pool(data(e).balance) === pool(start));
    bobSse.close();
  });

  it('revoking the token ends the stream with an unauthorized error event', async () => {
    const u = await newUser(s.url);
    const sse = await openSse(s.url, u.tokens.access_token);
    await sse.waitFor(() => true);
    await call(s.url, 'POST', '/oauth/revoke', { body: { token: u.tokens.access_token } });
    const err = await sse.waitFor((e) => e.event === 'error');
    expect(JSON.parse(err.data)).toEqual({ error: 'unauthorized' });
    await sse.closed;
  });

  it('refuses a stream without a valid token with a JSON 401', async () => {
    const r = await call(s.url, 'GET', '/v1/events', { token: 'not-a-token', headers: { accept: 'text/event-stream' } });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });
});
