/**
 * A member's limit on the team pool and the consent cap, as the charge engine enforces them
 * (docs/api.md § Teams): the hold's own decision, in the hold's transaction; the counters `used`
 * and `held` moved by every hold, capture, release and lapsed hold; the snapshot's `limit` and
 * capped `total`; the 402's `reason`; and each change pushed to the member's streams. On the store
 * the run uses — on PostgreSQL through two instances of the service on one database (holds through
 * one, reads and streams through the other).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { admin, call, desktop, grant, newKey } from '../helpers/client';
import { startTestServer } from '../helpers/server';
import { openSse, type SseClient } from '../helpers/sse';
import { expectBooksBalanced } from '../helpers/audit';
import { person, teamOf, useTeamServers, type Person } from '../helpers/teams';
import { sweepOnce } from '../../src/service/sweeper';

/** `a` takes the changes, `b` answers the reads and holds the streams: two instances on PostgreSQL, one on SQLite. */
const srv = useTeamServers();
const DAY = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();

const streams: SseClient[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});

/** A team (pool of `pool` credits) with an owner and a member whose limit is `limit`. */
async function limited(pool: number, limit: number | null, base = srv.a.url) {
  const t = await teamOf(base, pool, ['owner', undefined]);
  const [owner, member] = t.people;
  const r = await call(base, 'PUT', `/v1/team/members/${member.id}/limit`, { token: owner.token, body: { credits: limit } });
  expect(r.status).toBe(200);
  return { ...t, owner, member };
}

const hold = (p: Person, tool: string, extra: Record<string, unknown> = {}, base = srv.a.url, key = newKey()) =>
  call(base, 'POST', '/v1/charges', { token: p.token, body: { tool, quantity: 1, device: desktop, ...extra }, headers: { 'idempotency-key': key } });
const quote = (p: Person, tool: string, extra: Record<string, unknown> = {}) => call(srv.b.url, 'POST', '/v1/quotes', { token: p.token, body: { tool, ...extra } });
const balance = async (p: Person) => (await call(srv.b.url, 'GET', '/v1/balance', { token: p.token })).body;
const capture = (p: Person, id: string) => call(srv.a.url, 'POST', `/v1/charges/${id}/capture`, { token: p.token });
const release = (p: Person, id: string) => call(srv.b.url, 'POST', `/v1/charges/${id}/release`, { token: p.token, body: { reason: 'failed' } });
const myLimit = async (p: Person) => (await call(srv.b.url, 'GET', '/v1/team', { token: p.token })).body.members[0].limit;

