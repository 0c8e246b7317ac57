/**
 * Password guessing in bursts (issue 9 § Security 1): an attempt is counted before its password
 * is checked, so concurrent guesses cannot all be checked, and the right password sent inside a
 * burst does not sign in once the limit is hit. Both forms: /oauth/authorize and the web /signin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { newUser, pkce, postSignInForm } from '../helpers/client';
import { Browser, field } from '../web/browser';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const PASSWORD = 'password-123';
const authorize = (email: string, password: string) => postSignInForm(s.url, email, password, 'st', pkce().challenge);

async function webForm() {
  const b = new Browser(s.url);
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

  it('20 wrong guesses and the right password in one burst: the right one does not sign in', async () => {
    const u = await newUser(s.url);
    const burst = Array.from({ length: 20 }, (_, i) => authorize(u.email, `wrong-${i}`));
    const right = authorize(u.email, PASSWORD);
    const rs = await Promise.all([...burst, right]);
    expect(rs.some((r) => r.status === 302)).toBe(false);
    expect(rs.at(-1)!.status).toBe(429);
    expect(rs.at(-1)!.headers.get('location')).toBeNull();
    // and later, while the window lasts, still not
    expect((await authorize(u.email, PASSWORD)).status).toBe(429);
  });

  it('successful sign-ins do not use up the allowance', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 12; i++) expect((await authorize(u.email, PASSWORD)).status).toBe(302);
  });
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

  it('20 wrong guesses and the right password in one burst: no session cookie for anyone', async () => {
    const u = await newUser(s.url);
    const post = await webForm();
    const rs = await Promise.all([...Array.from({ length: 20 }, (_, i) => post(u.email, `wrong-${i}`)), post(u.email, PASSWORD)]);
    expect(rs.some((r) => r.status === 303)).toBe(false);
    expect(rs.at(-1)!.status).toBe(429);
    expect(rs.some((r) => r.setCookies.some((c) => c.startsWith('cutline_session=')))).toBe(false);
  });

  it('the two forms share one allowance per email', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 10; i++) expect((await authorize(u.email, `wrong-${i}`)).status).toBe(401);
    const post = await webForm();
    expect((await post(u.email, PASSWORD)).status).toBe(429);
  });
});
