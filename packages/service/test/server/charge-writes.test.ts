/**
 * What one charge writes, on both engines, checked against the tables: the ledger entries a
 * change returns and publishes are exactly the rows stored (seq, order, every field), and the
 * balance a hold or capture answers with — built without reading the batches again — is the
 * snapshot a fresh read gives and the one stored in the event row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '@cutline/contract/api';
import { capture, hold } from '../../src/service/charges/steps';
import type { Ctx } from '../../src/service/kernel/context';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import { balance } from '../../src/service/accounts/reads';
import { ledgerWire } from '../../src/ledger-wire';
import type { Db } from '../../src/db/db';
import { eventsBetween } from '../../src/db/event-log';
import { bothEngines } from '../helpers/engines';
import { batchSeeder, testCtx } from '../helpers/ledger-fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 10);
const device = { id: 'dev-1', platform: 'desktop' as const };

const engines = bothEngines('cutline-charge-writes');

describe.each(engines)('a charge’s writes on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  const published: HubEvent[] = [];

  beforeAll(async () => {
    db = await engine.open();
    const hub = new EventHub();
    for (const u of ['u_m', 'u_o']) hub.subscribe(u, (e) => published.push(e));
    ctx = testCtx(db, () => NOW, hub);
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t_1', 'T', 100, 30, 0, ?, 0)", [NOW + 20 * DAY]);
      for (const id of ['u_m', 'u_o']) {
        await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES (?, ?, 'x', 'team', 'monthly', 't_1', 0)", [id, `${id}@t.test`]);
      }
      const batch = batchSeeder(tx, NOW - DAY);
      // ai-portrait costs 15: 5 from the team pool, 5 activity, 5 of the 8 purchased (3 stay).
      await batch('b_team', 'team', 't_1', 'subscription', 5, NOW + 20 * DAY);
      await batch('b_act', 'user', 'u_m', 'activity', 5, NOW + 7 * DAY);
      await batch('b_pur', 'user', 'u_m', 'purchased', 8, null);
      await batch('b_other', 'user', 'u_o', 'purchased', 2, null);
    });
  });
  afterAll(async () => {
    await db.close();
    await engine.cleanup();
  });

  const storedEntries = async (): Promise<LedgerEntry[]> =>
    (await db.read((tx) => tx.all('SELECT l.*, u.email AS member_email FROM ledger l LEFT JOIN users u ON u.id = l.user_id ORDER BY l.seq'))).map(ledgerWire);
  const storedPayload = async (userId: string, version: number) => {
    const [r] = await db.read((tx) => eventsBetween(tx, userId, version - 1, version));
    expect(r.version).toBe(version);
    return JSON.parse(r.payload) as { balance: unknown; cause: { entries?: LedgerEntry[]; entry?: LedgerEntry } };
  };

  it('hold then capture: entries returned = rows stored, in order; balances = a fresh read = the event rows', async () => {
    const h = await hold(ctx, 'u_m', 'k1', { tool: 'ai-portrait', quantity: 1, device });
    expect(h.charge.allocation.map((p) => [p.batchId, p.amount])).toEqual([['b_team', 5], ['b_act', 5], ['b_pur', 5]]);
    expect(h.balance).toEqual(await balance(ctx, 'u_m'));
    expect(h.balance.total).toBe(3);
    expect(h.balance.batches.map((b) => [b.id, b.remaining])).toEqual([['b_pur', 3]]);
    expect(h.balance.held).toBe(15);

    const afterHold = await storedEntries();
    expect(afterHold.map((e) => [e.kind, e.batchId, e.amount])).toEqual([['hold', 'b_team', 5], ['hold', 'b_act', 5], ['hold', 'b_pur', 5]]);
    expect(afterHold.every((e) => e.chargeId === h.charge.id && e.tool === 'ai-portrait' && e.at === new Date(NOW).toISOString())).toBe(true);
    expect(afterHold[0].device).toEqual(device);
    // The member's event lists exactly the stored rows; the teammate's (the pool moved) too.
    const mine = await storedPayload('u_m', h.balance.version);
    expect(mine.balance).toEqual(h.balance);
    expect(mine.cause.entries).toEqual(afterHold);
    expect(mine.cause.entry).toEqual(afterHold[0]);
    const teammate = await balance(ctx, 'u_o');
    expect((await storedPayload('u_o', teammate.version)).balance).toEqual(teammate);
    expect(published.map((e) => e.userId).sort()).toEqual(['u_m', 'u_o']);

    const c = await capture(ctx, 'u_m', h.charge.id);
    expect(c.balance).toEqual(await balance(ctx, 'u_m'));
    expect(c.balance.held).toBe(0);
    const captured = (await storedEntries()).slice(3);
    expect(captured.map((e) => [e.kind, e.batchId, e.amount])).toEqual([['capture', 'b_team', 5], ['capture', 'b_act', 5], ['capture', 'b_pur', 5]]);
    expect(Number(captured[0].id.slice(3))).toBeGreaterThan(Number(afterHold[2].id.slice(3)));
    expect((await storedPayload('u_m', c.balance.version)).cause.entries).toEqual(captured);
  });

  it('a replayed hold answers with a fresh read and writes nothing', async () => {
    const before = (await storedEntries()).length;
    const again = await hold(ctx, 'u_m', 'k1', { tool: 'ai-portrait', quantity: 1, device });
    expect(again.replayed).toBe(true);
    expect(again.balance).toEqual(await balance(ctx, 'u_m'));
    expect((await storedEntries()).length).toBe(before);
  });
});
