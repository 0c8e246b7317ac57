/** `npm run device -- login` (loopback redirect) and how `history` signs an exchange. */
import { describe, expect, it } from 'vitest';
import { exchangeProUses } from '@cutline/service/service/accounts/exchange';
import { me } from '@cutline/service/service/accounts/reads';
import { submitSignInForm } from '@cutline/service/test/helpers/browser-sign-in';
import { useCliSuite } from './cli-suite';

const suite = useCliSuite('cutline-login-');
const { home, cli } = suite;

describe('device login through a loopback listener', () => {
  it('prints the sign-in address, takes the browser\'s redirect on 127.0.0.1, and keeps the session', async () => {
    const h = home();
    let authorize: (url: string) => void;
    const shown = new Promise<string>((r) => (authorize = r));
    const done = cli(h, ['login', '--platform', 'mobile'], {
      onErr: (all) => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(all);
        if (m) authorize(m[1]);
      },
    });
    const url = new URL(await shown);
    const redirect = url.searchParams.get('redirect_uri')!;
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(redirect).not.toContain(`:${suite.server.port}/`);

    // A forged callback (someone else's state) is refused and does not end the wait.
    const forged = await fetch(`${redirect}?code=x&state=forged`);
    expect(forged.status).toBe(400);

    // The browser: the real form, then the redirect the service sends it to.
    const { status, location } = await submitSignInForm(url.toString(), 'pro@cutline.test', 'cutline-demo');
    expect(status).toBe(302);
    expect(location!.startsWith(`${redirect}?code=`)).toBe(true);
    const landed = await fetch(location!);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain("You're signed in to Cutline as pro@cutline.test — you can close this tab");

    const r = await done;
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Signed in as pro@cutline\.test \(pro\) .* as mobile device cli-mobile-/);
    const balance = await cli(h, ['balance', '--json']);
    expect(balance.code, balance.err).toBe(0);
    expect(JSON.parse(balance.out).total).toBe(355);
    // The listener is gone once the sign-in is done.
    await expect(fetch(location!)).rejects.toThrow();
  });

  it('Ctrl-C while waiting ends it with exit code 1 and nothing saved', async () => {
    const h = home();
    const ac = new AbortController();
    const r = await cli(h, ['login'], { signal: ac.signal, onErr: (all) => all.includes('/oauth/authorize?') && ac.abort() });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sign-in cancelled');
    expect((await cli(h, ['balance'])).code).toBe(1);
  });
});

describe('device history', () => {
  it('shows an exchange as the web does: +credits in, −Pro uses out', async () => {
    const h = home();
    expect((await cli(h, ['signin', '--email', 'prouses@cutline.test'])).code).toBe(0);
    const { userId } = JSON.parse((await cli(h, ['signin', '--email', 'prouses@cutline.test', '--json'])).out) as { userId: string };
    expect((await me(suite.server.ctx, userId)).proUses).toEqual({ remaining: 50, perCycle: 50 });
    await exchangeProUses(suite.server.ctx, userId);
    const r = await cli(h, ['history', '--limit', '5']);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\n').filter((l) => /\bexchange\b/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows.find((l) => l.includes('subscription'))).toMatch(/exchange\s+\+40\s/);
    expect(rows.find((l) => l.includes('Pro use'))).toMatch(/exchange\s+-50\s/);
  });
});

describe('device history of a team member', () => {
  it("names the teammate whose spend moved the team pool", async () => {
    const h = home();
    expect((await cli(h, ['signin', '--email', 'bob@cutline.test'])).code).toBe(0);
    const { signIn, charge, call } = await import('@cutline/service/test/helpers/client');
    const alice = await signIn(suite.server.url, 'alice@cutline.test');
    const held = await charge(suite.server.url, alice.access_token, 'smart-cutout');
    await call(suite.server.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token: alice.access_token });
    const r = await cli(h, ['history', '--limit', '5']);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.includes('smart-cutout'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/by alice@cutline\.test$/);
  });
});
