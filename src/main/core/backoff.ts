/**
 * Reconnect delays: exponential growth from `baseMs`, capped at `maxMs`, with "equal jitter" —
 * half the step is fixed and half random — so reconnecting clients spread out but never hammer
 * the service with near-zero delays.
 *
 * The default cap is 3 s: once the service answers again, the next try is at most 3 s away, so a
 * client is back within the 5 s the product promises (issue 12 § Offline), while the jitter still
 * spreads a reconnect storm over the whole window.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 3_000 };

/** Delay before reconnect attempt `attempt` (0 for the first retry); `random` ∈ [0, 1). */
export function backoffDelay(attempt: number, random: () => number, { baseMs, maxMs }: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The delay the stream client waits, given what the service said:
 * - `retryMs` (the SSE `retry:` field of the last stream) is the service's reconnection time:
 *   it replaces the base, never the cap — a service asking for 10 s still gets tries ≤ `maxMs`
 *   apart, so recovery stays bounded;
 * - `rateLimitedMs` (a 429 `rate_limited`: too many streams for this token; its `Retry-After`, or
 *   the cap when it has none) is waited out in full, plus jitter, since trying earlier is refused.
 */
export function streamRetryDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions,
  said: { retryMs: number | null; rateLimitedMs: number | null },
): number {
  if (said.rateLimitedMs !== null) {
    const wait = Math.max(said.rateLimitedMs, options.maxMs);
    return Math.round(wait + random() * (options.maxMs / 2));
  }
  const base = said.retryMs !== null ? Math.min(Math.max(said.retryMs, 1), options.maxMs) : options.baseMs;
  return backoffDelay(attempt, random, { baseMs: base, maxMs: options.maxMs });
}
