import { rollDueCycles } from './accounts/cycles';
import { expireLapsedHolds } from './charges/steps';
import type { Ctx } from './kernel/context';
import { expireDueBatches, pruneEvents } from './batches/expiry';
import { pruneAccountLinks } from './auth/account-links';
import { pruneRateCounters } from './auth/rate-counters';

/** One pass of the background work: lapsed holds, due expiries, due billing cycles, old events, ended counter windows and links. */
export async function sweepOnce(ctx: Ctx): Promise<void> {
  await expireLapsedHolds(ctx);
  await expireDueBatches(ctx);
  await rollDueCycles(ctx);
  await pruneEvents(ctx);
  await pruneRateCounters(ctx);
  await pruneAccountLinks(ctx);
}

/** Runs `sweepOnce` every `everyMs` until stopped; a failed pass is logged and the next one runs. */
export function startSweeper(ctx: Ctx, everyMs: number, log: (msg: string) => void): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = sweepOnce(ctx)
      .catch((e: unknown) => log(`sweep failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        running = null;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
