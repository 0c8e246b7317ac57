/**
 * The outbox worker: does, at least once, the work that commits queued (`records.ts`) — sending
 * mail, delivering team webhooks — without ever making a request wait for it.
 *
 * Each instance runs one worker per topic. A pass reads whether anything is due (an idle worker
 * writes nothing), claims a batch under a lease (one statement; other instances skip those rows),
 * works on the batch's rows at once, then deletes each row done, or schedules its retry with
 * backoff (`retryMs`, doubling, at most `maxRetryMs`, the last try at the give-up time), or — past
 * `giveUpAfterMs`, or on an error marked `permanent` — marks it failed. The handler's `settle`
 * hook records what the attempt came to in the same transaction (a delivery's status, attempts).
 * Passes run every `pollMs` and at once on `wake()` (this instance just queued something); rows
 * survive restarts in the table, and a row whose worker died mid-way is taken again when its
 * lease ends.
 *
 * `oneInstance`: the topic's passes run on one instance of the fleet at a time, as a singleton job
 * (`outbox:<topic>`, kernel/singleton-job.ts) — work that must not be done by several instances at
 * once even in the window of a claim (webhook deliveries); the claims still apply under it.
 */
import type { Tx } from '../../db/db';
import type { Ctx } from '../kernel/context';
import { startSingletonJob } from '../kernel/singleton-job';
import { anyDue, anyFailedBefore, claimDue, deleteFailedBefore, deleteRow, markFailed, retryLater, type OutboxRow } from './records';

/** What one attempt came to: done (the row goes), retried later, or failed for good. */
export type AttemptResult =
  | { outcome: 'done'; value: unknown; at: number }
  | { outcome: 'retry' | 'failed'; error: unknown; at: number };

export interface OutboxHandler {
  topic: string;
  /**
   * Does the row's work; throws to retry (an error with `permanent: true` gives up at once).
   * `signal` aborts when the worker stops and cannot wait any longer.
   */
  handle(payload: unknown, row: OutboxRow, signal: AbortSignal): Promise<unknown>;
  /** Records what the attempt came to, in the transaction that settles the row. */
  settle?(tx: Tx, payload: unknown, row: OutboxRow, result: AttemptResult): Promise<void>;
  /** First retry delay; each next one doubles. */
  retryMs: number;
  maxRetryMs: number;
  /** After this long since the row was written, a failure is final. */
  giveUpAfterMs: number;
}

export interface OutboxWorkerOptions {
  pollMs: number;
  /** How long a claim holds its rows: longer than any one piece of work may take. */
  leaseMs?: number;
  batch?: number;
  /** Passes on one instance at a time (a singleton job), not on every instance. */
  oneInstance?: boolean;
  log: (msg: string) => void;
}

export interface OutboxWorker {
  /** Run a pass now (something was just queued on this instance). */
  wake(): void;
  /** Stops polling; waits up to `graceMs` for the pass under way, then aborts its work. */
  stop(graceMs: number): Promise<void>;
}

/** Failed rows are kept a week for an operator to look at. */
const KEEP_FAILED_MS = 7 * 86_400_000;

/** When the next attempt is due: the backoff, never later than the give-up time (the last try happens then). */
export function nextAttemptAt(handler: Pick<OutboxHandler, 'retryMs' | 'maxRetryMs' | 'giveUpAfterMs'>, row: Pick<OutboxRow, 'attempts' | 'createdAt'>, now: number): number {
  const delay = Math.min(handler.maxRetryMs, handler.retryMs * 2 ** (row.attempts - 1));
  return Math.max(now, Math.min(now + delay, row.createdAt + handler.giveUpAfterMs));
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function startOutboxWorker(ctx: Ctx, handler: OutboxHandler, opts: OutboxWorkerOptions): OutboxWorker {
  const leaseMs = opts.leaseMs ?? 60_000;
  const batch = opts.batch ?? 10;
  const abort = new AbortController();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const settle = (payload: unknown, row: OutboxRow, result: AttemptResult, write: (tx: Tx) => Promise<void>) =>
    ctx.db.transaction(async (tx) => {
      await write(tx);
      await handler.settle?.(tx, payload, row, result);
    });

  const work = async (row: OutboxRow): Promise<void> => {
    const payload: unknown = JSON.parse(row.payload);
    let value: unknown;
    try {
      value = await handler.handle(payload, row, abort.signal);
    } catch (e) {
      const message = messageOf(e);
      const now = ctx.clock.now();
      const permanent = (e as { permanent?: unknown }).permanent === true;
      if (permanent || now - row.createdAt >= handler.giveUpAfterMs) {
        opts.log(`outbox ${handler.topic} #${row.id}: gave up after ${row.attempts} attempt(s): ${message}`);
        await settle(payload, row, { outcome: 'failed', error: e, at: now }, (tx) => markFailed(tx, row.id, now, message));
      } else {
        const at = nextAttemptAt(handler, row, now);
        opts.log(`outbox ${handler.topic} #${row.id}: attempt ${row.attempts} failed (${message}); retrying in ${at - now} ms`);
        await settle(payload, row, { outcome: 'retry', error: e, at: now }, (tx) => retryLater(tx, row.id, at, message));
      }
      return;
    }
    await settle(payload, row, { outcome: 'done', value, at: ctx.clock.now() }, (tx) => deleteRow(tx, row.id));
  };

  const pass = async (): Promise<void> => {
    for (;;) {
      const now = ctx.clock.now();
      if (!(await ctx.db.read((tx) => anyDue(tx, handler.topic, now)))) break;
      const rows = await ctx.db.transaction((tx) => claimDue(tx, handler.topic, now, now + leaseMs, batch));
      if (!rows.length) break; // due rows, but another instance holds them
      await Promise.all(rows.map((r) => work(r).catch((e: unknown) => opts.log(`outbox ${handler.topic} #${r.id}: ${messageOf(e)}`))));
      if (stopped) return;
    }
    const cutoff = ctx.clock.now() - KEEP_FAILED_MS;
    if (await ctx.db.read((tx) => anyFailedBefore(tx, handler.topic, cutoff))) await ctx.db.transaction((tx) => deleteFailedBefore(tx, handler.topic, cutoff));
  };

  if (opts.oneInstance) {
    const job = startSingletonJob(ctx, {
      name: `outbox:${handler.topic}`,
      everyMs: opts.pollMs,
      pass: async () => {
        const p = pass();
        running = p.catch(() => undefined);
        try {
          await p;
        } finally {
          running = null;
        }
      },
      onError: (e) => opts.log(`outbox ${handler.topic}: pass failed: ${messageOf(e)}`),
    });
    job.runNow(); // rows left from before a restart
    return {
      wake: () => job.runNow(),
      async stop(graceMs) {
        stopped = true;
        await job.stop(graceMs);
        // The pass is cut short: its attempts end now and are settled (retried) before the database closes.
        abort.abort();
        await running;
      },
    };
  }

  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((e: unknown) => opts.log(`outbox ${handler.topic}: pass failed: ${messageOf(e)}`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };

  const timer = setInterval(run, opts.pollMs);
  timer.unref();
  run(); // rows left from before a restart

  return {
    wake: run,
    async stop(graceMs) {
      stopped = true;
      clearInterval(timer);
      if (running) await Promise.race([running, new Promise((r) => setTimeout(r, graceMs).unref())]);
      if (running) {
        abort.abort();
        await running;
      }
    },
  };
}
