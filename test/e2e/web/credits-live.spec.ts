/**
 * Issue 18 item 10: `/credits` shows a spend made on another device without a reload where
 * JavaScript runs (the page's own script over the web session), and is complete without it.
 */
import { call, charge, grant, newUser } from '@cutline/service/test/helpers/client';
import { expect, shot, signInThroughPage, test } from './support';

test.describe('with JavaScript', () => {
  test.use({ javaScriptEnabled: true });

  test('a spend on the desktop shows on /credits at once, without a reload', async ({ page, server }, info) => {
    const user = await newUser(server.url);
    await grant(server.url, user.id, 'activity', 100);
    await signInThroughPage(page, user.email, 'password-123', '/credits');
    await expect(page.locator('p.big[data-total]')).toHaveText('100 credits');
    // no navigation may happen: a reload would lose this mark
    await page.evaluate(() => ((globalThis as unknown as { stillHere: boolean }).stillHere = true));
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    const held = await charge(server.url, user.tokens.access_token, 'ai-portrait', { id: 'desk-live', platform: 'desktop' });
    await expect(page.locator('p.big[data-total]')).toHaveText('85 credits');
    await expect(page.locator('[data-held]')).toContainText('15 credits more are held');
    // a screen reader hears it: the page's polite status says the new balance
    const said = page.locator('[data-live-status]');
    await expect(said).toHaveAttribute('role', 'status');
    await expect(said).toHaveText('Your balance changed: 85 credits.');
    await call(server.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token: user.tokens.access_token });
    await expect(page.locator('#history tbody tr').first()).toContainText('Spent');
    await expect(page.locator('[data-held]')).toHaveText('Nothing is held.');
    expect(await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(errors).toEqual([]); // nothing refused by the CSP
    await shot(page, info, 'credits-live');
  });
});

test('without JavaScript the page is whole, and current when loaded', async ({ page, server }) => {
  const user = await newUser(server.url);
  await grant(server.url, user.id, 'activity', 40);
  await signInThroughPage(page, user.email, 'password-123', '/credits');
  await expect(page.locator('p.big[data-total]')).toHaveText('40 credits');
  await charge(server.url, user.tokens.access_token, 'auto-captions');
  await page.reload();
  await expect(page.locator('p.big[data-total]')).toHaveText('37 credits');
});
