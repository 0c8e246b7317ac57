/** Headers every response carries, and how credentials are read (issue 9 § Security 8). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { call, newUser } from '../helpers/client';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await startTestServer();
  token = (await newUser(s.url)).tokens.access_token;
});
afterAll(() => s.close());

describe('X-Content-Type-Options: nosniff on every response', () => {
  const cases: [string, () => Promise<Response>][] = [
    ['the public catalogue', () => fetch(`${s.url}/v1/tools`)],
    ['an authenticated read', () => fetch(`${s.url}/v1/balance`, { headers: { authorization: `Bearer ${token}` } })],
    ['a 401', () => fetch(`${s.url}/v1/balance`)],
    ['a 404', () => fetch(`${s.url}/v1/nothing`)],
    ['a 400', () => fetch(`${s.url}/v1/ledger?limit=0`, { headers: { authorization: `Bearer ${token}` } })],
    ['a 415', () => fetch(`${s.url}/v1/quotes`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'x' })],
    ['the sign-in page of the desktop', () => fetch(`${s.url}/oauth/authorize?response_type=code`)],
    ['a web page', () => fetch(`${s.url}/signin`)],
    ['a web redirect', () => fetch(`${s.url}/credits`, { redirect: 'manual' })],
    ['the admin API', () => fetch(`${s.url}/admin/v1/users`, { method: 'POST' })],
    ['the health check', () => fetch(`${s.url}/healthz`)],
  ];
  for (const [name, run] of cases) {
    it(name, async () => {
      const r = await run();
      await r.arrayBuffer();
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    });
  }

  it('the event stream', async () => {
    const ac = new AbortController();
    const r = await fetch(`${s.url}/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    ac.abort();
  });
});

describe('the Bearer scheme is case-insensitive (RFC 7235)', () => {
  for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
    it(`"${scheme} <token>" is accepted`, async () => {
      expect((await call(s.url, 'GET', '/v1/me', { headers: { authorization: `${scheme} ${token}` } })).status).toBe(200);
    });
  }
  it('another scheme is still refused', async () => {
    const r = await call(s.url, 'GET', '/v1/me', { headers: { authorization: `Basic ${token}` } });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('unauthorized');
  });
});

describe('the admin token', () => {
  const tryAdmin = (authorization: string) => call(s.url, 'POST', '/admin/v1/teams', { headers: { authorization }, body: { name: 'T', creditsPerCycle: 10 } });
  it('is accepted exactly, with the scheme in any case', async () => {
    expect((await tryAdmin(`Bearer ${s.adminToken}`)).status).toBe(201);
    expect((await tryAdmin(`bearer ${s.adminToken}`)).status).toBe(201);
  });
  it('refuses a wrong token of the same length, a prefix, a longer one and none', async () => {
    const same = s.adminToken.slice(0, -1) + (s.adminToken.endsWith('x') ? 'y' : 'x');
    for (const a of [`Bearer ${same}`, `Bearer ${s.adminToken.slice(0, 8)}`, `Bearer ${s.adminToken}0`, '', `Bearer`]) {
      const r = await tryAdmin(a);
      expect(r.status, a).toBe(401);
      expect(r.body.error).toBe('unauthorized');
    }
  });
});
