/** Exchanging Pro uses in the browser: what they become, the confirm step, the push, the refusal of a second exchange. */
import { signIn } from '@cutline/service/test/helpers/client';
import { openSse } from '@cutline/service/test/helpers/sse';
import { expect, shot, signInThroughPage, test } from './support';

test('exchange: Pro uses gone, credits granted, the desktop told; a second attempt is refused', async ({ page, context, server }, info) => {
  const desktop = await signIn(server.url, 'prouses@cutline.test');
  const sse = await openSse(server.url, desktop.access_token);
  try {
    await signInThroughPage(page, 'prouses@cutline.test', undefined, '/exchange');
    await expect(page.locator('p[data-equation]')).toHaveText(/^50 Pro uses = 40 credits, valid until \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$/);
    await expect(page.getByText('This cannot be undone.')).toBeVisible();
    await shot(page, info, 'exchange');

    await page.getByRole('link', { name: 'Continue' }).click();
    await expect(page).toHaveURL(/\/exchange\/confirm$/);
    // A second tab holds the same confirm form, to try again after the exchange.
    const second = await context.newPage();
    await second.goto('/exchange/confirm');

    await page.getByLabel(/I understand that exchanging is permanent/).check();
    await shot(page, info, 'exchange-confirm');
    await page.getByRole('button', { name: 'Exchange 50 Pro uses for 40 credits' }).click();
    await expect(page).toHaveURL(/\/exchange\/complete$/);
    await expect(page.getByRole('heading', { name: 'Exchange complete' })).toBeVisible();
    await expect(page.locator('td[data-pro-uses]')).toHaveText('0');
    await expect(page.getByRole('link', { name: 'Return to Cutline' })).toHaveAttribute('href', 'cutline://exchange/complete');
    await shot(page, info, 'exchange-complete');

    const pushed = await sse.waitFor((e) => e.event === 'balance' && JSON.parse(e.data).cause.kind === 'exchange');
    const data = JSON.parse(pushed.data);
    expect(data.balance.proUses).toBeNull();
    expect(data.balance.byType.subscription).toBe(40);

    await page.goto('/credits');
    await expect(page.locator('[data-total]').first()).toHaveText('40 credits');
    await expect(page.locator('[data-type=proUses]')).toHaveCount(0);
    await expect(page.locator('tr[data-batch]')).toContainText('Exchanged Pro uses');

    await second.getByLabel(/I understand that exchanging is permanent/).check();
    await second.getByRole('button', { name: 'Exchange 50 Pro uses for 40 credits' }).click();
    await expect(second.getByRole('heading', { name: 'No exchange possible' })).toBeVisible();
    await expect(second.getByRole('alert')).toContainText('already exchanged');
    await shot(second, info, 'exchange-refused-second');

    await page.goto('/credits');
    await expect(page.locator('[data-total]').first()).toHaveText('40 credits');
  } finally {
    sse.close();
  }
});

test('an account without Pro uses is refused with a clear page', async ({ page }, info) => {
  await signInThroughPage(page, 'free@cutline.test', undefined, '/exchange');
  await expect(page.getByRole('heading', { name: 'No exchange possible' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('This account has no Pro uses to exchange.');
  await shot(page, info, 'exchange-refused-no-pro-uses');
});
