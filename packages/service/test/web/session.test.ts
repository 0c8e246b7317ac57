/** Browser sign-in, the session cookie, sign-out and CSRF on the session forms, over HTTP against the real service. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { Browser, field, visible } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const cookieNamed = (setCookies: string[], name: string) => setCookies.find((c) => c.startsWith(`${name}=`));

describe('signing in from the browser', () => {
  it('sends visitors without a session to the sign-in page, remembering where they were going', async () => {
    const b = new Browser(server.url);
    for (const path of ['/credits', '/store', '/exchange']) {
      const r = await b.get(path);
      expect(r.status).toBe(303);
      expect(r.location).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
  });

  it('sets an HttpOnly, SameSite=Lax session cookie without Secure over http, and stores only its hash', async () => {
    const b = new Browser(server.url);
    const res = await b.signIn('pro@cutline.test', undefined, '/store');
    expect(res.location).toBe('/store');
    const cookie = cookieNamed(res.setCookies, 'cutline_session');
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).toMatch(/; Max-Age=604800/i);
    expect(cookie).not.toMatch(/Secure/i);

    const secret = b.jar.get('cutline_session')!;
    const rows = await server.ctx.db.read((tx) => tx.all<{ id_hash: string; expires_at: unknown; user_id: string }>('SELECT id_hash, expires_at, user_id FROM web_sessions'));
    expect(rows.some((r) => r.id_hash === secret)).toBe(false);
    const mine = rows.find((r) => r.id_hash === sha256(secret));
    expect(mine).toBeDefined();
    expect(Number(mine!.expires_at)).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const page = await b.get('/store');
    expect(page.status).toBe(200);
    expect(page.text).toContain('pro@cutline.test');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).not.toMatch(/<script/i);
  });

  it('marks the cookie Secure (with the __Host- prefix) when the public URL is https', async () => {
    const https = await startTestServer({ publicUrl: 'https://cutline.example' });
    try {
      const b = new Browser(https.url);
      const form = await b.get('/signin');
      expect(cookieNamed(form.setCookies, '__Host-cutline_signin')).toMatch(/; Secure/i);
      const res = await b.post('/signin', { csrf: field(form.text, 'csrf'), next: '/credits', email: 'free@cutline.test', password: 'cutline-demo' });
      expect(res.status).toBe(303);
      const cookie = cookieNamed(res.setCookies, '__Host-cutline_session');
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).not.toMatch(/Domain=/i);
      expect(cookieNamed(res.setCookies, 'cutline_session')).toBeUndefined();
    } finally {
      await https.close();
    }
  });

  it('refuses a wrong password with the form again, escaped, and no session', async () => {
    const b = new Browser(server.url);
    const form = await b.get('/signin');
    const email = '<script>alert(1)</script>@cutline.test';
    const res = await b.post('/signin', { csrf: field(form.text, 'csrf'), next: '/credits', email, password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('do not match an account');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(cookieNamed(res.setCookies, 'cutline_session')).toBeUndefined();
  });

  it('refuses a sign-in form that did not come from this browser (login CSRF)', async () => {
    const attacker = new Browser(server.url);
    const theirs = await attacker.get('/signin');
    const victim = new Browser(server.url);
    await victim.get('/signin'); // the victim has a sign-in cookie of their own
    const forged = await victim.post('/signin', { csrf: field(theirs.text, 'csrf'), next: '/credits', email: 'pro@cutline.test', password: 'cutline-demo' });
    expect(forged.status).toBe(403);
    expect(cookieNamed(forged.setCookies, 'cutline_session')).toBeUndefined();

    const bare = new Browser(server.url);
    const noToken = await bare.post('/signin', { next: '/credits', email: 'pro@cutline.test', password: 'cutline-demo' });
    expect(noToken.status).toBe(403);
    expect(cookieNamed(noToken.setCookies, 'cutline_session')).toBeUndefined();
    // The refusal is a fresh form the person can use.
    const retry = await bare.post('/signin', { csrf: field(noToken.text, 'csrf'), next: '/credits', email: 'pro@cutline.test', password: 'cutline-demo' });
    expect(retry.status).toBe(303);
  });

  it('rate-limits failed sign-ins per account and address — the right password from there too — but never the owner elsewhere', async () => {
    const u = await newUser(server.url);
    const b = new Browser(server.url);
    const form = await b.get('/signin');
    const csrf = field(form.text, 'csrf');
    for (let i = 0; i < 10; i++) {
      expect((await b.post('/signin', { csrf, next: '/credits', email: u.email, password: `wrong-${i}` })).status).toBe(401);
    }
    const limited = await b.post('/signin', { csrf, next: '/credits', email: u.email, password: 'password-123' });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many sign-in attempts');
    expect(cookieNamed(limited.setCookies, 'cutline_session')).toBeUndefined();
    // The owner, on another network, is not locked out by someone else's guesses.
    const owner = new Browser(server.url, '127.0.0.41');
    expect((await owner.signIn(u.email, 'password-123')).status).toBe(303);
    expect(owner.jar.has('cutline_session')).toBe(true);
  });

  it('only ever sends a signed-in browser on to its own pages', async () => {
    for (const [next, expected] of [
      ['https://evil.example/', '/credits'],
      ['//evil.example/store', '/credits'],
      ['/admin/v1/users', '/credits'],
      ['/store/../admin', '/credits'],
      ['/pricing', '/pricing'],
      ['/store/checkout?pack=pack-100', '/store/checkout?pack=pack-100'],
    ]) {
      const b = new Browser(server.url);
      const form = await b.get(`/signin?next=${encodeURIComponent(next)}`);
      expect(field(form.text, 'next')).toBe(expected);
      const res = await b.post('/signin', { csrf: field(form.text, 'csrf'), next, email: 'free@cutline.test', password: 'cutline-demo' });
      expect(res.location).toBe(expected);
    }
  });

  it('sends a signed-in browser straight on from /signin', async () => {
    const b = new Browser(server.url);
    await b.signIn('free@cutline.test');
    const again = await b.get('/signin?next=%2Fpricing');
    expect(again.status).toBe(303);
    expect(again.location).toBe('/pricing');
  });
});

describe('signing out', () => {
  it('needs the session’s CSRF token, then ends the session for good', async () => {
    const b = new Browser(server.url);
    await b.signIn('free@cutline.test');
    const secret = b.jar.get('cutline_session')!;
    const page = await b.get('/credits');
    const csrf = field(page.text, 'csrf');

    const forged = await b.post('/signout', {});
    expect(forged.status).toBe(403);
    expect(visible(forged.text)).toContain('nothing was done');
    const wrong = await b.post('/signout', { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await b.get('/credits')).status).toBe(200); // still signed in

    const out = await b.post('/signout', { csrf });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/signin?signedout=1');
    expect(cookieNamed(out.setCookies, 'cutline_session')).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    const rows = await server.ctx.db.read((tx) => tx.all('SELECT id_hash FROM web_sessions WHERE id_hash = ?', [sha256(secret)]));
    expect(rows).toHaveLength(0);

    // Replaying the old cookie gets nowhere.
    const replay = new Browser(server.url);
    replay.jar.set('cutline_session', secret);
    const r = await replay.get('/credits');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin?next=%2Fcredits');
    const info = await b.get('/signin?signedout=1');
    expect(visible(info.text)).toContain('You are signed out.');
  });
});

describe('/pricing', () => {
  it('lists every plan and what it grants, without signing in', async () => {
    const r = await new Browser(server.url).get('/pricing');
    expect(r.status).toBe(200);
    const text = visible(r.text);
    for (const s of ['Free', 'Pro (monthly)', 'Pro (annual)', 'Teams', '200 subscription credits every 30 days', '2,400 subscription credits every 365 days', '100 credits for $4.99', '500 credits for $19.99', '1,200 credits for $39.99']) {
      expect(text).toContain(s);
    }
    expect(r.text).not.toContain('Your plan');
  });

  it('marks the signed-in account’s plan', async () => {
    const b = new Browser(server.url);
    await b.signIn('pro@cutline.test');
    const r = await b.get('/pricing');
    expect(r.text).toMatch(/data-plan="pro-monthly">\s*<h3>Pro \(monthly\) <span class="badge">Your plan<\/span>/);
  });
});
