/** `/upgrade`: Pro checkout on the web (simulated payment), once per form, live on every device. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newUser, signIn } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, dataNumber, field, visible } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('upgrade to Pro', () => {
  it('free → Pro monthly: plan, cycle, 200 subscription credits, the push, and Return to Cutline', async () => {
    const desktop = await signIn(server.url, 'free@cutline.test');
    const sse = await openSse(server.url, desktop.access_token);
    await sse.waitFor((e) => e.event === 'balance');
    const b = new Browser(server.url);
    await b.signIn('free@cutline.test');

    const pricing = await b.get('/pricing');
    expect(pricing.text).toContain('href="/upgrade?billing=monthly">Choose Pro monthly');
    expect(pricing.text).toContain('href="/upgrade?billing=annual">Choose Pro annual');

    const form = await b.get('/upgrade?billing=monthly');
    expect(form.status).toBe(200);
    expect(visible(form.text)).toContain('Payment is simulated.');
    expect(form.text).toMatch(/value="monthly" checked/);
    const fields = { csrf: field(form.text, 'csrf'), form_key: field(form.text, 'form_key'), billing: 'monthly' };

    const started = Date.now();
    const paid = await b.post('/upgrade', fields);
    expect(paid.status).toBe(303);
    expect(paid.location).toBe('/upgrade/complete');
    const again = await b.post('/upgrade', fields); // a double submit upgrades once
    expect(again.status).toBe(303);

    const me = await call(server.url, 'GET', '/v1/me', { token: desktop.access_token });
    expect(me.body.plan).toBe('pro');
    const ends = Date.parse(me.body.cycleEndsAt);
    expect(ends - started).toBeGreaterThanOrEqual(30 * 86_400_000 - 60_000);
    expect(ends - started).toBeLessThanOrEqual(30 * 86_400_000 + 60_000);
    const bal = await call(server.url, 'GET', '/v1/balance', { token: desktop.access_token });
    expect(bal.body.byType.subscription).toBe(200);
    expect(bal.body.batches).toHaveLength(1);

    const ev = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.kind === 'upgrade');
    expect(JSON.parse(ev.data).balance.total).toBe(200);
    sse.close();

    const done = await b.get('/upgrade/complete');
    expect(visible(done.text)).toContain('Your plan is now Pro (monthly): 200 subscription credits added for this cycle.');
    expect(dataNumber(done.text, 'total')).toBe(200);
    expect(done.text).toContain('href="cutline://upgrade/complete">Return to Cutline');

    // Now on Pro: the page says so instead of selling it again.
    const later = await b.get('/upgrade');
    expect(visible(later.text)).toContain('You are already on Pro');
    expect(later.text).not.toContain('name="form_key"');
    // A fresh form key cannot upgrade twice either.
    const second = await b.post('/upgrade', { ...fields, form_key: 'another-form-key-0123456789' });
    expect(second.status).toBe(409);
    expect((await call(server.url, 'GET', '/v1/balance', { token: desktop.access_token })).body.byType.subscription).toBe(200);
  });

  it('annual grants 2,400 credits for 365 days', async () => {
    const u = await newUser(server.url);
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const form = await b.get('/upgrade?billing=annual');
    expect(form.text).toMatch(/value="annual" checked/);
    await b.post('/upgrade', { csrf: field(form.text, 'csrf'), form_key: field(form.text, 'form_key'), billing: 'annual' });
    const bal = await call(server.url, 'GET', '/v1/balance', { token: u.tokens.access_token });
    expect(bal.body.byType.subscription).toBe(2400);
    expect(visible((await b.get('/upgrade/complete')).text)).toContain('Pro (annual)');
  });

  it('refuses without the CSRF token or with a bad billing choice, changing nothing; Pro accounts are told they are on Pro', async () => {
    const u = await newUser(server.url);
    const b = new Browser(server.url);
    await b.signIn(u.email, 'password-123');
    const form = await b.get('/upgrade');
    const forged = await b.post('/upgrade', { csrf: 'nope', form_key: field(form.text, 'form_key'), billing: 'monthly' });
    expect(forged.status).toBe(403);
    const bad = await b.post('/upgrade', { csrf: field(form.text, 'csrf'), form_key: field(form.text, 'form_key'), billing: 'weekly' });
    expect(bad.status).toBe(400);
    expect((await call(server.url, 'GET', '/v1/me', { token: u.tokens.access_token })).body.plan).toBe('free');

    const pro = new Browser(server.url);
    await pro.signIn('pro@cutline.test');
    expect(visible((await pro.get('/upgrade')).text)).toContain('You are already on Pro');
    expect((await pro.get('/pricing')).text).not.toContain('Choose Pro monthly');
    expect((await new Browser(server.url).get('/upgrade')).location).toBe('/signin?next=%2Fupgrade');
  });
});
