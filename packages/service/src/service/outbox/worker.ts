/**
 * The outbox worker: does, at least once, the work that commits queued (`records.ts`) — sending
 * mail now, delivering team webhooks later — without ever making a request wait for it.
 *
 * Each instance runs one worker per topic. A pass reads whether anything is due (an idle worker
 * writes nothing), claims a batch under a lease (one statement; other instances skip those rows),
 * works on the batch's rows at once, then deletes each row done, or schedules its retry with
 * backoff (`retryMs`, doubling, at most `maxRetryMs`), or — past `giveUpAfterMs`, or on an error
 * marked `permanent` — marks it failed. Passes run every `pollMs` and at once on `wake()` (this
 * instance just queued something); rows survive restarts in the table, and a row whose worker
 * died mid-way is taken again when its lease ends.
 */
import type { Ctx } from '../kernel/context';
import { anyDue, anyFailedBefore, claimDue, deleteFailedBefore, deleteRow, markFailed, retryLater, type OutboxRow } from './records';

export interface OutboxHandler {
  topic: string;
  /** Does the row's work; throws to retry (an error with `permanent: true` gives up at once). */
  handle(payload: unknown, row: OutboxRow): Promise<void>;
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
  log: (msg: string) => void;
}

export interface OutboxWorker {
  /** Run a pass now (something was just queued on this instance). */
  wake(): void;
  /** Stops polling; waits up to `graceMs` for the pass under way. */
  stop(graceMs: number): Promise<void>;
}

/** Failed rows are kept a week for an operator to look at. */
const KEEP_FAILED_MS = 7 * 86_400_000;

export function startOutboxWorker(ctx: Ctx, handler: OutboxHandler, opts: OutboxWorkerOptions): OutboxWorker {
  const leaseMs = opts.leaseMs ?? 60_000;
  const batch = opts.batch ?? 10;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const work = async (row: OutboxRow): Promise<void> => {
    try {
      await handler.handle(JSON.parse(row.payload), row);
      await ctx.db.transaction((tx) => deleteRow(tx, row.id));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const now = ctx.clock.now();
      const permanent = (e as { permanent?: unknown }).permanent === true;
      if (permanent || now - row.createdAt >= handler.giveUpAfterMs) {
        opts.log(`outbox ${handler.topic} #${row.id}: gave up after ${row.attempts} attempt(s): ${message}`);
        await ctx.db.transaction((tx) => markFailed(tx, row.id, now, message));
      } else {
        const delay = Math.min(handler.maxRetryMs, handler.retryMs * 2 ** (row.attempts - 1));
        opts.log(`outbox ${handler.topic} #${row.id}: attempt ${row.attempts} failed (${message}); retrying in ${delay} ms`);
        await ctx.db.transaction((tx) => retryLater(tx, row.id, now + delay, message));
      }
    }
  };

  const pass = async (): Promise<void> => {
    for (;;) {
      const now = ctx.clock.now();
      if (!(await ctx.db.read((tx) => anyDue(tx, handler.topic, now)))) break;
      const rows = await ctx.db.transaction((tx) => claimDue(tx, handler.topic, now, now + leaseMs, batch));
      if (!rows.length) break; // due rows, but another instance holds them
      await Promise.all(rows.map(work));
      if (stopped) return;
    }
    const cutoff = ctx.clock.now() - KEEP_FAILED_MS;
    if (await ctx.db.read((tx) => anyFailedBefore(tx, cutoff))) await ctx.db.transaction((tx) => deleteFailedBefore(tx, cutoff));
  };

  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((e: unknown) => opts.log(`outbox ${handler.topic}: pass failed: ${e instanceof Error ? e.message : String(e)}`))
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
    },
  };
}
