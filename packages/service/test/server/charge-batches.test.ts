/**
 * The charge engine's batches (service/charges/engine.ts, batch.ts), on both engines: steps that
 * arrive together commit in one transaction yet each keeps its own version and event, in order,
 * stored as delivered; a later step sees an earlier one; the same Idempotency-Key twice in one
 * batch is one charge (another body is 422); a refusal is one step's answer, not the batch's; a
 * database error fails only the step it belongs to; a lone step runs alone; and the hold cache's
 * invariant, broken behind the service's back, is caught and the step answered from the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import { capture, hold, release } from '../../src/service/charges/steps';
import { chargeEngine, type ChargeEngine } from '../../src/service/charges/engine';
import { balance } from '../../src/service/accounts/reads';
import type { Ctx } from '../../src/service/kernel/context';
import { ServiceError } from '../../src/service/kernel/errors';
import type { Db } from '../../src/db/db';
import { eventsBetween } from '../../src/db/event-log';
import { findTool } from '@cutline/contract/tools';
import { bothEngines } from '../helpers/engines';
import { batchSeeder, testCtx } from '../helpers/ledger-fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 4, 1, 10);
const device = { id: 'dev-b', platform: 'desktop' as const };
const captions = (quantity = 1) => ({ tool: 'auto-captions', quantity, device }); // 3 credits each

/** What a step answered: its value, or its refusal's code. */
const settle = <T>(p: Promise<T>): Promise<T | { refused: string; reason?: unknown }> =>
  p.catch((e: unknown) => {
    if (!(e instanceof ServiceError)) throw e;
    return { refused: e.code, reason: e.extra.reason };
  });

