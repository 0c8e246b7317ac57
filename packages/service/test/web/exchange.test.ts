/** `/exchange`: the published arithmetic, the confirm step, the push, and refusals of a second exchange or an account without Pro uses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, charge, newUser, signIn, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, field, visible } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The cycle end as the page must write it: "21 Dec 2026, 01:52 UTC". */
function written(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

const meOf = async (t: Tokens) => (await call(server.url, 'GET', '/v1/me', { token: t.access_token })).body;
const balanceOf = async (t: Tokens) => (await call(server.url, 'GET', '/v1/balance', { token: t.access_token })).body;

async function confirmForm(b: Browser): Promise<Record<string, string>> {
  const page = await b.get('/exchange/confirm');
  expect(page.status).toBe(200);
  return { csrf: field(page.text, 'csrf'), pro_uses: field(page.text, 'pro_uses'), confirm: 'yes' };
}

describe('exchanging Pro uses on the web', () => {
  it('shows exactly what 50 Pro uses become, confirms, exchanges once, pushes it, and refuses a second time', async () => {
    const tokens = await signIn(server.url, 'prouses@cutline.test');
    const me = await meOf(tokens);
    expect(me.proUses).toEqual({ remaining: 50, perCycle: 50 });
    const sse = await openSse(server.url, tokens.access_token);
    try {
      const b = new Browser(server.url);
      await b.signIn('prouses@cutline.test', undefined, '/exchange');
      const overview = await b.get('/exchange');
      expect(overview.status).toBe(200);
      const text = visible(overview.text);
      expect(text).toContain(`50 Pro uses = 40 credits, valid until ${written(me.cycleEndsAt)}`);
      expect(text).toContain('This cannot be undone.');
      expect(overview.text).toContain('href="/exchange/confirm"');
      expect(overview.text).not.toContain('action="/exchange"'); // the overview alone cannot exchange

      const form = await confirmForm(b);
      expect(form.pro_uses).toBe('50');

      // Not ticked: asked again, nothing changes.
      const unticked = await b.post('/exchange', { ...form, confirm: '' });
      expect(unticked.status).toBe(400);
      expect(visible(unticked.text)).toContain('Tick the box');
      expect((await meOf(tokens)).proUses.remaining).toBe(50);

      // No CSRF token: refused, nothing changes.
      const { csrf: _c, ...forged } = form;
      expect((await b.post('/exchange', forged)).status).toBe(403);
      expect((await meOf(tokens)).exchanged).toBe(false);

      const done = await b.post('/exchange', form);
      expect(done.status).toBe(303);
      expect(done.location).toBe('/exchange/complete');
      const result = await b.get('/exchange/complete');
      expect(result.status).toBe(200);
      expect(result.text).toContain('href="cutline://exchange/complete"');
      expect(visible(result.text)).toContain(`50 Pro uses became 40 subscription credits, valid until ${written(me.cycleEndsAt)}`);

      const after = await meOf(tokens);
      expect(after.exchanged).toBe(true);
      expect(after.proUses).toBeNull();
      const bal = await balanceOf(tokens);
      expect(bal.byType).toEqual({ subscription: 40, activity: 0, purchased: 0 });
      expect(bal.batches).toHaveLength(1);
      expect(bal.batches[0]).toMatchObject({ type: 'subscription', source: 'exchange', remaining: 40, expiresAt: me.cycleEndsAt });

      const pushed = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.kind === 'exchange');
      const data = JSON.parse(pushed.data);
      expect(data.balance.proUses).toBeNull();
      expect(data.balance.byType.subscription).toBe(40);

      // The same form again, and the pages: refused with a clear page; nothing more granted.
      const second = await b.post('/exchange', form);
      expect(second.status).toBe(409);
      expect(visible(second.text)).toContain('already exchanged');
      expect(visible(second.text)).toContain('You exchanged 50 Pro uses for 40 credits');
      expect((await b.get('/exchange')).status).toBe(409);
      expect((await b.get('/exchange/confirm')).status).toBe(409);
      expect((await balanceOf(tokens)).total).toBe(40);
    } finally {
      sse.close();
    }
  });

  it('says what the exchange trades, with examples from the catalogue, on the overview and the confirm step', async () => {
    const u = await newUser(server.url, { plan: 'pro', proUses: 50 });
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const sentence = '50 Pro uses cover 50 AI actions with any tool, whatever its price; the 40 credits they become cover, for example, 2 AI Portraits or 5 Smart Cutouts.';
    expect(visible((await b.get('/exchange')).text)).toContain(sentence);
    expect(visible((await b.get('/exchange/confirm')).text)).toContain(sentence);
  });

  it('rounds down at the published rate: 7 Pro uses = 5 credits', async () => {
    const u = await newUser(server.url, { plan: 'pro', proUses: 7 });
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    expect(visible((await b.get('/exchange')).text)).toContain('7 Pro uses = 5 credits, valid until');
    expect((await b.post('/exchange', await confirmForm(b))).status).toBe(303);
    expect((await balanceOf(u.tokens)).byType.subscription).toBe(5);
  });

  it('asks again when the Pro uses changed since the page was shown', async () => {
    const u = await newUser(server.url, { plan: 'pro', proUses: 10 });
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const form = await confirmForm(b);
    const held = await charge(server.url, u.tokens.access_token, 'remove-background');
    expect(held.body.charge.usesProUse).toBe(true);
    expect((await call(server.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token: u.tokens.access_token })).status).toBe(200);

    const stale = await b.post('/exchange', form);
    expect(stale.status).toBe(409);
    expect(visible(stale.text)).toContain('9 Pro uses = 7 credits');
    expect((await meOf(u.tokens)).exchanged).toBe(false);
    expect((await b.post('/exchange', { ...form, pro_uses: field(stale.text, 'pro_uses') })).status).toBe(303);
    expect((await balanceOf(u.tokens)).byType.subscription).toBe(7);
  });

  it('refuses while an AI action paid with a Pro use is still running', async () => {
    const u = await newUser(server.url, { plan: 'pro', proUses: 5 });
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const held = await charge(server.url, u.tokens.access_token, 'smart-cutout');
    expect(held.body.charge.usesProUse).toBe(true);
    const form = await confirmForm(b);
    const r = await b.post('/exchange', form);
    expect(r.status).toBe(409);
    expect(visible(r.text)).toContain('still running');
    expect((await meOf(u.tokens)).exchanged).toBe(false);
  });

  it('refuses an account without Pro uses with a clear page, and changes nothing', async () => {
    const tokens = await signIn(server.url, 'pro@cutline.test');
    const before = await balanceOf(tokens);
    const b = new Browser(server.url);
    await b.signIn('pro@cutline.test');
    const page = await b.get('/exchange');
    expect(page.status).toBe(403);
    expect(visible(page.text)).toContain('This account has no Pro uses to exchange.');
    const csrf = field((await b.get('/credits')).text, 'csrf');
    const post = await b.post('/exchange', { csrf, confirm: 'yes', pro_uses: '0' });
    expect(post.status).toBe(403);
    expect(post.headers.get('content-type')).toContain('text/html');
    const after = await balanceOf(tokens);
    expect(after.total).toBe(before.total);
    expect(after.version).toBe(before.version);
    const complete = await b.get('/exchange/complete');
    expect(complete.status).toBe(303);
    expect(complete.location).toBe('/exchange');
  });
});
