/**
 * The capture's balance without a second read of the batches (charges/hold-cache.ts, the hold →
 * capture batch cache): it must be the snapshot a fresh read gives and the one its event row
 * stores — also when the account changed between the hold and the capture (a grant: a new
 * version) or time moved past a batch's expiry (no new version, time applied again), and for a
 * team member (never kept). The hold's charge row and parts are kept with them: a capture of
 * another charge, or of a hold that lapsed meanwhile, must answer as with a fresh read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, getCharge, hold } from '../../src/service/charges/steps';
import { ServiceError } from '../../src/service/kernel/errors';
import type { Ctx } from '../../src/service/kernel/context';
import { adminGrant } from '../../src/service/batches/grants';
import { balance } from '../../src/service/accounts/reads';
import type { Db } from '../../src/db/db';
import { eventsBetween } from '../../src/db/event-log';
import { bothEngines } from '../helpers/engines';
import { batchSeeder, testCtx } from '../helpers/ledger-fixtures';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const device = { id: 'dev-1', platform: 'desktop' as const };
const engines = bothEngines('cutline-capture-snapshot');

describe.each(engines)('the capture’s snapshot on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  let now = T0;

  beforeAll(async () => {
    db = await engine.open();
    ctx = testCtx(db, () => now);
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t_1', 'T', 100, 30, 0, ?, 0)", [T0 + 20 * DAY]);
      await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES ('u_s', 'u_s@t.test', 'x', 'free', 'monthly', NULL, 0)");
      await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES ('u_m', 'u_m@t.test', 'x', 'team', 'monthly', 't_1', 0)");
      const batch = batchSeeder(tx, T0 - DAY);
      // u_s: 50 activity credits (spent first), 20 purchased expiring in 10 minutes, 100 purchased (permanent).
      await batch('b_soon', 'user', 'u_s', 'purchased', 20, T0 + 600_000);
      await batch('b_later', 'user', 'u_s', 'activity', 50, T0 + 30 * DAY);
      await batch('b_pur', 'user', 'u_s', 'purchased', 100, null);
      await batch('b_team', 'team', 't_1', 'subscription', 40, T0 + 20 * DAY);
      await batch('b_m', 'user', 'u_m', 'purchased', 40, null);
    });
  });
  afterAll(async () => {
    await db.close();
    await engine.cleanup();
  });

  const stored = async (userId: string, version: number) => {
    const [r] = await db.read((tx) => eventsBetween(tx, userId, version - 1, version));
    expect(r.version).toBe(version);
    return (JSON.parse(r.payload) as { balance: unknown }).balance;
  };
  const charge = (userId: string, key: string) => hold(ctx, userId, key, { tool: 'ai-portrait', quantity: 1, device });

  it('hold then capture: the capture’s balance is a fresh read and its event row', async () => {
    const h = await charge('u_s', 'k1');
    const c = await capture(ctx, 'u_s', h.charge.id);
    expect(c.balance.version).toBe(h.balance.version + 1);
    expect(c.balance).toEqual(await balance(ctx, 'u_s'));
    expect(await stored('u_s', c.balance.version)).toEqual(c.balance);
    expect(c.balance.held).toBe(0);
    expect(c.balance.total).toBe(170 - 15);
  });

  it('a grant between hold and capture is in the capture’s balance', async () => {
    const h = await charge('u_s', 'k2');
    await adminGrant(ctx, { userId: 'u_s', type: 'purchased', amount: 7, expiresAt: null, source: 'test' });
    const c = await capture(ctx, 'u_s', h.charge.id);
    expect(c.balance).toEqual(await balance(ctx, 'u_s'));
    expect(await stored('u_s', c.balance.version)).toEqual(c.balance);
    expect(c.balance.total).toBe(170 - 30 + 7);
  });

  it('a batch that expired between hold and capture is gone from the capture’s balance', async () => {
    const h = await charge('u_s', 'k3');
    expect(h.balance.batches.map((b) => b.id)).toContain('b_soon');
    now = T0 + 600_000; // b_soon expires exactly now: expired (no write, no new version)
    const c = await capture(ctx, 'u_s', h.charge.id);
    expect(c.balance.batches.map((b) => b.id)).not.toContain('b_soon');
    expect(c.balance).toEqual(await balance(ctx, 'u_s'));
    expect(await stored('u_s', c.balance.version)).toEqual(c.balance);
  });

  it('a team member’s capture shows the pool as a fresh read does', async () => {
    const h = await charge('u_m', 'k4');
    const c = await capture(ctx, 'u_m', h.charge.id);
    expect(c.balance).toEqual(await balance(ctx, 'u_m'));
    expect(await stored('u_m', c.balance.version)).toEqual(c.balance);
  });

  it('capturing an older hold than the last one reads that charge, not the kept one', async () => {
    const first = await charge('u_s', 'k5');
    const second = await charge('u_s', 'k6');
    const c = await capture(ctx, 'u_s', first.charge.id);
    expect(c.charge).toEqual({ ...first.charge, status: 'captured' });
    expect(c.charge).toEqual(await getCharge(ctx, 'u_s', first.charge.id));
    expect(c.balance).toEqual(await balance(ctx, 'u_s'));
    expect(c.balance.held).toBe(15);
    const c2 = await capture(ctx, 'u_s', second.charge.id);
    expect(c2.charge).toEqual(await getCharge(ctx, 'u_s', second.charge.id));
    expect(c2.balance).toEqual(await balance(ctx, 'u_s'));
    expect(c2.balance.held).toBe(0);
  });

  it('a hold that lapsed before its capture is released and the capture refused, as with a fresh read', async () => {
    const h = await charge('u_s', 'k7');
    const before = h.balance.total + 15;
    now += 900_000; // the hold's TTL
    const err = await capture(ctx, 'u_s', h.charge.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('conflict');
    const after = await getCharge(ctx, 'u_s', h.charge.id);
    expect(after.status).toBe('expired');
    const b = await balance(ctx, 'u_s');
    expect(b.held).toBe(0);
    expect(b.total).toBe(before);
  });
});
