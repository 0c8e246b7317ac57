import { rollDueCycles } from './accounts/cycles';
import { expireLapsedHolds } from './charges/steps';
import type { Ctx } from './kernel/context';
import { startSingletonJob, type SingletonJob } from './kernel/singleton-job';
import { expireDueBatches, pruneEvents } from './batches/expiry';
import { pruneAccountLinks } from './auth/account-links';
import { pruneRateCounters } from './auth/rate-counters';
import { queuePoolExpiring } from './webhooks/pool-watch';
import { pruneDeliveries } from './webhooks/records';

/** Settled webhook deliveries are listed for 30 days. */
const KEEP_DELIVERIES_MS = 30 * 86_400_000;

/**
 * One pass of the background work: lapsed holds, due expiries, due billing cycles, pool credits
 * about to expire (webhooks), old events, ended counter windows and links, old webhook deliveries.
 */
export async function sweepOnce(ctx: Ctx): Promise<void> {
  await expireLapsedHolds(ctx);
  await expireDueBatches(ctx);
  await rollDueCycles(ctx);
  if (await queuePoolExpiring(ctx.db, ctx.clock.now())) ctx.wakeOutbox?.();
  await pruneEvents(ctx);
  await pruneRateCounters(ctx);
  await pruneAccountLinks(ctx);
  await pruneDeliveries(ctx.db, ctx.clock.now() - KEEP_DELIVERIES_MS);
}

/** The sweep's lease and job name (`cutline_job_runs_total{job="sweep"}`). */
export const SWEEP_JOB = 'sweep';

/**
 * Runs `sweepOnce` every `everyMs` on one instance of the fleet at a time (the `sweep` lease,
 * kernel/singleton-job.ts) until stopped; a failed pass is reported and the next one runs.
 */
export function startSweeper(ctx: Ctx, everyMs: number, onError: (e: unknown) => void): SingletonJob {
  return startSingletonJob(ctx, { name: SWEEP_JOB, everyMs, pass: () => sweepOnce(ctx), onError });
}
