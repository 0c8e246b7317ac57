/** Sign-in through the real /oauth/authorize form and the callback deep link; sign-out; restore. */
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { callbackFor, submitSignInForm } from '@cutline/service/test/helpers/browser-sign-in';
import { useCoreSuite } from '../helpers/core-harness';
import { until } from '../helpers/wait';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

const suite = useCoreSuite();

describe('sign-in', () => {
  it('opens the authorize page with PKCE S256 and a fresh state, then signs in from the callback', async () => {
    const h = await suite.core();
    expect(await h.core.cutline.signIn()).toEqual({ ok: true, value: undefined });
    expect((await h.core.cutline.getState()).signingIn).toBe(true);

    const authorize = new URL(h.opened[0]);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${suite.server.url}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')!.length).toBeGreaterThanOrEqual(43);

    const callback = await callbackFor(h.opened[0], 'pro@cutline.test', DEMO_PASSWORD);
    expect(h.router.receive(callback, 'open-url')).toBe('delivered');
    await until(() => h.notices.find((n) => n.kind === 'signed-in'), 'signed-in notice');

    const state = await h.core.cutline.getState();
    expect(state).toMatchObject({ signingIn: false, account: { email: 'pro@cutline.test', plan: 'pro' }, vaultWarning: null });
    const balance = await until(() => h.core.balance.current, 'balance');
    expect(balance.total).toBe(355);
    expect(await h.core.cutline.getBalance()).toEqual(balance);
  });

  it('never lets a token or the one-time code reach the renderer or the log', async () => {
    const h = await suite.core();
    await h.core.cutline.signIn();
    const callback = await callbackFor(h.opened[0], 'pro@cutline.test', DEMO_PASSWORD);
    h.router.receive(callback, 'open-url');
    await until(() => h.notices.find((n) => n.kind === 'signed-in'), 'signed in');
    await until(() => h.core.stream.connected, 'stream');
    const tokens = h.vault.load()!;
    const code = new URL(callback).searchParams.get('code')!;
    const everything = JSON.stringify([h.states, h.notices, h.balances, h.entries, h.logger.records, await h.core.cutline.getState()]);
    for (const secret of [tokens.accessToken, tokens.refreshToken, code]) expect(everything).not.toContain(secret);
  });

  it('ignores forged callbacks: a state it did not issue, an unknown host, extra parameters, a replay', async () => {
    const h = await suite.core();
    await h.core.cutline.signIn();
    const authorizeUrl = h.opened[0];

    // a genuine code, obtained for a state an attacker chose
    const attackers = new URL(authorizeUrl);
    attackers.searchParams.set('state', 'attacker-chosen-state-attacker-chosen-state-0');
    const forged = await callbackFor(attackers.toString(), 'pro@cutline.test', DEMO_PASSWORD);
    expect(h.router.receive(forged, 'open-url')).toBe('dropped');

    const genuine = await callbackFor(authorizeUrl, 'pro@cutline.test', DEMO_PASSWORD);
    const query = new URL(genuine).search;
    expect(h.router.receive(`cutline://evil/callback${query}`, 'open-url')).toBe('dropped');
    expect(h.router.receive(`${REDIRECT_URI}${query}&next=https%3A%2F%2Fevil.test`, 'second-instance')).toBe('dropped');
    expect(h.router.receive(`${REDIRECT_URI}?code=${new URL(genuine).searchParams.get('code')}`, 'open-url')).toBe('dropped');

    expect((await h.core.cutline.getState()).account).toBeNull();
    expect(h.vault.load()).toBeNull();
    const reasons = h.logger.records.filter((r) => r.message === 'deep link dropped').map((r) => r.fields.reason);
    expect(reasons).toEqual(['state not issued by this app', 'unknown link', 'unexpected parameters', 'unexpected parameters']);

    expect(h.router.receive(genuine, 'open-url')).toBe('delivered');
    await until(() => h.notices.find((n) => n.kind === 'signed-in'), 'signed in');
    // the state was single-use
    expect(h.router.receive(genuine, 'open-url')).toBe('dropped');
  });

  it('a wrong password stays on the form and produces no callback', async () => {
    const h = await suite.core();
    await h.core.cutline.signIn();
    const result = await submitSignInForm(h.opened[0], 'pro@cutline.test', 'wrong-password');
    expect(result).toEqual({ status: 401, location: null });
    expect((await h.core.cutline.getState()).account).toBeNull();
  });

  it('restores a stored session after a restart', async () => {
    const first = await suite.core();
    await first.signIn('free@cutline.test');
    first.stop();
    const second = await suite.core({ vault: first.vault, settingsStore: first.settingsStore });
    expect((await second.core.cutline.getState()).account?.email).toBe('free@cutline.test');
    await until(() => second.core.stream.connected, 'stream reopened');
    await until(() => second.core.balance.current, 'balance from the stream');
    expect(second.core.settings.deviceId).toBe(first.core.settings.deviceId);
  });

  it('signs out: forgets the tokens and revokes them at the service', async () => {
    const h = await suite.core();
    await h.signIn('free@cutline.test');
    const tokens = h.vault.load()!;
    expect(await h.core.cutline.signOut()).toEqual({ ok: true, value: undefined });
    expect(await h.core.cutline.getState()).toMatchObject({ account: null, signingIn: false });
    expect(await h.core.cutline.getBalance()).toBeNull();
    expect(h.vault.load()).toBeNull();

    const refresh = await fetch(`${suite.server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: CLIENT_ID }),
    });
    expect(refresh.status).toBeGreaterThanOrEqual(400);
    const me = await fetch(`${suite.server.url}/v1/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(me.status).toBe(401);
    expect(await h.core.cutline.quote({ tool: 'ai-portrait' })).toMatchObject({ ok: false, error: { code: 'signed_out' } });
  });
});