describe('the limit in the hold', () => {
  it('holds count against the limit; the one that would pass it is a 402 with reason member_limit and holds nothing', async () => {
    const t = await limited(300, 40);
    expect((await hold(t.member, 'ai-portrait')).status).toBe(201);
    expect((await hold(t.member, 'ai-portrait', {}, srv.b.url)).status).toBe(201);
    const refused = await hold(t.member, 'ai-portrait');
    expect(refused.status).toBe(402);
    expect(refused.body).toMatchObject({ error: 'insufficient_credits', reason: 'member_limit', cost: 15, available: 10, message: expect.stringContaining('limit') });
    expect(await myLimit(t.member)).toEqual({ credits: 40, used: 0, held: 30, remaining: 10 });
    // what fits is still held: 8 of the 10 left
    expect((await hold(t.member, 'smart-cutout')).status).toBe(201);
    expect(await myLimit(t.member)).toEqual({ credits: 40, used: 0, held: 38, remaining: 2 });
    // the pool itself is untouched by the refusal: 300 − 38
    expect((await call(srv.b.url, 'GET', '/v1/team', { token: t.owner.token })).body.pool).toEqual({ remaining: 262, held: 38 });
  });

  it('the snapshot carries the limit; total and byType.subscription count only what is left of it; batches keep the pool\'s own remaining', async () => {
    const t = await limited(300, 100);
    await grant(srv.a.url, t.member.id, 'activity', 7, inDays(7));
    const h = await hold(t.member, 'ai-portrait');
    expect(h.body.balance).toMatchObject({ limit: { credits: 100, used: 0, held: 15, remaining: 85 }, total: 85 + 7, byType: { subscription: 85, activity: 7 }, held: 15 });
    const pool = h.body.balance.batches.find((x: any) => x.scope === 'team');
    expect(pool.remaining).toBe(285);
    const s = await balance(t.member);
    expect(s).toMatchObject({ limit: { remaining: 85 }, total: 92 });
    // the owner has no limit: the whole pool counts, and the snapshot says null
    expect(await balance(t.owner)).toMatchObject({ limit: null, total: 285, byType: { subscription: 285 } });
  });

  it('the rest of a cost past the limit comes from the member\'s own activity, then purchased credits', async () => {
    const t = await limited(300, 10);
    await grant(srv.a.url, t.member.id, 'purchased', 50, inDays(300));
    await grant(srv.a.url, t.member.id, 'activity', 3, inDays(7));
    const h = await hold(t.member, 'ai-portrait');
    expect(h.status).toBe(201);
    expect(h.body.charge.allocation.map((p: any) => [p.type, p.amount])).toEqual([
      ['subscription', 10],
      ['activity', 3],
      ['purchased', 2],
    ]);
    expect(h.body.balance.limit).toEqual({ credits: 10, used: 0, held: 10, remaining: 0 });
    expect(h.body.balance).toMatchObject({ total: 48, byType: { subscription: 0, activity: 0, purchased: 48 } });
    // captured: used, no longer held
    const c = await capture(t.member, h.body.charge.id);
    expect(c.body.balance.limit).toEqual({ credits: 10, used: 10, held: 0, remaining: 0 });
  });

  it('a 402 says insufficient when even without the limit there is not enough', async () => {
    const t = await limited(10, 100);
    const r = await hold(t.member, 'ai-portrait');
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ reason: 'insufficient', cost: 15, available: 10 });
  });

  it('a limit of 0 lets nothing from the pool; removing the limit lets the pool again', async () => {
    const t = await limited(300, 0);
    expect((await hold(t.member, 'auto-captions')).body).toMatchObject({ reason: 'member_limit', available: 0 });
    expect(await balance(t.member)).toMatchObject({ total: 0, limit: { credits: 0, remaining: 0 } });
    await call(srv.a.url, 'PUT', `/v1/team/members/${t.member.id}/limit`, { token: t.owner.token, body: { credits: null } });
    expect((await hold(t.member, 'auto-captions')).status).toBe(201);
  });

  it('release frees the held credits; a capture moves them to used; the quote gives the hold\'s decision', async () => {
    const t = await limited(300, 30);
    const h1 = await hold(t.member, 'ai-portrait');
    const h2 = await hold(t.member, 'ai-portrait');
    expect(await quote(t.member, 'auto-captions')).toMatchObject({ body: { covered: false, cost: 3, balance: { limit: { remaining: 0 } } } });
    expect((await release(t.member, h1.body.charge.id)).body.balance.limit).toEqual({ credits: 30, used: 0, held: 15, remaining: 15 });
    expect((await capture(t.member, h2.body.charge.id)).body.balance.limit).toEqual({ credits: 30, used: 15, held: 0, remaining: 15 });
    expect((await quote(t.member, 'ai-portrait')).body).toMatchObject({ covered: true, plan: [{ type: 'subscription', amount: 15 }] });
    expect((await quote(t.member, 'ai-image')).body).toMatchObject({ covered: false });
  });
});

describe('consent for personal credits (personalCap)', () => {
  it('a hold that needs more of the caller\'s own credits than personalCap → 402 personal_cap, nothing held', async () => {
    const t = await limited(300, 10);
    await grant(srv.a.url, t.member.id, 'activity', 20, inDays(7));
    // the limit leaves 10 from the pool: 5 of their own are needed
    expect((await quote(t.member, 'ai-portrait', { personalCap: 4 })).body).toMatchObject({ covered: false });
    expect((await quote(t.member, 'ai-portrait', { personalCap: 5 })).body).toMatchObject({ covered: true, plan: [{ amount: 10 }, { type: 'activity', amount: 5 }] });
    // a teammate (the owner, no limit) drains the pool between the quote and the hold: 15 of their own would be needed
    for (let i = 0; i < 3; i++) expect((await hold(t.owner, 'script-to-video', {}, srv.b.url)).status).toBe(201);
    for (let i = 0; i < 6; i++) expect((await hold(t.owner, 'remove-background')).status).toBe(201);
    expect((await call(srv.b.url, 'GET', '/v1/team', { token: t.owner.token })).body.pool.remaining).toBe(90);
    for (let i = 0; i < 18; i++) expect((await hold(t.owner, 'remove-background')).status).toBe(201);
    expect((await call(srv.b.url, 'GET', '/v1/team', { token: t.owner.token })).body.pool.remaining).toBe(0);

    const before = await balance(t.member);
    const r = await hold(t.member, 'ai-portrait', { personalCap: 5 });
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ error: 'insufficient_credits', reason: 'personal_cap', cost: 15, available: 5 });
    const after = await balance(t.member);
    expect(after).toMatchObject({ version: before.version, held: 0, byType: { activity: 20 } });
    // with consent for 15, it holds from their own credits
    const ok = await hold(t.member, 'ai-portrait', { personalCap: 15 });
    expect(ok.status).toBe(201);
    expect(ok.body.charge.allocation).toEqual([expect.objectContaining({ type: 'activity', amount: 15 })]);
    expect(ok.body.balance.limit).toEqual({ credits: 10, used: 0, held: 0, remaining: 10 });
  });

  it('applies to any account, in or out of a team; 0 means the pool only; the cap is part of the request an Idempotency-Key stands for', async () => {
    const t = await limited(300, null);
    await grant(srv.a.url, t.member.id, 'purchased', 100, inDays(300));
    const fromPool = await hold(t.member, 'ai-portrait', { personalCap: 0 });
    expect(fromPool.status).toBe(201);
    expect(fromPool.body.charge.allocation).toEqual([expect.objectContaining({ type: 'subscription', amount: 15 })]);

    // outside a team every credit is the caller's own
    const solo = await person(srv.a.url);
    await grant(srv.a.url, solo.id, 'purchased', 100, inDays(300));
    expect((await hold(solo, 'ai-portrait', { personalCap: 14 })).body).toMatchObject({ reason: 'personal_cap', available: 14 });
    expect((await hold(solo, 'ai-portrait', { personalCap: 15 })).status).toBe(201);
    expect((await hold(solo, 'ai-portrait')).status).toBe(201);

    const key = newKey();
    const first = await hold(t.member, 'auto-captions', { personalCap: 3 }, srv.a.url, key);
    expect(first.status).toBe(201);
    expect((await hold(t.member, 'auto-captions', { personalCap: 3 }, srv.b.url, key)).status).toBe(200);
    expect((await hold(t.member, 'auto-captions', { personalCap: 4 }, srv.b.url, key)).status).toBe(422);
    expect((await hold(t.member, 'auto-captions', {}, srv.a.url, key)).status).toBe(422);

    // bad caps are 400s
    for (const personalCap of [-1, 1.5, '3', 1_000_000_001]) {
      const r = await hold(t.member, 'auto-captions', { personalCap });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('personalCap') });
      expect((await quote(t.member, 'auto-captions', { personalCap })).status).toBe(400);
    }
  });
});

