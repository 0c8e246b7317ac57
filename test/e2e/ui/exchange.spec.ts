/** A Pro-uses account: the exchange prompt on its first eligible AI action, remembered; the exchange done on the web. */
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, createProUsesAccount, openEditor, shot, waitForOpened } from './support';

test('the exchange prompt: Learn More opens the web exchange, Not now goes on with 1 Pro use and is remembered', async ({ app, browserHost, service }, info) => {
  const account = await createProUsesAccount(service.url, 50);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('50 Pro uses');
  const clip = await addClip(app, 'Sunrise over the bay');

  await chooseTool(app, clip, 'Remove Background');
  const prompt = app.getByRole('dialog', { name: 'Switch to flexible credits?' });
  await expect(prompt).toContainText('Would you like to switch from Pro uses to flexible credits?');
  await expect(prompt).toContainText('Your 50 Pro uses would become 40 credits');
  await shot(app, info, 'exchange-prompt');

  const before = browserHost.opened().length;
  await prompt.getByRole('button', { name: 'Learn More' }).click();
  const opened = await waitForOpened(browserHost.opened, (u) => u.pathname === '/handoff', before);
  expect(opened.origin).toBe(new URL(service.server.publicUrl).origin);
  expect(opened.searchParams.get('next')).toBe('/exchange');
  await expect(prompt).toContainText('The exchange page is open in your browser.');

  await prompt.getByRole('button', { name: 'Not now' }).click();
  const confirm = app.getByRole('alertdialog', { name: 'Remove Background' });
  await expect(confirm).toContainText('This will use 1 Pro use.');
  await confirm.getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job').filter({ hasText: 'Remove Background' })).toHaveAttribute('data-status', 'done');
  await expect(chip(app)).toHaveText('49 Pro uses');

  // Remembered across a restart of the page: the next eligible action goes straight to confirm.
  await openEditor(app, browserHost.url);
  await chooseTool(app, clip, 'Auto Captions');
  await expect(app.getByRole('alertdialog', { name: 'Auto Captions' })).toContainText('This will use 1 Pro use.');
  await expect(app.getByRole('dialog', { name: 'Switch to flexible credits?' })).toHaveCount(0);
});

test('Exchange Now: the exchange happens on the web, and the app shows the result the moment it is done', async ({ app, browserHost, service, context }, info) => {
  const account = await createProUsesAccount(service.url, 50);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Forest trail');
  await chooseTool(app, clip, 'Remove Background');
  const tabOpened = context.waitForEvent('page');
  await app.getByRole('button', { name: 'Exchange Now' }).click();
  await expect(app.getByRole('dialog')).toHaveCount(0);

  // The user exchanges in the browser tab the app opened (signed in there by the handoff link).
  const tab = await tabOpened;
  await tab.waitForLoadState();
  await expect(tab.locator('p[data-equation]')).toContainText('50 Pro uses = 40 credits');
  await tab.getByRole('link', { name: 'Continue' }).click();
  await tab.getByLabel(/I understand that exchanging is permanent/).check();
  await tab.getByRole('button', { name: 'Exchange 50 Pro uses for 40 credits' }).click();
  await expect(tab.getByRole('heading', { name: 'Exchange complete' })).toBeVisible();

  // The push alone updates the chip; the Return to Cutline link then brings the notice.
  await expect(chip(app)).toHaveText('40 credits');
  expect(await browserHost.deliverDeepLink('cutline://exchange/complete')).toBe('delivered');
  await expect(app.getByTestId('notice').filter({ hasText: 'Exchange complete.' })).toBeVisible();
  await shot(app, info, 'exchange-complete');

  // Now it's credits, and no prompt any more.
  await chooseTool(app, clip, 'Auto Captions');
  await expect(app.getByRole('alertdialog', { name: 'Auto Captions' })).toContainText('This will use 3 credits. Continue?');
  await expect(app.getByRole('alertdialog', { name: 'Auto Captions' })).toContainText('Using 3 subscription credits');
});
