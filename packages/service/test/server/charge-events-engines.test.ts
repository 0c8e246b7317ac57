/**
 * The same charges on both engines write the same things: the service's one implementation of
 * the charge steps (service/charges/) over SQLite and over PostgreSQL. One scripted session of a
 * team — a member's own subscription batch, the pool alone, a teammate's spend, a mixed pool +
 * personal charge, a release after a pool batch expired meanwhile, a capture after the hold
 * lapsed, Pro uses, refusals and a replay — must leave identical ledger rows (scope, user, every
 * field), event rows (which accounts, their versions, the full payload: balance and cause with
 * its entries naming the member), held credits and batches, and answer identically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '@cutline/contract/api';
import { capture, hold, release } from '../../src/service/charges/steps';
import { ServiceError } from '../../src/service/kernel/errors';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import { eventsBetween } from '../../src/db/event-log';
import type { Db } from '../../src/db/db';
import { bothEngines, type Engine } from '../helpers/engines';
import { batchSeeder, testCtx } from '../helpers/ledger-fixtures';

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1, 9);
const phone = { id: 'phone-1', platform: 'mobile' as const };

interface Recorded {
  answers: unknown[];
  ledger: Record<string, unknown>[];
  events: {
    user_id: string;
    version: number;
    at: number;
    payload: { balance: unknown; cause: { entry?: LedgerEntry; entries?: LedgerEntry[] } & Record<string, unknown> };
    /** The compact row as stored: the cause without its entries, and the seqs of the entries it lists. */
    stored: { cause: unknown; seqs: string | null };
  }[];
  /** Every event published live, and the same event read back from its stored row: [user, version, live payload, read payload]. */
  readBack: [string, number, string, string][];
  users: Record<string, unknown>[];
  batches: Record<string, unknown>[];
}

async function seed(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.run("INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES ('t_1', 'Crew', 35, 30, 0, ?, 0)", [NOW + 20 * DAY]);
    // u_a and u_z sort either side of the spender u_m, so the order of the events matters.
    for (const id of ['u_a', 'u_m', 'u_z']) {
      await tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES (?, ?, 'x', 'team', 'monthly', 't_1', 0)", [id, `${id}@crew.test`]);
    }
    await tx.run(
      "INSERT INTO users (id, email, password_hash, plan, billing, team_id, pro_uses_remaining, pro_uses_per_cycle, created_at) VALUES ('u_p', 'u_p@solo.test', 'x', 'pro', 'monthly', NULL, 2, 5, 0)",
    );
    const batch = batchSeeder(tx, NOW - DAY);
    // Spending order for u_m: b_own_sub, b_pool_soon, b_pool (subscriptions by expiry), b_act, b_pur.
    await batch('b_own_sub', 'user', 'u_m', 'subscription', 5, NOW + 5 * MIN);
    await batch('b_pool_soon', 'team', 't_1', 'subscription', 5, NOW + 10 * MIN);
    await batch('b_pool', 'team', 't_1', 'subscription', 30, NOW + 20 * DAY);
    await batch('b_act', 'user', 'u_m', 'activity', 10, NOW + 7 * DAY);
    await batch('b_pur', 'user', 'u_m', 'purchased', 20, null);
  });
}

