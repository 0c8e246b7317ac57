/**
 * `/credits` live (docs/api.md § Web pages): the page loads the service's own script under a CSP
 * that allows just that, and `/credits/live` tells a signed-in browser (its session cookie) each
 * change of its account; without a session, 401; signing out ends the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, charge, grant, newUser } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSseAt } from '../helpers/sse';
import { Browser, field } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('/credits, live', () => {
  it('loads one script of its own, allowed by its CSP and no other page', async () => {
    const u = await newUser(server.url);
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const page = await b.get('/credits');
    expect(page.text).toContain('<script src="/assets/credits-live.js" defer></script>');
    expect(page.text).toMatch(/<div data-live-region data-version="\d+">/);
    const csp = page.headers.get('content-security-policy')!;
    const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe("script-src 'self'"); // that script, nothing inline
    expect(directive('connect-src')).toBe("connect-src 'self'");
    const store = await b.get('/store');
    expect(store.headers.get('content-security-policy')).not.toContain('script-src');
    expect(store.text).not.toContain('<script');
    const script = await fetch(`${server.url}/assets/credits-live.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("new EventSource(\"/credits/live\")");
  });

  it('tells the signed-in browser of every change to its account, and ends when it signs out', async () => {
    const u = await newUser(server.url);
    await grant(server.url, u.id, 'activity', 100);
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const live = await openSseAt(`${server.url}/credits/live`, { cookie: b.cookieHeader() });

    const spent = await charge(server.url, u.tokens.access_token, 'ai-portrait');
    const changed = await live.waitFor((e) => e.event === 'change');
    expect(JSON.parse(changed.data)).toEqual({ version: spent.body.balance.version });
    await call(server.url, 'POST', `/v1/charges/${spent.body.charge.id}/capture`, { token: u.tokens.access_token });
    await live.waitFor((e) => e.event === 'change' && JSON.parse(e.data).version === spent.body.balance.version + 1);

    const page = await b.get('/credits');
    expect((await b.post('/signout', { csrf: field(page.text, 'csrf') })).status).toBe(303);
    await live.waitFor((e) => e.event === 'signed-out');
    await live.closed;
  });

  it('refuses a browser without a session, and a session following from too many tabs', async () => {
    const none = await fetch(`${server.url}/credits/live`, { headers: { accept: 'text/event-stream' } });
    expect(none.status).toBe(401);
    expect(await none.text()).toBe('Sign in to follow your credits.');

    const u = await newUser(server.url);
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const tabs = await Promise.all([1, 2, 3].map(() => openSseAt(`${server.url}/credits/live`, { cookie: b.cookieHeader() })));
    const fourth = await fetch(`${server.url}/credits/live`, { headers: { cookie: b.cookieHeader() } });
    expect(fourth.status).toBe(429);
    tabs[0].close();
    await expect.poll(async () => {
      const again = await fetch(`${server.url}/credits/live`, { headers: { cookie: b.cookieHeader() } });
      const ok = again.status === 200;
      await again.body?.cancel();
      return ok;
    }).toBe(true);
    for (const t of tabs) t.close();
  });
});
