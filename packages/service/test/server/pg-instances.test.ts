/**
 * Two service instances on one PostgreSQL database, as behind a load balancer: concurrent
 * charges split across both never overspend, and a change committed through one instance
 * reaches SSE clients of the other — every version, in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDb } from '../../src/db/postgres';
import { call, charge, grant, newUser } from '../helpers/client';
import { createDatabase, dropDatabase, withClient } from '../helpers/pg';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { expectBooksBalanced } from '../helpers/audit';
import { teamOf } from '../helpers/teams';
import { chargeEngine } from '../../src/service/charges/engine';

let url: string;
let a: TestServer;
let b: TestServer;
/** Committed batch sizes of both instances' charge engines, from the start. */
const batches: number[] = [];
const DAY = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();

beforeAll(async () => {
  url = await createDatabase();
  a = await startTestServer({ db: url }); // migrates and seeds
  b = await startTestServer({ db: url }); // finds both done
  for (const s of [a, b]) chargeEngine(s.ctx.db).observer = { batch: (size, _ms, committed) => void (committed && batches.push(size)) };
});
// After every test: the books add up, seen from either instance.
afterEach(async () => {
  await expectBooksBalanced(a.url);
  await expectBooksBalanced(b.url);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await dropDatabase(url);
});

describe('two instances on one database', () => {
  it('both run on PostgreSQL, each with its own LISTEN connection', () => {
    for (const s of [a, b]) {
      expect(s.ctx.db.kind).toBe('postgres');
      expect((s.ctx.db as PostgresDb).relayStats()).toMatchObject({ connected: true });
    }
    expect((a.ctx.db as PostgresDb).instanceId).not.toBe((b.ctx.db as PostgresDb).instanceId);
  });

  it('200 parallel charges split across both against a balance covering 100: exactly 100 succeed, B sees every version A produced, in order', async () => {
    const u = await newUser(a.url);
    // 300 credits in three batches (auto-captions costs 3): some charges straddle two batches.
    await grant(a.url, u.id, 'subscription', 100, inDays(30));
    await grant(a.url, u.id, 'activity', 100, inDays(7));
    await grant(b.url, u.id, 'purchased', 100, inDays(700));
    const token = u.tokens.access_token;
    const from = batches.length;

    const sse = await openSse(b.url, token);
    const first = await sse.waitFor((e) => e.event === 'balance');
    const v0 = Number(first.id);
    expect(JSON.parse(first.data).balance.total).toBe(300);

    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const s = i % 2 === 0 ? a : b;
        return charge(s.url, token, 'auto-captions').then((r) => ({ via: s, ...r }));
      }),
    );
    const ok = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status === 402);
    expect(ok).toHaveLength(100);
    expect(refused).toHaveLength(100);
    for (const r of refused) expect(r.body).toMatchObject({ error: 'insufficient_credits', cost: 3 });
    // Both instances did part of the work, in batches.
    expect(ok.filter((r) => r.via === a).length).toBeGreaterThan(0);
    expect(ok.filter((r) => r.via === b).length).toBeGreaterThan(0);
    expect(Math.max(...batches.slice(from))).toBeGreaterThan(1);

    // Every successful hold is its own version, through whichever instance took it.
    const versions = ok.map((r) => r.body.balance.version as number).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => v0 + 1 + i));

    const bal = await call(b.url, 'GET', '/v1/balance', { token });
    expect(bal.body).toMatchObject({ version: v0 + 100, total: 0, held: 300 });

    const rows = await withClient(url, async (c) => ({
      batches: (await c.query('SELECT remaining FROM batches WHERE owner_id = $1', [u.id])).rows.map((r) => Number(r.remaining)),
      allocated: Number((await c.query('SELECT COALESCE(SUM(a.amount), 0) AS s FROM allocations a JOIN charges ch ON ch.id = a.charge_id WHERE ch.user_id = $1', [u.id])).rows[0].s),
      held: Number((await c.query("SELECT COUNT(*) AS n FROM charges WHERE user_id = $1 AND status = 'held'", [u.id])).rows[0].n),
    }));
    expect(rows).toEqual({ batches: [0, 0, 0], allocated: 300, held: 100 });

    // Then a tail only A produces (B's own commits cannot reveal these by gap-filling): 5 releases.
    const released = [];
    for (const r of ok.slice(0, 5)) {
      const rel = await call(a.url, 'POST', `/v1/charges/${r.body.charge.id}/release`, { token, body: { reason: 'failed' } });
      expect(rel.status).toBe(200);
      released.push(rel);
    }
    const last = v0 + 105;
    expect(released.at(-1)!.body.balance).toMatchObject({ version: last, total: 15, held: 285 });

    // The SSE client on B: every version from the snapshot on, each once, in order.
    await sse.waitFor((e) => Number(e.id) === last, 5000);
    const ids = sse.events.filter((e) => e.event === 'balance').map((e) => Number(e.id));
    expect(ids).toEqual(Array.from({ length: 106 }, (_, i) => v0 + i));
    const answeredByA = [...ok.filter((r) => r.via === a), ...released].map((r) => r.body.balance);
    expect(answeredByA.length).toBeGreaterThan(5);
    for (const balance of answeredByA) {
      const pushed = JSON.parse(sse.events.find((x) => Number(x.id) === balance.version)!.data);
      // The snapshot pushed on B is the one A answered with.
      expect(pushed.balance).toEqual(balance);
      expect(['hold', 'release']).toContain(pushed.cause.kind);
    }
    sse.close();
  });

  it('1,000 concurrent charges split across both against a balance covering 300: exactly 300 hold, none overspends', async () => {
    const u = await newUser(a.url);
    await grant(a.url, u.id, 'activity', 450, inDays(7));
    await grant(b.url, u.id, 'purchased', 450, null);
    const token = u.tokens.access_token;
    const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => charge((i % 2 ? a : b).url, token, 'auto-captions')));
    const ok = replies.filter((r) => r.status === 201);
    expect(ok).toHaveLength(300);
    expect(replies.filter((r) => r.status === 402)).toHaveLength(700);
    const versions = ok.map((r) => r.body.balance.version as number).sort((x, y) => x - y);
    expect(versions.every((v, i) => i === 0 || v === versions[i - 1] + 1)).toBe(true);
    expect((await call(a.url, 'GET', '/v1/balance', { token })).body).toMatchObject({ total: 0, held: 900 });
    const settled = await Promise.all(ok.map((r, i) => call((i % 2 ? b : a).url, 'POST', `/v1/charges/${r.body.charge.id}/capture`, { token })));
    expect(settled.every((r) => r.status === 200)).toBe(true);
    expect((await call(b.url, 'GET', '/v1/balance', { token })).body).toMatchObject({ total: 0, held: 0 });
  }, 120_000); // 1,000 requests on a shared machine

  it('a member\'s limit holds across both: 40 parallel holds of 15 against a limit of 100 → exactly 6 held, the rest 402 member_limit', async () => {
    const t = await teamOf(a.url, 1000, ['owner', undefined]);
    const [owner, member] = t.people;
    expect((await call(b.url, 'PUT', `/v1/team/members/${member.id}/limit`, { token: owner.token, body: { credits: 100 } })).status).toBe(200);
    const from = batches.length;

    // The owner (no limit) spends from the same pool at the same time, through both instances.
    const replies = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => charge((i % 2 === 0 ? a : b).url, member.token, 'ai-portrait').then((r) => ({ mine: true, ...r }))),
      ...Array.from({ length: 10 }, (_, i) => charge((i % 2 === 0 ? b : a).url, owner.token, 'auto-captions').then((r) => ({ mine: false, ...r }))),
    ]);
    const mine = replies.filter((r) => r.mine);
    expect(mine.filter((r) => r.status === 201)).toHaveLength(6);
    const refused = mine.filter((r) => r.status === 402);
    expect(mine.filter((r) => r.status !== 201 && r.status !== 402).map((r) => [r.status, r.body])).toEqual([]);
    expect(refused).toHaveLength(34);
    for (const r of refused) expect(r.body).toMatchObject({ error: 'insufficient_credits', reason: 'member_limit', cost: 15, available: expect.any(Number) });
    expect(replies.filter((r) => !r.mine).map((r) => [r.status, r.body.error])).toEqual(Array(10).fill([201, undefined]));
    expect(Math.max(...batches.slice(from))).toBeGreaterThan(1);

    const team = (await call(a.url, 'GET', '/v1/team', { token: owner.token })).body;
    expect(team.pool).toEqual({ remaining: 1000 - 90 - 30, held: 120 });
    expect(team.members.find((m: { id: string }) => m.id === member.id).limit).toEqual({ credits: 100, used: 0, held: 90, remaining: 10 });
    expect((await call(b.url, 'GET', '/v1/balance', { token: member.token })).body).toMatchObject({ total: 10, limit: { remaining: 10 } });
  });

  it('a capture through A is pushed to B at once, with its cause', async () => {
    const u = await newUser(a.url);
    await grant(a.url, u.id, 'activity', 50, null);
    const token = u.tokens.access_token;
    const sse = await openSse(b.url, token);
    await sse.waitFor((e) => e.event === 'balance');
    const h = await charge(a.url, token, 'ai-portrait');
    expect(h.status).toBe(201);
    const c = await call(a.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token });
    expect(c.status).toBe(200);
    const e = await sse.waitFor((x) => Number(x.id) === c.body.balance.version, 5000);
    expect(JSON.parse(e.data)).toMatchObject({ balance: { total: 35, held: 0 }, cause: { kind: 'capture', chargeId: h.body.charge.id } });
    sse.close();
  });

  it('revoking a token through A ends its stream on B at once', async () => {
    const u = await newUser(a.url);
    const sse = await openSse(b.url, u.tokens.access_token);
    await sse.waitFor((e) => e.event === 'balance');
    const r = await call(a.url, 'POST', '/oauth/revoke', { body: { token: u.tokens.access_token } });
    expect(r.status).toBe(200);
    // Well before B's own periodic re-check of the token (15 s).
    const err = await sse.waitFor((e) => e.event === 'error', 3000);
    expect(JSON.parse(err.data)).toEqual({ error: 'unauthorized' });
    await sse.closed;
  });
});
