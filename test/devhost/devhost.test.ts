/**
 * The browser host against the real credit service: the page it serves, its WebSocket bridge
 * (run through the real bridge client script), its opened-URL log and its deep-link endpoint.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CutlineApi, Notice } from '@cutline/contract/ipc';
import { startDevhost, type RunningDevhost } from '../../src/devhost/host';
import { memoryLogger } from '../../src/main/core/logger';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { buyPack } from '@cutline/service/test/helpers/web-actions';
import { startTestServer, type TestServer } from '@cutline/service/test/helpers/server';
import { callbackFor } from '@cutline/service/test/helpers/browser-sign-in';
import { until } from '../main/helpers/wait';

let server: TestServer;
let host: RunningDevhost;
let dir: string;
const logger = memoryLogger();

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'cutline-devhost-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="./assets/app.js"></script></head><body></body></html>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'document.title = "Cutline";');
  host = await startDevhost({ serviceUrl: server.url, dataDir: join(dir, 'data'), renderer: { mode: 'built', dir: renderer }, logger });
});
afterAll(async () => {
  await host?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the real bridge client script, as the page would, with `ws` as the browser's WebSocket. */
async function pageWithBridge(origin = host.url) {
  const script = await (await fetch(`${host.url}/__cutline/bridge.js`)).text();
  const tabs: string[] = [];
  const sockets: WebSocket[] = [];
  class PageSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { origin } });
      sockets.push(this);
    }
  }
  const page: Record<string, unknown> = {
    WebSocket: PageSocket,
    location: { protocol: 'http:', host: new URL(host.url).host },
    open: (url: string) => tabs.push(url),
    setTimeout: () => 0, // no reconnects in tests
  };
  page.globalThis = page;
  runInNewContext(script, page);
  return { cutline: page.cutline as CutlineApi, tabs, close: () => sockets.forEach((s) => s.close()) };
}