/** Runs the session; every answer (or refusal) in order, then the tables, with charge ids as C1, C2… */
async function session(engine: Engine): Promise<Recorded> {
  const db = await engine.open();
  try {
    await seed(db);
    let now = NOW;
    const hub = new EventHub();
    const live: HubEvent[] = [];
    const publish = hub.publish.bind(hub);
    hub.publish = (events) => {
      live.push(...events);
      publish(events);
    };
    const ctx = testCtx(db, () => now, hub, { holdTtlMs: 15 * MIN });
    const answers: unknown[] = [];
    const ids: Record<string, string> = {};
    const step = async (f: () => Promise<unknown>) => {
      try {
        answers.push(await f());
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        answers.push({ error: e.code, message: e.message });
      }
    };
    const holdAs = async (name: string, user: string, tool: string) =>
      step(async () => {
        const r = await hold(ctx, user, `key-${name}`, { tool, quantity: 1, device: phone });
        ids[name] = r.charge.id;
        return r;
      });

    await holdAs('own', 'u_m', 'remove-background'); // 5 from u_m's own subscription batch: nobody else hears
    await step(() => capture(ctx, 'u_m', ids.own));
    await holdAs('pool', 'u_m', 'ai-image'); // 20 = 5 b_pool_soon + 15 b_pool
    await holdAs('mate', 'u_z', 'premium-voiceover'); // 10 of b_pool, by the teammate
    await step(() => capture(ctx, 'u_z', ids.mate));
    await holdAs('mixed', 'u_m', 'ai-portrait'); // 15 = 5 b_pool + 10 b_act
    await step(() => capture(ctx, 'u_m', ids.mixed));
    await step(() => release(ctx, 'u_m', ids.mixed, 'failed')); // refused: captured
    now = NOW + 11 * MIN; // b_pool_soon has expired
    await step(() => release(ctx, 'u_m', ids.pool, 'failed')); // 15 back to b_pool, b_pool_soon's 5 expire
    await holdAs('lapse', 'u_m', 'premium-voiceover'); // 10 of b_pool
    now += 16 * MIN;
    await step(() => capture(ctx, 'u_m', ids.lapse)); // the hold lapsed: released as expired, refused
    await holdAs('pro', 'u_p', 'auto-captions'); // a Pro use
    await step(() => capture(ctx, 'u_p', ids.pro));
    await holdAs('own', 'u_m', 'remove-background'); // a replay: writes nothing

    const tables = await db.read(async (tx) => ({
      ledger: await tx.all('SELECT * FROM ledger ORDER BY seq'),
      events: await tx.all<{ user_id: string; version: unknown; at: unknown; cause: string; seqs: string | null }>(
        'SELECT user_id, version, at, cause, seqs FROM events ORDER BY at, user_id, version',
      ),
      // Each event as a stream's gap fill or the relay reads it back (db/event-log.ts).
      readBack: await (async () => {
        const out: [HubEvent, HubEvent | undefined][] = [];
        for (const e of live) out.push([e, (await eventsBetween(tx, e.userId, e.version - 1, e.version))[0]]);
        return out;
      })(),
      users: await tx.all('SELECT id, version, held, pro_uses_remaining FROM users ORDER BY id'),
      batches: await tx.all('SELECT id, remaining FROM batches ORDER BY id'),
    }));
    let text = JSON.stringify({
      answers,
      ledger: tables.ledger,
      events: tables.events.map((e) => {
        const read = tables.readBack.find(([l]) => l.userId === e.user_id && l.version === Number(e.version))?.[1];
        return { user_id: e.user_id, version: Number(e.version), at: Number(e.at), payload: JSON.parse(read?.payload ?? 'null'), stored: { cause: JSON.parse(e.cause), seqs: e.seqs } };
      }),
      readBack: tables.readBack.map(([l, read]) => [l.userId, l.version, l.payload, read?.payload]),
      users: tables.users.map((u) => ({ ...u, version: Number(u.version), held: Number(u.held) })),
      batches: tables.batches,
    });
    Object.entries(ids).forEach(([name, id]) => (text = text.split(id).join(`C_${name}`)));
    // Numbers as numbers whatever the driver returns (BIGINT columns come back as strings from pg).
    return JSON.parse(text, (k, v) => (typeof v === 'string' && /^(seq|at|amount|version|held|remaining|pro_uses_remaining)$/.test(k) && /^-?\d+$/.test(v) ? Number(v) : v));
  } finally {
    await db.close();
    await engine.cleanup();
  }
}

