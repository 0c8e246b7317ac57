/** `/handoff`: the desktop's one-time link signs the browser in once, never twice, and only to the allowed pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signIn, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { Browser, visible } from './browser';

/** A clock the test moves by hand (the server reads time only through it). */
const clock = { t: Date.now(), now() { return this.t; } };

let server: TestServer;
let desktop: Tokens;
beforeAll(async () => {
  server = await startTestServer({ clock, sweepMs: 600_000 });
  desktop = await signIn(server.url, 'pro@cutline.test');
});
afterAll(async () => {
  await server?.close();
});

async function handoff(next: string): Promise<string> {
  const r = await call(server.url, 'POST', '/v1/handoff', { token: desktop.access_token, body: { next } });
  expect(r.status).toBe(200);
  const url = new URL(r.body.url);
  expect(url.origin).toBe(server.publicUrl);
  return url.pathname + url.search;
}

const hasSession = (b: Browser) => b.jar.has('cutline_session');

describe('the handoff link', () => {
  it('signs the browser in once and goes to next; the same link never works twice', async () => {
    const link = await handoff('/store');
    const first = new Browser(server.url);
    const r = await first.get(link);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/store');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(hasSession(first)).toBe(true);
    const store = await first.get('/store');
    expect(store.status).toBe(200);
    expect(store.text).toContain('pro@cutline.test');

    const second = new Browser(server.url);
    const again = await second.get(link);
    expect(again.status).toBe(410);
    expect(hasSession(second)).toBe(false);
    const text = visible(again.text);
    expect(text).toContain('This sign-in link has expired');
    expect(text).toContain('already been used');
    expect(again.text).toContain('href="/signin?next=%2Fstore"');
    expect(again.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace

    // Not even the browser that used it can use it again.
    const replay = await first.get(link);
    expect(replay.status).toBe(410);
  });

  it('refuses a link whose next is not one of the web pages, without spending the code', async () => {
    const link = await handoff('/credits');
    const code = new URL(link, server.url).searchParams.get('code')!;
    for (const next of ['https://evil.example/', '//evil.example', '/admin/v1/users', '/v1/balance', 'javascript:alert(1)']) {
      const b = new Browser(server.url);
      const r = await b.get(`/handoff?${new URLSearchParams({ code, next })}`);
      expect(r.status).toBe(400);
      expect(r.location).toBeNull();
      expect(hasSession(b)).toBe(false);
      expect(visible(r.text)).toContain('Nothing was done');
    }
    const b = new Browser(server.url);
    const ok = await b.get(link);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/credits');
  });

  it('goes where the app asked, even if the link’s next was changed to another page', async () => {
    const link = await handoff('/exchange');
    const url = new URL(link, server.url);
    url.searchParams.set('next', '/pricing');
    const b = new Browser(server.url);
    const r = await b.get(url.pathname + url.search);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/exchange');
  });

  it('refuses a made-up or missing code', async () => {
    for (const q of ['code=' + 'A'.repeat(43) + '&next=/store', 'next=/store', 'code=%3Cscript%3E&next=/store']) {
      const b = new Browser(server.url);
      const r = await b.get(`/handoff?${q}`);
      expect(r.status).toBe(410);
      expect(hasSession(b)).toBe(false);
      expect(r.text).not.toContain('<script>');
    }
  });

  it('expires after 60 seconds', async () => {
    const link = await handoff('/credits');
    clock.t += 61_000;
    const b = new Browser(server.url);
    const r = await b.get(link);
    expect(r.status).toBe(410);
    expect(hasSession(b)).toBe(false);
  });

  it('replaces another account’s session in the same browser', async () => {
    const b = new Browser(server.url);
    await b.signIn('free@cutline.test');
    const before = b.jar.get('cutline_session');
    const r = await b.get(await handoff('/credits'));
    expect(r.status).toBe(303);
    expect(b.jar.get('cutline_session')).not.toBe(before);
    expect((await b.get('/credits')).text).toContain('pro@cutline.test');
    const old = new Browser(server.url);
    old.jar.set('cutline_session', before!);
    expect((await old.get('/credits')).status).toBe(303);
  });
});

describe('session expiry', () => {
  it('ends a browser session 7 days after sign-in', async () => {
    const b = new Browser(server.url);
    await b.signIn('free@cutline.test');
    clock.t += 7 * 86_400_000 - 1000;
    expect((await b.get('/credits')).status).toBe(200);
    clock.t += 2000;
    const r = await b.get('/credits');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin?next=%2Fcredits');
  });
});
