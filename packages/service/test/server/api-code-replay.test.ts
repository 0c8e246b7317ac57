/** RFC 6749 §4.1.2: an authorization code presented twice revokes what its first redemption issued. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, DEMO_PASSWORD, pkce, postSignInForm } from '../helpers/client';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function codeFor(email: string) {
  const p = pkce();
  const res = await postSignInForm(s.url, email, DEMO_PASSWORD, 'st', p.challenge);
  return { ...p, code: new URL(res.headers.get('location')!).searchParams.get('code')! };
}
const redeem = (code: string, verifier: string) =>
  call(s.url, 'POST', '/oauth/token', {
    body: { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID },
  });
const refresh = (token: string) => call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: token } });

describe('a replayed authorization code', () => {
  it('is refused and revokes the access and refresh tokens the first redemption issued', async () => {
    const { code, verifier } = await codeFor('pro@cutline.test');
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    expect((await call(s.url, 'GET', '/v1/me', { token: first.body.access_token })).status).toBe(200);

    const replay = await redeem(code, verifier);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'unauthorized' });

    expect((await call(s.url, 'GET', '/v1/me', { token: first.body.access_token })).status).toBe(401);
    expect((await refresh(first.body.refresh_token)).status).toBe(401);
  });

  it('also revokes tokens the first redemption already rotated into', async () => {
    const { code, verifier } = await codeFor('free@cutline.test');
    const first = await redeem(code, verifier);
    const rotated = await refresh(first.body.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await redeem(code, verifier)).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/balance', { token: rotated.body.access_token })).status).toBe(401);
    expect((await refresh(rotated.body.refresh_token)).status).toBe(401);
  });

  it('leaves the same account’s other sign-ins alone', async () => {
    const a = await codeFor('pro@cutline.test');
    const b = await codeFor('pro@cutline.test');
    const ta = await redeem(a.code, a.verifier);
    const tb = await redeem(b.code, b.verifier);
    expect((await redeem(a.code, a.verifier)).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/me', { token: ta.body.access_token })).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/me', { token: tb.body.access_token })).status).toBe(200);
  });
});
