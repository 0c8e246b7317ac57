/** Short-lived access tokens: refreshed transparently, once for concurrent callers, by the stream too. */
import { describe, expect, it } from 'vitest';
import { createAccount, secondDevice } from '../helpers/accounts';
import { useCoreSuite } from '../helpers/core-harness';
import { sleep, until } from '../helpers/wait';

const suite = useCoreSuite({ accessTokenTtlS: 1 });

/** Counts refresh-token grants passing through to the real service. */
function countingFetch(counter: { refreshes: number; unauthorized: number }) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.url.endsWith('/oauth/token') && (await request.clone().text()).includes('"refresh_token"')) counter.refreshes++;
    const response = await fetch(request);
    if (response.status === 401) counter.unauthorized++;
    return response;
  };
}

describe('token refresh', () => {
  it('refreshes an expired access token transparently, once for many concurrent requests', async () => {
    const counter = { refreshes: 0, unauthorized: 0 };
    const account = await createAccount(suite.server.url, 100);
    const h = await suite.core({ fetch: countingFetch(counter) });
    await h.signIn(account.email, account.password);
    h.core.stream.stop(); // only the requests below may refresh
    const before = h.vault.load()!;
    await sleep(1_100); // let the one-second access token expire
    counter.refreshes = 0;
    counter.unauthorized = 0;

    const results = await Promise.all([
      h.core.cutline.listTools(),
      h.core.cutline.quote({ tool: 'ai-portrait' }),
      h.core.cutline.getLedger({ limit: 5 }),
      h.core.cutline.quote({ tool: 'smart-cutout' }),
      h.core.cutline.listTools(),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect(counter.unauthorized).toBeGreaterThanOrEqual(1);
    expect(counter.refreshes).toBe(1);
    const after = h.vault.load()!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // rotated
  });

  it('the stream refreshes when the service ends it as unauthorized, and pushes keep coming', async () => {
    const counter = { refreshes: 0, unauthorized: 0 };
    const account = await createAccount(suite.server.url, 100);
    const h = await suite.core({ fetch: countingFetch(counter) });
    await h.signIn(account.email, account.password);
    await until(() => counter.refreshes >= 1 && h.core.stream.connected && h.logger.records.some((r) => r.message === 'access token refreshed'), 'a refresh by the stream');
    const phone = await secondDevice(suite.server.url, account);
    await phone.charge('remove-background');
    await until(() => h.core.balance.current?.total === 95, 'a push on the renewed stream');
    expect((await h.core.cutline.getState()).account?.email).toBe(account.email);
  });

  it('ends the session when the refresh token is refused', async () => {
    const account = await createAccount(suite.server.url, 100);
    const h = await suite.core();
    await h.signIn(account.email, account.password);
    h.core.stream.stop();
    const revoked = await fetch(`${suite.server.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: h.vault.load()!.refreshToken }),
    });
    expect(revoked.status).toBe(200);
    await sleep(1_100);
    const result = await h.core.cutline.quote({ tool: 'ai-portrait' });
    expect(result).toMatchObject({ ok: false, error: { code: 'signed_out' } });
    expect(await h.core.cutline.getState()).toMatchObject({ account: null });
    expect(h.vault.load()).toBeNull();
    expect(h.notices.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(/session has ended/) });
  });
});
