/** Opening the web: a one-time handoff link when signed in, the plain page when not, allowlisted. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { startTestServer, type TestServer } from '@cutline/service/test/helpers/server';
import { startCore, type CoreHarness } from '../helpers/core-harness';

let server: TestServer;
const harnesses: CoreHarness[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const h of harnesses.splice(0)) h.stop();
});
afterAll(async () => {
  await server.close();
});

describe('web handoff', () => {
  it('opens the store through a one-time link that signs the browser in', async () => {
    const h = await startCore(server.url);
    harnesses.push(h);
    await h.signIn('pro@cutline.test', DEMO_PASSWORD);
    expect(await h.core.cutline.openWeb({ path: '/store' })).toEqual({ ok: true, value: undefined });
    const link = new URL(h.opened.at(-1)!);
    expect(`${link.origin}${link.pathname}`).toBe(`${server.url}/handoff`);
    expect(link.searchParams.get('next')).toBe('/store');

    const first = await fetch(link, { redirect: 'manual' });
    expect([302, 303]).toContain(first.status);
    expect(new URL(first.headers.get('location')!, server.url).pathname).toBe('/store');
    expect(first.headers.get('set-cookie')).toBeTruthy();
    // one-time: the same link does not sign anyone in again
    const replay = await fetch(link, { redirect: 'manual' });
    expect(replay.status).toBe(410);
    expect(replay.headers.get('set-cookie')).toBeNull();
  });

  it('opens the plain page when signed out', async () => {
    const h = await startCore(server.url);
    harnesses.push(h);
    expect(await h.core.cutline.openWeb({ path: '/pricing' })).toEqual({ ok: true, value: undefined });
    expect(h.opened).toEqual([`${server.url}/pricing`]);
  });

  it('refuses a handoff link that is not on the configured web origin', async () => {
    const h = await startCore(server.url, { env: { CUTLINE_SERVICE_URL: server.url, CUTLINE_WEB_URL: 'https://web.cutline.test' } });
    harnesses.push(h);
    await h.signIn('pro@cutline.test', DEMO_PASSWORD);
    const result = await h.core.cutline.openWeb({ path: '/exchange' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(h.opened.filter((u) => !u.includes('/oauth/authorize'))).toEqual([]);
    expect(h.logger.records.find((r) => r.message === 'handoff link refused by the allowlist')).toBeDefined();
  });
});
