/** Buying a pack in the browser: balance and the return link, one grant per form, the push to a desktop client. */
import { call, newUser, signIn } from '@cutline/service/test/helpers/client';
import { openSse } from '@cutline/service/test/helpers/sse';
import { expect, shot, signInThroughPage, test } from './support';

test('buy a pack: the order grants purchased credits once, shows the balance and the link back to Cutline', async ({ page, server }, info) => {
  const user = await newUser(server.url);
  const desktop = await signIn(server.url, user.email, 'password-123');
  const sse = await openSse(server.url, desktop.access_token);
  try {
    await signInThroughPage(page, user.email, 'password-123', '/store');
    await expect(page.getByText('Payment is simulated.')).toBeVisible();
    await shot(page, info, 'store');

    await page.getByRole('link', { name: 'Buy 500 credits' }).click();
    await expect(page).toHaveURL(/\/store\/checkout\?pack=pack-500$/);
    await shot(page, info, 'checkout');
    await page.getByRole('button', { name: 'Pay $19.99 (simulated)' }).click();

    await expect(page).toHaveURL(/\/store\/orders\/ord_[A-Za-z0-9_-]+$/);
    const orderId = page.url().split('/').pop()!;
    await expect(page.getByRole('heading', { name: 'Thank you: 500 credits added' })).toBeVisible();
    await expect(page.locator('td[data-total]')).toHaveText('500 credits (500 purchased)');
    await expect(page.getByRole('link', { name: 'Return to Cutline' })).toHaveAttribute('href', `cutline://store/complete?order=${orderId}`);
    await shot(page, info, 'order');

    // The desktop client heard about it.
    const pushed = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.kind === 'purchase');
    expect(JSON.parse(pushed.data).balance.byType.purchased).toBe(500);

    // Reloading the order page buys nothing more.
    await page.reload();
    await expect(page.locator('td[data-total]')).toHaveText('500 credits (500 purchased)');
    const bal = await call(server.url, 'GET', '/v1/balance', { token: desktop.access_token });
    expect(bal.body.total).toBe(500);

    await page.goto('/credits');
    await expect(page.locator('[data-type=purchased] b')).toHaveText('500');
    await expect(page.locator('tr[data-kind=purchase]')).toHaveCount(1);
    await expect(page.locator('tr[data-batch]')).toContainText('Web store, 500-credit pack');
  } finally {
    sse.close();
  }
});

test('submitting the same checkout form twice (two tabs of one form) grants once', async ({ page, context, server }, info) => {
  const user = await newUser(server.url);
  await signInThroughPage(page, user.email, 'password-123', '/store/checkout?pack=pack-100');
  const formKey = await page.locator('input[name=form_key]').getAttribute('value');
  // Submit the form, then submit the very same form again from a copy of the page (its HTML, same key).
  const html = await page.content();
  await page.getByRole('button', { name: 'Pay $4.99 (simulated)' }).click();
  await expect(page).toHaveURL(/\/store\/orders\//);
  const first = page.url();

  const again = await context.newPage();
  await again.route(`${server.url}/__copy-of-checkout`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await again.goto('/__copy-of-checkout');
  expect(await again.locator('input[name=form_key]').getAttribute('value')).toBe(formKey);
  await again.getByRole('button', { name: 'Pay $4.99 (simulated)' }).click();
  await expect(again).toHaveURL(first);
  await shot(again, info, 'order-resubmitted');

  const bal = await call(server.url, 'GET', '/v1/balance', { token: user.tokens.access_token });
  expect(bal.body.byType.purchased).toBe(100);
});
