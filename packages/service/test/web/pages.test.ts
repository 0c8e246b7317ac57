/** Friendly pages (404, a used handoff link) and *Return to Cutline* links that reach a browser host. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { Browser, field, visible } from './browser';

let server: TestServer;
let desktop: Tokens;
beforeAll(async () => {
  server = await startTestServer();
  desktop = await signIn(server.url, 'pro@cutline.test');
});
afterAll(() => server?.close());

async function handoff(body: Record<string, string>): Promise<{ status: number; link: string; raw: any }> {
  const r = await call(server.url, 'POST', '/v1/handoff', { token: desktop.access_token, body });
  const link = r.status === 200 ? new URL(r.body.url).pathname + new URL(r.body.url).search : '';
  return { status: r.status, link, raw: r.body };
}

describe('404', () => {
  it('is a page for a browser, saying what is missing, with a way on that fits who is looking', async () => {
    const anon = await new Browser(server.url).get('/no-such-page');
    expect(anon.status).toBe(404);
    expect(anon.headers.get('content-type')).toContain('text/html');
    expect(visible(anon.text)).toContain('Page not found');
    expect(visible(anon.text)).toContain('There is no page at /no-such-page');
    expect(anon.text).toContain('href="/signin"');

    const b = new Browser(server.url);
    await b.signIn('pro@cutline.test');
    const signed = await b.get('/credits/nothing/here');
    expect(signed.status).toBe(404);
    expect(signed.text).toContain('href="/credits">Go to your credits');
    expect(signed.text).not.toContain('href="/signin"');
  });

  it('stays the JSON error of the API for API paths and non-browser clients', async () => {
    for (const path of ['/v1/nothing', '/no-such-page']) {
      const r = await fetch(`${server.url}${path}`, { headers: { accept: 'application/json' } });
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ error: 'not_found' });
    }
    const r = await fetch(`${server.url}/v1/nothing`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/json');
  });
});

describe('a used handoff link', () => {
  it('does not tell a signed-in browser to sign in: it offers the page it was going to', async () => {
    const { link } = await handoff({ next: '/store' });
    const b = new Browser(server.url);
    expect((await b.get(link)).status).toBe(303);
    const again = await b.get(link);
    expect(again.status).toBe(410);
    expect(visible(again.text)).toContain('This link was already used');
    expect(visible(again.text)).toContain('You are still signed in as pro@cutline.test');
    expect(again.text).toContain('href="/store">Continue to the store');
    expect(again.text).not.toContain('href="/signin');
  });

  it('tells a browser that is not signed in to sign in', async () => {
    const { link } = await handoff({ next: '/credits' });
    await new Browser(server.url).get(link);
    const other = await new Browser(server.url).get(link);
    expect(other.status).toBe(410);
    expect(visible(other.text)).toContain('This sign-in link has expired');
    expect(other.text).toContain('href="/signin?next=%2Fcredits"');
  });
});

describe('Return to Cutline from a browser host', () => {
  it('goes through the host\'s loopback /return page when the handoff came from it, and to cutline:// otherwise', async () => {
    const host = await handoff({ next: '/store', returnTo: 'http://127.0.0.1:5199/return' });
    expect(host.status).toBe(200);
    expect(host.link).toContain('return=http%3A%2F%2F127.0.0.1%3A5199%2Freturn');
    const b = new Browser(server.url);
    await b.get(host.link);
    const checkout = await b.get('/store/checkout?pack=pack-100');
    const paid = await b.post('/store/checkout', { csrf: field(checkout.text, 'csrf'), pack: 'pack-100', form_key: field(checkout.text, 'form_key') });
    const order = await b.get(paid.location!);
    const id = /data-order="([^"]+)"/.exec(order.text)![1];
    expect(order.text).toContain(`href="http://127.0.0.1:5199/return?to=cutline%3A%2F%2Fstore%2Fcomplete%3Forder%3D${id}"`);

    // The Electron app's handoff (no returnTo): the deep link itself.
    const plain = await handoff({ next: '/store' });
    const e = new Browser(server.url);
    await e.get(plain.link);
    expect(e.jar.has('cutline_return')).toBe(false);
    const same = await e.get(paid.location!);
    expect(same.text).toContain(`href="cutline://store/complete?order=${id}"`);
  });

  it('refuses a returnTo that is not a loopback /return page', async () => {
    for (const returnTo of ['http://localhost:5199/return', 'https://evil.example/return', 'http://127.0.0.1:5199/elsewhere', 'cutline://store']) {
      const r = await handoff({ next: '/store', returnTo });
      expect(r.status, returnTo).toBe(400);
      expect(r.raw.error).toBe('invalid_request');
    }
  });
});

describe('time zone and expiring-soon line on /credits', () => {
  it('shows times in the chosen zone (a CSRF-protected form; unknown zones refused) and credits expiring within 72 hours', async () => {
    const u = await (await import('../helpers/client')).newUser(server.url);
    const { grant } = await import('../helpers/client');
    await grant(server.url, u.id, 'activity', 30, new Date(Date.now() + 50 * 3_600_000).toISOString());
    await grant(server.url, u.id, 'activity', 7, new Date(Date.now() + 5 * 86_400_000).toISOString()); // not soon
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    let page = await b.get('/credits');
    expect(visible(page.text)).toMatch(/30 activity credits expire on (Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \(\d+ \w+ \d{4}, \d\d:\d\d UTC\)/);
    expect(visible(page.text)).not.toContain('7 activity credits expire');
    expect(visible(page.text)).toContain('Times in UTC');

    const forged = await b.post('/settings/time-zone', { csrf: 'nope', tz: 'Asia/Tokyo', next: '/credits' });
    expect(forged.status).toBe(403);
    const bad = await b.post('/settings/time-zone', { csrf: field(page.text, 'csrf'), tz: 'Mars/Olympus', next: '/credits' });
    expect(bad.status).toBe(400);
    const ok = await b.post('/settings/time-zone', { csrf: field(page.text, 'csrf'), tz: 'Asia/Tokyo', next: '/credits' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/credits#history');
    page = await b.get('/credits');
    expect(visible(page.text)).toContain('Times in Asia/Tokyo');
    expect(visible(page.text)).toMatch(/30 activity credits expire on \w+day \(\d+ \w+ \d{4}, \d\d:\d\d GMT\+9\)/);
    expect(page.text).toContain('<option selected>Asia/Tokyo</option>');
  });
});
