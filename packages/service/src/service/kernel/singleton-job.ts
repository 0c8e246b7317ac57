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
 * Used by the sweeper; meant for every background worker of the same kind (a mail outbox, a
 * webhook delivery queue).
 */
import type { Ctx } from './context';

export interface SingletonJob {
  /** Stops ticking, waits for a pass in progress, and gives the lease up. */
  stop(): Promise<void>;
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

  const timer = setInterval(() => {
    if (stopped) return;
    // A long pass: keep the lease's session alive meanwhile (its heartbeat), run nothing more.
    if (running) {
      if (leader) void lease.acquire().catch(() => undefined);
      return;
    }
    running = tick().finally(() => {
      running = null;
    });
  }, opts.everyMs);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await lease.release();
    },
  };
}
