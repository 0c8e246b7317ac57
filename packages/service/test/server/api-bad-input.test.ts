import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, call, grant, newKey, newUser } from '../helpers/client';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

let s: TestServer;
let token: string;
let userId: string;
beforeAll(async () => {
  s = await startTestServer();
  const u = await newUser(s.url);
  token = u.tokens.access_token;
  userId = u.id;
  await grant(s.url, userId, 'purchased', 100, null);
});
afterAll(() => s.close());

const device = { id: 'dev-1', platform: 'desktop' };
const post = (body: unknown, key: string | null = newKey(), raw?: string) =>
  call(s.url, 'POST', '/v1/charges', { token, body: raw === undefined ? body : undefined, raw, headers: key === null ? {} : { 'idempotency-key': key } });

async function ledgerLength(): Promise<number> {
  return (await call(s.url, 'GET', '/v1/ledger?limit=200', { token })).body.entries.length;
}

describe('bad input is a 4xx JSON error and changes nothing', () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, number, string][] = [
    ['malformed JSON', () => post(undefined, newKey(), '{"tool": "ai-image",'), 400, 'invalid_request'],
    ['a JSON array body', () => post(undefined, newKey(), '[1,2]'), 400, 'invalid_request'],
    ['no body', () => post(undefined), 400, 'invalid_request'],
    ['tool of the wrong type', () => post({ tool: 5, quantity: 1, device }), 400, 'invalid_request'],
    ['unknown tool', () => post({ tool: 'mind-reader', quantity: 1, device }), 400, 'invalid_request'],
    ['zero quantity', () => post({ tool: 'ai-image', quantity: 0, device }), 400, 'invalid_request'],
    ['negative quantity', () => post({ tool: 'ai-image', quantity: -3, device }), 400, 'invalid_request'],
    ['fractional quantity', () => post({ tool: 'ai-image', quantity: 1.5, device }), 400, 'invalid_request'],
    ['huge quantity', () => post({ tool: 'ai-image', quantity: 1e12, device }), 400, 'invalid_request'],
    ['quantity as a string', () => post({ tool: 'ai-image', quantity: '1', device }), 400, 'invalid_request'],
    ['missing device', () => post({ tool: 'ai-image', quantity: 1 }), 400, 'invalid_request'],
    ['unknown platform', () => post({ tool: 'ai-image', quantity: 1, device: { id: 'x', platform: 'toaster' } }), 400, 'invalid_request'],
    ['an extra field', () => post({ tool: 'ai-image', quantity: 1, device, price: 0 }), 400, 'invalid_request'],
    ['missing Idempotency-Key', () => post({ tool: 'ai-image', quantity: 1, device }, null), 400, 'invalid_request'],
    ['empty Idempotency-Key', () => post({ tool: 'ai-image', quantity: 1, device }, ''), 400, 'invalid_request'],
    ['oversized Idempotency-Key', () => post({ tool: 'ai-image', quantity: 1, device }, 'k'.repeat(129)), 400, 'invalid_request'],
    ['Idempotency-Key with spaces', () => post({ tool: 'ai-image', quantity: 1, device }, 'has space'), 400, 'invalid_request'],
    ['oversized body', () => post(undefined, newKey(), JSON.stringify({ tool: 'ai-image', quantity: 1, device, pad: 'x'.repeat(200_000) })), 413, 'invalid_request'],
    ['no token', () => call(s.url, 'POST', '/v1/charges', { body: { tool: 'ai-image', quantity: 1, device }, headers: { 'idempotency-key': newKey() } }), 401, 'unauthorized'],
    ['a forged token', () => call(s.url, 'POST', '/v1/charges', { token: 'forged', body: { tool: 'ai-image', quantity: 1, device }, headers: { 'idempotency-key': newKey() } }), 401, 'unauthorized'],
    ['a malformed Authorization header', () => call(s.url, 'GET', '/v1/balance', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized'],
    ['an unknown charge id', () => call(s.url, 'POST', '/v1/charges/ch_nope/capture', { token }), 404, 'not_found'],
    ['a release without a reason', () => call(s.url, 'POST', '/v1/charges/ch_nope/release', { token, body: {} }), 400, 'invalid_request'],
    ['a release with an unknown reason', () => call(s.url, 'POST', '/v1/charges/ch_nope/release', { token, body: { reason: 'bored' } }), 400, 'invalid_request'],
    ['a quote for an unknown tool', () => call(s.url, 'POST', '/v1/quotes', { token, body: { tool: 'nope' } }), 400, 'invalid_request'],
    ['a ledger limit of 0', () => call(s.url, 'GET', '/v1/ledger?limit=0', { token }), 400, 'invalid_request'],
    ['a ledger limit that is not a number', () => call(s.url, 'GET', '/v1/ledger?limit=lots', { token }), 400, 'invalid_request'],
    ['a forged ledger cursor', () => call(s.url, 'GET', "/v1/ledger?before=1%27%20OR%201=1", { token }), 400, 'invalid_request'],
    ['an unknown route', () => call(s.url, 'GET', '/v1/nothing-here', { token }), 404, 'not_found'],
    ['a token request with an unknown grant type', () => call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'password' } }), 400, 'invalid_request'],
    ['a token request with a garbage code', () => call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'authorization_code', code: 'x', code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID } }), 401, 'unauthorized'],
    ['admin without the admin token', () => call(s.url, 'POST', '/admin/v1/grants', { token, body: { userId, type: 'activity', amount: 1000, expiresAt: null } }), 401, 'unauthorized'],
    ['an admin grant of a negative amount', () => admin(s.url, 'POST', '/admin/v1/grants', { userId, type: 'activity', amount: -5, expiresAt: null }), 400, 'invalid_request'],
    ['an admin grant of a fractional amount', () => admin(s.url, 'POST', '/admin/v1/grants', { userId, type: 'activity', amount: 2.5, expiresAt: null }), 400, 'invalid_request'],
    ['an admin grant of an unknown type', () => admin(s.url, 'POST', '/admin/v1/grants', { userId, type: 'gold', amount: 5, expiresAt: null }), 400, 'invalid_request'],
    ['an admin grant already expired', () => admin(s.url, 'POST', '/admin/v1/grants', { userId, type: 'activity', amount: 5, expiresAt: '2001-01-01T00:00:00Z' }), 400, 'invalid_request'],
    ['an admin grant to an unknown user', () => admin(s.url, 'POST', '/admin/v1/grants', { userId: 'u_nobody', type: 'activity', amount: 5, expiresAt: null }), 404, 'not_found'],
    ['an admin user with a bad email', () => admin(s.url, 'POST', '/admin/v1/users', { email: 'not-an-email', password: 'password-123', plan: 'free' }), 400, 'invalid_request'],
    ['an admin user that already exists', () => admin(s.url, 'POST', '/admin/v1/users', { email: 'pro@cutline.test', password: 'password-123', plan: 'free' }), 409, 'conflict'],
  ];

  for (const [name, run, status, code] of cases) {
    it(name, async () => {
      const before = await ledgerLength();
      const balanceBefore = (await call(s.url, 'GET', '/v1/balance', { token })).body;
      const r = await run();
      expect(r.status).toBe(status);
      expect(r.body).toMatchObject({ error: code });
      expect(typeof r.body.message).toBe('string');
      expect(r.body.message.length).toBeGreaterThan(3);
      expect(await ledgerLength()).toBe(before);
      expect((await call(s.url, 'GET', '/v1/balance', { token })).body).toEqual(balanceBefore);
    });
  }
});
