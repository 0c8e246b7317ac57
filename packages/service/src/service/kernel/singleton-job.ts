/**
 * A periodic job that runs on one instance at a time (docs/architecture.md § Singleton jobs):
 * every `everyMs` each instance asks for the job's lease (`Db.lease(name)`); the one that holds it
 * runs a pass, the others stand by. When the holder stops (its lease released) or dies (its
 * PostgreSQL session ends), another instance's next tick takes the lease over. Ticks never
 * overlap on one instance: a tick that comes while a pass still runs only renews the lease (the
 * holder's heartbeat: a holder silent for several periods loses it, see db/pg-lease.ts).
 *
 * The lease spares the fleet doubled work; it is not what keeps the books right. A pass must
 * still lock what it changes and check again under the lock (if the holder's connection is cut
 * in the middle of a pass, the next holder may start before that pass ends).
 *
 * Used by the sweeper and by the outbox workers that run on one instance (webhook deliveries,
 * service/outbox/worker.ts).
 */
import type { Ctx } from './context';

export interface SingletonJob {
  /**
   * A tick now instead of at the next period (this instance just queued work): runs a pass if this
   * instance holds the lease or can take it; during a pass, one more pass follows it.
   */
  runNow(): void;
  /**
   * Stops ticking, waits for a pass in progress — at most `graceMs` when given (the pass goes on
   * by itself; whatever it works on must be safe to be taken over) — and gives the lease up.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface SingletonJobOptions {
  /** The lease's and the metrics' name (`cutline_job_runs_total{job="<name>"}`). */
  name: string;
  everyMs: number;
  /** One pass of the work. A pass that throws is logged; the next tick runs again. */
  pass(): Promise<void>;
  /** Where a failed pass or lease is reported. */
  onError(e: unknown): void;
}

export function startSingletonJob(ctx: Ctx, opts: SingletonJobOptions): SingletonJob {
  const lease = ctx.db.lease(opts.name, { heartbeatMs: opts.everyMs });
  let running: Promise<void> | null = null;
  let stopped = false;
  let leader = false;

  const tick = async () => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      leader = await lease.acquire();
      if (stopped) return;
      if (!leader) {
        ctx.metrics.jobRun(opts.name, 'standby', seconds(), false);
        return;
      }
      await opts.pass();
      ctx.metrics.jobRun(opts.name, 'ran', seconds(), leader);
    } catch (e) {
      ctx.metrics.jobRun(opts.name, 'failed', seconds(), leader);
      opts.onError(e);
    }
  };

  let again = false;
  const start = () => {
    running = tick().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        start();
      }
    });
  };

  const timer = setInterval(() => {
    if (stopped) return;
    // A long pass: keep the lease's session alive meanwhile (its heartbeat), run nothing more.
    if (running) {
      if (leader) void lease.acquire().catch(() => undefined);
      return;
    }
    start();
  }, opts.everyMs);
  timer.unref();

  return {
    runNow() {
      if (stopped) return;
      if (running) again = true;
      else start();
    },
    async stop(graceMs) {
      stopped = true;
      clearInterval(timer);
      if (running) {
        if (graceMs === undefined) await running;
        else await Promise.race([running, new Promise((r) => setTimeout(r, graceMs).unref())]);
      }
      await lease.release();
    },
  };
}
