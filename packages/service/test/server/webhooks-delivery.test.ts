/**
 * Webhook deliveries against the real service (both engines: CUTLINE_TEST_STORE picks): signed
 * with Standard Webhooks (verified by the `standardwebhooks` package's own `Webhook.verify`),
 * retried with backoff until a 2xx under the same `webhook-id`, a receiver that hangs cut at the
 * attempt's time limit, crossings fired once per team cycle, rows surviving a restart, the URL
 * checks (non-public addresses refused when added and again at delivery: DNS rebinding), and — on
 * PostgreSQL — the worker on one instance of two.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookCreate } from '@cutline/contract/webhooks';
import { addWebhook, sendTestEvent, webhookDeliveries, type TeamActor } from '../../src/service/webhooks/subscriptions';
import { admin } from '../helpers/client';
import { createDatabase, dropDatabase } from '../helpers/pg';
import { scrape } from '../helpers/prometheus';
import { startTestServer, type TestServer } from '../helpers/server';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver';
import type { ServiceError } from '../../src/service/kernel/errors';

const onPostgres = process.env.CUTLINE_TEST_STORE === 'postgres';
const FAST = { webhookRetryMs: 50, webhookTimeoutMs: 300, sweepMs: 50 };

/** A team (pool of `credits`) with one member, who acts as its admin here. */
async function team(s: TestServer, credits = 30): Promise<TeamActor> {
  const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: `Team ${Math.random().toString(36).slice(2, 7)}`, creditsPerCycle: credits });
  const u = await admin(s.url, 'POST', '/admin/v1/users', { email: `admin-${Math.random().toString(36).slice(2)}@cutline.test`, password: 'password-123', plan: 'teams', teamId: t.body.id });
  return { teamId: t.body.id, userId: u.body.id };
}

const hook = (s: TestServer, actor: TeamActor, url: string, fields: Partial<WebhookCreate> = {}) =>
  addWebhook(s.ctx, actor, { url, events: ['pool.low'], poolLowBelow: 50, memberNearPercent: 80, ...fields });

const deliveries = (s: TestServer, actor: TeamActor, id: string) => webhookDeliveries(s.ctx, actor.teamId, id);

