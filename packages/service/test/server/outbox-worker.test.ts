/**
 * The outbox worker on both engines: work queued in a transaction is done once the transaction
 * committed (never when it rolled back), retried with backoff until it succeeds, given up on an
 * error marked permanent; on PostgreSQL two workers (two instances) sharing the rows do each one
 * exactly once; rows queued before a worker starts (a restart) are done when it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db';
import type { Ctx } from '../../src/service/kernel/context';
import { enqueue } from '../../src/service/outbox/records';
import { startOutboxWorker, type OutboxWorker } from '../../src/service/outbox/worker';
import { bothEngines } from '../helpers/engines';
import { testCtx } from '../helpers/ledger-fixtures';

const engines = bothEngines('cutline-outbox');

describe.each(engines)('the outbox on $name', (engine) => {
  let db: Db;
  let ctx: Ctx;
  const workers: OutboxWorker[] = [];
  const logs: string[] = [];
  beforeAll(async () => {
    db = await engine.open();
    ctx = testCtx(db, () => Date.now());
  });
  afterAll(async () => {
    for (const w of workers) await w.stop(1000);
    await db.close();
    await engine.cleanup();
  });

  function worker(c: Ctx, topic: string, handle: (p: { n: number }) => Promise<void>, retryMs = 20): OutboxWorker {
    const w = startOutboxWorker(c, { topic, retryMs, maxRetryMs: 100, giveUpAfterMs: 60_000, handle: (p) => handle(p as { n: number }) }, { pollMs: 50, log: (m) => logs.push(m) });
    workers.push(w);
    return w;
  }
  const rowsOf = (topic: string) => db.read((tx) => tx.all<{ attempts: unknown; failed_at: unknown; last_error: string | null }>('SELECT attempts, failed_at, last_error FROM outbox WHERE topic = ?', [topic]));

  it('does committed work, never rolled-back work, and deletes each row done', async () => {
    const done: number[] = [];
    await db.transaction((tx) => enqueue(tx, 't1', { n: 1 }, Date.now()));
    await db.transaction(async (tx) => {
      await enqueue(tx, 't1', { n: 2 }, Date.now());
      throw new Error('rolled back');
    }).catch(() => undefined);
    const w = worker(ctx, 't1', async (p) => void done.push(p.n));
    w.wake();
    await expect.poll(() => rowsOf('t1').then((r) => r.length)).toBe(0);
    expect(done).toEqual([1]);
  });

  it('retries a failure with backoff until it succeeds, and gives up at once on a permanent one', async () => {
    let tries = 0;
    const w = worker(ctx, 't2', async (p) => {
      if (p.n === 99) throw Object.assign(new Error('bad recipient'), { permanent: true });
      if (++tries < 3) throw new Error(`try ${tries} failed`);
    });
    await db.transaction(async (tx) => {
      await enqueue(tx, 't2', { n: 1 }, Date.now());
      await enqueue(tx, 't2', { n: 99 }, Date.now());
    });
    w.wake();
    await expect.poll(() => rowsOf('t2').then((r) => r.filter((x) => x.failed_at === null).length)).toBe(0);
    expect(tries).toBe(3);
    const [failed] = await rowsOf('t2');
    expect(Number(failed.attempts)).toBe(1);
    expect(failed.last_error).toBe('bad recipient');
    expect(logs.some((l) => /t2 #\d+: attempt 1 failed \(try 1 failed\); retrying in 20 ms/.test(l))).toBe(true);
    expect(logs.some((l) => /t2 #\d+: gave up after 1 attempt\(s\): bad recipient/.test(l))).toBe(true);
  });

  it('rows queued while no worker ran are done when one starts', async () => {
    await db.transaction(async (tx) => {
      for (let n = 0; n < 5; n++) await enqueue(tx, 't3', { n }, Date.now());
    });
    const done: number[] = [];
    worker(ctx, 't3', async (p) => void done.push(p.n)); // no wake: its first pass finds them
    await expect.poll(() => done.length).toBe(5);
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it.runIf(engine.name === 'postgres')('two workers on one database (two instances) do each row exactly once', async () => {
    const other = await engine.open();
    try {
      const ctx2 = testCtx(other, () => Date.now());
      const seen = new Map<number, number>();
      const handle = async (p: { n: number }) => {
        seen.set(p.n, (seen.get(p.n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 2)); // overlap the two workers' claims
      };
      const w1 = worker(ctx, 't4', handle);
      const w2 = worker(ctx2, 't4', handle);
      for (let batch = 0; batch < 10; batch++) {
        await db.transaction(async (tx) => {
          for (let i = 0; i < 20; i++) await enqueue(tx, 't4', { n: batch * 20 + i }, Date.now());
        });
        w1.wake();
        w2.wake();
      }
      await expect.poll(() => rowsOf('t4').then((r) => r.length), { timeout: 30_000 }).toBe(0);
      expect(seen.size).toBe(200);
      expect([...seen.values()].every((k) => k === 1)).toBe(true);
    } finally {
      for (const w of workers.splice(-2)) await w.stop(1000);
      await other.close();
    }
  });
});
