import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { authorizeQuery, call, pkce, postSignInForm, signIn, DEMO_PASSWORD } from '../helpers/client';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function codeFor(email: string, state = 'st-123') {
  const p = pkce();
  const res = await postSignInForm(s.url, email, DEMO_PASSWORD, state, p.challenge);
  const cb = new URL(res.headers.get('location')!);
  return { ...p, code: cb.searchParams.get('code')!, state: cb.searchParams.get('state') };
}

const tokenBody = (code: string, verifier: string) => ({
  grant_type: 'authorization_code',
  code,
  code_verifier: verifier,
  redirect_uri: REDIRECT_URI,
  client_id: CLIENT_ID,
});

describe('sign-in (authorization code + PKCE)', () => {
  it('shows the sign-in form for a valid authorize request', async () => {
    const res = await fetch(`${s.url}/oauth/authorize?${authorizeQuery('abc', pkce().challenge)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('name="email"');
    expect(page).toContain('name="password"');
  });

  it('refuses an unregistered redirect URI without redirecting', async () => {
    const q = authorizeQuery('abc', pkce().challenge);
    q.set('redirect_uri', 'https://evil.example/cb');
    const res = await fetch(`${s.url}/oauth/authorize?${q}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('redirects to the deep link with a code and the same state, and the code gives tokens', async () => {
    const { code, verifier, state } = await codeFor('pro@cutline.test', 'state-xyz');
    expect(state).toBe('state-xyz');
    const r = await call(s.url, 'POST', '/oauth/token', { body: tokenBody(code, verifier) });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
    expect(r.body.expires_in).toBeGreaterThan(0);
    const me = await call(s.url, 'GET', '/v1/me', { token: r.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'pro@cutline.test', plan: 'pro', teamId: null, exchanged: false, proUses: null });
  });

  it('accepts the token request form-encoded too', async () => {
    const { code, verifier } = await codeFor('free@cutline.test');
    const res = await fetch(`${s.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(tokenBody(code, verifier)).toString(),
    });
    expect(res.status).toBe(200);
  });

  it('a wrong password shows the page again with an error (401) and no code', async () => {
    const res = await postSignInForm(s.url, 'pro@cutline.test', 'wrong-password', 's', pkce().challenge);
    expect(res.status).toBe(401);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('do not match');
  });

  it('a code works once, and only with its own verifier', async () => {
    const { code, verifier } = await codeFor('pro@cutline.test');
    const wrong = await call(s.url, 'POST', '/oauth/token', { body: tokenBody(code, pkce().verifier) });
    expect(wrong.status).toBe(401);
    // The failed attempt burned it: a code is good for one try.
    const again = await call(s.url, 'POST', '/oauth/token', { body: tokenBody(code, verifier) });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('unauthorized');

    const fresh = await codeFor('pro@cutline.test');
    expect((await call(s.url, 'POST', '/oauth/token', { body: tokenBody(fresh.code, fresh.verifier) })).status).toBe(200);
    expect((await call(s.url, 'POST', '/oauth/token', { body: tokenBody(fresh.code, fresh.verifier) })).status).toBe(401);
  });

  it('rotates refresh tokens and treats a reused one as a leak: the whole session is revoked', async () => {
    const first = await signIn(s.url, 'pro@cutline.test');
    const r1 = await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: first.refresh_token } });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(first.refresh_token);
    expect((await call(s.url, 'GET', '/v1/me', { token: r1.body.access_token })).status).toBe(200);

    const reuse = await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: first.refresh_token } });
    expect(reuse.status).toBe(401);
    // Every token of that sign-in is dead now, including the newest pair.
    expect((await call(s.url, 'GET', '/v1/me', { token: r1.body.access_token })).status).toBe(401);
    const r2 = await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token } });
    expect(r2.status).toBe(401);
  });

  it('revoke ends an access token; revoking an unknown token is not an error', async () => {
    const t = await signIn(s.url, 'free@cutline.test');
    expect((await call(s.url, 'POST', '/oauth/revoke', { body: { token: t.access_token } })).status).toBe(200);
    expect((await call(s.url, 'GET', '/v1/balance', { token: t.access_token })).status).toBe(401);
    expect((await call(s.url, 'POST', '/oauth/revoke', { body: { token: 'nope' } })).status).toBe(200);
  });

  it('rate-limits repeated wrong passwords with 429 from that address, never the owner from another', async () => {
    const email = 'bob@cutline.test';
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await postSignInForm(s.url, email, `bad-${i}`, 's', pkce().challenge)).status;
    expect(last).toBe(429);
    // from that address even the right password waits out the window…
    expect((await postSignInForm(s.url, email, DEMO_PASSWORD, 's', pkce().challenge)).status).toBe(429);
    // …while the owner, from an address that has not failed, signs in.
    const owner = await postSignInForm(s.url, email, DEMO_PASSWORD, 's', pkce().challenge, '127.0.0.42');
    expect(owner.status).toBe(302);
    expect(owner.headers.get('location')).toMatch(/^cutline:\/\/auth\/callback\?code=/);
  });

  it('expired access tokens are refused', async () => {
    let offset = 0;
    const short = await startTestServer({ accessTokenTtlS: 5, clock: { now: () => Date.now() + offset } });
    try {
      const t = await signIn(short.url, 'free@cutline.test');
      expect((await call(short.url, 'GET', '/v1/me', { token: t.access_token })).status).toBe(200);
      offset = 6000;
      expect((await call(short.url, 'GET', '/v1/me', { token: t.access_token })).status).toBe(401);
      const r = await call(short.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: t.refresh_token } });
      expect(r.status).toBe(200);
      expect((await call(short.url, 'GET', '/v1/me', { token: r.body.access_token })).status).toBe(200);
    } finally {
      await short.close();
    }
  });

  it('handoff gives a one-time link on the public origin for allowed paths only', async () => {
    const t = await signIn(s.url, 'pro@cutline.test');
    const r = await call(s.url, 'POST', '/v1/handoff', { token: t.access_token, body: { next: '/store' } });
    expect(r.status).toBe(200);
    const u = new URL(r.body.url);
    expect(u.origin).toBe(s.publicUrl);
    expect(u.pathname).toBe('/handoff');
    expect(u.searchParams.get('next')).toBe('/store');
    expect(u.searchParams.get('code')!.length).toBeGreaterThan(30);
    const bad = await call(s.url, 'POST', '/v1/handoff', { token: t.access_token, body: { next: 'https://evil.example/' } });
    expect(bad.status).toBe(400);
  });
});
