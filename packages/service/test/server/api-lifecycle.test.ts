import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exchangeProUses } from '../../src/service/accounts/exchange';
import { sweepOnce } from '../../src/service/sweeper';
import { startTestServer } from '../helpers/server';
import { call, charge, grant, newUser, signIn } from '../helpers/client';
import { openSse } from '../helpers/sse';
import { startProcess } from '../helpers/process';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the service as a process', () => {
  it('prints the ready line, stops cleanly on SIGTERM, and restarts with its data intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-proc-'));
    dirs.push(dir);
    const env = { PORT: '0', CUTLINE_DB: join(dir, 'credits.db'), CUTLINE_SEED: 'demo', CUTLINE_ADMIN_TOKEN: 'process-admin-token-123456' };
    const a = await startProcess(env);
    const t = await signIn(a.url, 'pro@cutline.test');
    const h = await charge(a.url, t.access_token, 'ai-portrait');
    await call(a.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t.access_token });
    const held = await charge(a.url, t.access_token, 'auto-captions'); // still held across the restart
    const before = (await call(a.url, 'GET', '/v1/balance', { token: t.access_token })).body;
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);

    const b = await startProcess(env);
    try {
      const t2 = await signIn(b.url, 'pro@cutline.test'); // seeding again did not duplicate the account
      const after = (await call(b.url, 'GET', '/v1/balance', { token: t2.access_token })).body;
      expect(after).toEqual(before);
      expect(after.total).toBe(355 - 15 - 3);
      const c = await call(b.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token: t2.access_token });
      expect(c.body.charge.status).toBe('captured');
    } finally {
      b.proc.kill('SIGTERM');
      await b.exited;
    }
  });

  it('refuses to start with a bad environment, saying why', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => proc.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/PORT/);
  });
});

