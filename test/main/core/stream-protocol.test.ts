/**
 * The stream client's reading of what the service says besides events: a 429 `rate_limited`
 * (too many streams for this token) waits out its Retry-After, and the SSE `retry:` field sets the
 * base of the next waits (never the cap). Driven through the real `EventStream` with a fetch that
 * answers like the service and timers the test reads.
 */
import { describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/main/core/event-stream';
import { memoryLogger } from '../../../src/main/core/logger';
import type { Session } from '../../../src/main/core/session';

function harness(responses: Array<() => Response>) {
  const waits: number[] = [];
  const pending: Array<() => void> = [];
  const statuses: Array<[string, string | null]> = [];
  const requests: Headers[] = [];
  let i = 0;
  const stream = new EventStream({
    serviceUrl: 'http://127.0.0.1:1',
    fetch: (async (_url: string, init: RequestInit) => {
      requests.push(new Headers(init.headers));
      const next = responses[Math.min(i++, responses.length - 1)];
      return next();
    }) as unknown as typeof fetch,
    session: { accessToken: () => 'tok', refresh: async () => ({ ok: true, value: 'tok' }) } as unknown as Session,
    logger: memoryLogger(),
    random: () => 0.5,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        if (ms < 40_000) {
          waits.push(ms);
          pending.push(fn);
        }
        return ms;
      },
      clearTimeout: () => {},
    },
    backoff: { baseMs: 500, maxMs: 3_000 },
    onEvent: () => {},
    onOpen: () => {},
    onStatus: (s, r) => statuses.push([s, r]),
    onSignedOut: () => {},
  });
  return { stream, waits, pending, statuses, requests };
}

const flush = () => new Promise((r) => setTimeout(r, 20));

function sse(text: string): Response {
  return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('EventStream and the service’s pacing', () => {
  it('429 rate_limited: waits its Retry-After out, says why, then connects', async () => {
    const h = harness([
      () => new Response(JSON.stringify({ error: 'rate_limited', message: 'Too many streams.' }), { status: 429, headers: { 'retry-after': '5', 'content-type': 'application/json' } }),
      () => sse(': ok\n\n'),
    ]);
    h.stream.start();
    await flush();
    expect(h.waits[0]).toBeGreaterThanOrEqual(5_000);
    expect(h.statuses.at(-1)?.[0]).toBe('offline');
    expect(h.statuses.at(-1)?.[1]).toMatch(/Too many Cutline windows/);
    h.pending.shift()!();
    await flush();
    expect(h.requests).toHaveLength(2);
    expect(h.statuses.some(([s]) => s === 'online')).toBe(true);
    h.stream.stop();
  });

  it('retry: sets the base of the next wait, and the cap still bounds it', async () => {
    const h = harness([() => sse('retry: 1200\n: hello\n\n'), () => sse('retry: 10000\n\n'), () => sse(': x\n\n')]);
    h.stream.start();
    await flush();
    // the stream ended: first wait from a 1200 ms base, equal jitter at 0.5 → 900
    expect(h.stream.serviceRetryMs).toBe(1200);
    expect(h.waits[0]).toBe(900);
    h.pending.shift()!();
    await flush();
    // the service asked for 10 s: the base is held to the 3 s cap, so recovery stays ≤ 3 s away
    expect(h.waits[1]).toBeLessThanOrEqual(3_000);
    expect(h.waits[1]).toBe(2_250);
    h.stream.stop();
  });

  it('sends our Last-Event-ID on reconnect, from the last event read', async () => {
    const balance = {
      version: 7, total: 1, held: 0, byType: { subscription: 0, activity: 1, purchased: 0 }, proUses: null, batches: [], nextExpiry: null,
    };
    const h = harness([() => sse(`event: balance\nid: 7\ndata: ${JSON.stringify({ balance, cause: { kind: 'grant' } })}\n\n`), () => sse(': x\n\n')]);
    h.stream.start();
    await flush();
    h.pending.shift()!();
    await flush();
    expect(h.requests[0].get('last-event-id')).toBeNull();
    expect(h.requests[1].get('last-event-id')).toBe('7');
    expect(h.requests[1].get('authorization')).toBe('Bearer tok');
    h.stream.stop();
  });
});
