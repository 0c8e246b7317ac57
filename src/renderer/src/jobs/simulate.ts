/**
 * The simulated AI job (docs/product.md: "The AI itself is simulated on the client; the credits are
 * real"). Its randomness and its clock are injected, so tests decide the outcome.
 */

/** Runs `fn` after `ms`; returns a function that cancels it. */
export type Schedule = (ms: number, fn: () => void) => () => void;

export const realSchedule: Schedule = (ms, fn) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export interface SimulationOptions {
  /** Uniform [0, 1). */
  random: () => number;
  schedule: Schedule;
  /** Time per progress step. */
  stepMs: number;
  /** Chance that a job on a healthy clip fails, 0..1. */
  failRate: number;
  /** A damaged clip always fails. */
  corrupt: boolean;
}

export type Outcome = 'success' | 'failure';

export interface SimulationPlan {
  steps: number;
  /** The step at which it fails, or null when it succeeds. */
  failAt: number | null;
}

/** Decides up front how the job will go (three draws from `random`). */
export function planSimulation(opts: Pick<SimulationOptions, 'random' | 'failRate' | 'corrupt'>): SimulationPlan {
  const steps = 12 + Math.floor(opts.random() * 12);
  const failDraw = opts.random();
  const whereDraw = opts.random();
  if (opts.corrupt) return { steps, failAt: Math.max(1, Math.floor(steps * 0.4)) };
  if (failDraw < opts.failRate) return { steps, failAt: 1 + Math.floor(whereDraw * (steps - 1)) };
  return { steps, failAt: null };
}

/**
 * Starts a job: reports progress (0..1] after each step, then the outcome once.
 * Returns a function that stops it (no further callbacks).
 */
export function simulateJob(
  opts: SimulationOptions,
  onProgress: (progress: number) => void,
  onDone: (outcome: Outcome) => void,
): () => void {
  const plan = planSimulation(opts);
  let step = 0;
  let stopped = false;
  let cancelTimer: () => void = () => {};
  const tick = () => {
    if (stopped) return;
    step += 1;
    if (plan.failAt !== null && step >= plan.failAt) {
      stopped = true;
      onDone('failure');
      return;
    }
    onProgress(step / plan.steps);
    if (step >= plan.steps) {
      stopped = true;
      onDone('success');
      return;
    }
    cancelTimer = opts.schedule(opts.stepMs, tick);
  };
  cancelTimer = opts.schedule(opts.stepMs, tick);
  return () => {
    stopped = true;
    cancelTimer();
  };
}

/** Seeded PRNG for reproducible runs (`?jobSeed=` in the browser host). */
export { seededRandom } from '@cutline/contract/random';