/** A request with the headers a rebound or cross-site page would send (fetch cannot set Host). */
function rawRequest(opts: { method?: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; json: any }>((resolveRequest, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolveRequest({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The status a WebSocket upgrade gets (101 when it opens). */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
  return new Promise((resolveStatus) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolveStatus({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      ws.close();
      resolveStatus({ status: 101, body: '' });
    });
  });
}

const own = () => `127.0.0.1:${host.port}`;

describe('browser host', () => {
  it('serves the renderer with the bridge script first and a strict CSP', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<head><script src="\/__cutline\/bridge\.js"><\/script><meta charset="utf-8">/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
    expect((await fetch(`${host.url}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${host.url}/editor/project/1`)).status).toBe(200); // app routes fall back to index.html
    expect((await fetch(`${host.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    const script = await (await fetch(`${host.url}/__cutline/bridge.js`)).text();
    expect(script).not.toMatch(/^\s*import /m);
  });

  it('queues deep links until a page is connected, and accepts only JSON posts', async () => {
    const post = (body: unknown, type = 'application/json') =>
      fetch(`${host.url}/__cutline/deep-link`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });
    expect((await post({ url: 'cutline://store/complete?order=1' }, 'text/plain')).status).toBe(415);
    expect((await post({ nope: 1 })).status).toBe(400);
    expect(await (await post({ url: 'cutline://evil/x' })).json()).toEqual({ outcome: 'dropped' });
    expect(await (await post({ url: 'cutline://store/complete?order=early' })).json()).toEqual({ outcome: 'queued' });

    const page = await pageWithBridge();
    const notices: Notice[] = [];
    page.cutline.onNotice((n) => notices.push(n));
    await page.cutline.getState(); // connected
    // delivered to the core, which believes neither link without the service (nobody is signed in)
    await until(() => logger.records.find((r) => r.message === 'store link not confirmed'), 'the queued link delivered');
    expect(await (await post({ url: 'cutline://exchange/complete' })).json()).toEqual({ outcome: 'delivered' });
    await until(() => logger.records.find((r) => r.message === 'exchange link not confirmed'), 'the exchange link delivered');
    expect(notices).toEqual([]);
    page.close();
  });

  it('refuses bridge connections from other origins', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/__cutline/bridge`, { headers: { origin: 'https://evil.test' } });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('validates every call like ipcMain does', async () => {
    const page = await pageWithBridge();
    const raw = page.cutline as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await expect(raw.setPrefs({ exchangePromptDismissed: 'yes' })).rejects.toThrow(/invalid arguments for setPrefs/);
    await expect(raw.hold({ actionId: 'x', tool: 'ai-portrait' })).rejects.toThrow(/invalid arguments for hold/);
    expect(await page.cutline.setPrefs({ exchangePromptDismissed: true })).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    expect(await page.cutline.getPrefs()).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    page.close();
  });

  it('signs in end to end: the page opens the sign-in tab, the callback arrives through the host', async () => {
    const page = await pageWithBridge();
    const balances: number[] = [];
    page.cutline.onBalance((b) => balances.push(b.total));
    expect(await page.cutline.signIn()).toEqual({ ok: true, value: undefined });
    const authorizeUrl = await until(() => page.tabs[0], 'the sign-in tab');
    const listed = async () => ((await (await fetch(`${host.url}/__cutline/opened`)).json()) as { urls: string[] }).urls;
    // the listing shows what was opened, but not the sign-in state: only the page got the live link
    const state = new URL(authorizeUrl).searchParams.get('state')!;
    expect((await listed()).at(-1)).toBe(authorizeUrl.replace(`state=${state}`, 'state=redacted'));
    expect(JSON.stringify(await listed())).not.toContain(state);

    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(`${host.url}/callback`);
    const callback = await callbackFor(authorizeUrl, 'pro@cutline.test', DEMO_PASSWORD);
    expect(callback.startsWith(`${host.url}/callback?code=`)).toBe(true);
    // The tab follows the redirect to the host's page, which finishes the sign-in and says so.
    const landed = await fetch(callback);
    expect(landed.status).toBe(200);
    expect(landed.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await landed.text()).toContain("You're signed in to Cutline as pro@cutline.test — you can close this tab");
    // The same callback again (reload, or a replayed code): the state is spent, nothing happens.
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('Sign-in did not finish');
    await until(async () => (await page.cutline.getState()).account?.email === 'pro@cutline.test', 'signed in');
    await until(() => balances.includes(355), 'balance pushed to the page');

    const quote = await page.cutline.quote({ tool: 'remove-background' });
    expect(quote).toMatchObject({ ok: true, value: { cost: 5, covered: true } });
    const held = await page.cutline.hold({ actionId: 'devhost-action-1', tool: 'remove-background' });
    if (!held.ok) throw new Error(held.error.message);
    expect(await page.cutline.capture({ chargeId: held.value.id })).toMatchObject({ ok: true, value: { status: 'captured' } });
    await until(() => balances.includes(350), 'the captured balance');

    // a handoff link (a one-time sign-in to the web) reaches the page's tab; the listing hides its code
    expect(await page.cutline.openWeb({ path: '/store' })).toEqual({ ok: true, value: undefined });
    const handoff = new URL(await until(() => page.tabs.find((t) => t.includes('/handoff')), 'the handoff tab'));
    const code = handoff.searchParams.get('code')!;
    expect(code.length).toBeGreaterThan(10);
    const listedHandoff = new URL((await listed()).at(-1)!);
    expect(listedHandoff.pathname).toBe('/handoff');
    expect(listedHandoff.searchParams.get('code')).toBe('redacted');
    expect(listedHandoff.searchParams.get('next')).toBe('/store');
    expect(JSON.stringify(await listed())).not.toContain(code);
    expect(host.openedUrls().at(-1)).toBe(handoff.toString()); // in-process callers keep the live link
    expect(JSON.stringify(logger.records)).not.toContain(new URL(callback).searchParams.get('code')!);
    page.close();
  });

  it('a Return to Cutline link through /return reaches the router as the deep link would', async () => {
    const page = await pageWithBridge();
    const notices: Notice[] = [];
    page.cutline.onNotice((n) => notices.push(n));
    expect((await page.cutline.getState()).account?.email).toBe('pro@cutline.test');
    // a real order of the signed-in account: the app says "purchase complete" only for one
    const order = await buyPack(server.url, 'pro@cutline.test', DEMO_PASSWORD);
    const back = await fetch(`${host.url}/return?${new URLSearchParams({ to: `cutline://store/complete?order=${order}` })}`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Back to Cutline — you can close this tab');
    await until(() => notices.find((n) => n.kind === 'purchase-complete' && n.order === order), 'the purchase notice');
    for (const to of ['https://evil.test/', 'cutline://evil/x', '']) {
      const bad = await fetch(`${host.url}/return?${new URLSearchParams({ to })}`);
      expect(bad.status, to).toBe(400);
      expect(await bad.text()).toContain('This is not a link Cutline accepts');
    }
    page.close();
  });

  it('keeps projects in its data folder', async () => {
    const page = await pageWithBridge();
    const state = {
      projects: [{ id: 'p1', name: 'Trip', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', clips: [] }],
      openProjectId: 'p1',
    };
    expect(await page.cutline.saveProjects(state)).toEqual({ ok: true, value: undefined });
    expect(await page.cutline.loadProjects()).toEqual(state);
    page.close();
  });
});

describe('starting', () => {
  it('answers a request that comes while it is still starting with the page, never a 500', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const renderer = join(dir, 'renderer');
    const starting = startDevhost({ serviceUrl: server.url, dataDir: join(dir, 'data-starting'), port, renderer: { mode: 'built', dir: renderer }, logger: memoryLogger() });
    starting.catch(() => {});
    // ask from the moment the port exists until the page is served
    const statuses: number[] = [];
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.status,
        () => null, // not listening yet
      );
      if (status !== null) statuses.push(status);
      if (status === 200) break;
    }
    const started = await starting;
    await started.close();
    expect(statuses).toEqual([200]);
  });
});

describe('DNS rebinding and cross-site requests', () => {
  it('answers 421 to any request whose Host is not the host itself', async () => {
    for (const path of ['/__cutline/opened', '/', '/__cutline/health', '/assets/app.js']) {
      const r = await rawRequest({ path, headers: { host: `rebound.evil.test:${host.port}` } });
      expect(r.status, path).toBe(421);
      expect(r.json.error).toBe(`This browser host answers only to ${own()} or localhost:${host.port}; the request named "rebound.evil.test:${host.port}".`);
    }
    expect((await rawRequest({ path: '/__cutline/health', headers: { host: own() } })).status).toBe(200);
    expect((await rawRequest({ path: '/__cutline/health', headers: { host: `localhost:${host.port}` } })).status).toBe(200);
  });

  it('refuses a deep link posted under a foreign Host or from a foreign page, and delivers nothing', async () => {
    const accepted = () => logger.records.filter((r) => r.message === 'deep link accepted' || r.message === 'store link not confirmed').length;
    const before = accepted();
    const body = JSON.stringify({ url: 'cutline://exchange/complete' });
    const rebound = await rawRequest({ method: 'POST', path: '/__cutline/deep-link', headers: { host: `rebound.evil.test:${host.port}`, 'content-type': 'application/json' }, body });
    expect(rebound.status).toBe(421);
    const crossSite = await rawRequest({
      method: 'POST',
      path: '/__cutline/deep-link',
      headers: { host: own(), origin: 'https://evil.test', 'content-type': 'application/json' },
      body,
    });
    expect(crossSite).toEqual({ status: 403, json: { error: 'Only pages served by this browser host may do this; the request came from "https://evil.test".' } });
    expect(accepted()).toBe(before);
    const fromOwnPage = await rawRequest({
      method: 'POST',
      path: '/__cutline/deep-link',
      headers: { host: own(), origin: `http://${own()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'cutline://evil/x' }),
    });
    expect(fromOwnPage).toEqual({ status: 200, json: { outcome: 'dropped' } });
  });

  it('checks Host and Origin on every WebSocket upgrade', async () => {
    const origin = `http://${own()}`;
    const rebound = await upgradeStatus('/__cutline/bridge', { host: `rebound.evil.test:${host.port}`, origin: `http://rebound.evil.test:${host.port}` });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).error).toMatch(/answers only to/);
    expect((await upgradeStatus('/__cutline/bridge', { origin: 'https://evil.test' })).status).toBe(403);
    const noOrigin = await upgradeStatus('/__cutline/bridge', {});
    expect(noOrigin.status).toBe(403);
    expect(JSON.parse(noOrigin.body).error).toMatch(/no Origin/);
    expect((await upgradeStatus('/some-other-socket', { origin: 'https://evil.test' })).status).toBe(403);
    expect((await upgradeStatus('/__cutline/bridge', { origin })).status).toBe(101);
  });
});
