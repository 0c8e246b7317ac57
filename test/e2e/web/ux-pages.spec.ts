/** New web screens with JavaScript off: Pro checkout, history one row per action with a time-zone setting, 404, a used handoff link. */
import { call, newUser, signIn } from '@cutline/service/test/helpers/client';
import { accountWithHistory, expect, shot, signInThroughPage, test } from './support';

test('upgrade to Pro from the pricing page: choose annual, simulated payment, welcome page with Return to Cutline', async ({ page, server }, info) => {
  const user = await newUser(server.url);
  await signInThroughPage(page, user.email, 'password-123', '/store');
  await page.goto('/pricing');
  await shot(page, info, 'pricing-with-choices');
  await page.getByRole('link', { name: 'Choose Pro annual' }).click();
  await expect(page.getByRole('heading', { name: 'Upgrade to Pro' })).toBeVisible();
  await expect(page.getByText('Payment is simulated.')).toBeVisible();
  await expect(page.getByRole('radio', { name: /Pro \(annual\)/ })).toBeChecked();
  await shot(page, info, 'upgrade-checkout');
  await page.getByRole('button', { name: 'Pay and upgrade (simulated)' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Pro' })).toBeVisible();
  await expect(page.locator('td[data-total]')).toHaveText('2,400 credits (2,400 subscription)');
  await expect(page.getByRole('link', { name: 'Return to Cutline' })).toHaveAttribute('href', 'cutline://upgrade/complete');
  await shot(page, info, 'upgrade-complete');
  await page.goto('/upgrade');
  await expect(page.getByRole('heading', { name: 'You are already on Pro' })).toBeVisible();
  await shot(page, info, 'upgrade-already-pro');
});

test('history: one row per action with signed amounts, device names, times in the chosen zone', async ({ page, server }, info) => {
  const { user } = await accountWithHistory(server);

  await signInThroughPage(page, user.email, 'password-123', '/credits');
  await expect(page.locator('[data-expiring-soon]')).toContainText(/25 activity credits expire on \w+day/);
  const rows = page.locator('#history tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Held, then returned');
  await expect(rows.nth(0)).toContainText('−3 credits → +3 credits');
  await expect(rows.nth(0)).toContainText('Desktop · 81b2e0');
  await expect(rows.nth(1)).toContainText('Spent (held, then the AI action succeeded)');
  await expect(rows.nth(1)).toContainText('−5 credits');
  await expect(rows.nth(1)).toContainText('Mobile · 4f2a9c');
  await expect(rows.nth(0).locator('td').first()).toContainText('UTC');
  await page.getByLabel('Times shown in').selectOption('Asia/Tokyo');
  await page.getByRole('button', { name: 'Use this time zone' }).click();
  await expect(page.getByText('Times in Asia/Tokyo')).toBeVisible();
  await expect(rows.nth(0).locator('td').first()).toContainText('GMT+9');
  // The date stays on one line.
  expect(await rows.nth(0).locator('td').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string } }).getComputedStyle(el).whiteSpace)).toBe('nowrap');
  await shot(page, info, 'credits-history-tokyo');
});

test('friendly 404 and a used handoff link for a signed-in browser', async ({ page, server }, info) => {
  const user = await newUser(server.url);
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await shot(page, info, 'not-found');
  const t = await signIn(server.url, user.email, 'password-123');
  const link = (await call(server.url, 'POST', '/v1/handoff', { token: t.access_token, body: { next: '/store' } })).body.url as string;
  await page.goto(link);
  await expect(page).toHaveURL(/\/store$/);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Continue to the store' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toHaveCount(0);
  await shot(page, info, 'handoff-used-signed-in');
});
