/**
 * Reconnect delays: exponential growth from `baseMs`, capped at `maxMs`, with "equal jitter" —
 * half the step is fixed and half random — so reconnecting clients spread out but never hammer
 * the service with near-zero delays.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0 for the first retry); `random` ∈ [0, 1). */
export function backoffDelay(attempt: number, random: () => number, { baseMs, maxMs }: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