describe('webhook deliveries', () => {
  let s: TestServer;
  let rx: Receiver;
  beforeAll(async () => {
    s = await startTestServer({ ...FAST, webhookAllowPrivate: true });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  it('Send test event: one POST of {type, timestamp, data}, signed so that standardwebhooks verifies it', async () => {
    const actor = await team(s);
    const wh = await hook(s, actor, rx.url);
    expect(wh.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const d = await sendTestEvent(s.ctx, actor, wh.id);
    expect(d).toMatchObject({ type: 'webhook.test', status: 'pending', attempts: 0 });
    await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].status).toBe('delivered');
    const got = rx.received.filter((r) => r.headers['webhook-id'] === d.id);
    expect(got).toHaveLength(1);
    const [r] = got;
    const verified = new Webhook(wh.secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(verified.type).toBe('webhook.test');
    expect(verified.data).toMatchObject({ teamId: actor.teamId, webhookId: wh.id });
    expect(Date.parse(verified.timestamp)).not.toBeNaN();
    expect(r.headers['content-type']).toBe('application/json');
    // Another secret does not verify it.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(r.body, r.headers as Record<string, string>)).toThrow();
    const [listed] = await deliveries(s, actor, wh.id);
    expect(listed).toMatchObject({ id: d.id, status: 'delivered', attempts: 1, lastStatus: 204, lastError: null });
    expect(listed.deliveredAt).not.toBeNull();
  });

  it('a receiver that fails is retried with backoff under the same webhook-id until it answers 2xx', async () => {
    const actor = await team(s);
    const other = await startReceiver();
    try {
      let calls = 0;
      other.answer = () => (++calls <= 2 ? 500 : 200);
      const wh = await hook(s, actor, other.url);
      const d = await sendTestEvent(s.ctx, actor, wh.id);
      await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].status, { timeout: 10_000 }).toBe('delivered');
      expect(other.received.map((r) => r.headers['webhook-id'])).toEqual([d.id, d.id, d.id]);
      // The same body every time; each attempt signed for its own timestamp, each verifying.
      expect(new Set(other.received.map((r) => r.body)).size).toBe(1);
      for (const r of other.received) expect(() => new Webhook(wh.secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
      expect((await deliveries(s, actor, wh.id))[0]).toMatchObject({ attempts: 3, lastStatus: 200, lastError: null });
    } finally {
      await other.close();
    }
  });

  it('a failed attempt is listed with its status and reason while the retries go on', async () => {
    const actor = await team(s);
    const other = await startReceiver(() => 503);
    try {
      const wh = await hook(s, actor, other.url);
      await sendTestEvent(s.ctx, actor, wh.id);
      await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].attempts).toBeGreaterThanOrEqual(2);
      expect((await deliveries(s, actor, wh.id))[0]).toMatchObject({ status: 'pending', lastStatus: 503, lastError: 'the receiver answered 503' });
    } finally {
      await other.close();
    }
  });

  it('a receiver that never answers is cut at the time limit (attempts go on), then delivered once it answers', async () => {
    const actor = await team(s);
    const other = await startReceiver(() => 'hang');
    try {
      const wh = await hook(s, actor, other.url);
      const d = await sendTestEvent(s.ctx, actor, wh.id);
      await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect((await deliveries(s, actor, wh.id))[0]).toMatchObject({ status: 'pending', lastStatus: null, lastError: 'no answer within 0.3 s' });
      // Meanwhile another subscription's event is not held up by the hanging one.
      const quick = await hook(s, actor, rx.url);
      await sendTestEvent(s.ctx, actor, quick.id);
      await expect.poll(async () => (await deliveries(s, actor, quick.id))[0].status, { timeout: 10_000 }).toBe('delivered');
      other.answer = () => 200;
      await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].status, { timeout: 10_000 }).toBe('delivered');
      expect(new Set(other.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.id]));
    } finally {
      await other.close();
    }
  });

  it('pool.low fires when an expiry takes the pool below the threshold — once per team cycle; pool.expiring once per batch', async () => {
    const actor = await team(s, 30);
    const low = await hook(s, actor, rx.url, { events: ['pool.low'], poolLowBelow: 50 });
    const expiring = await hook(s, actor, rx.url, { events: ['pool.expiring'] });
    const soon = () => new Date(Date.now() + 1500).toISOString();
    const g1 = await admin(s.url, 'POST', '/admin/v1/grants', { teamId: actor.teamId, type: 'subscription', amount: 100, expiresAt: soon(), source: 'test' });
    expect(g1.status).toBe(201);
    await expect.poll(async () => (await deliveries(s, actor, low.id)).length, { timeout: 15_000 }).toBe(1);
    const [first] = await deliveries(s, actor, low.id);
    expect(first.type).toBe('pool.low');
    await expect.poll(async () => (await deliveries(s, actor, low.id))[0].status).toBe('delivered');
    const body = JSON.parse(rx.received.find((r) => r.headers['webhook-id'] === first.id)!.body);
    expect(body).toMatchObject({ type: 'pool.low', data: { teamId: actor.teamId, remaining: 30, poolLowBelow: 50 } });
    // The same crossing again in this cycle: a second batch expires, the pool falls below 50 again — nothing sent.
    const g2 = await admin(s.url, 'POST', '/admin/v1/grants', { teamId: actor.teamId, type: 'subscription', amount: 100, expiresAt: soon(), source: 'test' });
    await expect.poll(() => s.ctx.db.read((tx) => tx.get('SELECT remaining FROM batches WHERE id = ?', [g2.body.id])).then((r) => Number(r?.remaining)), { timeout: 15_000 }).toBe(0);
    expect(await deliveries(s, actor, low.id)).toHaveLength(1);
    // pool.expiring: each of the two batches once (the cycle's own batch expires in 30 days: not yet), however many sweeps ran.
    const exp = await deliveries(s, actor, expiring.id);
    expect(exp.map((d) => d.type)).toEqual(['pool.expiring', 'pool.expiring']);
    const bodies = () => exp.map((d) => rx.received.find((r) => r.headers['webhook-id'] === d.id)).filter((r) => r !== undefined);
    await expect.poll(() => bodies().length).toBe(2);
    expect(new Set(bodies().map((r) => JSON.parse(r.body).data.batchId))).toEqual(new Set([g1.body.id, g2.body.id]));
  });
});