describe('pushes', () => {
  it('the member\'s streams see each hold, capture and release with the limit\'s numbers; a limit change at once', async () => {
    const t = await limited(300, 50);
    const s = await openSse(srv.b.url, t.member.token);
    streams.push(s);
    await s.waitFor((e) => e.event === 'balance');
    const h = await hold(t.member, 'ai-portrait');
    const onHold = await s.waitFor((e) => JSON.parse(e.data).cause.chargeId === h.body.charge.id);
    expect(JSON.parse(onHold.data).balance.limit).toEqual({ credits: 50, used: 0, held: 15, remaining: 35 });
    await capture(t.member, h.body.charge.id);
    await s.waitFor((e) => JSON.parse(e.data).cause.kind === 'capture' && JSON.parse(e.data).balance.limit?.used === 15);
    await call(srv.a.url, 'PUT', `/v1/team/members/${t.member.id}/limit`, { token: t.owner.token, body: { credits: 20 } });
    const changed = await s.waitFor((e) => JSON.parse(e.data).cause.kind === 'limit');
    expect(JSON.parse(changed.data).balance).toMatchObject({ limit: { credits: 20, used: 15, held: 0, remaining: 5 }, total: 5 });
  });
});

describe('the sweeper and the team cycle', () => {
  it('a lapsed hold released by the sweep frees its held credits; a new team cycle starts used at 0 and keeps open holds held', async () => {
    let offset = 0;
    const s = await startTestServer({ sweepMs: 600_000, holdTtlMs: 60_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
    try {
      const t = await limited(1000, 100, s.url);
      const h = () => call(s.url, 'POST', '/v1/charges', { token: t.member.token, body: { tool: 'ai-portrait', quantity: 1, device: desktop }, headers: { 'idempotency-key': newKey() } });
      const lim = async () => (await call(s.url, 'GET', '/v1/team', { token: t.member.token })).body.members[0].limit;
      const c1 = await h();
      expect((await call(s.url, 'POST', `/v1/charges/${c1.body.charge.id}/capture`, { token: t.member.token })).status).toBe(200);
      await h(); // will lapse
      expect(await lim()).toEqual({ credits: 100, used: 15, held: 15, remaining: 70 });
      offset = 2 * 60_000;
      await sweepOnce(s.ctx);
      expect(await lim()).toEqual({ credits: 100, used: 15, held: 0, remaining: 85 });

      // an operator renews the team's cycle while a hold is open: used 0, the hold still counts
      expect((await h()).status).toBe(201);
      expect((await admin(s.url, 'POST', `/admin/v1/users/${t.owner.id}/renew`)).status).toBe(200);
      expect(await lim()).toEqual({ credits: 100, used: 0, held: 15, remaining: 85 });

      // the cycle ends unrenewed: the sweep releases the lapsed hold and starts the next cycle
      const c2 = await h();
      await call(s.url, 'POST', `/v1/charges/${c2.body.charge.id}/capture`, { token: t.member.token });
      expect(await lim()).toEqual({ credits: 100, used: 15, held: 15, remaining: 70 });
      offset = 45 * DAY;
      await sweepOnce(s.ctx);
      expect(await lim()).toEqual({ credits: 100, used: 0, held: 0, remaining: 100 });
      await expectBooksBalanced(s.url);
    } finally {
      await s.close();
    }
  });
});
