/**
 * NUL and other control characters in any input (issue 9 § Security 3): a 400 `invalid_request`,
 * nothing written, never a 5xx — on SQLite and (CUTLINE_TEST_STORE=postgres) on PostgreSQL,
 * where a NUL cannot even be stored in a text column.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { admin, authorizeQuery, call, grant, newKey, newUser, pkce } from '../helpers/client';
import { Browser, field } from '../web/browser';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';

let s: TestServer;
let token: string;
let userId: string;
let refreshToken: string;
let web: Browser;
let csrf: string;
beforeAll(async () => {
  s = await startTestServer();
  const u = await newUser(s.url);
  token = u.tokens.access_token;
  refreshToken = u.tokens.refresh_token;
  userId = u.id;
  await grant(s.url, userId, 'purchased', 100, null);
  web = new Browser(s.url);
  await web.signIn(u.email, 'password-123');
  csrf = field((await web.get('/store/checkout?pack=pack-100')).text, 'csrf');
});
afterAll(() => s.close());

const NUL = '\u0000';
const device = { id: 'dev-1', platform: 'desktop' };
const form = (path: string, fields: Record<string, string>) =>
  fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' }).then(async (r) => {
    const t = await r.text();
    let body: unknown = t;
    try {
      body = JSON.parse(t);
    } catch {
      /* a page */
    }
    return { status: r.status, body: body as any };
  });
const signInFields = (email: string, password = 'x') => {
  const q = authorizeQuery('st', pkce().challenge);
  q.set('email', email);
  q.set('password', password);
  return Object.fromEntries(q);
};
const tokenBody = (o: Record<string, string>) => ({ grant_type: 'authorization_code', code: 'c', code_verifier: 'v'.repeat(43), redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, ...o });

const jsonCases: [string, () => Promise<{ status: number; body: any }>][] = [
  ['desktop sign-in form: email', () => form('/oauth/authorize', signInFields(`a${NUL}@x.test`))],
  ['desktop sign-in form: password', () => form('/oauth/authorize', signInFields('pro@cutline.test', `pw${NUL}`))],
  ['desktop sign-in form: state', () => form('/oauth/authorize', { ...signInFields('pro@cutline.test'), state: `s${NUL}` })],
  ['authorize page: state in the query', () => call(s.url, 'GET', `/oauth/authorize?${authorizeQuery(`s${NUL}`, pkce().challenge)}`)],
  ['token: code', () => call(s.url, 'POST', '/oauth/token', { body: tokenBody({ code: `c${NUL}` }) })],
  ['token: redirect_uri', () => call(s.url, 'POST', '/oauth/token', { body: tokenBody({ redirect_uri: `${REDIRECT_URI}${NUL}` }) })],
  ['token: refresh_token', () => call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: `${refreshToken}${NUL}` } })],
  ['token: form-encoded code', () => form('/oauth/token', tokenBody({ code: `c${NUL}` }))],
  ['revoke: token', () => call(s.url, 'POST', '/oauth/revoke', { body: { token: `t${NUL}` } })],
  ['charge id in the path', () => call(s.url, 'GET', '/v1/charges/%00', { token })],
  ['charge id with a NUL inside', () => call(s.url, 'GET', '/v1/charges/ch_%00x', { token })],
  ['capture path', () => call(s.url, 'POST', '/v1/charges/%00/capture', { token })],
  ['release path', () => call(s.url, 'POST', '/v1/charges/%01/release', { token, body: { reason: 'failed' } })],
  ['ledger cursor', () => call(s.url, 'GET', '/v1/ledger?before=%00', { token })],
  ['an unknown query parameter', () => call(s.url, 'GET', '/v1/balance?x=%00', { token })],
  ['quote: tool', () => call(s.url, 'POST', '/v1/quotes', { token, body: { tool: `ai-image${NUL}` } })],
  ['charge: tool', () => call(s.url, 'POST', '/v1/charges', { token, body: { tool: `ai-image${NUL}`, quantity: 1, device }, headers: { 'idempotency-key': newKey() } })],
  ['charge: device id', () => call(s.url, 'POST', '/v1/charges', { token, body: { tool: 'ai-image', quantity: 1, device: { id: `d${NUL}`, platform: 'desktop' } }, headers: { 'idempotency-key': newKey() } })],
  ['charge: a key with a NUL', () => call(s.url, 'POST', '/v1/charges', { token, body: { tool: 'ai-image', quantity: 1, device, [`x${NUL}`]: 1 }, headers: { 'idempotency-key': newKey() } })],
  ['charge: a tab and an escape in a string', () => call(s.url, 'POST', '/v1/charges', { token, body: { tool: 'ai-image\t\u001b', quantity: 1, device }, headers: { 'idempotency-key': newKey() } })],
  ['handoff: next', () => call(s.url, 'POST', '/v1/handoff', { token, body: { next: `/store${NUL}` } })],
  ['admin user: email', () => admin(s.url, 'POST', '/admin/v1/users', { email: `n${NUL}@cutline.test`, password: 'password-123', plan: 'free' })],
  ['admin user: password', () => admin(s.url, 'POST', '/admin/v1/users', { email: 'nul-pw@cutline.test', password: `password${NUL}123`, plan: 'free' })],
  ['admin user: teamId', () => admin(s.url, 'POST', '/admin/v1/users', { email: 'nul-team@cutline.test', password: 'password-123', plan: 'teams', teamId: `t${NUL}` })],
  ['admin team: name', () => admin(s.url, 'POST', '/admin/v1/teams', { name: `Team${NUL}`, creditsPerCycle: 10 })],
  ['admin grant: source', () => admin(s.url, 'POST', '/admin/v1/grants', { userId, type: 'activity', amount: 5, expiresAt: null, source: `x${NUL}` })],
  ['admin grant: userId', () => admin(s.url, 'POST', '/admin/v1/grants', { userId: `${userId}${NUL}`, type: 'activity', amount: 5, expiresAt: null })],
  ['admin member: team in the path', () => admin(s.url, 'POST', '/admin/v1/teams/%00/members', { userId })],
  ['admin member: userId', () => admin(s.url, 'POST', '/admin/v1/teams/t_x/members', { userId: `u${NUL}` })],
  ['admin renew: user in the path', () => admin(s.url, 'POST', '/admin/v1/users/u_%00/renew')],
];

