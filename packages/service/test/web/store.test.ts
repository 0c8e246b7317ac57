/** `/store`: checkout grants a purchased batch exactly once per form, pushes to the desktop, and refuses forged posts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newUser, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, dataNumber, field, visible } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const DAY = 86_400_000;

async function shopper(): Promise<{ b: Browser; id: string; tokens: Tokens; email: string }> {
  const u = await newUser(server.url);
  const b = new Browser(server.url);
  await b.signIn(u.email, 'password-123', '/store');
  return { b, ...u };
}

async function checkoutForm(b: Browser, pack: string): Promise<Record<string, string>> {
  const page = await b.get(`/store/checkout?pack=${pack}`);
  expect(page.status).toBe(200);
  return { csrf: field(page.text, 'csrf'), pack: field(page.text, 'pack'), form_key: field(page.text, 'form_key') };
}

const balanceOf = async (tokens: Tokens) => (await call(server.url, 'GET', '/v1/balance', { token: tokens.access_token })).body;
const countRows = async (sql: string, params: unknown[]) => Number((await server.ctx.db.read((tx) => tx.get<{ n: unknown }>(sql, params)))!.n);

describe('buying a pack', () => {
  it('shows the packs with prices and says payment is simulated', async () => {
    const { b } = await shopper();
    const r = await b.get('/store');
    expect(r.status).toBe(200);
    const text = visible(r.text);
    expect(text).toContain('100 credits');
    expect(text).toContain('$4.99');
    expect(text).toContain('500 credits');
    expect(text).toContain('$19.99');
    expect(text).toContain('1,200 credits');
    expect(text).toContain('$39.99');
    expect(text).toContain('Payment is simulated.');
    const checkout = await b.get('/store/checkout?pack=pack-500');
    expect(visible(checkout.text)).toContain('Pay $19.99 (simulated)');
  });

  it('records the order, grants a purchased batch valid 2 years, pushes it, and links back to Cutline', async () => {
    const { b, tokens } = await shopper();
    const sse = await openSse(server.url, tokens.access_token);
    try {
      const form = await checkoutForm(b, 'pack-500');
      const before = Date.now();
      const res = await b.post('/store/checkout', form);
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/^\/store\/orders\/ord_[A-Za-z0-9_-]+$/);
      const orderId = res.location!.split('/').pop()!;

      const page = await b.get(res.location!);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`href="cutline://store/complete?order=${orderId}"`);
      expect(visible(page.text)).toContain('Return to Cutline');
      expect(visible(page.text)).toContain('simulated payment');
      expect(dataNumber(page.text, 'total')).toBe(500);

      const bal = await balanceOf(tokens);
      expect(bal.byType.purchased).toBe(500);
      expect(bal.total).toBe(500);
      const batch = bal.batches.find((x: any) => x.type === 'purchased');
      expect(batch.source).toBe('store:pack-500');
      expect(Date.parse(batch.expiresAt) - Date.parse(batch.grantedAt)).toBe(730 * DAY);
      expect(Date.parse(batch.grantedAt)).toBeGreaterThanOrEqual(before - 1000);

      const pushed = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.kind === 'purchase');
      const data = JSON.parse(pushed.data);
      expect(data.balance.byType.purchased).toBe(500);
      expect(data.cause.entry).toMatchObject({ kind: 'purchase', amount: 500, type: 'purchased' });
      expect(Number(pushed.id)).toBe(bal.version);

      const order = await server.ctx.db.read((tx) => tx.get<any>('SELECT * FROM orders WHERE id = ?', [orderId]));
      expect(order).toMatchObject({ pack: 'pack-500', form_key: form.form_key, batch_id: batch.id });
      expect(Number(order.credits)).toBe(500);
      expect(Number(order.price_cents)).toBe(1999);
    } finally {
      sse.close();
    }
  });

  it('grants an order once however often the form is submitted or the order page reloaded', async () => {
    const { b, tokens, id } = await shopper();
    const form = await checkoutForm(b, 'pack-100');
    const first = await b.post('/store/checkout', form);
    const second = await b.post('/store/checkout', form);
    expect(second.status).toBe(303);
    expect(second.location).toBe(first.location);
    for (let i = 0; i < 3; i++) expect((await b.get(first.location!)).status).toBe(200);

    // Three at once, with another fresh form: still one order each.
    const other = await checkoutForm(b, 'pack-100');
    const racing = await Promise.all([0, 1, 2].map(() => b.post('/store/checkout', other)));
    expect(new Set(racing.map((r) => r.location)).size).toBe(1);
    expect(racing[0].location).not.toBe(first.location);

    const bal = await balanceOf(tokens);
    expect(bal.byType.purchased).toBe(200);
    expect(await countRows('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [id])).toBe(2);
    expect(await countRows("SELECT COUNT(*) AS n FROM ledger WHERE scope_id = ? AND kind = 'purchase'", [id])).toBe(2);
  });

  it('refuses the same form reused for another pack', async () => {
    const { b, tokens } = await shopper();
    const form = await checkoutForm(b, 'pack-100');
    expect((await b.post('/store/checkout', form)).status).toBe(303);
    const tampered = await b.post('/store/checkout', { ...form, pack: 'pack-1200' });
    expect(tampered.status).toBe(422);
    expect(visible(tampered.text)).toContain('already used to buy a different pack');
    expect((await balanceOf(tokens)).byType.purchased).toBe(100);
  });

  it('refuses a POST without the CSRF token, with a wrong one, or without a session, and changes nothing', async () => {
    const { b, tokens, id } = await shopper();
    const form = await checkoutForm(b, 'pack-1200');
    const { csrf: _csrf, ...noToken } = form;
    const missing = await b.post('/store/checkout', noToken);
    expect(missing.status).toBe(403);
    expect(visible(missing.text)).toContain('nothing was done');
    expect(missing.text).not.toMatch(/"error"\s*:/); // a page, not JSON

    const someoneElse = await shopper();
    const theirs = field((await someoneElse.b.get('/store')).text, 'csrf');
    expect((await b.post('/store/checkout', { ...form, csrf: theirs })).status).toBe(403);
    expect((await b.post('/store/checkout', { ...form, csrf: '' })).status).toBe(403);

    const anonymous = new Browser(server.url);
    expect((await anonymous.post('/store/checkout', form)).status).toBe(403);

    // A cross-site form can also post text/plain: its fields are not form fields, so no token.
    const plain = await fetch(`${server.url}/store/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: `cutline_session=${b.jar.get('cutline_session')}` },
      body: `csrf=${form.csrf}&pack=pack-1200&form_key=${form.form_key}`,
    });
    expect(plain.status).toBe(403);
    expect(plain.headers.get('content-type')).toContain('text/html');

    expect((await balanceOf(tokens)).total).toBe(0);
    expect(await countRows('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [id])).toBe(0);
    // The genuine form still works afterwards.
    expect((await b.post('/store/checkout', form)).status).toBe(303);
    expect((await balanceOf(tokens)).byType.purchased).toBe(1200);
  });

  it('answers bad packs, bad keys and other people’s orders with pages', async () => {
    const { b } = await shopper();
    expect((await b.get('/store/checkout?pack=pack-9999')).status).toBe(404);
    const form = await checkoutForm(b, 'pack-100');
    const badPack = await b.post('/store/checkout', { ...form, pack: 'pack-9999' });
    expect(badPack.status).toBe(400);
    expect(visible(badPack.text)).toContain('There is no such credit pack.');
    expect((await b.post('/store/checkout', { ...form, form_key: 'short' })).status).toBe(400);

    const mine = await b.post('/store/checkout', form);
    const other = await shopper();
    const peek = await other.b.get(mine.location!);
    expect(peek.status).toBe(404);
    expect(peek.headers.get('content-type')).toContain('text/html');
    expect((await other.b.get('/store/orders/ord_nope')).status).toBe(404);
    expect((await other.b.get('/store/orders/%3Cscript%3E')).text).not.toContain('<script>');
  });

  it('lists recent orders and warns before buying the same pack again', async () => {
    const { b } = await shopper();
    const form = await checkoutForm(b, 'pack-100');
    const done = await b.post('/store/checkout', form);
    const store = await b.get('/store');
    expect(store.text).toContain(`href="${done.location}"`);
    const again = await b.get('/store/checkout?pack=pack-100');
    expect(visible(again.text)).toContain('Paying again buys it a second time.');
    expect(field(again.text, 'form_key')).not.toBe(form.form_key);
  });
});