describe('the charge steps write the same on both engines', () => {
  const recorded = new Map<string, Recorded>();

  beforeAll(async () => {
    for (const engine of bothEngines('cutline-charge-events')) recorded.set(engine.name, await session(engine));
  });
  afterAll(() => recorded.clear());

  const pool = (r: Recorded, user: string, tool: string, kind: string) =>
    r.events.filter((e) => e.user_id === user && e.payload.cause.kind === kind && e.payload.cause.tool === tool);

  it.each(['sqlite', 'postgres'])('on %s the session does what the team activity rules say', (name) => {
    const r = recorded.get(name)!;
    // A member's own subscription batch moves only their balance.
    expect(r.events.filter((e) => e.payload.cause.chargeId === 'C_own').map((e) => e.user_id)).toEqual(['u_m', 'u_m']);
    // A teammate's capture from the pool reaches every member, listing the pool's entry with who spent it.
    const heard = r.events.filter((e) => e.payload.cause.chargeId === 'C_mate' && e.payload.cause.kind === 'capture');
    expect(heard.map((e) => e.user_id)).toEqual(['u_a', 'u_m', 'u_z']);
    for (const e of heard) {
      expect(e.payload.cause.entries).toMatchObject([{ kind: 'capture', batchId: 'b_pool', amount: 10, member: { id: 'u_z', email: 'u_z@crew.test' }, device: phone }]);
    }
    // A mixed charge: teammates see only the pool's part; the spender sees both.
    const [mixedA] = pool(r, 'u_a', 'ai-portrait', 'capture');
    expect(mixedA.payload.cause.entries!.map((e) => [e.batchId, e.amount])).toEqual([['b_pool', 5]]);
    const [mixedM] = pool(r, 'u_m', 'ai-portrait', 'capture');
    expect(mixedM.payload.cause.entries!.map((e) => [e.batchId, e.amount])).toEqual([['b_pool', 5], ['b_act', 10]]);
    // Pool parts are in the team's history, personal parts and the expiry in the member's.
    const scopes = r.ledger.filter((l) => l.charge_id === 'C_pool').map((l) => [l.kind, l.batch_id, l.scope_id, l.user_id]);
    expect(scopes).toEqual([
      ['hold', 'b_pool_soon', 't_1', 'u_m'], ['hold', 'b_pool', 't_1', 'u_m'],
      ['release', 'b_pool_soon', 't_1', 'u_m'], ['release', 'b_pool', 't_1', 'u_m'],
      ['expire', 'b_pool_soon', 'u_m', 'u_m'],
    ]);
    expect(r.ledger.filter((l) => l.charge_id === 'C_mixed' && l.batch_id === 'b_act').every((l) => l.scope_id === 'u_m')).toBe(true);
    // The lapsed hold was released (committed) and the capture refused; nothing is left held.
    expect(r.answers.filter((a) => (a as { error?: string }).error === 'conflict')).toHaveLength(2);
    expect(r.users.map((u) => [u.id, u.held])).toEqual([['u_a', 0], ['u_m', 0], ['u_p', 0], ['u_z', 0]]);
    expect(r.batches).toContainEqual({ id: 'b_pool', remaining: 15 });
  });

  it.each(['sqlite', 'postgres'])('on %s every event read back from its compact row is byte for byte the one delivered live', (name) => {
    const r = recorded.get(name)!;
    expect(r.readBack.length).toBe(r.events.length);
    for (const [user, version, live, read] of r.readBack) expect({ user, version, payload: read }).toEqual({ user, version, payload: live });
    // The rows are compact: no stored payload, the entries only by their seqs.
    expect(r.events.filter((e) => e.payload.cause.entries).every((e) => e.stored.seqs !== null && !('entries' in (e.stored.cause as object)))).toBe(true);
  });

  it('PostgreSQL writes and answers exactly what SQLite does', () => {
    const ts = recorded.get('sqlite')!;
    const pg = recorded.get('postgres')!;
    expect(pg.ledger).toEqual(ts.ledger);
    expect(pg.events.map((e) => [e.user_id, e.version])).toEqual(ts.events.map((e) => [e.user_id, e.version]));
    expect(pg.events).toEqual(ts.events);
    expect(pg.readBack).toEqual(ts.readBack); // the same bytes on both engines, live and read back
    expect(pg.users).toEqual(ts.users);
    expect(pg.batches).toEqual(ts.batches);
    expect(pg.answers).toEqual(ts.answers);
  });
});
