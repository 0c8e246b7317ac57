/**
 * RFC 8252 §7.3 loopback redirects for the desktop client, and "Continue as" on the authorize
 * page for a browser already signed in on the web.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../web/browser';
import { call, pkce } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

function query(redirectUri: string, challenge: string, state = randomBytes(12).toString('base64url')) {
  return new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri, state, code_challenge: challenge, code_challenge_method: 'S256' });
}

async function postForm(q: URLSearchParams, fields: Record<string, string>, cookie = ''): Promise<Response> {
  const form = new URLSearchParams(q);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(`${s.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
    body: form.toString(),
  });
}

const token = (body: Record<string, string>) => call(s.url, 'POST', '/oauth/token', { body });

describe('loopback redirect URIs', () => {
  it('accepts http://127.0.0.1:{any port}/callback, redirects there with the code, and redeems it only with the same URI', async () => {
    for (const port of [1, 5199, 65535]) {
      const redirect = `http://127.0.0.1:${port}/callback`;
      const { verifier, challenge } = pkce();
      const q = query(redirect, challenge);
      expect((await fetch(`${s.url}/oauth/authorize?${q}`)).status).toBe(200);
      const res = await postForm(q, { email: 'pro@cutline.test', password: 'cutline-demo' });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location')!);
      expect(`${to.origin}${to.pathname}`).toBe(redirect);
      expect(to.searchParams.get('state')).toBe(q.get('state'));
      const code = to.searchParams.get('code')!;
      if (port === 5199) {
        // another port at the token endpoint: refused, and the code is burned
        const other = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:5200/callback', client_id: CLIENT_ID });
        expect(other.status).toBe(400);
        expect(other.body.error).toBe('invalid_request');
        continue;
      }
      const ok = await token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirect, client_id: CLIENT_ID });
      expect(ok.status).toBe(200);
      expect(ok.body.token_type).toBe('Bearer');
    }
  });

  it('refuses localhost, other hosts, other paths, port 0 or above 65535, and queries', async () => {
    const { challenge } = pkce();
    for (const bad of [
      'http://localhost:5199/callback',
      'http://127.0.0.2:5199/callback',
      'https://127.0.0.1:5199/callback',
      'http://127.0.0.1:5199/callback/',
      'http://127.0.0.1:5199/other',
      'http://127.0.0.1/callback',
      'http://127.0.0.1:0/callback',
      'http://127.0.0.1:65536/callback',
      'http://127.0.0.1:5199/callback?x=1',
      'http://user@127.0.0.1:5199/callback',
      'http://[::1]:5199/callback',
    ]) {
      const res = await fetch(`${s.url}/oauth/authorize?${query(bad, challenge)}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
      const post = await postForm(query(bad, challenge), { email: 'pro@cutline.test', password: 'cutline-demo' });
      expect(post.status, bad).toBe(400);
    }
  });

  it('still requires PKCE S256 for a loopback redirect', async () => {
    const q = query('http://127.0.0.1:5199/callback', 'x'.repeat(43));
    q.delete('code_challenge');
    expect((await fetch(`${s.url}/oauth/authorize?${q}`)).status).toBe(400);
    q.set('code_challenge', 'x'.repeat(43));
    q.set('code_challenge_method', 'plain');
    expect((await fetch(`${s.url}/oauth/authorize?${q}`)).status).toBe(400);
  });

  it('the sign-in page may redirect its form to a loopback address (CSP form-action)', async () => {
    const { challenge } = pkce();
    const res = await fetch(`${s.url}/oauth/authorize?${query('http://127.0.0.1:5199/callback', challenge)}`);
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self' cutline: http://127.0.0.1:*");
  });
});

describe('"Continue as" with a web session', () => {
  it('offers one click for the signed-in web account, which redirects with a code for that account', async () => {
    const b = new Browser(s.url);
    await b.signIn('pro@cutline.test');
    const { verifier, challenge } = pkce();
    const q = query(REDIRECT_URI, challenge);
    const page = await b.get(`/oauth/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Continue as pro@cutline.test');
    expect(page.text).toContain('Use another account');
    expect(page.text).not.toContain('type="password"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await b.post('/oauth/authorize', { ...Object.fromEntries(q), continue: '1', csrf });
    expect(res.status).toBe(302);
    const cb = new URL(res.location!);
    const t = await token({ grant_type: 'authorization_code', code: cb.searchParams.get('code')!, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID });
    expect(t.status).toBe(200);
    const me = await call(s.url, 'GET', '/v1/me', { token: t.body.access_token });
    expect(me.body.email).toBe('pro@cutline.test');
  });

  it('"Use another account" shows the password form', async () => {
    const b = new Browser(s.url);
    await b.signIn('pro@cutline.test');
    const q = query(REDIRECT_URI, pkce().challenge);
    const link = /href="(\/oauth\/authorize\?[^"]+)">Use another account/.exec((await b.get(`/oauth/authorize?${q}`)).text)![1].replace(/&amp;/g, '&');
    const page = await b.get(link);
    expect(page.text).toContain('type="password"');
    expect(page.text).not.toContain('Continue as');
  });

  it('refuses "Continue as" without the session\'s CSRF token, or without a session, and issues no code', async () => {
    const b = new Browser(s.url);
    await b.signIn('pro@cutline.test');
    const q = query(REDIRECT_URI, pkce().challenge);
    await b.get(`/oauth/authorize?${q}`);
    const forged = await b.post('/oauth/authorize', { ...Object.fromEntries(q), continue: '1', csrf: 'not-the-token' });
    expect(forged.status).toBe(403);
    expect(forged.location).toBeNull();
    expect(forged.text).toContain('type="password"');
    const anon = await postForm(q, { continue: '1', csrf: 'x' });
    expect(anon.status).toBe(403);
    expect(anon.headers.get('location')).toBeNull();
  });
});