const pageCases: [string, () => Promise<{ status: number; text: string }>][] = [
  ['web sign-in: email', async () => {
    const b = new Browser(s.url);
    const c = field((await b.get('/signin')).text, 'csrf');
    return b.post('/signin', { csrf: c, next: '/credits', email: `a${NUL}@x.test`, password: 'x' });
  }],
  ['web sign-in: next in the query', () => new Browser(s.url).get('/signin?next=%2Fstore%00')],
  ['web handoff: code', () => new Browser(s.url).get(`/handoff?code=${'a'.repeat(30)}%00&next=/store`)],
  ['web order page: id', () => web.get('/store/orders/ord_%00')],
  ['web checkout: form_key', () => web.post('/store/checkout', { csrf, pack: 'pack-100', form_key: `k${NUL}` })],
  ['web checkout: pack in the query', () => web.get('/store/checkout?pack=pack-100%00')],
  ['web exchange: a field', () => web.post('/exchange', { csrf, confirm: `yes${NUL}` })],
];

async function books() {
  const ledger = (await call(s.url, 'GET', '/v1/ledger?limit=200', { token })).body.entries.length;
  const balance = (await call(s.url, 'GET', '/v1/balance', { token })).body;
  return { ledger, balance };
}

describe('a control character in any input is a 400 invalid_request and writes nothing', () => {
  for (const [name, run] of jsonCases) {
    it(name, async () => {
      const before = await books();
      const r = await run();
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
      expect(typeof r.body.message).toBe('string');
      expect(await books()).toEqual(before);
    });
  }

  it('the refused admin users were not created', async () => {
    for (const email of ['nul-pw@cutline.test', 'nul-team@cutline.test']) {
      expect((await admin(s.url, 'POST', '/admin/v1/users', { email, password: 'password-123', plan: 'free' })).status).toBe(201);
    }
  });

  for (const [name, run] of pageCases) {
    it(`${name} (a page saying so)`, async () => {
      const before = await books();
      const r = await run();
      expect(r.status).toBe(400);
      expect(r.text).toContain('control characters');
      expect(await books()).toEqual(before);
    });
  }
});