describe('webhook URLs: only public addresses, checked again at delivery', () => {
  let s: TestServer;
  let rx: Receiver;
  /** The test's DNS: names and what they resolve to now. */
  const dns = new Map<string, string[]>();
  beforeAll(async () => {
    s = await startTestServer({
      ...FAST,
      resolveHost: async (host) => {
        const a = dns.get(host);
        if (!a) throw new Error('ENOTFOUND');
        return a;
      },
    });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  const refusal = async (url: string) => {
    const actor = await team(s);
    try {
      await hook(s, actor, url);
    } catch (e) {
      return { status: (e as ServiceError).status, message: (e as Error).message };
    }
    return null;
  };

  it.each([
    ['http://127.0.0.1:9/hook', 'must be https:'],
    ['https://127.0.0.1/hook', '127.0.0.1 is not a public address (loopback)'],
    ['https://10.1.2.3/hook', '(private)'],
    ['https://192.168.0.10/hook', '(private)'],
    ['https://169.254.169.254/latest', '(linkLocal)'],
    ['https://100.64.0.1/hook', '(carrierGradeNat)'],
    ['https://224.0.0.1/hook', '(multicast)'],
    ['https://0.0.0.0/hook', '(unspecified)'],
    ['https://240.0.0.1/hook', '(reserved)'],
    ['https://[::1]/hook', '(loopback)'],
    ['https://[fd00::1]/hook', '(uniqueLocal)'],
    ['https://[fe80::1]/hook', '(linkLocal)'],
    ['https://[::ffff:127.0.0.1]/hook', '(ipv4Mapped)'],
    ['https://[::ffff:8.8.8.8]/hook', '(ipv4Mapped)'],
    ['https://2130706433/hook', '127.0.0.1 is not a public address'], // 127.0.0.1 written as one number
    ['https://user:pw@hooks.example.test/hook', 'must not carry a user name or password'],
    ['ftp://hooks.example.test/hook', 'must be https:'],
    ['https://nowhere.example.test/hook', 'does not resolve'],
  ])('%s is refused (400)', async (url, why) => {
    const r = await refusal(url);
    expect(r?.status).toBe(400);
    expect(r?.message).toContain(why);
  });

  it('a name that resolves to 127.0.0.1 is refused, as is one with any private address among its answers', async () => {
    dns.set('loop.example.test', ['127.0.0.1']);
    dns.set('mixed.example.test', ['93.184.215.14', '10.0.0.7']);
    dns.set('v6loop.example.test', ['::1']);
    expect((await refusal('https://loop.example.test/hook'))?.message).toBe('url: "loop.example.test" resolves to 127.0.0.1, which is not a public address (loopback)');
    expect((await refusal('https://mixed.example.test/hook'))?.message).toContain('10.0.0.7, which is not a public address (private)');
    expect((await refusal('https://v6loop.example.test/hook'))?.message).toContain('(loopback)');
  });

  it('DNS rebinding: public when added, 127.0.0.1 at delivery — refused, nothing reaches 127.0.0.1', async () => {
    const actor = await team(s);
    dns.set('rebind.example.test', ['93.184.215.14']);
    const wh = await hook(s, actor, `https://rebind.example.test:${rx.port}/hook`);
    dns.set('rebind.example.test', ['127.0.0.1']); // before anything is sent
    await sendTestEvent(s.ctx, actor, wh.id);
    await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].attempts).toBeGreaterThanOrEqual(2);
    expect((await deliveries(s, actor, wh.id))[0]).toMatchObject({
      status: 'pending',
      lastStatus: null,
      lastError: 'not sent: "rebind.example.test" resolves to 127.0.0.1, which is not a public address (loopback)',
    });
    expect(rx.connections()).toBe(0);
  });
});

describe('deliveries survive a restart', () => {
  it('an event queued before the service stopped is delivered by the next start, with the same webhook-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-wh-restart-'));
    const db = onPostgres ? await createDatabase() : join(dir, 'credits.db');
    const rx = await startReceiver(() => 503);
    try {
      let s = await startTestServer({ ...FAST, webhookAllowPrivate: true, db });
      const actor = await team(s);
      const wh = await hook(s, actor, rx.url);
      const d = await sendTestEvent(s.ctx, actor, wh.id);
      await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].attempts).toBeGreaterThanOrEqual(1);
      await s.close();
      rx.answer = () => 200;
      s = await startTestServer({ ...FAST, webhookAllowPrivate: true, db });
      try {
        await expect.poll(async () => (await deliveries(s, actor, wh.id))[0].status, { timeout: 10_000 }).toBe('delivered');
        expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([d.id]));
      } finally {
        await s.close();
      }
    } finally {
      await rx.close();
      if (onPostgres) await dropDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(onPostgres)('two instances on one PostgreSQL database', () => {
  it('deliveries are made by one instance at a time: every event exactly once', async () => {
    const db = await createDatabase();
    const rx = await startReceiver(() => 200);
    const a = await startTestServer({ ...FAST, webhookAllowPrivate: true, db });
    const b = await startTestServer({ ...FAST, webhookAllowPrivate: true, db });
    try {
      const actor = await team(a);
      const wh = await hook(a, actor, rx.url);
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) sent.push((await sendTestEvent(i % 2 ? a.ctx : b.ctx, actor, wh.id)).id);
      await expect.poll(async () => (await deliveries(a, actor, wh.id)).filter((d) => d.status === 'delivered').length, { timeout: 20_000 }).toBe(20);
      const ids = rx.received.map((r) => String(r.headers['webhook-id']));
      expect(ids.sort()).toEqual([...sent].sort());
      const leaders = [await scrape(a.url), await scrape(b.url)].map((m) => m.value('cutline_job_leader', { job: 'outbox:webhook' }));
      expect(leaders.sort()).toEqual([0, 1]);
    } finally {
      await a.close();
      await b.close();
      await rx.close();
      await dropDatabase(db);
    }
  });
});