describe('time: holds and batches that run out', () => {
  it('a hold that is neither captured nor released in time is released by itself', async () => {
    const s = await startTestServer({ holdTtlMs: 1000, sweepMs: 100 });
    try {
      const u = await newUser(s.url);
      const t = u.tokens.access_token;
      await grant(s.url, u.id, 'purchased', 50, null);
      const sse = await openSse(s.url, t);
      const h = await charge(s.url, t, 'ai-image');
      const released = await sse.waitFor((e) => JSON.parse(e.data).cause.kind === 'release', 15_000);
      expect(JSON.parse(released.data).balance).toMatchObject({ total: 50, held: 0 });
      sse.close();
      const c = await call(s.url, 'GET', `/v1/charges/${h.body.charge.id}`, { token: t });
      expect(c.body).toMatchObject({ status: 'expired', releaseReason: 'expired' });
      const late = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: t });
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ error: 'conflict', reason: 'hold_expired' });
    } finally {
      await s.close();
    }
  });

  it('an expired batch stops counting at its expiry instant, before any sweep; the sweep then records it', async () => {
    let offset = 0;
    const s = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
    try {
      const u = await newUser(s.url);
      const t = u.tokens.access_token;
      await grant(s.url, u.id, 'activity', 30, new Date(Date.now() + DAY).toISOString());
      await grant(s.url, u.id, 'purchased', 10, null);
      expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body.total).toBe(40);
      offset = DAY + 1000;
      const b = (await call(s.url, 'GET', '/v1/balance', { token: t })).body;
      expect(b).toMatchObject({ total: 10, byType: { activity: 0, purchased: 10 } });
      expect(b.batches).toHaveLength(1);
      expect((await charge(s.url, t, 'ai-image')).status).toBe(402); // 20 > 10: the expired 30 are never spent
      await sweepOnce(s.ctx);
      const entries = (await call(s.url, 'GET', '/v1/ledger', { token: t })).body.entries;
      expect(entries[0]).toMatchObject({ kind: 'expire', amount: 30, type: 'activity' });
      await sweepOnce(s.ctx); // idempotent
      expect((await call(s.url, 'GET', '/v1/ledger', { token: t })).body.entries.length).toBe(entries.length);
    } finally {
      await s.close();
    }
  });

  it('a refund into a batch that expired meanwhile expires with it (release + expire), never resurrecting it', async () => {
    let offset = 0;
    const s = await startTestServer({ sweepMs: 600_000, holdTtlMs: 7 * DAY, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
    try {
      const u = await newUser(s.url);
      const t = u.tokens.access_token;
      await grant(s.url, u.id, 'activity', 5, new Date(Date.now() + DAY).toISOString());
      await grant(s.url, u.id, 'purchased', 10, null);
      const h = await charge(s.url, t, 'smart-cutout'); // 8 = 5 activity + 3 purchased
      offset = 2 * DAY;
      const r = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/release`, { token: t, body: { reason: 'failed' } });
      expect(r.status).toBe(200);
      expect(r.body.balance).toMatchObject({ total: 10, held: 0, byType: { activity: 0, purchased: 10 } });
      const kinds = (await call(s.url, 'GET', '/v1/ledger', { token: t })).body.entries.slice(0, 3).map((e: any) => `${e.kind}:${e.type}:${e.amount}`);
      expect(kinds).toEqual(['expire:activity:5', 'release:purchased:3', 'release:activity:5']);
    } finally {
      await s.close();
    }
  });

  it('billing cycles roll by themselves when they end', async () => {
    let offset = 0;
    const s = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
    try {
      const u = await newUser(s.url, { plan: 'pro' });
      const t = u.tokens.access_token;
      const me = (await call(s.url, 'GET', '/v1/me', { token: t })).body;
      offset = 31 * DAY;
      expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body.total).toBe(0); // old cycle ended
      await sweepOnce(s.ctx);
      const after = (await call(s.url, 'GET', '/v1/me', { token: t })).body;
      expect(Date.parse(after.cycleEndsAt)).toBe(Date.parse(me.cycleEndsAt) + 30 * DAY);
      expect((await call(s.url, 'GET', '/v1/balance', { token: t })).body.byType.subscription).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('the Pro-uses exchange (the ledger operation behind the web page)', () => {
  it('turns 50 Pro uses into 40 subscription credits until the cycle ends, once, and pushes it', async () => {
    const s = await startTestServer();
    try {
      const t = await signIn(s.url, 'prouses@cutline.test');
      const me = (await call(s.url, 'GET', '/v1/me', { token: t.access_token })).body;
      const sse = await openSse(s.url, t.access_token);
      await sse.waitFor(() => true);
      const r = await exchangeProUses(s.ctx, me.id);
      expect(r).toMatchObject({ proUses: 50, credits: 40, validUntil: me.cycleEndsAt });
      const ev = JSON.parse((await sse.waitFor((e) => JSON.parse(e.data).cause.kind === 'exchange')).data);
      expect(ev.balance).toMatchObject({ total: 40, proUses: null, byType: { subscription: 40 } });
      expect(ev.balance.batches[0]).toMatchObject({ source: 'exchange', expiresAt: me.cycleEndsAt });
      sse.close();
      const after = (await call(s.url, 'GET', '/v1/me', { token: t.access_token })).body;
      expect(after).toMatchObject({ exchanged: true, proUses: null });
      await expect(exchangeProUses(s.ctx, me.id)).rejects.toMatchObject({ code: 'conflict', status: 409 });
      // from now on AI tools take credits
      const h = await charge(s.url, t.access_token, 'ai-portrait');
      expect(h.body.charge).toMatchObject({ usesProUse: false, cost: 15 });
      // the next cycle grants subscription credits instead of Pro uses
      const { admin } = await import('../helpers/client');
      await admin(s.url, 'POST', `/admin/v1/users/${me.id}/renew`);
      const b = (await call(s.url, 'GET', '/v1/balance', { token: t.access_token })).body;
      expect(b).toMatchObject({ proUses: null, byType: { subscription: 200 } });
      // an account without Pro uses cannot exchange
      const free = (await call(s.url, 'GET', '/v1/me', { token: (await signIn(s.url, 'free@cutline.test')).access_token })).body;
      await expect(exchangeProUses(s.ctx, free.id)).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      await s.close();
    }
  });
});