describe.each(bothEngines('cutline-charge-batches'))('charge batches on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  let eng: ChargeEngine;
  const batches: { size: number; committed: boolean }[] = [];
  const broken: string[] = [];
  const published: HubEvent[] = [];

  beforeAll(async () => {
    db = await engine.open();
    const hub = new EventHub();
    const publish = hub.publish.bind(hub);
    hub.publish = (events) => {
      published.push(...events);
      publish(events);
    };
    ctx = testCtx(db, () => NOW, hub);
    eng = chargeEngine(db);
    eng.observer = {
      batch: (size, _ms, committed) => batches.push({ size, committed }),
      invariantBroken: (name) => broken.push(name),
    };
    await db.transaction(async (tx) => {
      for (let i = 0; i < 12; i++) {
        await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, created_at) VALUES (?, ?, 'x', 'free', 'monthly', 0)", [`u_${i}`, `u_${i}@b.test`]);
      }
      const batch = batchSeeder(tx, NOW - DAY);
      for (let i = 0; i < 12; i++) await batch(`b_${i}`, 'user', `u_${i}`, 'purchased', i === 3 ? 10 : 30, null);
    });
  });
  afterAll(async () => {
    await db.close();
    await engine.cleanup();
  });

  /** The batches the observer saw while `work` ran. */
  const during = async <T>(work: () => Promise<T>) => {
    const from = batches.length;
    const out = await work();
    return { out, batches: batches.slice(from) };
  };

  it('a lone step runs alone, at once', async () => {
    const { out, batches: seen } = await during(() => hold(ctx, 'u_0', 'lone', captions()));
    expect(out.charge.status).toBe('held');
    expect(seen).toEqual([{ size: 1, committed: true }]);
  });

  it('steps that arrive together share one transaction, each with its own version and event, in order, stored as delivered', async () => {
    const users = ['u_1', 'u_2', 'u_1', 'u_4', 'u_1', 'u_2'];
    const before = await Promise.all(['u_1', 'u_2', 'u_4'].map((u) => balance(ctx, u)));
    const from = published.length;
    const { out, batches: seen } = await during(() => Promise.all(users.map((u, i) => hold(ctx, u, `together-${i}`, captions()))));
    expect(seen).toEqual([{ size: 6, committed: true }]);
    // u_1's three holds: three versions in a row, each answered with its own snapshot.
    const mine = out.filter((_, i) => users[i] === 'u_1').map((r) => r.balance);
    const v0 = before[0].version;
    expect(mine.map((b) => b.version)).toEqual([v0 + 1, v0 + 2, v0 + 3]);
    expect(mine.map((b) => [b.total, b.held])).toEqual([[27, 3], [24, 6], [21, 9]]);
    // Published in the steps' order, every version once; the stored rows read back are the same bytes.
    const live = published.slice(from);
    expect(live.map((e) => [e.userId, e.version])).toEqual(users.map((u, i) => [u, out[i].balance.version]));
    for (const e of live) {
      const [stored] = await db.read((tx) => eventsBetween(tx, e.userId, e.version - 1, e.version));
      expect(stored.payload).toBe(e.payload);
    }
    expect(await balance(ctx, 'u_1')).toEqual(mine[2]);
  });

  it('two holds with one key in one batch are one charge; the same key with another body is refused (422)', async () => {
    const { out, batches: seen } = await during(() =>
      Promise.all([
        settle(hold(ctx, 'u_5', 'same-key', captions())),
        settle(hold(ctx, 'u_5', 'same-key', captions())),
        settle(hold(ctx, 'u_5', 'same-key', captions(2))),
      ]),
    );
    expect(seen).toEqual([{ size: 3, committed: true }]);
    const [a, b, c] = out as [Awaited<ReturnType<typeof hold>>, Awaited<ReturnType<typeof hold>>, { refused: string }];
    expect(a.replayed).toBe(false);
    expect(b.replayed).toBe(true);
    expect(b.charge).toEqual(a.charge);
    expect(c).toEqual({ refused: 'idempotency_mismatch', reason: undefined });
    expect((await balance(ctx, 'u_5')).total).toBe(27);
  });

  it('a refusal is one step’s answer: 402s and a 404 in a batch leave the other steps committed', async () => {
    // u_3 has 10 credits: three holds of 3 fit, the next two do not.
    const { out, batches: seen } = await during(() =>
      Promise.all([
        ...Array.from({ length: 5 }, (_, i) => settle(hold(ctx, 'u_3', `short-${i}`, captions()))),
        settle(capture(ctx, 'u_6', 'ch_unknown')),
        settle(hold(ctx, 'u_6', 'fine', captions())),
      ]),
    );
    expect(seen).toEqual([{ size: 7, committed: true }]);
    expect(out.map((r) => ('refused' in r ? r.refused : 'ok'))).toEqual(['ok', 'ok', 'ok', 'insufficient_credits', 'insufficient_credits', 'not_found', 'ok']);
    expect(await balance(ctx, 'u_3')).toMatchObject({ total: 1, held: 9 });
    expect((await balance(ctx, 'u_6')).held).toBe(3);
  });

  it('a later step in a batch sees an earlier one: a release, then a hold spending what it returned', async () => {
    const first = await hold(ctx, 'u_7', 'big', captions(10)); // 30 of 30
    const { out, batches: seen } = await during(() =>
      Promise.all([release(ctx, 'u_7', first.charge.id, 'cancelled'), settle(hold(ctx, 'u_7', 'after', captions(5)))]),
    );
    expect(seen).toEqual([{ size: 2, committed: true }]);
    expect(out[0].charge.status).toBe('released');
    expect(out[1]).toMatchObject({ charge: { status: 'held', cost: 15 }, balance: { total: 15, held: 15 } });
  });

  it('a capture and a release of one charge in one batch: the first wins, the second is a 409 with its reason', async () => {
    const h = await hold(ctx, 'u_8', 'race', captions());
    const [c, r] = await Promise.all([settle(capture(ctx, 'u_8', h.charge.id)), settle(release(ctx, 'u_8', h.charge.id, 'failed'))]);
    expect(c).toMatchObject({ charge: { status: 'captured' } });
    expect(r).toEqual({ refused: 'conflict', reason: 'charge_captured' });
  });

  it('a database error fails only the step it belongs to: the rest of the batch is committed', async () => {
    const taken = await hold(ctx, 'u_9', 'first', captions());
    const tool = findTool('auto-captions')!;
    const step = (userId: string, key: string, chargeId: string) =>
      eng.submit(ctx, { kind: 'hold', userId, chargeId, key, hash: 'h', tool, quantity: 1, device, holdTtlMs: 900_000, publicUrl: 'http://x.test' });
    const { out, batches: seen } = await during(() =>
      Promise.allSettled([
        step('u_10', 'ok-1', 'ch_fresh_1'),
        step('u_9', 'clash', taken.charge.id), // its charge id is taken: the INSERT fails
        step('u_11', 'ok-2', 'ch_fresh_2'),
      ]),
    );
    expect(seen[0]).toEqual({ size: 3, committed: false });
    expect(seen.filter((b) => b.committed).reduce((n, b) => n + b.size, 0)).toBe(2);
    expect(out[0]).toMatchObject({ status: 'fulfilled', value: { charge: { id: 'ch_fresh_1', status: 'held' } } });
    expect(out[2]).toMatchObject({ status: 'fulfilled', value: { charge: { id: 'ch_fresh_2', status: 'held' } } });
    expect(out[1].status).toBe('rejected');
    expect((out[1] as PromiseRejectedResult).reason).not.toBeInstanceOf(ServiceError);
    expect((await balance(ctx, 'u_9')).held).toBe(3); // only its first hold
  });

  it('the hold cache’s invariant broken behind the service’s back is caught: the step is answered from the rows', async () => {
    const h = await hold(ctx, 'u_0', 'cache-1', captions()); // u_0 is now in the hold cache
    await capture(ctx, 'u_0', h.charge.id);
    // A batch changed without the version bump every change makes: the cache no longer tells the truth.
    await db.transaction((tx) => tx.run("UPDATE batches SET remaining = remaining - 1 WHERE id = 'b_0'"));
    const before = broken.length;
    const again = await hold(ctx, 'u_0', 'cache-2', captions());
    expect(broken.slice(before)).toEqual(['hold cache']);
    expect(again.balance).toEqual(await balance(ctx, 'u_0'));
    expect(again.balance.total).toBe(30 - 3 - 3 - 1 - 3);
  });
});
