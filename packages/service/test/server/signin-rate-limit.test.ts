/**
 * Password guessing, and a limit no stranger can turn against the owner. An attempt is counted
 * before its password is checked, so concurrent guesses cannot all be checked, and the right
 * password sent inside a burst does not sign in from that address once the limit is hit. The
 * counters are per account *and* client address (10 per 5 minutes) and per client address (100):
 * the owner's right password from an address that has not failed signs in while the guessing
 * address is refused. Both forms: /oauth/authorize and the web /signin (one allowance).
 * Other client addresses are 127.0.0.x of this machine (helpers/fetch-from.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { authorizeQuery, newUser, pkce, postSignInForm } from '../helpers/client';
import { Browser, field } from '../web/browser';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const PASSWORD = 'password-123';
const authorize = (email: string, password: string, from?: string) => postSignInForm(s.url, email, password, 'st', pkce().challenge, from);

async function webForm(from?: string) {
  const b = new Browser(s.url, from);
  const csrf = field((await b.get('/signin')).text, 'csrf');
  return (email: string, password: string) => b.post('/signin', { csrf, next: '/credits', email, password });
}

describe('/oauth/authorize', () => {
  it('40 concurrent wrong passwords: at most 10 are checked, the rest are refused with 429', async () => {
    const u = await newUser(s.url);
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => authorize(u.email, `wrong-${i}`)));
    const statuses = rs.map((r) => r.status);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(30);
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.every((x) => x === 401 || x === 429)).toBe(true);
    const limited = rs.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toMatch(/text\/html/);
    expect(await limited.text()).toContain('Too many sign-in attempts');
  });

  it('20 wrong guesses and the right password in one burst: the right one does not sign in from there, but does from another address', async () => {
    const u = await newUser(s.url);
    const burst = Array.from({ length: 20 }, (_, i) => authorize(u.email, `wrong-${i}`));
    const right = authorize(u.email, PASSWORD);
    const rs = await Promise.all([...burst, right]);
    expect(rs.some((r) => r.status === 302)).toBe(false);
    expect(rs.at(-1)!.status).toBe(429);
    expect(rs.at(-1)!.headers.get('location')).toBeNull();
    // and later, while the window lasts, still not from that address
    expect((await authorize(u.email, PASSWORD)).status).toBe(429);
    // the owner elsewhere is not locked out
    const owner = await authorize(u.email, PASSWORD, '127.0.0.31');
    expect(owner.status).toBe(302);
    expect(owner.headers.get('location')).toMatch(/code=/);
  });

  it('successful sign-ins do not use up the allowance', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 12; i++) expect((await authorize(u.email, PASSWORD)).status).toBe(302);
  });

  it('one address that guesses at many accounts is refused after 100 failures, for every account; other addresses are not', async () => {
    const from = '127.0.0.32';
    const accounts = await Promise.all(Array.from({ length: 11 }, () => newUser(s.url)));
    // 10 accounts × 10 wrong passwords: each account+address pair stays within its own 10.
    for (const u of accounts.slice(0, 10)) {
      const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => authorize(u.email, `wrong-${i}`, from)));
      expect(rs.map((r) => r.status)).toEqual(Array(10).fill(401));
    }
    const fresh = accounts[10];
    expect((await authorize(fresh.email, PASSWORD, from)).status).toBe(429);
    expect((await authorize(fresh.email, PASSWORD, '127.0.0.33')).status).toBe(302);
  }, 180_000); // 100 password checks (scrypt) on a shared machine
});

describe('web /signin', () => {
  it('40 concurrent wrong passwords: at most 10 are checked, the rest get the sign-in page with 429', async () => {
    const u = await newUser(s.url);
    const post = await webForm();
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => post(u.email, `wrong-${i}`)));
    expect(rs.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(30);
    expect(rs.filter((r) => r.status === 401).length).toBeLessThanOrEqual(10);
    const limited = rs.find((r) => r.status === 429)!;
    expect(limited.text).toContain('Too many sign-in attempts');
    expect(limited.text).toContain('<form method="post" action="/signin">');
  });

  it('20 wrong guesses and the right password in one burst: no session cookie for anyone from there; the owner elsewhere signs in', async () => {
    const u = await newUser(s.url);
    const post = await webForm();
    const rs = await Promise.all([...Array.from({ length: 20 }, (_, i) => post(u.email, `wrong-${i}`)), post(u.email, PASSWORD)]);
    expect(rs.some((r) => r.status === 303)).toBe(false);
    expect(rs.at(-1)!.status).toBe(429);
    expect(rs.some((r) => r.setCookies.some((c) => c.startsWith('cutline_session=')))).toBe(false);
    const owner = await (await webForm('127.0.0.34'))(u.email, PASSWORD);
    expect(owner.status).toBe(303);
    expect(owner.setCookies.some((c) => c.startsWith('cutline_session='))).toBe(true);
  });

  it('the two forms share one allowance per account and address; another address has its own', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 10; i++) expect((await authorize(u.email, `wrong-${i}`)).status).toBe(401);
    const post = await webForm();
    expect((await post(u.email, PASSWORD)).status).toBe(429);
    expect((await (await webForm('127.0.0.35'))(u.email, PASSWORD)).status).toBe(303);
  });
});

describe('behind a reverse proxy', () => {
  const post = (base: string, email: string, password: string, forwardedFor: string) => {
    const form = authorizeQuery('st', pkce().challenge);
    form.set('email', email);
    form.set('password', password);
    return fetch(`${base}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: form.toString(),
    });
  };

  it('with CUTLINE_TRUST_PROXY the client named by X-Forwarded-For is counted: the owner behind the same proxy signs in', async () => {
    const proxied = await startTestServer({ trustProxy: ['127.0.0.1'] });
    try {
      const u = await newUser(proxied.url);
      for (let i = 0; i < 10; i++) expect((await post(proxied.url, u.email, `wrong-${i}`, '203.0.113.5')).status).toBe(401);
      expect((await post(proxied.url, u.email, PASSWORD, '203.0.113.5')).status).toBe(429);
      expect((await post(proxied.url, u.email, PASSWORD, '198.51.100.7')).status).toBe(302);
    } finally {
      await proxied.close();
    }
  });

  it('without it, X-Forwarded-For is ignored: a guesser cannot dodge the limit by making addresses up', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 10; i++) expect((await post(s.url, u.email, `wrong-${i}`, `203.0.113.${i}`)).status).toBe(401);
    expect((await post(s.url, u.email, PASSWORD, '198.51.100.7')).status).toBe(429);
  });
});
