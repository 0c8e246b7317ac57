/**
 * Webhooks for team admins over HTTP (both engines: CUTLINE_TEST_STORE picks): the
 * `/v1/team/webhooks` routes and who may use them, and the team events written in the transaction
 * of the change that causes them — `member.limit_near` / `member.limit_reached` from a member's
 * holds and from a lowered limit, `pool.low` from a charge, `limit_request.created` — each crossing
 * once per team cycle, delivered signed to a receiver on 127.0.0.1. On PostgreSQL, two instances on
 * one database: charges, usage and the CSV across them, and every event delivered once.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, charge, grant, newUser, type Tokens } from '../helpers/client';
import { createDatabase, dropDatabase } from '../helpers/pg';
import { startTestServer, type TestServer } from '../helpers/server';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver';

interface Member {
  id: string;
  email: string;
  tokens: Tokens;
}

describe('webhooks for team admins', () => {
  let s: TestServer;
  let rx: Receiver;
  beforeAll(async () => {
    s = await startTestServer({ webhookRetryMs: 50, webhookTimeoutMs: 2000, sweepMs: 600_000, webhookAllowPrivate: true });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  /** A team with a pool of `credits`, its owner and a member. */
  async function team(credits = 30): Promise<{ teamId: string; owner: Member; member: Member }> {
    const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: `Studio ${Math.random().toString(36).slice(2, 6)}`, creditsPerCycle: credits });
    const owner = await newUser(s.url, { plan: 'teams', teamId: t.body.id });
    expect((await admin(s.url, 'PUT', `/admin/v1/teams/${t.body.id}/members/${owner.id}`, { role: 'owner' })).status).toBe(200);
    const member = await newUser(s.url, { plan: 'teams', teamId: t.body.id });
    return { teamId: t.body.id, owner, member };
  }

  const api = (t: Tokens, method: string, path: string, body?: unknown) => call(s.url, method, path, { token: t.access_token, body });
  const addHook = (t: Tokens, body: Record<string, unknown>) => api(t, 'POST', '/v1/team/webhooks', { url: rx.url, ...body });
  const deliveries = async (t: Tokens, id: string) => (await api(t, 'GET', `/v1/team/webhooks/${id}/deliveries`)).body as { id: string; type: string; status: string }[];
  const bodyOf = (id: string) => {
    const r = rx.received.find((x) => x.headers['webhook-id'] === id);
    return r ? (JSON.parse(r.body) as { type: string; data: Record<string, any> }) : undefined;
  };
  const delivered = async (t: Tokens, hookId: string, n: number) => {
    await expect.poll(async () => (await deliveries(t, hookId)).filter((d) => d.status === 'delivered').length, { timeout: 15_000 }).toBe(n);
    return (await deliveries(t, hookId)).map((d) => ({ ...d, body: bodyOf(d.id)! })).reverse();
  };

  it('a team admin adds (secret once), lists, reads deliveries, sends a test event and deletes; each delivery verifies', async () => {
    const { owner } = await team();
    const created = await addHook(owner.tokens, { events: ['pool.low', 'limit_request.created'], poolLowBelow: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), url: rx.url, events: ['pool.low', 'limit_request.created'], createdAt: expect.any(String) });
    expect(created.body.secret).toMatch(/^whsec_/);
    const list = await api(owner.tokens, 'GET', '/v1/team/webhooks');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].id).toBe(created.body.id);
    expect(list.body[0]).not.toHaveProperty('secret');
    expect(await deliveries(owner.tokens, created.body.id)).toEqual([]);

    const test = await api(owner.tokens, 'POST', `/v1/team/webhooks/${created.body.id}/test`);
    expect(test.status).toBe(202);
    const [d] = await delivered(owner.tokens, created.body.id, 1);
    expect(d).toMatchObject({ id: test.body.id, type: 'webhook.test', status: 'delivered', attempts: 1, lastStatus: 204 });
    const r = rx.received.find((x) => x.headers['webhook-id'] === d.id)!;
    expect(() => new Webhook(created.body.secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();

    expect((await api(owner.tokens, 'DELETE', `/v1/team/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await api(owner.tokens, 'GET', '/v1/team/webhooks')).body).toEqual([]);
    expect((await api(owner.tokens, 'DELETE', `/v1/team/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await api(owner.tokens, 'GET', `/v1/team/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
  });

  it('a member → 403, a user outside a team → 404, no token → 401, a bad body → 400 naming the field; nothing is added', async () => {
    const { owner, member } = await team();
    const outsider = await newUser(s.url);
    expect((await addHook(member.tokens, { events: ['pool.low'], poolLowBelow: 5 })).body).toMatchObject({ error: 'forbidden' });
    expect((await api(member.tokens, 'GET', '/v1/team/webhooks')).status).toBe(403);
    expect((await addHook(outsider.tokens, { events: ['pool.low'], poolLowBelow: 5 })).status).toBe(404);
    expect((await call(s.url, 'GET', '/v1/team/webhooks')).status).toBe(401);
    const bad = async (body: Record<string, unknown>) => (await api(owner.tokens, 'POST', '/v1/team/webhooks', body)).body;
    expect(await bad({ url: rx.url, events: ['pool.low'] })).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('poolLowBelow') });
    expect(await bad({ url: rx.url, events: ['pool.sunny'] })).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('events') });
    expect(await bad({ url: rx.url, events: ['member.limit_near'], memberNearPercent: 100 })).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('memberNearPercent') });
    expect(await bad({ url: 'not a url', events: ['limit_request.created'] })).toMatchObject({ error: 'invalid_request' });
    expect((await api(owner.tokens, 'GET', '/v1/team/webhooks')).body).toEqual([]);
  });

  it('member.limit_near and member.limit_reached: from the member’s holds, once per crossing in the cycle', async () => {
    const { owner, member } = await team(100);
    const hook = await addHook(owner.tokens, { events: ['member.limit_near', 'member.limit_reached'], memberNearPercent: 80 });
    expect((await api(owner.tokens, 'PUT', `/v1/team/members/${member.id}/limit`, { credits: 10 })).status).toBe(200);
    await grant(s.url, member.id, 'activity', 50); // past the limit, a charge takes the rest from the member's own credits
    const spend = async (tool: string) => expect((await charge(s.url, member.tokens.access_token, tool)).status).toBe(201);
    await spend('auto-captions'); // 3 of 10
    await spend('remove-background'); // 8 of 10: near (80 %)
    const near = await delivered(owner.tokens, hook.body.id, 1);
    expect(near.map((d) => d.type)).toEqual(['member.limit_near']);
    expect(near[0].body.data).toMatchObject({ member: { id: member.id, email: member.email }, limit: { credits: 10, used: 0, held: 8, remaining: 2 }, memberNearPercent: 80 });
    await spend('auto-captions'); // 2 more from the pool (1 from their own): 10 of 10, reached; near again would be a repeat
    await spend('auto-captions'); // their own credits only — not again
    const all = await delivered(owner.tokens, hook.body.id, 2);
    expect(all.map((d) => d.type)).toEqual(['member.limit_near', 'member.limit_reached']);
    expect(all[1].body.data).toMatchObject({ member: { id: member.id }, limit: { credits: 10, held: 10, remaining: 0 } });
    await spend('auto-captions');
    expect((await deliveries(owner.tokens, hook.body.id)).length).toBe(2);
  });

  it('a limit lowered under what the member already holds fires member.limit_reached in the limit’s transaction', async () => {
    const { owner, member } = await team(100);
    const hook = await addHook(owner.tokens, { events: ['member.limit_reached'] });
    expect((await charge(s.url, member.tokens.access_token, 'smart-cutout')).status).toBe(201); // 8 held, no limit yet
    expect((await deliveries(owner.tokens, hook.body.id)).length).toBe(0);
    expect((await api(owner.tokens, 'PUT', `/v1/team/members/${member.id}/limit`, { credits: 5 })).status).toBe(200);
    const [d] = await delivered(owner.tokens, hook.body.id, 1);
    expect(d.body).toMatchObject({ type: 'member.limit_reached', data: { member: { id: member.id }, limit: { credits: 5, held: 8, remaining: 0 } } });
  });

  it('pool.low when a charge takes the pool below the threshold (once per cycle); limit_request.created per request', async () => {
    const { teamId, owner, member } = await team(30);
    const hook = await addHook(owner.tokens, { events: ['pool.low', 'limit_request.created'], poolLowBelow: 20 });
    expect((await charge(s.url, member.tokens.access_token, 'smart-cutout')).status).toBe(201); // 22 left
    expect((await charge(s.url, member.tokens.access_token, 'remove-background')).status).toBe(201); // 17: below 20
    expect((await charge(s.url, owner.tokens.access_token, 'remove-background')).status).toBe(201); // 12: no repeat
    const low = await delivered(owner.tokens, hook.body.id, 1);
    expect(low[0].body).toMatchObject({ type: 'pool.low', data: { teamId, remaining: 17, poolLowBelow: 20 } });

    expect((await api(owner.tokens, 'PUT', `/v1/team/members/${member.id}/limit`, { credits: 50 })).status).toBe(200);
    const asked = await api(member.tokens, 'POST', '/v1/team/limit-requests', { credits: 25, note: 'The trailer needs more' });
    expect(asked.status).toBe(201);
    const both = await delivered(owner.tokens, hook.body.id, 2);
    expect(both[1].body).toMatchObject({ type: 'limit_request.created', data: { teamId, request: { id: asked.body.id, email: member.email, credits: 25, note: 'The trailer needs more', status: 'pending' } } });
  });
});

describe.runIf(process.env.CUTLINE_TEST_STORE === 'postgres')('two instances on one PostgreSQL database, over HTTP', () => {
  it('charges with projects through one, usage and the CSV through the other; member.* and test events delivered once each', async () => {
    const db = await createDatabase();
    const rx = await startReceiver();
    const opts = { webhookRetryMs: 50, webhookTimeoutMs: 2000, sweepMs: 100, webhookAllowPrivate: true, db };
    const a = await startTestServer(opts);
    const b = await startTestServer(opts);
    try {
      const t = await admin(a.url, 'POST', '/admin/v1/teams', { name: 'Two instances', creditsPerCycle: 100 });
      const owner = await newUser(a.url, { plan: 'teams', teamId: t.body.id });
      await admin(a.url, 'PUT', `/admin/v1/teams/${t.body.id}/members/${owner.id}`, { role: 'owner' });
      const member = await newUser(b.url, { plan: 'teams', teamId: t.body.id });
      const on = (srv: TestServer, tk: Tokens, method: string, path: string, body?: unknown) => call(srv.url, method, path, { token: tk.access_token, body });
      const hook = await on(a, owner.tokens, 'POST', '/v1/team/webhooks', { url: rx.url, events: ['member.limit_near', 'member.limit_reached'], memberNearPercent: 50 });
      expect(hook.status).toBe(201);
      expect((await on(b, owner.tokens, 'PUT', `/v1/team/members/${member.id}/limit`, { credits: 10 })).status).toBe(200);
      const project = { id: 'p-two', name: 'Two instances' };
      for (const [srv, tool] of [[a, 'auto-captions'], [b, 'remove-background']] as const) {
        const h = await call(srv.url, 'POST', '/v1/charges', { token: member.tokens.access_token, body: { tool, quantity: 1, device: { id: 'd', platform: 'desktop' }, project }, headers: { 'idempotency-key': `k-${tool}` } });
        expect(h.status).toBe(201);
        expect((await on(srv === a ? b : a, member.tokens, 'POST', `/v1/charges/${h.body.charge.id}/capture`)).body.charge.project).toEqual(project);
      }
      const usage = await on(b, owner.tokens, 'GET', '/v1/usage?scope=team&groupBy=project');
      expect(usage.body.rows).toEqual([{ key: 'p-two', label: 'Two instances', credits: 8, actions: 2 }]);
      const csv = await fetch(`${a.url}/v1/usage.csv?scope=team`, { headers: { authorization: `Bearer ${owner.tokens.access_token}` } }).then((r) => r.text());
      expect(csv.split('\r\n').slice(1, -1).map((l) => l.split(',').slice(4, 7).join(','))).toEqual(['p-two,Two instances,3', 'p-two,Two instances,5']);
      // 3 of 10 held, then 8: near (50 %) once; reached never (8 < 10). Both instances' workers: one delivers.
      await expect.poll(async () => (await on(b, owner.tokens, 'GET', `/v1/team/webhooks/${hook.body.id}/deliveries`)).body.map((d: { type: string; status: string }) => `${d.type}:${d.status}`), { timeout: 20_000 }).toEqual(['member.limit_near:delivered']);
      for (let i = 0; i < 6; i++) expect((await on(i % 2 ? a : b, owner.tokens, 'POST', `/v1/team/webhooks/${hook.body.id}/test`)).status).toBe(202);
      await expect.poll(async () => (await on(a, owner.tokens, 'GET', `/v1/team/webhooks/${hook.body.id}/deliveries`)).body.filter((d: { status: string }) => d.status === 'delivered').length, { timeout: 20_000 }).toBe(7);
      const ids = rx.received.map((r) => String(r.headers['webhook-id']));
      expect(new Set(ids).size).toBe(ids.length); // each event once
      expect(ids).toHaveLength(7);
    } finally {
      await a.close();
      await b.close();
      await rx.close();
      await dropDatabase(db);
    }
  });
});
