/**
 * "Commit, then refuse" (src/service/kernel/outcome.ts), on both engines: a body that returns a
 * refusal has its changes committed — visible once the refusal is thrown — and its events and
 * token revocations published; a body that throws rolls everything back and publishes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../src/service/kernel/context';
import { conflict, ServiceError } from '../../src/service/kernel/errors';
import type { HubEvent } from '../../src/events';
import { EventHub } from '../../src/service/events/hub';
import { insertBatch } from '../../src/service/batches/grants';
import { mutate } from '../../src/service/kernel/mutate';
import { afterCommit, ok, okRevoking, refusedAfterCommit, transact } from '../../src/service/kernel/outcome';
import type { Db } from '../../src/db/db';
import { bothEngines } from '../helpers/engines';
import { testCtx } from '../helpers/ledger-fixtures';

const NOW = Date.UTC(2026, 0, 10);
const engines = bothEngines('cutline-outcome');

describe.each(engines)('commit, then refuse on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  let hub: EventHub;
  const published: HubEvent[] = [];
  const teamExists = (id: string) => db.read(async (tx) => (await tx.get('SELECT id FROM teams WHERE id = ?', [id])) !== undefined);
  const insertTeam = (tx: Parameters<Parameters<Db['transaction']>[0]>[0], id: string) =>
    tx.run('INSERT INTO teams (id, name, credits_per_cycle, cycle_days, cycle_started_at, cycle_ends_at, created_at) VALUES (?, ?, 0, 30, 0, 0, 0)', [id, id]);

  beforeAll(async () => {
    db = await engine.open();
    hub = new EventHub();
    hub.subscribe('u_1', (e) => published.push(e));
    ctx = testCtx(db, () => NOW, hub);
    await db.transaction((tx) => tx.run("INSERT INTO users (id, email, password_hash, plan, billing, team_id, created_at) VALUES ('u_1', 'u1@t.test', 'x', 'free', 'monthly', NULL, 0)"));
  });
  afterAll(async () => {
    await db?.close();
    await engine.cleanup();
  });

  it('transact: a refusal is thrown after its changes committed, and its tokens are revoked after the commit', async () => {
    // The transaction as the store runs it, noting when its commit has returned.
    let committed = false;
    const noting: Ctx = { ...ctx, db: { ...db, transaction: async (fn) => db.transaction(fn).finally(() => (committed = true)) } as Db };
    const revokedWhen: [string, boolean][] = [];
    const revoke = vi.spyOn(hub, 'revoke').mockImplementation((h) => void revokedWhen.push([h, committed]));
    const refusal = conflict('refused after the change');
    await expect(
      transact(noting, async (tx) => {
        await insertTeam(tx, 't_refused');
        return refusedAfterCommit(refusal, ['hash_a', 'hash_b']);
      }),
    ).rejects.toBe(refusal);
    expect(await teamExists('t_refused')).toBe(true);
    expect(revokedWhen).toEqual([
      ['hash_a', true],
      ['hash_b', true],
    ]);
    revoke.mockRestore();
  });

  it('transact: ok returns the value; okRevoking revokes after the commit', async () => {
    const revoke = vi.spyOn(hub, 'revoke');
    expect(await transact(ctx, async (tx) => (await insertTeam(tx, 't_ok'), ok(42)))).toBe(42);
    await transact(ctx, async () => okRevoking(['hash_c']));
    expect(await teamExists('t_ok')).toBe(true);
    expect(revoke.mock.calls.map((c) => c[0])).toEqual(['hash_c']);
    revoke.mockRestore();
  });

  it('transact: a body that throws rolls back and publishes nothing', async () => {
    const revoke = vi.spyOn(hub, 'revoke');
    const refusal = conflict('refused before any change');
    await expect(
      transact(ctx, async (tx) => {
        await insertTeam(tx, 't_thrown');
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(await teamExists('t_thrown')).toBe(false);
    expect(revoke).not.toHaveBeenCalled();
    revoke.mockRestore();
  });

  it('mutate: the journal of a refused mutation is committed and its events published before the refusal is thrown', async () => {
    published.length = 0;
    const refusal = conflict('granted, then refused');
    let batchId = '';
    await expect(
      mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
        batchId = (await insertBatch(tx, journal, { ownerKind: 'user', ownerId: 'u_1', type: 'activity', amount: 7, expiresAt: null, source: 'test' }, now)).id;
        return refusedAfterCommit(refusal);
      }),
    ).rejects.toBe(refusal);
    const stored = await db.read(async (tx) => ({
      batch: await tx.get<{ remaining: unknown }>('SELECT remaining FROM batches WHERE id = ?', [batchId]),
      entries: await tx.all<{ kind: string; amount: unknown }>('SELECT kind, amount FROM ledger WHERE batch_id = ?', [batchId]),
      version: (await tx.get<{ version: unknown }>("SELECT version FROM users WHERE id = 'u_1'"))!.version,
    }));
    expect(Number(stored.batch?.remaining)).toBe(7);
    expect(stored.entries.map((e) => [e.kind, Number(e.amount)])).toEqual([['grant', 7]]);
    expect(published).toHaveLength(1);
    expect(published[0].version).toBe(Number(stored.version));
    expect(JSON.parse(published[0].payload).balance.total).toBe(7);
  });

  it('mutate: a body that throws commits nothing and publishes nothing', async () => {
    published.length = 0;
    await expect(
      mutate(ctx, { kind: 'grant' }, async (tx, journal, now) => {
        await insertBatch(tx, journal, { ownerKind: 'user', ownerId: 'u_1', type: 'activity', amount: 5, expiresAt: null, source: 'thrown' }, now);
        throw conflict('no');
      }),
    ).rejects.toBeInstanceOf(ServiceError);
    expect(await db.read((tx) => tx.get("SELECT id FROM batches WHERE source = 'thrown'"))).toBeUndefined();
    expect(published).toHaveLength(0);
  });
});

describe('afterCommit', () => {
  it('publishes the events and revokes the tokens before it throws the refusal', () => {
    const order: string[] = [];
    const hub = { publish: (e: readonly HubEvent[]) => order.push(`publish ${e.length}`), revoke: (h: string) => order.push(`revoke ${h}`) } as unknown as Ctx['hub'];
    const refusal = conflict('x');
    expect(() => afterCommit(hub, refusedAfterCommit(refusal, ['h1']), [{ userId: 'u', version: 1, payload: '{}' }])).toThrow(refusal);
    expect(order).toEqual(['publish 1', 'revoke h1']);
    expect(afterCommit(hub, ok('v'))).toBe('v');
    expect(order).toHaveLength(2);
  });
});
