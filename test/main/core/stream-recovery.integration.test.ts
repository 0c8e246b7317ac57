/**
 * Recovery after an outage with the app's real backoff (no test override): the service is cut off
 * long enough for the exponential delays to reach their cap, then answers again. The core must
 * reconnect by itself; every wait between tries stays within the 3 s cap, so it is back within
 * 5 s of the service answering (the time is printed, not asserted: the machine is shared).
 * Also: *Retry now* reconnects at once, and `lastSyncedAt` says since when the balance is stale.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../../src/main/core/backoff';
import { createAccount } from '../helpers/accounts';
import { type CoreHarness, useCoreSuite } from '../helpers/core-harness';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { sleep, until } from '../helpers/wait';

let proxy: TcpProxy | null = null;
const suite = useCoreSuite({}, async () => {
  await proxy?.close();
  proxy = null;
});

const retryDelays = (h: CoreHarness) =>
  h.logger.records.filter((r) => r.message === 'event stream disconnected').map((r) => Number(r.fields?.retryInMs));

describe('stream recovery', () => {
  it('after an outage longer than the backoff cap, reconnects by itself with every wait ≤ 3 s', async () => {
    proxy = await startTcpProxy(suite.server.port);
    const account = await createAccount(suite.server.url, 40);
    // the real default backoff: no override
    const h = await suite.core({ backoff: undefined }, proxy.url);
    await h.signIn(account.email, account.password);
    const syncedBefore = Date.now();

    const seen = h.states.length;
    proxy.cut();
    const offline = await until(() => h.states.slice(seen).find((s) => s.connection !== 'online'), 'not online');
    expect(offline.lastSyncedAt).not.toBeNull();
    expect(Date.parse(offline.lastSyncedAt!)).toBeLessThanOrEqual(syncedBefore + 1000);
    // long enough for 500 → 1000 → 2000 → 3000 (capped) ms waits
    await until(() => retryDelays(h).length >= 5, 'five failed tries', 30_000);

    const restoredAt = Date.now();
    proxy.restore();
    await until(() => h.core.stream.connected, 'reconnected', 15_000);
    const recoveryMs = Date.now() - restoredAt;
    console.log(`[stream-recovery] reconnected ${recoveryMs} ms after the service answered again; waits between tries: ${retryDelays(h).join(', ')} ms`);

    const delays = retryDelays(h);
    expect(delays.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...delays)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    expect(DEFAULT_BACKOFF.maxMs).toBeLessThanOrEqual(3_000);
    expect((await h.core.cutline.getState()).connection).toBe('online');
  }, 60_000);

  it('Retry now reconnects at once instead of waiting out the backoff', async () => {
    proxy = await startTcpProxy(suite.server.port);
    const account = await createAccount(suite.server.url, 40);
    // a long wait between tries, so only Retry now can bring it back during the test
    const h = await suite.core({ backoff: { baseMs: 60_000, maxMs: 60_000 } }, proxy.url);
    await h.signIn(account.email, account.password);
    proxy.cut();
    await until(() => retryDelays(h).length >= 1, 'the first failed try');
    await sleep(50);
    proxy.restore();
    await sleep(200);
    expect(h.core.stream.connected).toBe(false);
    const r = await h.core.cutline.retryNow();
    expect(r.ok).toBe(true);
    await until(() => h.core.stream.connected, 'reconnected by Retry now');
  });

  it('Retry now when signed out says so', async () => {
    const h = await suite.core();
    const r = await h.core.cutline.retryNow();
    expect(r).toMatchObject({ ok: false, error: { code: 'signed_out' } });
  });
});
