/** Opening the web: a one-time handoff link when signed in, the plain page when not, allowlisted. */
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@cutline/service/test/helpers/client';
import { useCoreSuite } from '../helpers/core-harness';

const suite = useCoreSuite();

describe('web handoff', () => {
  it('opens the store through a one-time link that signs the browser in', async () => {
    const h = await suite.core();
    await h.signIn('pro@cutline.test', DEMO_PASSWORD);
    expect(await h.core.cutline.openWeb({ path: '/store' })).toEqual({ ok: true, value: undefined });
    const link = new URL(h.opened.at(-1)!);
    expect(`${link.origin}${link.pathname}`).toBe(`${suite.server.url}/handoff`);
    expect(link.searchParams.get('next')).toBe('/store');

    const first = await fetch(link, { redirect: 'manual' });
    expect([302, 303]).toContain(first.status);
    expect(new URL(first.headers.get('location')!, suite.server.url).pathname).toBe('/store');
    expect(first.headers.get('set-cookie')).toBeTruthy();
    // one-time: the same link does not sign anyone in again
    const replay = await fetch(link, { redirect: 'manual' });
    expect(replay.status).toBe(410);
    expect(replay.headers.get('set-cookie')).toBeNull();
  });

  it('opens the plain page when signed out', async () => {
    const h = await suite.core();
    expect(await h.core.cutline.openWeb({ path: '/pricing' })).toEqual({ ok: true, value: undefined });
    expect(h.opened).toEqual([`${suite.server.url}/pricing`]);
  });

  it('refuses a handoff link that is not on the configured web origin', async () => {
    const h = await suite.core({ env: { CUTLINE_SERVICE_URL: suite.server.url, CUTLINE_WEB_URL: 'https://web.cutline.test' } });
    await h.signIn('pro@cutline.test', DEMO_PASSWORD);
    const result = await h.core.cutline.openWeb({ path: '/exchange' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(h.opened.filter((u) => !u.includes('/oauth/authorize'))).toEqual([]);
    expect(h.logger.records.find((r) => r.message === 'handoff link refused by the allowlist')).toBeDefined();
  });
});
