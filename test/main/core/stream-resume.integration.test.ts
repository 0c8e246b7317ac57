/**
 * The event stream across a network failure: the connection is cut while another device keeps
 * spending; the core goes offline, reconnects by itself when the network returns (Last-Event-ID,
 * backoff, resync) and ends on the service's current balance, never a stale one.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '@cutline/service/test/helpers/server';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { until } from '../helpers/wait';

let proxy: TcpProxy;
const suite = useCoreSuite({}, async () => {
  await proxy?.close();
});

/** A fetch that records the Last-Event-ID of every event-stream request it passes on to the real one. */
function recordingLastEventIds(seen: (string | null)[]) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.url.endsWith('/v1/events')) seen.push(request.headers.get('last-event-id'));
    return fetch(request);
  };
}

describe('event stream resume', () => {
  it('goes offline when the network is cut and resyncs to the current balance when it returns', async () => {
    proxy = await startTcpProxy(suite.server.port);
    const account = await createAccount(suite.server.url, 100);
    const seenLastEventIds: (string | null)[] = [];
    const h = await suite.core({ fetch: recordingLastEventIds(seenLastEventIds) }, proxy.url);
    await h.signIn(account.email, account.password);
    const phone = await secondDevice(suite.server.url, account);
    const beforeCut = await until(() => h.core.balance.current, 'balance');

    proxy.cut();
    const offline = await until(() => h.states.find((s) => s.connection === 'offline'), 'offline state');
    expect(offline.offlineReason).toMatch(/Cannot reach/);
    expect(await h.core.cutline.getState()).toMatchObject({ connection: 'offline' });

    // the account keeps changing while this device cannot hear about it
    await phone.charge('ai-portrait');
    await phone.charge('auto-captions');
    const current = await phone.balance();
    expect(current.version).toBeGreaterThan(beforeCut.version);
    expect(h.core.balance.current?.version).toBe(beforeCut.version);

    proxy.restore();
    await until(() => h.core.stream.connected, 'reconnected');
    await until(() => h.core.balance.current?.version === current.version, 'the current balance');
    expect(h.core.balance.current).toMatchObject({ total: 82, held: 18 });
    expect(await h.core.cutline.getState()).toMatchObject({ connection: 'online', offlineReason: null });

    // it resumed from the last event it had seen, not from scratch
    expect(seenLastEventIds[0]).toBeNull();
    expect(seenLastEventIds.slice(1)).toContain(String(beforeCut.version));
    const versions = h.balances.map((b) => b.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('reconnects at once when asked (wake from sleep), resuming from the last event', async () => {
    const account = await createAccount(suite.server.url, 30);
    const lastEventIds: (string | null)[] = [];
    const h = await suite.core({ fetch: recordingLastEventIds(lastEventIds) });
    await h.signIn(account.email, account.password);
    const version = h.core.balance.current!.version;
    h.core.stream.reconnectNow();
    await until(() => lastEventIds.length === 2 && h.core.stream.connected, 'a second connection');
    expect(lastEventIds).toEqual([null, String(version)]);
    const phone = await secondDevice(suite.server.url, account);
    await phone.charge('auto-captions');
    await until(() => h.core.balance.current?.total === 27, 'a push on the new connection');
  });

  it('replaces a stream that falls silent', async () => {
    const quiet = await startTestServer({ pingMs: 600_000 });
    try {
      const account = await createAccount(quiet.url, 50);
      const h = await suite.core({ streamIdleTimeoutMs: 300 }, quiet.url);
      await h.signIn(account.email, account.password);
      await until(() => h.logger.records.find((r) => r.message === 'event stream silent, reconnecting'), 'idle detection');
      const phone = await secondDevice(quiet.url, account);
      await phone.charge('remove-background');
      await until(() => h.core.balance.current?.total === 45, 'push after the stream was replaced');
    } finally {
      suite.stopCores();
      await quiet.close();
    }
  });
});
