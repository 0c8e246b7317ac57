/** Forged form posts: without the session's CSRF token (same site), or from another site, nothing happens. */
import { call, newUser } from '@cutline/service/test/helpers/client';
import { expect, shot, signInThroughPage, test } from './support';

const forgedCheckout = (action: string) => `<!doctype html><title>Free credits!</title>
<form method="post" action="${action}"><input type="hidden" name="pack" value="pack-1200"><input type="hidden" name="form_key" value="forged-form-key-0123456789">
<button type="submit">Claim</button></form>`;

test('a POST without the CSRF token is refused with a page, and changes nothing', async ({ page, server }, info) => {
  const user = await newUser(server.url);
  await signInThroughPage(page, user.email, 'password-123', '/store');
  // A page on the service's own origin (as if injected) that posts the checkout without a token.
  await page.route(`${server.url}/__forged`, (route) => route.fulfill({ contentType: 'text/html', body: forgedCheckout('/store/checkout') }));
  await page.goto('/__forged');
  await page.getByRole('button', { name: 'Claim' }).click();
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('nothing was done');
  await shot(page, info, 'csrf-refused');

  // From another site the browser does not even send the session cookie (SameSite=Lax).
  await page.route('http://evil.test/**', (route) => route.fulfill({ contentType: 'text/html', body: forgedCheckout(`${server.url}/store/checkout`) }));
  await page.goto('http://evil.test/');
  await page.getByRole('button', { name: 'Claim' }).click();
  await expect(page.getByRole('alert')).toContainText('You are not signed in');

  const bal = await call(server.url, 'GET', '/v1/balance', { token: user.tokens.access_token });
  expect(bal.body.total).toBe(0);
  await page.goto('/store');
  await expect(page.getByRole('heading', { name: 'Your recent orders' })).toHaveCount(0);
});
